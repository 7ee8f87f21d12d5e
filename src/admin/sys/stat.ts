/** statx on what doctor holds open, and a file's identity whatever it is called. */

import { ELOOP, ENOTDIR } from "../../core/failure.ts";
import { readlink } from "../../sys/files.ts";
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, cstr, libc, moreLibc, SELF } from "../../sys/libc.ts";
import { type StatResult, statAt } from "../../sys/statx.ts";
import { O_PATH_FOLLOW } from "./dirfd.ts";

/** What an open descriptor refers to: for an O_PATH handle on a symlink, the symlink. */
export function statFd(fd: number): StatResult {
  return statAt(fd, SELF, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

/** Device and inode of what `path` names, through symlinks: the file's identity whatever it is called. */
export function fileIdentity(path: string): string | undefined {
  const st = statAt(AT_FDCWD, cstr(path), 0);
  return st.ok && st.node.kind === "file" ? `${st.node.dev}:${st.ino}` : undefined;
}

/** Device and inode of the directory `path` names, through symlinks. */
export function dirIdentity(path: string): string | undefined {
  const st = statAt(AT_FDCWD, cstr(path), 0);
  return st.ok && st.node.kind === "dir" ? `${st.node.dev}:${st.ino}` : undefined;
}

/** Where `fd` is, every symlink resolved, as the kernel shows it in /proc. */
export function fdPath(fd: number): string | undefined {
  return readlink(`/proc/self/fd/${fd}`);
}

/** `path` with every symlink resolved, or undefined where nothing is there. */
export function resolvedPath(path: string): string | undefined {
  const fd = moreLibc().openat(AT_FDCWD, cstr(path), O_PATH_FOLLOW, 0);
  if (fd < 0) return undefined;
  try {
    return fdPath(fd);
  } finally {
    libc.close(fd);
  }
}

/**
 * Whether opening `path` as a directory (OPEN_DIR) failed with `error` because it is a symlink: O_DIRECTORY wins
 * over O_NOFOLLOW, so a symlink to anything but a directory is refused as not a directory.
 */
export function refusedAsSymlink(path: string, error: number): boolean {
  if (error === ELOOP) return true;
  if (error !== ENOTDIR) return false;
  const st = statAt(AT_FDCWD, cstr(path), AT_SYMLINK_NOFOLLOW);
  return st.ok && st.node.kind === "symlink";
}
