/**
 * The few libc calls the shim needs, through bun:ffi. "libc.so.6" names
 * glibc, and musl's loader maps the same name to itself, so one binding
 * serves both. Structures whose layout differs between the two libcs are
 * avoided: statx and getdents64 go through syscall() with kernel layouts.
 */
import { dlopen, type FFIFunction, FFIType, type Pointer, ptr, read } from "bun:ffi";
import { type Failure, failureText } from "../core/failure.ts";

const { i32, i64, i64_fast, u32, u64, ptr: p, cstring } = FFIType;

const SYMBOLS = {
  open: { args: [p, i32, i32], returns: i32 },
  // A number, not a BigInt, for any count a read or write returns: the relay's loop makes no object a turn.
  read: { args: [i32, p, u64], returns: i64_fast },
  write: { args: [i32, p, u64], returns: i64_fast },
  close: { args: [i32], returns: i32 },
  readlink: { args: [p, p, u64], returns: i64 },
  fcntl: { args: [i32, i32, i32], returns: i32 },
  access: { args: [p, i32], returns: i32 },
  getenv: { args: [p], returns: p },
  execve: { args: [p, p, p], returns: i32 },
  execv: { args: [p, p], returns: i32 },
  geteuid: { args: [], returns: u32 },
  getauxval: { args: [u64], returns: u64 },
  getuid: { args: [], returns: u32 },
  getgid: { args: [], returns: u32 },
  getegid: { args: [], returns: u32 },
  getppid: { args: [], returns: i32 },
  getpid: { args: [], returns: i32 },
  umask: { args: [u32], returns: u32 },
  signal: { args: [i32, u64], returns: u64 },
  getrlimit: { args: [i32, p], returns: i32 },
  setrlimit: { args: [i32, p], returns: i32 },
  prlimit: { args: [i32, i32, p, p], returns: i32 },
  syscall: { args: [i64, i64, p, i64, i64, p], returns: i64 },
  __errno_location: { args: [], returns: p },
} as const;

/**
 * Bound only when first used (the admin CLI, or a message after a failed exec): each symbol bound costs
 * every call of the shim some microseconds, and these are needed on none of the ordinary calls.
 */
const MORE_SYMBOLS = {
  openat: { args: [i32, p, i32, i32], returns: i32 },
  fchownat: { args: [i32, p, u32, u32, i32], returns: i32 },
  chmod: { args: [p, u32], returns: i32 },
  isatty: { args: [i32], returns: i32 },
  getgroups: { args: [i32, p], returns: i32 },
  strerror: { args: [i32], returns: cstring },
  readlinkat: { args: [i32, p, p, u64], returns: i64 },
  fstatfs: { args: [i32, p], returns: i32 },
  // Root's terminal (contract §12): what it is, whose session, and the relay's own pty.
  ioctl: { args: [i32, u64, p], returns: i32 },
  getsid: { args: [i32], returns: i32 },
} as const;

/**
 * The relay's own calls (src/relay/sys/relay.ts), bound once, when it starts: each symbol bound costs memory, and these
 * bound with the rarer ones on root's every drop grew its heap enough to start one of the runtime's threads, which
 * a pids limit one pid short turned into the runtime's crash report (docs/runtime.md).
 */
const RELAY_SYMBOLS = {
  poll: { args: [p, u64, i32], returns: i32 },
  posix_spawn: { args: [p, p, p, p, p, p], returns: i32 },
  posix_spawn_file_actions_init: { args: [p], returns: i32 },
  posix_spawn_file_actions_addopen: { args: [p, i32, p, i32, u32], returns: i32 },
  posix_spawn_file_actions_adddup2: { args: [p, i32, i32], returns: i32 },
  posix_spawn_file_actions_addclose: { args: [p, i32], returns: i32 },
  posix_spawnattr_init: { args: [p], returns: i32 },
  posix_spawnattr_setflags: { args: [p, i32], returns: i32 },
  posix_spawnattr_setsigdefault: { args: [p, p], returns: i32 },
  posix_spawnattr_setsigmask: { args: [p, p], returns: i32 },
  sigprocmask: { args: [i32, p, p], returns: i32 },
  signalfd: { args: [i32, p, i32], returns: i32 },
  waitpid: { args: [i32, p, i32], returns: i32 },
  kill: { args: [i32, i32], returns: i32 },
  fchmod: { args: [i32, u32], returns: i32 },
  getpgrp: { args: [], returns: i32 },
  capget: { args: [p, p], returns: i32 },
  capset: { args: [p, p], returns: i32 },
  setfsuid: { args: [u32], returns: i32 },
  setresuid: { args: [u32, u32, u32], returns: i32 },
  setfsgid: { args: [u32], returns: i32 },
} as const;

