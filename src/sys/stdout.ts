import { libc } from "./libc.ts";

const encoder = new TextEncoder();

/** Unbuffered, so everything is out before the admin CLI exits, even into a pipe. */
export function writeStdout(text: string): void {
  let rest = encoder.encode(text);
  while (rest.length > 0) {
    const n = Number(libc.write(1, rest, rest.length));
    if (n <= 0) return;
    rest = rest.subarray(n);
  }
}
