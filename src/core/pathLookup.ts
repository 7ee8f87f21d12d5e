/**
 * A path looked up the way the kernel looks it up, from / one name at a
 * time, through every symlink: the one look-up behind both the trust check (may
 * root run what it names?) and the reach check (can a user get to it?).
 */
import type { Failure } from "./failure.ts";
import type { NodeKind, NodeStat } from "./node.ts";
import { dirname, join, names } from "./paths.ts";

/** What a look-up needs of a node: its kind, and who owns it and may change it. */
export type Node =
  | { kind: "missing" }
  /** Not examined: the call that would have said what is there failed (contract §13). */
  | { kind: "unexamined"; failure: Failure }
  | { kind: "symlink"; target: string }
  | ({ kind: Exclude<NodeKind, "symlink"> } & Pick<NodeStat, "uid" | "gid" | "mode">);

/** lstat-like view of the filesystem (never follows the last symlink). */
export type Lstat = (path: string) => Node;

/** A node the look-up stands on: never a symlink (it is followed), missing, or unexamined. */
export type Reached = Exclude<Node, { kind: "symlink" } | { kind: "missing" } | { kind: "unexamined" }>;

/** What a look-up makes of what it meets; a result from `through` stops it there. */
export interface PathVisitor<T> {
  /** A node with names still to look up in it: / first, then each one on the way. */
  through(path: string, node: Reached): T | undefined;
  /** The node the whole path names. */
  end(path: string, node: Reached): T;
  /** A name that does not exist, looked up in the directory `dir`. */
  missing(path: string, dir: string, node: Reached): T;
  /** The look-up cannot go on: a symlink loop, or a directory that is gone. */
  broken(reason: string): T;
  /** A node on the way that could not be examined: nothing is known beyond it. */
  unexamined(failure: Failure): T;
}

const MAX_SYMLINKS = 40;

/** Looks up the absolute `path`: `..` is taken from the directory reached, as the kernel takes it. */
export function lookUpPath<T>(path: string, lstat: Lstat, visit: PathVisitor<T>): T {
  let dir = "/";
  let pending = names(path);
  let hops = 0;
  const root = lstat(dir);
  let node = root;
  for (;;) {
    if (node.kind === "unexamined") return visit.unexamined(node.failure);
    if (node.kind === "missing" || node.kind === "symlink") return visit.broken(`${dir} is not a directory`);
    if (pending.length === 0) return visit.end(dir, node);
    const stop = visit.through(dir, node);
    if (stop !== undefined) return stop;
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (name === "..") {
      dir = dirname(dir);
      node = lstat(dir);
      continue;
    }
    const here = join(dir, name);
    const next = lstat(here);
    if (next.kind === "missing") return visit.missing(here, dir, node);
    if (next.kind === "symlink") {
      if (++hops > MAX_SYMLINKS) return visit.broken(`${path}: too many levels of symbolic links`);
      if (next.target.startsWith("/")) {
        dir = "/";
        node = root;
      }
      pending = [...names(next.target), ...pending];
      continue;
    }
    dir = here;
    node = next;
  }
}
