/**
 * What the kernel says about how this process was started: its real and
 * effective ids, AT_SECURE, and its effective capabilities. A setuid or
 * setgid install, or a privileged exec, lets a caller start the shim with
 * privileges the caller does not have; and root without CAP_SETUID and
 * CAP_SETGID cannot drop to anyone.
 */
import { procRow, words } from "./procText.ts";

/** getauxval's AT_SECURE: the kernel ran this program with privileges its caller lacks. */
export const AT_SECURE = 23n;
export const CAP_SETGID = 6;
export const CAP_SETUID = 7;

export interface Started {
  ruid: number;
  euid: number;
  rgid: number;
  egid: number;
  /** AT_SECURE, or undefined if it could not be read. */
  secure: boolean | undefined;
}

/** Why the process may be steered by someone other than whoever it runs for, or undefined if it cannot be. */
export function privilegedStart(s: Started): string | undefined {
  if (s.ruid !== s.euid) return `it was started with real uid ${s.ruid} but effective uid ${s.euid}`;
  if (s.rgid !== s.egid) return `it was started with real gid ${s.rgid} but effective gid ${s.egid}`;
  if (s.secure === undefined) return "it cannot tell whether it was started setuid or setgid (AT_SECURE unreadable)";
  if (s.secure) return "it was started in secure-execution mode (AT_SECURE: a setuid, setgid or file-capability exec)";
  return undefined;
}

/** Parsed by hand, like the row it comes from (procText.ts). */
function hexValue(text: string): bigint | undefined {
  // Stryker disable next-line ConditionalExpression: words() never yields an empty word, so the empty case cannot be reached
  if (text.length === 0 || text.length > 16) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return undefined;
  }
  return BigInt(`0x${text}`);
}

/** A capability mask ("CapEff:", "CapBnd:") from the text of /proc/self/status. */
export function parseCapRow(status: string, key: "CapEff:" | "CapBnd:"): bigint | undefined {
  const row = procRow(status, key);
  const value = row === undefined ? undefined : words(row)[0];
  return value === undefined ? undefined : hexValue(value);
}

/** The CapEff mask from the text of /proc/self/status. */
export function parseCapEff(status: string): bigint | undefined {
  return parseCapRow(status, "CapEff:");
}

export function hasCap(mask: bigint, cap: number): boolean {
  return ((mask >> BigInt(cap)) & 1n) === 1n;
}

/** The capabilities a drop needs that `mask` lacks, by name; undefined mask means unknown. */
export function missingDropCaps(mask: bigint | undefined): string[] | undefined {
  if (mask === undefined) return undefined;
  const missing: string[] = [];
  if (!hasCap(mask, CAP_SETUID)) missing.push("CAP_SETUID");
  if (!hasCap(mask, CAP_SETGID)) missing.push("CAP_SETGID");
  return missing;
}

/** AT_SECURE from the bytes of /proc/self/auxv (pairs of native 64-bit words, little-endian on x86-64 and aarch64). */
export function auxvSecure(auxv: Uint8Array): boolean | undefined {
  const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
  for (let off = 0; off + 16 <= auxv.length; off += 16) {
    const type = view.getBigUint64(off, true);
    if (type === 0n) return undefined;
    // Stryker disable next-line BooleanLiteral: byte order cannot change whether a word is zero
    if (type === AT_SECURE) return view.getBigUint64(off + 8, true) !== 0n;
  }
  return undefined;
}
