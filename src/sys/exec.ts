/** Carrying out an exec plan: undo what the runtime changed in this process, then execve. */
import type { Bytes } from "../core/bytes.ts";
import { failed, unseen } from "../core/failure.ts";
import { inheritedFds } from "../core/fds.ts";
import { type Limit, parseNofile, softLimitToRestore } from "../core/limits.ts";
import { SIGPIPE, SIGXFSZ } from "../core/signals.ts";
import { openFds, readAll } from "./files.ts";
import { errno, F_SETFD, libc, pidOf, ptr, RLIMIT_NOFILE, SIG_DFL, Unable, unable } from "./libc.ts";

/**
 * Writes a pointer as two 32-bit halves (both architectures are little-endian), from a number: a BigInt per
 * entry would grow the heap by thousands of objects for a long argv, enough to start the runtime's warm-up
 * thread (src/core/threads.ts). Addresses stay below 2^53, where numbers are exact.
 */
function setPointer(halves: Uint32Array, i: number, address: number): void {
  halves[2 * i] = address % 2 ** 32;
  halves[2 * i + 1] = Math.floor(address / 2 ** 32);
}

/** One buffer of NUL-terminated strings and the NULL-terminated pointer array into it. */
export function cArray(items: readonly Bytes[]): { data: Uint8Array; pointers: BigUint64Array } {
  let size = 0;
  for (const item of items) size += item.length + 1;
  const data = new Uint8Array(size || 1);
  const pointers = new BigUint64Array(items.length + 1);
  const halves = new Uint32Array(pointers.buffer);
  const base = ptr(data);
  let at = 0;
  // A plain loop: a callback per environment entry runs hot enough to start the JIT's compiler thread.
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Bytes;
    data.set(item, at);
    setPointer(halves, i, base + at);
    at += item.length + 1;
  }
  return { data, pointers };
}

/** The NULL-terminated pointer array into NUL-terminated strings as /proc gives them, making no object per string. */
function pointersInto(data: Bytes, count: number): BigUint64Array {
  const pointers = new BigUint64Array(count + 1);
  const halves = new Uint32Array(pointers.buffer);
  const base = ptr(data);
  let i = 0;
  for (let start = 0; start < data.length && i < count; i++) {
    setPointer(halves, i, base + start);
    start = data.indexOf(0, start) + 1;
  }
  return pointers;
}

function limit(buf: BigUint64Array): Limit {
  return { soft: buf[0] ?? 0n, hard: buf[1] ?? 0n };
}

/** A process's RLIMIT_NOFILE: prlimit where allowed (same user, or root), else its /proc limits file. */
function nofileOf(pid: number): Limit | undefined {
  const buf = new BigUint64Array(2);
  if (libc.prlimit(pid, RLIMIT_NOFILE, null, buf) === 0) return limit(buf);
  const text = readAll(`/proc/${pid}/limits`);
  if (failed(text)) {
    if (unseen(text)) return undefined;
    throw new Unable(text);
  }
  return parseNofile(new TextDecoder().decode(text));
}

/** The caller's soft RLIMIT_NOFILE, as far as it can be known (src/core/limits.ts). */
function restoreNofile(): void {
  const buf = new BigUint64Array(2);
  if (libc.getrlimit(RLIMIT_NOFILE, buf) !== 0) throw unable("getrlimit", "RLIMIT_NOFILE");
  const current = limit(buf);
  // getppid() is 0 when the parent is outside this PID namespace (docker exec): then ask the container's PID 1.
  const parent = pidOf("getppid", libc.getppid());
  const soft =
    parent > 0
      ? softLimitToRestore(current, nofileOf(parent))
      : softLimitToRestore(current, undefined, pidOf("getpid", libc.getpid()) === 1 ? undefined : nofileOf(1));
  if (soft !== undefined && libc.setrlimit(RLIMIT_NOFILE, new BigUint64Array([soft, current.hard])) !== 0)
    throw unable("setrlimit", "RLIMIT_NOFILE");
}

/** Hand every inherited descriptor on: the runtime marked those from 4 up close-on-exec. Returns them. */
function keepInheritedFds(): number[] {
  const listing = openFds();
  if (failed(listing)) throw new Unable(listing);
  const fds = inheritedFds(listing.open, listing.lowestFree);
  for (const fd of fds) if (libc.fcntl(fd, F_SETFD, 0) !== 0) throw unable("fcntl F_SETFD", `fd ${fd}`);
  return fds;
}

const SIG_ERR = 0xffffffffffffffffn;

/**
 * Undoes what the runtime changed in this process, so that what it runs next gets the caller's: descriptors,
 * the open-file limit, the two signals it ignores, and sets the plan's umask. Returns the inherited descriptors
 * from 4 up, before this process opens any of its own. Throws Unable when any of it fails: what runs next
 * would otherwise get something else than the caller's (contract §13).
 */
export function prepareExec(umask: number | undefined): number[] {
  const fds = keepInheritedFds();
  restoreNofile();
  // The only dispositions the runtime sets to ignore; handlers it installed reset by themselves.
  if (libc.signal(SIGPIPE, SIG_DFL) === SIG_ERR) throw unable("sigaction", "SIGPIPE");
  if (libc.signal(SIGXFSZ, SIG_DFL) === SIG_ERR) throw unable("sigaction", "SIGXFSZ");
  // umask(2) cannot fail and returns the old mask, at most 0777: anything else is a failure made to happen.
  const old = umask === undefined ? 0 : libc.umask(umask);
  if (old > 0o777) throw unable("umask", "", 2 ** 32 - old);
  return fds;
}

/**
 * Replaces this process with `path`. Returns errno only if execve failed;
 * the process state is by then already the CLI's, which no caller minds
 * since the shim exits at once. Throws Unable when the exec could not be
 * prepared: then nothing was run.
 */
export function execve(path: Bytes, argv: readonly Bytes[], env: readonly Bytes[] | undefined, umask?: number): number {
  prepareExec(umask);
  const file = cArray([path]);
  const args = cArray(argv);
  if (env === undefined) {
    // execv hands on the C library's environ: the caller's, byte for byte, since Bun reads it but never writes it.
    libc.execv(file.data, args.pointers);
  } else {
    libc.execve(file.data, args.pointers, cArray(env).pointers);
  }
  return errno();
}

/**
 * execve with argv and the environment as NUL-terminated strings in one buffer each, `count` strings in it
 * (/proc/self/cmdline's form): no object made per string. Returns errno, or throws Unable, as execve does.
 */
export function execveStrings(
  path: Bytes,
  argv: Bytes,
  argc: number,
  env: Bytes,
  envc: number,
  umask?: number,
): number {
  prepareExec(umask);
  libc.execve(cArray([path]).data, pointersInto(argv, argc), pointersInto(env, envc));
  return errno();
}
