/**
 * Whether root may execute a path (contract §4): every directory looked up on
 * the way, through every symlink, and the file itself must be owned by root
 * and writable by nobody else; otherwise whoever can write there could
 * replace what root runs.
 */
import { type NodeKind, type NodeStat, octal } from "./node.ts";

/** What the walk needs of a node: its kind, and who could rewrite it. */
export type Node =
  | { kind: "missing" }
  | { kind: "symlink"; target: string }
  | ({ kind: Exclude<NodeKind, "symlink"> } & Pick<NodeStat, "uid" | "mode">);

/** lstat-like view of the filesystem (never follows the last symlink). */
export type Lstat = (path: string) => Node;

export type Trust = { ok: true; resolved: string } | { ok: false; missing: boolean; reason: string };

const MAX_SYMLINKS = 40;

function join(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

function parent(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

/** Why a root-run node at `path` could be rewritten by someone else, if it could. */
function weakness(path: string, node: { uid: number; mode: number }): string | undefined {
  if (node.uid !== 0) return `${path} is owned by uid ${node.uid}, not root`;
  const writers = [node.mode & 0o020 ? "its group" : "", node.mode & 0o002 ? "others" : ""].filter(Boolean);
  return writers.length > 0 ? `${path} is writable by ${writers.join(" and ")} (mode ${octal(node.mode)})` : undefined;
}

export function checkTrust(path: string, lstat: Lstat): Trust {
  const fail = (reason: string, missing = false): Trust => ({ ok: false, missing, reason });
  if (!path.startsWith("/")) return fail(`${path} is not an absolute path`);
  const slash = lstat("/");
  if (slash.kind !== "dir") return fail("/ is not a directory");
  const slashWeak = weakness("/", slash);
  if (slashWeak) return fail(slashWeak);

  let dir = "/";
  let pending = path.split("/").filter((c) => c !== "" && c !== ".");
  let hops = 0;
  while (pending.length > 0) {
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (name === "..") {
      dir = parent(dir);
      continue;
    }
    const here = join(dir, name);
    const node = lstat(here);
    if (node.kind === "missing") return fail(`${here} does not exist`, true);
    if (node.kind === "symlink") {
      if (++hops > MAX_SYMLINKS) return fail(`${path}: too many levels of symbolic links`);
      if (node.target.startsWith("/")) dir = "/";
      pending = [...node.target.split("/").filter((c) => c !== "" && c !== "."), ...pending];
      continue;
    }
    const weak = weakness(here, node);
    if (weak) return fail(weak);
    if (pending.length > 0) {
      if (node.kind !== "dir") return fail(`${here} is not a directory`, true);
      dir = here;
      continue;
    }
    if (node.kind !== "file") return fail(`${here} is not a regular file`);
    if ((node.mode & 0o111) === 0) return fail(`${here} is not executable`, true);
    return { ok: true, resolved: here };
  }
  return fail(`${path} names a directory, not a program`);
}