/** The calls a table binds, as bun:ffi gives them. */
type Bound<Table extends Record<string, FFIFunction>> = ReturnType<typeof dlopen<Table>>["symbols"];
type Libc = Bound<typeof SYMBOLS>;

/*
 * bun:ffi needs the JIT, and the runtime starts without it when it cannot
 * reserve executable memory (RLIMIT_AS below about 2.2 GiB): dlopen then
 * throws. That must not end the shim with a stack trace, so the failure is
 * caught here and main.ts takes the path without bun:ffi (src/sys/portable.ts).
 */
function load(): { libc: Libc; ffiError?: undefined } | { libc?: undefined; ffiError: string } {
  try {
    return { libc: dlopen("libc.so.6", SYMBOLS).symbols };
  } catch (error) {
    return { ffiError: error instanceof Error ? error.message : String(error) };
  }
}

const loaded = load();

/** Why bun:ffi cannot be used in this process, or undefined when it can. */
export const ffiError = loaded.ffiError;

/**
 * The calls every run of the shim may make. Undefined at run time exactly when ffiError is set; only main.ts and the admin CLI's entry check, and
 * neither reaches code that uses it then.
 */
export const libc = loaded.libc as Libc;

/**
 * A table's calls from the same C library, bound when first asked for and once. The tables stay three, each bound
 * by whoever first needs it, and a symbol sits in one table alone: merging any two would bind on every call, or on
 * root's every drop, symbols that path never calls (docs/runtime.md).
 */
function boundOnFirstUse<Table extends Record<string, FFIFunction>>(table: Table): () => Bound<Table> {
  let bound: Bound<Table> | undefined;
  return () => {
    bound ??= dlopen("libc.so.6", table).symbols;
    return bound;
  };
}

/** The rarer calls (MORE_SYMBOLS). */
export const moreLibc = boundOnFirstUse(MORE_SYMBOLS);

/** The relay's calls (RELAY_SYMBOLS). */
export const relayLibc = boundOnFirstUse(RELAY_SYMBOLS);

export function errno(): number {
  const where = libc.__errno_location();
  return where === null ? 0 : read.i32(where, 0);
}

/** The C library's words for an errno, as they are: "Input/output error". */
export function errnoText(code: number): string {
  return String(moreLibc().strerror(code));
}

/** The failure of `call` on `on`, given with the C library's words for its errno (contract §13). */
export function failure(call: string, on: string, code: number = errno()): Failure {
  return { call, on, errno: code, words: errnoText(code) };
}

/** A call that failed where the shim acts (an exec, the relay) rather than gathers: thrown, reported in one line. */
export class Unable extends Error {
  constructor(readonly failure: Failure) {
    super(failureText(failure));
  }
}

export function unable(call: string, on: string, code: number = errno()): Unable {
  return new Unable(failure(call, on, code));
}

/** getpid and getppid: the C library passes their result on unchecked, so a failure arrives as -errno. */
export function pidOf(call: string, result: number): number {
  if (result < 0) throw unable(call, "", -result);
  return result;
}

/** The C library's wording, as the rest of a message: "no such file or directory". */
export function strerror(code: number): string {
  return errnoText(code).toLowerCase();
}

const encoder = new TextEncoder();

/** A NUL-terminated copy of `text` for a `const char *` argument. */
export function cstr(text: string): Uint8Array {
  return encoder.encode(`${text}\0`);
}

export { ptr };

/** An integer argument where the binding takes a pointer (ioctl's third argument is either). */
export const asPointer = (value: number): Pointer => value as Pointer;

/** Flag and number values shared by x86_64 and aarch64 Linux. */
export const O_RDONLY = 0;
export const O_RDWR = 2;
export const O_NOCTTY = 0o400;
export const O_CLOEXEC = 0o2000000;
export const F_SETFD = 2;
export const X_OK = 1;
export const W_OK = 2;
export const F_OK = 0;
export const SIG_DFL = 0n;
export const RLIMIT_NOFILE = 7;
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_EMPTY_PATH = 0x1000;
export const O_NONBLOCK = 0o4000;

/** Unlike the flags above, these two differ: aarch64 has its own values, not x86_64's. */
const ARCH_FLAGS = {
  x64: { O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000 },
  arm64: { O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000 },
} as const;
export const { O_DIRECTORY, O_NOFOLLOW } = ARCH_FLAGS[process.arch as keyof typeof ARCH_FLAGS] ?? ARCH_FLAGS.x64;

/** The empty path that, with AT_EMPTY_PATH, makes an *at call act on the descriptor itself. */
export const SELF = new Uint8Array(1);
