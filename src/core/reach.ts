/**
 * Whether a user can reach and write the CLI's home (contract §7): every
 * directory looked up on the way, through every symlink, must be searchable
 * by that user, and the home writable; a home that does not exist yet needs
 * its nearest existing ancestor writable instead. Unix permission bits only,
 * as the kernel applies them (src/core/access.ts).
 */
import { mayAccess, type Principal, SEARCH, WRITE } from "./access.ts";
import type { Lstat } from "./trust.ts";

/** The node that stops the user, with who owns it. */
export interface Blocker {
  dir: string;
  uid: number;
  gid: number;
  mode: number;
}

export type Reach =
  | { ok: true }
  /** `dir` cannot be searched on the way to the home. */
  | { ok: false; blocks: "search"; at: Blocker }
  /** `dir` is the home, or with `missing` its nearest existing ancestor, and cannot be written. */
  | { ok: false; blocks: "write"; at: Blocker; missing: boolean }
  /** Anything else: not a directory, a symlink loop, or a refusal the permission bits do not explain. */
  | { ok: false; blocks: "other"; reason: string };

const MAX_SYMLINKS = 40;

const join = (dir: string, name: string) => (dir === "/" ? `/${name}` : `${dir}/${name}`);
const parent = (path: string) => path.slice(0, path.lastIndexOf("/")) || "/";

export function reach(path: string, who: Principal, lstat: Lstat): Reach {
  const other = (reason: string): Reach => ({ ok: false, blocks: "other", reason });
  const root = lstat("/");
  if (root.kind !== "dir") return other("/ is not a directory");
  let dir = "/";
  let node = root;
  let pending = path.split("/").filter((c) => c !== "" && c !== ".");
  let hops = 0;
  const blocker = (): Blocker => ({ dir, uid: node.uid, gid: node.gid, mode: node.mode });
  for (;;) {
    const last = pending.length === 0;
    if (!mayAccess(node, who, last ? WRITE | SEARCH : SEARCH)) {
      return last
        ? { ok: false, blocks: "write", at: blocker(), missing: false }
        : { ok: false, blocks: "search", at: blocker() };
    }
    if (last) return { ok: true };
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (name === "..") {
      dir = parent(dir);
      const up = lstat(dir);
      if (up.kind !== "dir") return other(`${dir} is not a directory`);
      node = up;
      continue;
    }
    const here = join(dir, name);
    const next = lstat(here);
    if (next.kind === "missing") {
      // Created by the CLI where it does not exist yet: the directory it is made in must be writable.
      return mayAccess(node, who, WRITE) ? { ok: true } : { ok: false, blocks: "write", at: blocker(), missing: true };
    }
    if (next.kind === "symlink") {
      if (++hops > MAX_SYMLINKS) return other(`${path}: too many levels of symbolic links`);
      if (next.target.startsWith("/")) {
        dir = "/";
        node = root;
      }
      pending = [...next.target.split("/").filter((c) => c !== "" && c !== "."), ...pending];
      continue;
    }
    if (next.kind !== "dir") return other(`${here} is not a directory`);
    dir = here;
    node = next;
  }
}
