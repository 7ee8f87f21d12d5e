/**
 * Which open descriptors the caller handed to the shim. The Bun runtime marks
 * every inherited descriptor from 4 up close-on-exec at start-up (0–3 it
 * leaves alone), then opens its own event loop: one epoll instance and one
 * eventfd, each at the lowest free number, both close-on-exec. Clearing
 * close-on-exec on everything else from 4 up gives the CLI exactly what the
 * caller passed.
 */
export interface OpenFd {
  fd: number;
  /** readlink of /proc/self/fd/N, e.g. "pipe:[123]" or "anon_inode:[eventfd]". */
  target: string;
}

const RUNTIME_KINDS = new Set(["anon_inode:[eventpoll]", "anon_inode:[eventfd]"]);

/**
 * `lowestFree` is the number the kernel gave the descriptor used to list the
 * others: every descriptor the runtime opened at start-up took a lower one.
 */
export function inheritedFds(open: readonly OpenFd[], lowestFree: number): number[] {
  // A loop, not filter and map: each array builtin costs tens of microseconds on its first call.
  const fds: number[] = [];
  for (const { fd, target } of open) {
    if (fd >= 4 && fd !== lowestFree && !(fd < lowestFree && RUNTIME_KINDS.has(target))) fds.push(fd);
  }
  return fds;
}
