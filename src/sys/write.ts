import { EINTR } from "../core/failure.ts";
import { errno, ffiError, libc } from "./libc.ts";

const encoder = new TextEncoder();

/** Unbuffered, so everything is out before the process execs or exits, even into a pipe. */
function writeAll(fd: number, text: string): void {
  let rest = encoder.encode(text);
  if (ffiError !== undefined) {
    // Without bun:ffi (src/sys/portable.ts): node:fs, loaded only on that path.
    process.getBuiltinModule("node:fs").writeSync(fd, rest);
    return;
  }
  while (rest.length > 0) {
    const n = Number(libc.write(fd, rest, rest.length));
    // Interrupted, it is tried again; failed otherwise, there is nowhere left to say so.
    if (n < 0 && errno() === EINTR) continue;
    if (n <= 0) return;
    rest = rest.subarray(n);
  }
}

export const writeStdout = (text: string): void => writeAll(1, text);
export const writeStderr = (text: string): void => writeAll(2, text);
