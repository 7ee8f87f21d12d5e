/** statx on what doctor holds open, and a file's identity whatever it is called. */

import { absent, ELOOP, ENOTDIR, type Failure } from "../../core/failure.ts";
import { readlink } from "../../sys/files.ts";
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  cstr,
  errno,
  failure,
  libc,
  moreLibc,
  SELF,
} from "../../sys/libc.ts";
import { type StatResult, statAt } from "../../sys/statx.ts";
import { O_PATH_FOLLOW } from "./dirfd.ts";

/** What an open descriptor refers to: for an O_PATH handle on a symlink, the symlink. */
export function statFd(fd: number): StatResult {
  return statAt(fd, SELF, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

/**
 * Device and inode of what `path` names, through symlinks, where it is a `kind`: its identity whatever it is called.
 * Undefined where nothing is there or it is another kind; the failure where statx could not tell.
 */
export function identity(path: string, kind: "file" | "dir"): string | undefined | Failure {
  const st = statAt(AT_FDCWD, cstr(path), 0);
  if (!st.ok) return absent(st) ? undefined : failure("statx", path, st.errno);
  return st.node.kind === kind ? `${st.node.dev}:${st.ino}` : undefined;
}

/** Where `fd` is, every symlink resolved, as the kernel shows it in /proc. */
export function fdPath(fd: number): string | Failure {
  return readlink(`/proc/self/fd/${fd}`);
}

/** `path` with every symlink resolved; undefined where nothing is there, the failure where it could not be known. */
export function resolvedPath(path: string): string | undefined | Failure {
  const fd = moreLibc().openat(AT_FDCWD, cstr(path), O_PATH_FOLLOW, 0);
  if (fd < 0) {
    const code = errno();
    return absent({ errno: code }) ? undefined : failure("openat", path, code);
  }
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
export function refusedAsSymlink(path: string, error: number): boolean | Failure {
  if (error === ELOOP) return true;
  if (error !== ENOTDIR) return false;
  const st = statAt(AT_FDCWD, cstr(path), AT_SYMLINK_NOFOLLOW);
  return st.ok ? st.node.kind === "symlink" : failure("statx", path, st.errno);
}
