/**
 * A home shared with a group (contract §14): a setgid directory whose group may enter it, as the NixOS module
 * (2770), a Kubernetes fsGroup volume (2775) and `chmod g+s` make one. Everything made in it then takes its
 * group, and the group is who the home is shared with. The drop's umask follows such a home.
 */
import type { Owned } from "./access.ts";
import type { Failure } from "./failure.ts";
import { type Lstat, lookUpPath } from "./pathLookup.ts";

export const SETGID = 0o2000;
const GROUP_SEARCH = 0o010;
const OTHERS_READ = 0o004;

export interface Sharing {
  /** The group the home is shared with: the home's own. */
  gid: number;
  /** The home's mode: its group bits are what the tree grants the group. */
  mode: number;
}

/** The sharing of a directory, or undefined when it is not a setgid one its group may enter. */
export function sharingOf(node: Owned & { kind: string }): Sharing | undefined {
  if (node.kind !== "dir" || (node.mode & SETGID) === 0 || (node.mode & GROUP_SEARCH) === 0) return undefined;
  return { gid: node.gid, mode: node.mode & 0o7777 };
}

/** Whether others may read the shared home: then what is made in it may stay readable by them. */
export const openToOthers = (sharing: Sharing) => (sharing.mode & OTHERS_READ) !== 0;

/**
 * The umask the drop sets: the build's, narrowed to 0007's bits in a shared home others cannot read, so that
 * nothing the CLI makes there is readable by those the home keeps out. It only ever narrows the build's. A home
 * whose sharing could not be examined has no umask of its own: the drop refuses there (decide.ts).
 */
export function dropUmask(umask: number, sharing: Sharing | undefined): number {
  return sharing && !openToOthers(sharing) ? umask | 0o007 : umask;
}

/**
 * The sharing of the directory `path` names, through every symlink; undefined for anything else, and the failure
 * of a call on the way that kept it from being known.
 */
export function homeSharing(path: string, lstat: Lstat): Sharing | undefined | Failure {
  return lookUpPath<Sharing | undefined | Failure>(path, lstat, {
    through: () => undefined,
    end: (_dir, node) => sharingOf(node),
    missing: () => undefined,
    broken: () => undefined,
    unexamined: (failure) => failure,
  });
}
