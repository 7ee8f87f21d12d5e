/** One filesystem node as statx describes it: what the trust check and doctor both judge. */
export type NodeKind = "dir" | "file" | "symlink" | "other";

export interface NodeStat {
  kind: NodeKind;
  uid: number;
  gid: number;
  mode: number;
  nlink: number;
  /** "major:minor" of the filesystem holding the node. */
  dev: string;
  /** statx's STATX_ATTR_MOUNT_ROOT: something is mounted here. */
  mountRoot: boolean;
}

/** Permission bits as people write them: 0644. */
export function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}
