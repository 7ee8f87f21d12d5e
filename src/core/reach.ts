/**
 * Whether a user can reach and write the CLI's home (contract §7): every
 * directory looked up on the way, through every symlink, must be searchable
 * by that user, and the home writable; a home that does not exist yet needs
 * its nearest existing ancestor writable instead. Unix permission bits as
 * the kernel applies them (src/core/access.ts), and, where they allow the
 * write, whether the filesystem is mounted read-only, which they cannot show.
 */

import { mayAccess, type Principal, SEARCH, WRITE } from "./access.ts";
import type { Failure } from "./failure.ts";
import { type Lstat, lookUpPath, type Reached } from "./pathLookup.ts";

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
  /** `dir` is the home, or with `missing` its nearest existing ancestor, on a filesystem mounted read-only. */
  | { ok: false; blocks: "readonly"; dir: string; missing: boolean }
  /** Anything else: not a directory, a symlink loop, or a refusal the permission bits do not explain. */
  | { ok: false; blocks: "other"; reason: string }
  /** A call that would have said failed (contract §13): whether the user can use it is not known. */
  | { ok: false; blocks: "unexamined"; failure: Failure };

/** Whether the filesystem holding the directory `dir` is mounted read-only: asked only where the bits allow a write. */
export type ReadOnly = (dir: string) => boolean;

const blocker = (dir: string, node: Reached): Blocker => ({ dir, uid: node.uid, gid: node.gid, mode: node.mode });
const other = (reason: string): Reach => ({ ok: false, blocks: "other", reason });

export function reach(path: string, who: Principal, lstat: Lstat, readOnly: ReadOnly): Reach {
  const writable = (dir: string, missing: boolean): Reach =>
    readOnly(dir) ? { ok: false, blocks: "readonly", dir, missing } : { ok: true };
  return lookUpPath<Reach>(path, lstat, {
    through(dir, node) {
      if (node.kind !== "dir") return other(`${dir} is not a directory`);
      return mayAccess(node, who, SEARCH) ? undefined : { ok: false, blocks: "search", at: blocker(dir, node) };
    },
    end(dir, node) {
      if (node.kind !== "dir") return other(`${dir} is not a directory`);
      return mayAccess(node, who, WRITE | SEARCH)
        ? writable(dir, false)
        : { ok: false, blocks: "write", at: blocker(dir, node), missing: false };
    },
    // Created by the CLI where it does not exist yet: the directory it is made in must be writable.
    missing: (_here, dir, node) =>
      mayAccess(node, who, WRITE)
        ? writable(dir, true)
        : { ok: false, blocks: "write", at: blocker(dir, node), missing: true },
    broken: other,
    unexamined: (failure) => ({ ok: false, blocks: "unexamined", failure }),
  });
}
