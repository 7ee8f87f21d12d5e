import { EINTR, type Failure } from "../core/failure.ts";
import { errno, failure, ffiError, libc } from "./libc.ts";

const encoder = new TextEncoder();

/** Unbuffered, so everything is out before the process execs or exits, even into a pipe. The failure if not. */
function writeAll(fd: number, text: string): Failure | undefined {
  let rest = encoder.encode(text);
  if (ffiError !== undefined) {
    // Without bun:ffi (src/sys/portable.ts): node:fs, loaded only on that path.
    process.getBuiltinModule("node:fs").writeSync(fd, rest);
    return undefined;
  }
  while (rest.length > 0) {
    const n = Number(libc.write(fd, rest, rest.length));
    if (n < 0 && errno() === EINTR) continue;
    if (n <= 0) return failure("write", `fd ${fd}`);
    rest = rest.subarray(n);
  }
  return undefined;
}

/** What the admin commands report: the failure when it could not all be written. */
export const writeStdout = (text: string): Failure | undefined => writeAll(1, text);
/** A message or warning: failed, there is nowhere left to say so. */
export const writeStderr = (text: string): void => {
  writeAll(2, text);
};
