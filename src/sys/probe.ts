/** How facts are read, and what of the caller's environment is at hand: the one interface every gatherer takes. */
import type { BootFile } from "../core/bootEnv.ts";
import type { Bytes } from "../core/bytes.ts";
import type { Facts } from "../core/decide.ts";
import type { Failure } from "../core/failure.ts";
import type { Lstat } from "../core/pathLookup.ts";
import type { TerminalObservation } from "../core/terminal.ts";
import type { ProgramStatus } from "../core/trust.ts";

/** How facts are read: through libc (src/sys/files.ts) or, where bun:ffi is unavailable, src/sys/portable.ts. */
export interface Probe {
  geteuid(): number | Failure;
  started(): Facts["started"];
  executableStatus(path: string): ProgramStatus;
  lstat: Lstat;
  /** A node through every link, as exec follows them. */
  stat: Lstat;
  /** What one open that follows no link finds at a path, and for a regular file what it holds. */
  readNoFollow(path: string): BootFile;
  /** The shim's own file. */
  self(): string | Failure;
  /** A whole file, or the failure that kept it from being read whole. */
  read(path: string): Bytes | Failure;
  /** access(2) with the caller's own ids: 0, or the errno. */
  access(path: Bytes, mode: number): number;
  /** The caller's effective gid and supplementary groups. */
  groups(): number[] | Failure;
  /** The names in a directory, or the failure that kept them from being listed whole. */
  entries(path: string): string[] | Failure;
  /** The caller's terminals (contract §12), or the failure of a call for another reason than "none there". */
  terminal(): TerminalObservation | Failure;
  /** `call` on `on` failed with `errno`, in this probe's words for it. */
  failure(call: string, on: string, errno: number): Failure;
}

/** The caller's environment: whole when it was read, else a lookup of one variable (a non-root call reads no more). */
export type Environment = readonly Bytes[] | ((name: string) => Bytes | undefined);
