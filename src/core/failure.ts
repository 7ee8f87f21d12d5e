/**
 * A system call that failed (contract §13): a fact of its own, never read as
 * another ("does not exist", an empty list, uid -1). src/sys makes one where
 * a call fails, with the C library's words for its errno; the core only
 * tells it and decides what it blocks.
 */
export interface Failure {
  /** The call as strace names it: "read", "statx", "getdents64". */
  call: string;
  /** The path, or the descriptor, it was made on. */
  on: string;
  errno: number;
  /** The C library's words for `errno`: "Input/output error". */
  words: string;
}

/** skarnet's form: "unable to read /etc/passwd: Input/output error". */
export function failureText(failure: Failure): string {
  return `unable to ${failure.call}${failure.on ? ` ${failure.on}` : ""}: ${failure.words}`;
}

/** Tells a Failure from the value a call returns when it works (bytes, a list, a string, a status). */
export function failed(value: unknown): value is Failure {
  return typeof value === "object" && value !== null && "errno" in value;
}

/** errno values, the same on x86_64 and aarch64 Linux, by number. */
const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  EACCES: 13,
  ENOTDIR: 20,
  EINVAL: 22,
  ENOTTY: 25,
  EROFS: 30,
  ELOOP: 40,
} as const;
export const { EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, EBADF, EAGAIN, EACCES, ENOTDIR, EINVAL, ENOTTY, EROFS, ELOOP } =
  ERRNO;

/** The two errnos that mean a path names nothing: absent, which is a fact the rules know what to do with. */
export function absent(failure: Pick<Failure, "errno">): boolean {
  return failure.errno === ENOENT || failure.errno === ENOTDIR;
}

/** A permission refused the call (EACCES, EPERM): never reported as a failing disk or a flaky mount (contract §13). */
export function refusedPermission(failure: Pick<Failure, "errno">): boolean {
  return failure.errno === EACCES || failure.errno === EPERM;
}

/**
 * Whether reading another process's /proc failed because it is not there to see: gone (ENOENT, ESRCH), or hidden by
 * /proc's hidepid (EPERM), as prlimit's own EPERM hides it. Then there is no evidence, as for a parent outside the PID
 * namespace; any other failure is a failure (contract §13).
 */
export function unseen(failure: Pick<Failure, "errno">): boolean {
  return failure.errno === ENOENT || failure.errno === ESRCH || failure.errno === EPERM;
}

/** The filesystem's own refusal of a new owner, even to root: a NAS share, an ACL'd or user-namespaced mount. */
export function refusedByFilesystem(failure: Pick<Failure, "errno">): boolean {
  return failure.errno === EPERM || failure.errno === EINVAL;
}
