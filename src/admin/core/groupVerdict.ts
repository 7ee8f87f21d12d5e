/**
 * What doctor makes of one entry of a home shared with a group (contract §14), given only its lstat: what the
 * group lacks there, and what --fix gives back. It only ever adds: the tree's group, and bits the tree grants.
 * The walk asks again, through a handle on the node, before it changes anything.
 */
import type { NodeStat } from "../../core/node.ts";
import { SETGID, type Sharing } from "../../core/sharing.ts";

/**
 * Files the CLI keeps 0600 on purpose, wherever a home of its is (a profile's too): credentials and keys. They
 * are neither judged for the group nor opened to it.
 */
export const PRIVATE_FILES: readonly string[] = ["auth.json", ".env"];

export type GroupLack =
  /** A file the group cannot read. */
  | "unreadable"
  /** A directory the group cannot enter, list or, where the tree grants it, write. */
  | "closed"
  /** A directory without the setgid bit: what is made in it loses the tree's group. */
  | "unset"
  /** An entry that is not the tree's group. */
  | "regrouped";

const GROUP_READ = 0o040;
const GROUP_WRITE = 0o020;
/** What a shared directory always grants its group: entering and listing it. */
const GROUP_ENTER = 0o050;

/** The group's bits every directory of the tree should have: the home's own, and always enter and list. */
const dirBits = (sharing: Sharing) => (sharing.mode & 0o070) | GROUP_ENTER;

/** What the group lacks at `node`, called `name`: nothing for a symlink, a device or a private file. */
export function groupLacks(node: NodeStat, name: string, sharing: Sharing): GroupLack[] {
  if (node.kind === "symlink" || node.kind === "other") return [];
  if (node.kind === "file" && PRIVATE_FILES.includes(name)) return [];
  const lacks: GroupLack[] = [];
  if (node.kind === "file" && (node.mode & GROUP_READ) === 0) lacks.push("unreadable");
  if (node.kind === "dir") {
    const bits = dirBits(sharing);
    if ((node.mode & bits) !== bits) lacks.push("closed");
    if ((node.mode & SETGID) === 0) lacks.push("unset");
  }
  if (node.gid !== sharing.gid) lacks.push("regrouped");
  return lacks;
}

/**
 * The group and mode --fix gives `node`, which lacks something: the tree's group; on a directory the tree's
 * group bits and setgid; on a file the group can no longer read, read, and write where `parentMode` (its
 * directory's, as --fix leaves it) grants the group write. Bits are only ever added.
 */
export function restored(node: NodeStat, parentMode: number, sharing: Sharing): { gid: number; mode: number } {
  const mode = node.mode & 0o7777;
  if (node.kind === "dir") return { gid: sharing.gid, mode: mode | dirBits(sharing) | SETGID };
  const write = (parentMode & GROUP_WRITE) !== 0 ? GROUP_WRITE : 0;
  return { gid: sharing.gid, mode: (mode & GROUP_READ) === 0 ? mode | GROUP_READ | write : mode };
}
