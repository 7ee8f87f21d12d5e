/**
 * What the runtime user needs of each node s6 controls a service through,
 * and what `doctor --fix` may change so that it has it: the modes
 * `s6-svperms -G GROUP -E GROUP` sets (supervise/ 0710, its control FIFO
 * 0620, the event/ fifodir 03730, all of group GROUP), and the same for the
 * scanner's .s6-svscan/ and its control FIFO. Owners stay root: whoever owned
 * supervise/ could plant a symlink where s6-supervise, as root, writes status.
 */

import { mayAccess, READ, SEARCH, WRITE } from "../../core/access.ts";
import type { NodeStat } from "../../core/node.ts";
import type { Account } from "../../core/passwd.ts";

export type Role =
  /** A directory on the way to a service or the scan directory: never changed. */
  | "path"
  | "supervise"
  | "control"
  /** Rewritten by s6-supervise on every change of state, with its own umask: never changed. */
  | "status"
  | "event"
  | "scanner"
  | "scanner-control";

export const NEEDS: Record<Role, number> = {
  path: SEARCH,
  supervise: SEARCH,
  control: WRITE,
  status: READ,
  event: WRITE | SEARCH,
  scanner: SEARCH,
  "scanner-control": WRITE,
};

const S_IFMT = 0o170000;
const S_IFIFO = 0o010000;

/** The group permission each changeable role gets; event/ gets s6's own restricted fifodir mode whole. */
const GROUP_BITS: Partial<Record<Role, number>> = {
  supervise: 0o010,
  scanner: 0o010,
  control: 0o020,
  "scanner-control": 0o020,
};
const FIFODIR = 0o3730;

export type Repair =
  /** The runtime user already has what it needs. */
  { kind: "none" } | { kind: "change"; gid: number; mode: number } | { kind: "refused"; reason: string };

export const isFifo = (node: NodeStat) => (node.mode & S_IFMT) === S_IFIFO;

/** What --fix does to `node` in `role` so that `account` can use it, judged from its stat alone. */
export function repair(role: Role, node: NodeStat, account: Account): Repair {
  if (mayAccess(node, account, NEEDS[role])) return { kind: "none" };
  const bits = GROUP_BITS[role];
  if (role !== "event" && bits === undefined) return { kind: "refused", reason: "doctor --fix never changes it" };
  const fifo = role === "control" || role === "scanner-control";
  if (fifo ? !isFifo(node) : node.kind !== "dir")
    return { kind: "refused", reason: `not a ${fifo ? "FIFO" : "directory"}, as s6 makes it: left alone` };
  if (node.uid !== 0)
    return { kind: "refused", reason: `owned by uid ${node.uid}, not root as s6 makes it: left alone` };
  if (fifo && node.nlink > 1) return { kind: "refused", reason: "it has other hard links: left alone" };
  const mode = role === "event" ? FIFODIR : (node.mode & 0o7707) | (bits ?? 0);
  return { kind: "change", gid: account.gid, mode };
}
