/** Reading the kernel's view of this process and of files, without node:fs (which costs milliseconds to load). */
import { toArrayBuffer } from "bun:ffi";
import { type Bytes, nameText, text } from "../core/bytes.ts";
import type { OpenFd } from "../core/fds.ts";
import type { Node } from "../core/pathWalk.ts";
import { AT_SECURE } from "../core/privilege.ts";
import type { ProgramStatus } from "../core/trust.ts";
import type { Probe } from "./facts.ts";
import {
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  cstr,
  ENOENT,
  errno,
  F_OK,
  libc,
  moreLibc,
  O_CLOEXEC,
  O_RDONLY,
  SYS,
  strerror,
  X_OK,
} from "./libc.ts";
import { statAt } from "./statx.ts";
import { observeTerminal } from "./terminal.ts";

/** The whole file, or undefined if it cannot be opened. */
export function readAll(path: string): Bytes | undefined {
  const fd = libc.open(cstr(path), O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return undefined;
  let buf = new Uint8Array(16384);
  let len = 0;
  for (;;) {
    if (buf.length - len < 4096) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf.subarray(0, len));
      buf = bigger;
    }
    const n = Number(libc.read(fd, buf.subarray(len), buf.length - len));
    if (n <= 0) break;
    len += n;
  }
  libc.close(fd);
  return buf.subarray(0, len);
}

export function readlink(path: string): string | undefined {
  const buf = new Uint8Array(4096);
  const n = Number(libc.readlink(cstr(path), buf, buf.length));
  return n < 0 ? undefined : text(buf.subarray(0, n));
}

// Shared by every listing: a walk of a large tree lists one directory at a time.
const listing = new Uint8Array(1 << 15);

/** Every name in the open directory but . and .., each NUL-terminated for the *at calls. */
export function readNames(fd: number): Uint8Array[] {
  const names: Uint8Array[] = [];
  for (;;) {
    const n = Number(libc.syscall(SYS.getdents64, BigInt(fd), listing, BigInt(listing.length), 0n, null));
    if (n <= 0) return names;
    // d_reclen at 16, d_name at 19.
    for (let off = 0; off < n; off += (listing[off + 16] as number) | ((listing[off + 17] as number) << 8)) {
      const end = listing.indexOf(0, off + 19);
      const length = end - off - 19;
      const dots = listing[off + 19] === 0x2e && (length === 1 || (length === 2 && listing[off + 20] === 0x2e));
      if (!dots) names.push(listing.slice(off + 19, end + 1));
    }
  }
}

/** The names in the directory `path`, or undefined if it cannot be opened (missing, or not root's to read). */
export function entries(path: string): string[] | undefined {
  const fd = libc.open(cstr(path), O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return undefined;
  const names: string[] = [];
  for (const name of readNames(fd)) names.push(nameText(name));
  libc.close(fd);
  return names;
}

/** A descriptor number from its NUL-terminated name in /proc/self/fd, by hand: a regular expression costs more to compile. */
function fdNumber(name: Uint8Array): number {
  let fd = 0;
  for (let i = 0; i < name.length - 1; i++) {
    const digit = (name[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    fd = fd * 10 + digit;
  }
  return name.length > 1 ? fd : -1;
}

/**
 * Open descriptors and the number the listing itself got (the lowest free
 * one). Targets are read only below that number: only there can the
 * runtime's own descriptors be.
 */
export function openFds(): { open: OpenFd[]; lowestFree: number } | undefined {
  const dir = libc.open(cstr("/proc/self/fd"), O_RDONLY | O_CLOEXEC, 0);
  if (dir < 0) return undefined;
  const open: OpenFd[] = [];
  for (const name of readNames(dir)) {
    const fd = fdNumber(name);
    if (fd < 0) continue;
    const target = fd >= 4 && fd < dir ? (readlink(`/proc/self/fd/${fd}`) ?? "") : "";
    open.push({ fd, target });
  }
  libc.close(dir);
  return { open, lowestFree: dir };
}

export function lstat(path: string): Node {
  const st = statAt(AT_FDCWD, cstr(path), AT_SYMLINK_NOFOLLOW);
  if (!st.ok) return { kind: "missing" };
  const { kind, uid, gid, mode } = st.node;
  return kind === "symlink" ? { kind, target: readlink(path) ?? "" } : { kind, uid, gid, mode };
}

export function executableStatus(path: string): ProgramStatus {
  const p = cstr(path);
  if (libc.access(p, X_OK) === 0) return "ok";
  return libc.access(p, F_OK) === 0 || errno() !== ENOENT ? "not-executable" : "missing";
}

/** `text` NUL-terminated, for a `const char *` argument. */
function cbytes(text: Bytes): Uint8Array {
  const z = new Uint8Array(text.length + 1);
  z.set(text);
  return z;
}

/** The C library's own lookup, which the exec'd CLI sees too: the first entry of that name. */
export function getenv(name: string): Bytes | undefined {
  const value = libc.getenv(cstr(name));
  return value === null ? undefined : new Uint8Array(toArrayBuffer(value)).slice();
}

export function access(path: Bytes, mode: number): number {
  return libc.access(cbytes(path), mode) === 0 ? 0 : errno();
}

export function groups(): number[] {
  const n = moreLibc().getgroups(0, null);
  const list = new Uint32Array(Math.max(n, 1));
  const got = moreLibc().getgroups(n, list);
  return [libc.getegid(), ...list.subarray(0, Math.max(got, 0))];
}

/** The facts as libc reports them: the shim's usual way. */
export const libcProbe: Probe = {
  geteuid: () => libc.geteuid(),
  started: () => ({
    ruid: libc.getuid(),
    rgid: libc.getgid(),
    egid: libc.getegid(),
    secure: Number(libc.getauxval(AT_SECURE)) !== 0,
  }),
  executableStatus,
  lstat,
  self: () => readlink("/proc/self/exe"),
  read: readAll,
  access,
  groups,
  entries,
  terminal: () => observeTerminal(lstat),
  strerror,
};
