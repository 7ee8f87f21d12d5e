/**
 * Flags for walking a tree that someone else can change while it is walked:
 * each step opens exactly one name inside a directory already held, never a path.
 */
import { O_CLOEXEC } from "../../sys/libc.ts";

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
/** A handle on what a path names, through every symlink: only to ask the kernel where that is. */
export const O_PATH_FOLLOW = O_PATH | O_CLOEXEC;
export const EPERM = 1;
export const ENOTDIR = 20;
export const EINVAL = 22;
export const ELOOP = 40;
