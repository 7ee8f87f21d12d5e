/** Reading the kernel's view of this process and of files, without node:fs (which costs milliseconds to load). */
import { toArrayBuffer } from "bun:ffi";
import type { BootFile } from "../core/bootEnv.ts";
import { type Bytes, nameText, text } from "../core/bytes.ts";
import { decimal } from "../core/decimal.ts";
import { absent, EINTR, ELOOP, type Failure, failed } from "../core/failure.ts";
import type { OpenFd } from "../core/fds.ts";
import type { NodeKind, NodeStat } from "../core/node.ts";
import type { Node } from "../core/pathLookup.ts";
import { AT_SECURE } from "../core/privilege.ts";
import type { ProgramStatus } from "../core/trust.ts";
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  cstr,
  errno,
  failure,
  libc,
  moreLibc,
  O_CLOEXEC,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_RDONLY,
  SELF,
  X_OK,
} from "./libc.ts";
import type { Probe } from "./probe.ts";
import { statAt } from "./statx.ts";
import { SYS } from "./syscalls.ts";
import { observeTerminal } from "./terminal.ts";

/** Repeats `call` while it fails with EINTR: an interrupted call is tried again, never taken for its failure. */
export function retried(call: () => number): number {
  for (;;) {
    const result = call();
    if (result >= 0 || errno() !== EINTR) return result;
  }
}

/** open(2), O_RDONLY | O_CLOEXEC: a descriptor or -1 with errno. */
export function openRead(path: string): number {
  const name = cstr(path);
  return retried(() => libc.open(name, O_RDONLY | O_CLOEXEC, 0));
}

/** The whole file, or the failure of the call that kept it from being read whole: never part of it. */
export function readAll(path: string): Bytes | Failure {
  const fd = openRead(path);
  if (fd < 0) return failure("open", path);
  return readFd(fd, path);
}

/** Everything left to read on `fd`, which it closes, or the failure of the read that kept it from being read whole. */
function readFd(fd: number, path: string): Bytes | Failure {
  let buf = new Uint8Array(16384);
  let len = 0;
  for (;;) {
    if (buf.length - len < 4096) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf.subarray(0, len));
      buf = bigger;
    }
    const room = buf.subarray(len);
    const n = retried(() => Number(libc.read(fd, room, room.length)));
    if (n < 0) {
      const lost = failure("read", path);
      libc.close(fd);
      return lost;
    }
    if (n === 0) break;
    len += n;
  }
  libc.close(fd);
  return buf.subarray(0, len);
}

export function readlink(path: string): string | Failure {
  const buf = new Uint8Array(4096);
  const n = Number(libc.readlink(cstr(path), buf, buf.length));
  return n < 0 ? failure("readlink", path) : text(buf.subarray(0, n));
}

// Shared by every listing: a walk of a large tree lists one directory at a time.
const listing = new Uint8Array(1 << 15);

/** Every name in the open directory `path` but . and .., each NUL-terminated for the *at calls; never part of them. */
export function readNames(fd: number, path: string): Uint8Array[] | Failure {
  const names: Uint8Array[] = [];
  for (;;) {
    const n = retried(() =>
      Number(libc.syscall(SYS.getdents64, BigInt(fd), listing, BigInt(listing.length), 0n, null)),
    );
    if (n < 0) return failure("getdents64", path);
    if (n === 0) return names;
    // d_reclen at 16, d_name at 19.
    for (let off = 0; off < n; off += (listing[off + 16] as number) | ((listing[off + 17] as number) << 8)) {
      const end = listing.indexOf(0, off + 19);
      const length = end - off - 19;
      const dots = listing[off + 19] === 0x2e && (length === 1 || (length === 2 && listing[off + 20] === 0x2e));
      if (!dots) names.push(listing.slice(off + 19, end + 1));
    }
  }
}

/** The names in the directory `path`, or the failure that kept them from being listed whole. */
export function entries(path: string): string[] | Failure {
  const fd = openRead(path);
  if (fd < 0) return failure("open", path);
  const names = readNames(fd, path);
  libc.close(fd);
  if (failed(names)) return names;
  const found: string[] = [];
  for (const name of names) found.push(nameText(name));
  return found;
}

/**
 * Open descriptors and the number the listing itself got (the lowest free
 * one). Targets are read only below that number: only there can the
 * runtime's own descriptors be.
 */
