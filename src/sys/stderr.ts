import { libc } from "./libc.ts";

const encoder = new TextEncoder();

/** Unbuffered, so the message is out before the shim exits. */
export function writeStderr(message: string): void {
  let rest = encoder.encode(message);
  while (rest.length > 0) {
    const n = Number(libc.write(2, rest, rest.length));
    if (n <= 0) return;
    rest = rest.subarray(n);
  }
}
