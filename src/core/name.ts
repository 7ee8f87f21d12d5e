/**
 * The questions the shim asks of argv[0] on every call: is it the admin
 * name, and otherwise which command is it. Both look only at its last path
 * element, as raw bytes compared by hand (no decoding, regex or array
 * builtin on the hot path).
 */
import type { Bytes } from "./bytes.ts";
import type { Command } from "./config.ts";

const SLASH = 0x2f;

/** The name under which the binary is its own admin CLI. */
export function adminName(product: string): string {
  return `${product}-exec-shim`;
}

/** A variable of the product's, by the one rule that names them all: hermes-x and HOME give HERMES_X_HOME. */
export function productVar(product: string, suffix: string): string {
  return `${product.toUpperCase().replaceAll("-", "_")}_${suffix}`;
}

/** The last path element of argv[0]; empty when argv[0] is missing or ends in a slash. */
export function baseName(argv0: Bytes | undefined): Bytes {
  return argv0 ? argv0.subarray(argv0.lastIndexOf(SLASH) + 1) : new Uint8Array(0);
}

/** config.ts admits only ASCII names, so comparing char codes with bytes is exact. */
function isText(base: Bytes, text: string): boolean {
  if (base.length !== text.length) return false;
  for (let i = 0; i < base.length; i++) if (base[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** True when the basename of the raw argv[0] is the admin name. */
export function isAdminName(argv0: Bytes | undefined, product: string): boolean {
  return isText(baseName(argv0), adminName(product));
}

/** What argv[0] names: one of the build's commands, or, when it names none, that name as text. */
export type Called = Command | { unknown: string };

/** The command whose name is the basename of the raw argv[0]. */
export function calledCommand(argv0: Bytes | undefined, commands: readonly Command[]): Called {
  const base = baseName(argv0);
  for (const command of commands) if (isText(base, command.name)) return command;
  // Off the hot path: only a name the build does not know is decoded, to be named in the refusal.
  return { unknown: new TextDecoder().decode(base) };
}