export function openFds(): { open: OpenFd[]; lowestFree: number } | Failure {
  const dir = openRead("/proc/self/fd");
  if (dir < 0) return failure("open", "/proc/self/fd");
  const names = readNames(dir, "/proc/self/fd");
  const open: OpenFd[] = [];
  let lost = failed(names) ? names : undefined;
  for (const name of lost ? [] : (names as Uint8Array[])) {
    // The name ends in its NUL.
    const fd = decimal(name, name.length - 1);
    if (fd < 0) continue;
    const target = fd >= 4 && fd < dir ? readlink(`/proc/self/fd/${fd}`) : "";
    if (failed(target)) {
      lost = target;
      break;
    }
    open.push({ fd, target });
  }
  libc.close(dir);
  return lost ?? { open, lowestFree: dir };
}

/** A node as lstat(2) sees it: missing only where the kernel says the name is absent, else what failed. */
export function lstat(path: string): Node {
  return nodeAt(path, AT_SYMLINK_NOFOLLOW);
}

/** stat(2), through every link as exec follows them: missing only where the kernel says the name is absent. */
export function stat(path: string): Node {
  return nodeAt(path, 0);
}

/** What statx with `flags` finds at `path`; a link, which only lstat meets, with its target. */
function nodeAt(path: string, flags: number): Node {
  const st = statAt(AT_FDCWD, cstr(path), flags);
  // The words only for a failure: a missing name, which every trust check meets, costs no strerror.
  if (!st.ok)
    return absent(st) ? { kind: "missing" } : { kind: "unexamined", failure: failure("statx", path, st.errno) };
  const { kind, uid, gid, mode } = st.node;
  if (kind !== "symlink") return { kind, uid, gid, mode };
  const target = readlink(path);
  return failed(target) ? { kind: "unexamined", failure: target } : { kind, target };
}

/**
 * One open that follows no link and never waits (a FIFO there opens at once): what is at `path`, and for a
 * regular file what it holds. A link is read by lstat, as it is; every other failure as what it is.
 */
export function readNoFollow(path: string): BootFile {
  const name = cstr(path);
  const fd = retried(() => libc.open(name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0));
  if (fd < 0) {
    const code = errno();
    if (code === ELOOP) {
      const node = lstat(path);
      if (node.kind === "symlink" || node.kind === "unexamined") return node;
    }
    return absent({ errno: code }) ? { kind: "missing" } : { kind: "unexamined", failure: failure("open", path, code) };
  }
  const st = statAt(fd, SELF, AT_EMPTY_PATH);
  if (!st.ok) {
    const lost = failure("statx", path, st.errno);
    libc.close(fd);
    return { kind: "unexamined", failure: lost };
  }
  // Opened without following a link: the kernel never describes a link here.
  const { kind, uid, gid, mode } = st.node as NodeStat & {
    kind: Exclude<NodeKind, "symlink">;
  };
  if (kind !== "file") {
    libc.close(fd);
    return { kind, uid, gid, mode };
  }
  const data = readFd(fd, path);
  return failed(data) ? { kind: "unexamined", failure: data } : { kind, uid, gid, mode, data };
}

/** access(X_OK) as the caller: ENOENT is a program that is not there; any other refusal is reported as it is. */
export function executableStatus(path: string): ProgramStatus {
  if (libc.access(cstr(path), X_OK) === 0) return "ok";
  const code = errno();
  return absent({ errno: code }) ? "missing" : failure("access", path, code);
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

export function groups(): number[] | Failure {
  const n = moreLibc().getgroups(0, null);
  const list = new Uint32Array(Math.max(n, 1));
  const got = n < 0 ? n : moreLibc().getgroups(n, list);
  if (got < 0) return failure("getgroups", "");
  const egid = id("getegid", libc.getegid());
  return failed(egid) ? egid : [egid, ...list.subarray(0, got)];
}

/**
 * An id as the kernel returned it. The C library passes these calls' results on unchecked, so a failure
 * arrives as -errno made unsigned: no id is that large ((uid_t)-1 is no id at all).
 */
export function id(call: string, value: number): number | Failure {
  return value > 0xfffff000 ? failure(call, "", 2 ** 32 - value) : value;
}

/** The facts as libc reports them: the shim's usual way. */
export const libcProbe: Probe = {
  geteuid: () => id("geteuid", libc.geteuid()),
  started: () => {
    const ruid = id("getuid", libc.getuid());
    if (failed(ruid)) return ruid;
    const rgid = id("getgid", libc.getgid());
    if (failed(rgid)) return rgid;
    const egid = id("getegid", libc.getegid());
    if (failed(egid)) return egid;
    return { ruid, rgid, egid, secure: Number(libc.getauxval(AT_SECURE)) !== 0 };
  },
  executableStatus,
  lstat,
  stat,
  readNoFollow,
  self: () => readlink("/proc/self/exe"),
  read: readAll,
  access,
  groups,
  entries,
  terminal: () => observeTerminal(lstat),
  failure,
};
