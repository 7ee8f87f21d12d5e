/** Gathers contract §7's facts: the CLI's homes as the caller finds them (root's drop: src/root/sys/runtimeHomes.ts). */
import { type Bytes, bytes, text, utf8 } from "../core/bytes.ts";
import type { ShimConfig } from "../core/config.ts";
import { EACCES, ENOENT, EROFS, failed, failureText } from "../core/failure.ts";
import { processStatus } from "../core/gateway.ts";
import { type Homes, homeVar } from "../core/homes.ts";
import { type Reach, type ReadOnly, reach } from "../core/reach.ts";
import { readAccount } from "./accounts.ts";
import { W_OK, X_OK } from "./libc.ts";
import type { Probe } from "./probe.ts";

/** An absolute path as text; undefined for one that is relative or not UTF-8, which is not checked. */
export function absolute(path: Bytes): string | undefined {
  return path[0] === 0x2f ? utf8(path) : undefined;
}

/**
 * access(2) answers EROFS for a write on a read-only mount once the bits allow it, which is when the look-up asks:
 * no statfs layout to know, and nothing asked of a healthy home.
 */
export const readOnlyBy =
  (probe: Pick<Probe, "access">): ReadOnly =>
  (dir) =>
    probe.access(bytes(dir), W_OK) === EROFS;

/**
 * The caller's own home: the variable's value, else the build's home. One access(2) with the kernel's own
 * judgement when all is well, which is every call on the hot path; the look-up runs only to say why not.
 */
export function callerHomes(config: ShimConfig, probe: Probe, euid: number, value: Bytes | undefined): Homes {
  const who = { uid: euid };
  const path = value ?? bytes(config.home);
  const refused = probe.access(path, W_OK | X_OK);
  const text = refused === 0 ? undefined : absolute(path);
  if (text === undefined) return { who, checks: [] };
  const variable = value === undefined ? null : homeVar(config.name);
  const held = probe.groups();
  let found: Reach = failed(held)
    ? { ok: false, blocks: "unexamined", failure: held }
    : reach(text, { uid: euid, groups: held }, probe.lstat, readOnlyBy(probe));
  // The bits and the mount allow it: a home the CLI can create, or a refusal neither explains (an ACL).
  if (found.ok && refused !== ENOENT)
    found =
      refused === EACCES
        ? { ok: false, blocks: "other", reason: failureText(probe.failure("access", text, refused)) }
        : { ok: false, blocks: "unexamined", failure: probe.failure("access", text, refused) };
  // Only for the remedies' words: where the user database cannot be read, no runtime uid is named.
  const runtime = found.ok ? undefined : readAccount(config.user, probe.read);
  const runtimeUid = runtime && !failed(runtime) ? { runtimeUid: runtime.uid } : {};
  const whose = failed(held) ? who : { ...who, groups: held, ...containerUid(probe) };
  return { who: whose, ...runtimeUid, checks: [{ variable, path: text, reach: found }] };
}

/** The uid PID 1 runs as, for the remedies' words only: nothing where /proc/1/status cannot be read. */
function containerUid(probe: Probe): { containerUid?: number } {
  const status = probe.read("/proc/1/status");
  const uid = failed(status) ? undefined : processStatus(1, text(status))?.uid;
  return uid === undefined ? {} : { containerUid: uid };
}
