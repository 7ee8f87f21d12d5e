/**
 * Walking a tree that someone else can change while it is walked: each step
 * opens exactly one name inside a directory already held, never a path, and
 * every change goes through a handle on the node itself.
 */
import { AT_EMPTY_PATH, cstr, errno, moreLibc, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, SELF } from "../../sys/libc.ts";

const O_PATH = 0o10000000;

/** A directory to read, refused (ELOOP, ENOTDIR) if the name is now a symlink or anything but a directory. */
export const OPEN_DIR = O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
/** A handle on the node itself, even a symlink or a device, that neither follows nor opens it. */
export const OPEN_NODE = O_PATH | O_NOFOLLOW | O_CLOEXEC;
/** A handle on what a path names, through every symlink: only to ask the kernel where that is. */
export const O_PATH_FOLLOW = O_PATH | O_CLOEXEC;

/**
 * `name` opened with `flags` in the directory held as `dir` (a NUL-terminated name as a listing gives it, or
 * text), or with AT_FDCWD the path `name`: the descriptor, or the errno negated.
 */
export function openIn(dir: number, name: string | Uint8Array, flags: number): number {
  const fd = moreLibc().openat(dir, typeof name === "string" ? cstr(name) : name, flags, 0);
  return fd < 0 ? -errno() : fd;
}

/** fchownat's "leave the owner as it is". */
export const KEEP_OWNER = 0xffffffff;

/** Gives the node held as `fd`, even an O_PATH handle, to `uid` and `gid`: 0, or the errno. */
export function chownHeld(fd: number, uid: number, gid: number): number {
  return moreLibc().fchownat(fd, SELF, uid, gid, AT_EMPTY_PATH) === 0 ? 0 : errno();
}

/** Sets the mode of the node held as `fd` through /proc, which reaches it even open only as O_PATH: 0, or the errno. */
export function chmodHeld(fd: number, mode: number): number {
  return moreLibc().chmod(cstr(`/proc/self/fd/${fd}`), mode) === 0 ? 0 : errno();
}
