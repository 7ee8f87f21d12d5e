/**
 * The runtime's own threads. JavaScriptCore starts JIT workers once code runs hot, a thread that warms up heap
 * blocks once the heap grows, the GC's helpers once it collects, and mimalloc a scavenger beside the first of
 * them. Each needs a pid; when the pids cgroup has none left the runtime aborts with its crash report, which
 * repeats argv (docs/runtime.md). The build's JIT policy keeps an ordinary call's code in the interpreter, so it
 * starts none. What holds many strings grows the heap enough to start the warm-up thread all the same; such a
 * call, and the admin commands, which walk whole homes, run again under the options below before they begin,
 * which stop every one of those threads from the runtime's start.
 */
import type { Bytes } from "./bytes.ts";
import { bytes } from "./bytes.ts";

/** JavaScriptCore's options, read from the environment once, when the runtime starts. */
export const QUIET_OPTIONS: readonly string[] = [
  "BUN_JSC_useConcurrentJIT=0",
  "BUN_JSC_useWarmUpMarkedBlocks=0",
  "BUN_JSC_useConcurrentGC=0",
  "BUN_JSC_numberOfGCMarkers=1",
];

function equal(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The most strings (arguments, and the environment's entries where it is read whole) a call holds and still
 * starts no thread: the warm-up thread started from about a hundred on root's path, measured with strace -f;
 * half that leaves room for what else the call reads (the user database, the home's top).
 */
export const FEW_STRINGS = 48;

/** The variable whose presence says a call may be that second run: the last option, which callers never set. */
export const QUIET_MARK = "BUN_JSC_numberOfGCMarkers";

/** How many NUL-terminated strings `data` holds, as /proc gives argv and the environment: no object made per string. */
export function stringCount(data: Bytes): number {
  let n = 0;
  for (let at = data.indexOf(0); at !== -1; at = data.indexOf(0, at + 1)) n++;
  return n;
}

/**
 * Whether a call runs again under the options: the admin commands always, and a call holding more strings than
 * FEW_STRINGS (its arguments, and its environment's entries where it reads it whole: `envc`).
 */
export function quietNeeded(admin: boolean, argc: number, envc = 0): boolean {
  return admin || argc + envc > FEW_STRINGS;
}

/** The environment for that run: the caller's, then the options, each NUL-terminated. */
export function withQuietOptions(env: Bytes): Bytes {
  const options = bytes(`${QUIET_OPTIONS.join("\0")}\0`);
  // /proc/self/environ ends each entry with a NUL; a last one without (never seen) gets one.
  const gap = env.length > 0 && env[env.length - 1] !== 0 ? 1 : 0;
  const out = new Uint8Array(env.length + gap + options.length);
  out.set(env);
  out.set(options, env.length + gap);
  return out;
}

/** In that run, the caller's environment as it was (`quiet`), the options it ends with taken off; else as given. */
export function withoutQuietOptions(env: Bytes[]): { env: Bytes[]; quiet: boolean } {
  const options = QUIET_OPTIONS.map(bytes);
  const at = env.length - options.length;
  if (at >= 0 && options.every((o, i) => equal(o, env[at + i] as Bytes))) return { env: env.slice(0, at), quiet: true };
  return { env, quiet: false };
}
