/**
 * Unix permission bits as the kernel applies them to a non-root user: the
 * first class that matches (owner, then group, then others) decides, even
 * when a later class would allow more. ACLs are not consulted.
 */
export const READ = 4;
export const WRITE = 2;
export const SEARCH = 1;

export interface Principal {
  uid: number;
  /** Primary and supplementary groups. */
  groups: readonly number[];
}

export interface Owned {
  uid: number;
  gid: number;
  mode: number;
}

/** Whether `who` has every permission in `want` (READ | WRITE | SEARCH) on `node`. */
export function mayAccess(node: Owned, who: Principal, want: number): boolean {
  const shift = node.uid === who.uid ? 6 : who.groups.includes(node.gid) ? 3 : 0;
  return ((node.mode >> shift) & want) === want;
}
