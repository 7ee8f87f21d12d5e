/**
 * The environment the CLI gets beside the caller's (contract §3, §16): the home variable for a caller that has
 * none, and on the drop the variables that name the user, as runuser, su and sudo set them. Nothing of root's
 * stays where it would name root to a process of the runtime user's: its runtime directory least of all.
 */
import { type Bytes, bytes, envWith, text } from "./bytes.ts";
import type { CliHome } from "./cliHome.ts";
import type { ShimConfig } from "./config.ts";
import { type Failure, failureText } from "./failure.ts";
import type { Node } from "./pathLookup.ts";

/** One variable the shim sets or removes, and why, in explain's words. */
export type EnvChange = { name: string; value: Bytes; why: string } | { name: string; unset: true; why: string };

/** The variable the desktop's session gives its user's own runtime directory (pam_systemd: /run/user/UID). */
export const RUNTIME_DIR_VAR = "XDG_RUNTIME_DIR";

/** The caller's XDG_RUNTIME_DIR, and what lstat finds at it where it is an absolute path. */
export interface RuntimeDir {
  value: Bytes;
  node?: Node;
}

/** The home variable, for a caller whose value is blank: the boot's or the build's, said where it came from. */
export function homeChange(home: CliHome): EnvChange[] {
  if (home.source === "caller") return [];
  const why = home.boot && "from" in home.boot ? `from ${home.boot.from}` : "the build's home";
  return [{ name: home.variable, value: home.value, why: `the caller's was unset or blank: ${why}` }];
}

/** Why the runtime user must not get the caller's runtime directory, or undefined where it is the user's own. */
function notOwn(dir: RuntimeDir, uid: number | undefined, user: string): string | undefined {
  const node = dir.node;
  if (node === undefined) return "it is not an absolute path";
  if (uid === undefined) return `${user}'s uid is not known to the shim, so it cannot tell whose it is`;
  if (node.kind === "missing") return "it does not exist";
  if (node.kind === "unexamined") return failureText(node.failure);
  if (node.kind === "symlink") return "it is a symbolic link";
  if (node.kind !== "dir") return "it is not a directory";
  return node.uid === uid ? undefined : `it is uid ${node.uid}'s, not ${user}'s`;
}

const quote = (value: Bytes) => JSON.stringify(text(value));

/**
 * The drop's variables that name the user: HOME, USER and LOGNAME the runtime user's, and the caller's runtime
 * directory handed on only when it is the runtime user's own (`uid`, where the shim knows it).
 */
export function dropUserEnv(config: ShimConfig, uid: number | undefined, dir: RuntimeDir | undefined): EnvChange[] {
  const { user, home } = config;
  const changes: EnvChange[] = [
    { name: "HOME", value: bytes(home), why: `${user}'s home (the build's --home)` },
    { name: "USER", value: bytes(user), why: `the user the CLI runs as, as su and runuser set it` },
    { name: "LOGNAME", value: bytes(user), why: `the user the CLI runs as, as su and runuser set it` },
  ];
  if (dir === undefined) return changes;
  const why = notOwn(dir, uid, user);
  if (why)
    changes.push({ name: RUNTIME_DIR_VAR, unset: true, why: `${quote(dir.value)} is not ${user}'s own: ${why}` });
  return changes;
}

/** The failure that kept the caller's runtime directory from being examined, which a warning tells (contract §13). */
export function runtimeDirFailure(dir: RuntimeDir | undefined): Failure | undefined {
  return dir?.node?.kind === "unexamined" ? dir.node.failure : undefined;
}

/** The caller's environment with the plan's changes made, in order. */
export function envChanged(env: readonly Bytes[], changes: readonly EnvChange[]): Bytes[] {
  let out = [...env];
  for (const change of changes) out = envWith(out, change.name, "unset" in change ? undefined : change.value);
  return out;
}
