/** statx(2) with the kernel's own struct layout, the same under glibc and musl. */
import type { NodeKind, NodeStat } from "../core/node.ts";
import { errno, libc } from "./libc.ts";
import { SYS } from "./syscalls.ts";

const STATX_BASIC_STATS = 0x7ffn;
const STATX_ATTR_MOUNT_ROOT = 0x2000n;

function kind(mode: number): NodeKind {
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
