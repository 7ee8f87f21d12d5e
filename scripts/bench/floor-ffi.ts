/**
 * Benchmark floor, second variant: execv through bun:ffi with no checks at
 * all, written for the cheapest start Bun allows. The caller's arguments come
 * from /proc/self/cmdline, because merely touching the `process` object
 * costs about a millisecond; execv hands on the C library's environ, so the
 * environment is not even copied. FLOOR_ARGV is baked in at build time, as
 * in floor-execve.ts.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";

declare const FLOOR_ARGV: [string, ...string[]];

const { i32, i64, u64, ptr: p } = FFIType;
const libc = dlopen("libc.so.6", {
  open: { args: [p, i32, i32], returns: i32 },
  read: { args: [i32, p, u64], returns: i64 },
  execv: { args: [p, p], returns: i32 },
}).symbols;

const encoder = new TextEncoder();
const cmdline = new Uint8Array(1 << 16);
const fd = libc.open(encoder.encode("/proc/self/cmdline\0"), 0, 0);
let length = 0;
for (;;) {
  const n = Number(libc.read(fd, cmdline.subarray(length), cmdline.length - length - 1));
  if (n <= 0) break;
  length += n;
}

// Plain loops throughout: array builtins such as map() cost tens of microseconds on first use.
const strings: Uint8Array[] = [];
for (const arg of FLOOR_ARGV) strings.push(encoder.encode(`${arg}\0`));
const argv = new BigUint64Array(strings.length + length + 1);
let count = 0;
for (const s of strings) argv[count++] = BigInt(ptr(s));
const base = BigInt(ptr(cmdline));
// Every string after the floor's own argv[0], pointed at in place.
for (let at = cmdline.indexOf(0) + 1; at > 0 && at < length; at = cmdline.indexOf(0, at) + 1) {
  argv[count++] = base + BigInt(at);
}
libc.execv(strings[0] as Uint8Array, argv);
