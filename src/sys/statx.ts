/** statx(2) with the kernel's own struct layout, the same under glibc and musl. */
import type { NodeStat } from "../admin/verdict.ts";
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, cstr, errno, libc, SELF, SYS } from "./libc.ts";

const STATX_BASIC_STATS = 0x7ffn;
const STATX_ATTR_MOUNT_ROOT = 0x2000n;

function kind(mode: number): NodeStat["kind"] {
  switch (mode & 0o170000) {
    case 0o040000:
      return "dir";
    case 0o100000:
      return "file";
    case 0o120000:
      return "symlink";
    default:
      return "other";
  }
}

export type StatResult = { ok: true; node: NodeStat; ino: bigint } | { ok: false; errno: number };

// Reused: a walk of a large tree stats every node, one at a time.
const buf = new Uint8Array(256);
const view = new DataView(buf.buffer);

/** `name` is NUL-terminated. */
export function statAt(dirfd: number, name: Uint8Array, flags: number): StatResult {
  const r = libc.syscall(SYS.statx, BigInt(dirfd), name, BigInt(flags), STATX_BASIC_STATS, buf);
  if (Number(r) < 0) return { ok: false, errno: errno() };
  const mode = view.getUint16(28, true);
  const mountRoot = (view.getBigUint64(8, true) & view.getBigUint64(56, true) & STATX_ATTR_MOUNT_ROOT) !== 0n;
  return {
    ok: true,
    ino: view.getBigUint64(32, true),
    node: {
      kind: kind(mode),
      uid: view.getUint32(20, true),
      gid: view.getUint32(24, true),
      mode,
      nlink: view.getUint32(16, true),
      dev: `${view.getUint32(136, true)}:${view.getUint32(140, true)}`,
      mountRoot,
    },
  };
}

/** What an open descriptor refers to: for an O_PATH handle on a symlink, the symlink. */
export function statFd(fd: number): StatResult {
  return statAt(fd, SELF, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

/** Device and inode of what `path` names, through symlinks: the file's identity whatever it is called. */
export function fileIdentity(path: string): string | undefined {
  const st = statAt(AT_FDCWD, cstr(path), 0);
  return st.ok && st.node.kind === "file" ? `${st.node.dev}:${st.ino}` : undefined;
}
