/**
 * The syscall numbers called through syscall(): they differ by architecture. scripts/build.ts refuses to build
 * for any other, so a binary never guesses another architecture's numbers.
 */
export const SYSCALLS = {
  x64: { getdents64: 217n, statx: 332n, pidfd_open: 434n },
  arm64: { getdents64: 61n, statx: 291n, pidfd_open: 434n },
} as const;

export type Arch = keyof typeof SYSCALLS;

export const SYS = SYSCALLS[process.arch as Arch];
