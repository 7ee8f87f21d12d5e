/**
 * Calls relative to open directory descriptors, for walking a tree that
 * someone else can change while it is walked: each step opens exactly one
 * name inside a directory already held, never a path.
 */
import { dlopen, FFIType } from "bun:ffi";
import { libc, O_CLOEXEC, SYS } from "./libc.ts";

const { i32, u32, ptr: p, cstring } = FFIType;

export const at = dlopen("libc.so.6", {
  openat: { args: [i32, p, i32, i32], returns: i32 },
  fchownat: { args: [i32, p, u32, u32, i32], returns: i32 },
  isatty: { args: [i32], returns: i32 },
  strerror: { args: [i32], returns: cstring },
}).symbols;

/** Unlike the flags in libc.ts, these two differ: aarch64 has its own values, not x86_64's. */
const ARCH_FLAGS = {
  x64: { O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000 },
  arm64: { O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000 },
} as const;
const { O_DIRECTORY, O_NOFOLLOW } = ARCH_FLAGS[process.arch as keyof typeof ARCH_FLAGS] ?? ARCH_FLAGS.x64;
const O_PATH = 0o10000000;

/** A directory to read, refused (ELOOP, ENOTDIR) if the name is now a symlink or anything but a directory. */
export const OPEN_DIR = O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
/** A handle on the node itself, even a symlink or a device, that neither follows nor opens it. */
export const OPEN_NODE = O_PATH | O_NOFOLLOW | O_CLOEXEC;
export const ENOTDIR = 20;
export const ELOOP = 40;

export function strerror(errno: number): string {
  return String(at.strerror(errno)).toLowerCase();
}

const listing = new Uint8Array(1 << 16);
const view = new DataView(listing.buffer);

/** Every name in the directory but . and .., each NUL-terminated for the *at calls. */
export function readNames(fd: number): Uint8Array[] {
  const names: Uint8Array[] = [];
  for (;;) {
    const n = Number(libc.syscall(SYS.getdents64, BigInt(fd), listing, BigInt(listing.length), 0n, null));
    if (n <= 0) return names;
    for (let off = 0; off < n; off += view.getUint16(off + 16, true)) {
      let end = off + 19;
      while (listing[end] !== 0) end++;
      const length = end - off - 19;
      const dots = listing[off + 19] === 0x2e && (length === 1 || (length === 2 && listing[off + 20] === 0x2e));
      if (!dots) names.push(listing.slice(off + 19, end + 1));
    }
  }
}
