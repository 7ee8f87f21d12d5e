/**
 * What doctor does with one node under the home, given only its lstat. The
 * walk in src/admin/sys/walk.ts asks again for every node it is about to change,
 * on the node it actually opened, so a tree that changes meanwhile is judged
 * by what is there, not by what was there.
 */

import { mayAccess, type Principal, READ, SEARCH, WRITE } from "../../core/access.ts";
import type { NodeStat } from "../../core/node.ts";
import type { Sharing } from "../../core/sharing.ts";

export type Verdict =
  /** Already the runtime user's: nothing to check or change. */
  | { kind: "owned"; enter: boolean }
  /**
   * Someone else's; `--fix` gives it to the runtime user. `shared`: the runtime user reads it through a group it
   * holds (a Kubernetes fsGroup volume, a group the runtime granted), which is how such a volume is meant to work.
   */
  | { kind: "foreign"; readable: boolean; shared: boolean; enter: boolean }
  /** Someone else's, with another name that may be outside the home: chowning it could hand over that file. */
  | { kind: "linked"; readable: boolean }
  /** A device, FIFO or socket that is someone else's: handing a device to the agent would give it the device. */
  | { kind: "special" }
  /** Another filesystem mounted under the home: outside what doctor may touch. */
  | { kind: "mount" };

/**
 * `dev` is the home's filesystem. Only directories are compared with it:
 * overlayfs gives files of different layers different st_dev, while a
 * mount, even a bind mount of a single file, always shows as a mount root.
 */
export function verdictFor(node: NodeStat, user: Principal, dev: string): Verdict {
  if (node.mountRoot || (node.kind === "dir" && node.dev !== dev)) return { kind: "mount" };
  const enter = node.kind === "dir";
  if (node.uid === user.uid) return { kind: "owned", enter };
  if (node.kind === "other") return { kind: "special" };
  // A symlink's own permissions are never checked: reading through it depends on its target.
  const readable = node.kind === "symlink" || mayAccess(node, user, enter ? READ | SEARCH : READ);
  if (!enter && node.nlink > 1) return { kind: "linked", readable };
  const shared = node.kind !== "symlink" && readable && user.groups.includes(node.gid);
  return { kind: "foreign", readable, shared, enter };
}

/**
 * The group --fix gives a node with its owner: in a home shared with a group (contract §14) the tree's group;
 * else its own where the runtime user holds it (a Kubernetes fsGroup volume keeps the group every pod that
 * mounts it shares), else the runtime user's primary group.
 */
export function fixedGid(node: { gid: number }, user: Principal & { gid: number }, sharing?: Sharing): number {
  if (sharing) return sharing.gid;
  return user.groups.includes(node.gid) ? node.gid : user.gid;
}

/**
 * Whether --fix leaves the top of a shared home with its owner: the group already grants the runtime user all
 * it needs there, and a runtime user that owned it would have the CLI chmod it 0700, shutting the group out.
 */
export function keepsOwner(home: NodeStat, user: Principal, sharing: Sharing | undefined): boolean {
  return sharing !== undefined && mayAccess(home, user, READ | WRITE | SEARCH);
}
