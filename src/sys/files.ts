/** Reading the kernel's view of this process and of files, without node:fs (which costs milliseconds to load). */
import { type Bytes, splitNul } from "../bytes.ts";
import type { OpenFd } from "../fds.ts";
import type { Node } from "../trust.ts";
import {
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  cstr,
  ENOENT,
  errno,
  F_OK,
  libc,
  O_CLOEXEC,
  O_RDONLY,
  SYS,
  X_OK,
} from "./libc.ts";
import { statAt } from "./statx.ts";

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

/** argv and environment exactly as execve delivered them. */
export interface Invocation {
  argv: Bytes[];
  env: Bytes[];
}

/*
 * Read from /proc, separately: a non-root call never needs the environment.
 * The runtime itself aborts at start-up when /proc is missing, so there is no
 * other source to fall back on; undefined only if /proc is mounted but unreadable.
 */
export function readArgv(): Bytes[] | undefined {
  const cmdline = readAll("/proc/self/cmdline");
  return cmdline && splitNul(cmdline);
}

export function readEnv(): Bytes[] | undefined {
  const environ = readAll("/proc/self/environ");
  return environ && splitNul(environ);
}

const decoder = new TextDecoder();

function readlink(path: string): string | undefined {
  const buf = new Uint8Array(4096);
  const n = Number(libc.readlink(cstr(path), buf, buf.length));
  return n < 0 ? undefined : decoder.decode(buf.subarray(0, n));
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
  const buf = new Uint8Array(8192);
  for (;;) {
    const n = Number(libc.syscall(SYS.getdents64, BigInt(dir), buf, BigInt(buf.length), 0n, null));
    if (n <= 0) break;
    // d_reclen at 16, d_name at 19. Names are read as digits by hand: a regular expression costs more to compile.
    for (let off = 0; off < n; off += (buf[off + 16] as number) | ((buf[off + 17] as number) << 8)) {
      let fd = 0;
      let at = off + 19;
      for (; buf[at] !== 0 && fd >= 0; at++) {
        const digit = (buf[at] as number) - 0x30;
        fd = digit >= 0 && digit <= 9 ? fd * 10 + digit : -1;
      }
      if (fd < 0 || at === off + 19) continue;
      const target = fd >= 4 && fd < dir ? (readlink(`/proc/self/fd/${fd}`) ?? "") : "";
      open.push({ fd, target });
    }
  }
  libc.close(dir);
  return { open, lowestFree: dir };
}

export function lstat(path: string): Node {
  const st = statAt(AT_FDCWD, cstr(path), AT_SYMLINK_NOFOLLOW);
  if (!st.ok) return { kind: "missing" };
  const { kind, uid, mode } = st.node;
  return kind === "symlink" ? { kind, target: readlink(path) ?? "" } : { kind, uid, mode };
}

export function executableStatus(path: string): "ok" | "missing" | "not-executable" {
  const p = cstr(path);
  if (libc.access(p, X_OK) === 0) return "ok";
  return libc.access(p, F_OK) === 0 || errno() !== ENOENT ? "not-executable" : "missing";
}
