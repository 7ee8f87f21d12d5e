/**
 * The shim's effects without bun:ffi, for a runtime started without its JIT
 * (a small RLIMIT_AS). Only Bun's own process API and node:fs, loaded on
 * demand so an ordinary call never pays for them. Every privilege rule still
 * holds: the same facts reach the same decide(); what this path cannot
 * reproduce of an exec (see contract §3) concerns only fidelity.
 */
import { type Bytes, utf8 } from "../core/bytes.ts";
import type { Node } from "../core/pathWalk.ts";
import { auxvSecure } from "../core/privilege.ts";
import type { TerminalObservation, Tty } from "../core/terminal.ts";
import type { ProgramStatus } from "../core/trust.ts";
import type { Probe } from "./facts.ts";

const loadFs = () => process.getBuiltinModule("node:fs");
let loadedFs: ReturnType<typeof loadFs> | undefined;
/** node:fs only when this path runs: it costs milliseconds to load, and a static import would load it on every call. */
function fs(): ReturnType<typeof loadFs> {
  loadedFs ??= loadFs();
  return loadedFs;
}

function readBytes(path: string): Bytes | undefined {
  try {
    return fs().readFileSync(path);
  } catch {
    return undefined;
  }
}

function lstat(path: string): Node {
  try {
    const st = fs().lstatSync(path);
    if (st.isSymbolicLink()) return { kind: "symlink", target: fs().readlinkSync(path, "utf8") };
    const kind = st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
    return { kind, uid: st.uid, gid: st.gid, mode: st.mode };
  } catch {
    return { kind: "missing" };
  }
}

function executableStatus(path: string): ProgramStatus {
  try {
    fs().accessSync(path, fs().constants.X_OK);
    return "ok";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "not-executable";
  }
}

/**
 * Without ioctl: /proc/self/stat names the session and its controlling terminal's device, and a terminal on 0–2
 * belongs to that session only when it is that device; any other is taken as no session's, which is never the shim's.
 */
function terminal(): TerminalObservation {
  const stat = readBytes("/proc/self/stat");
  const fields = stat && new TextDecoder().decode(stat).slice(new TextDecoder().decode(stat).lastIndexOf(")") + 2);
  const [, , , sid, ttyNr] = (fields ?? "").split(" ").map(Number);
  if (sid === undefined || ttyNr === undefined || Number.isNaN(sid) || Number.isNaN(ttyNr))
    throw new Error("unable to read /proc/self/stat");
  const isatty = process.getBuiltinModule("node:tty").isatty;
  const std: (Tty | undefined)[] = [];
  for (let fd = 0; fd < 3; fd++)
    std.push(isatty(fd) ? { sid: ttyNr !== 0 && fs().fstatSync(fd).rdev === ttyNr ? sid : 0 } : undefined);
  return { pid: process.pid, sid, std, ...(ttyNr !== 0 ? { ctty: { sid } } : {}) };
}

export const portableProbe: Probe = {
  geteuid: () => process.geteuid?.() ?? -1,
  started: () => {
    const auxv = readBytes("/proc/self/auxv");
    return {
      ruid: process.getuid?.() ?? -1,
      rgid: process.getgid?.() ?? -1,
      egid: process.getegid?.() ?? -1,
      // Unreadable means unknown, and unknown is refused.
      secure: auxv && auxvSecure(auxv),
    };
  },
  executableStatus,
  lstat,
  self: () => {
    try {
      return fs().readlinkSync("/proc/self/exe", "utf8");
    } catch {
      return undefined;
    }
  },
  read: readBytes,
  access: (path, mode) => {
    try {
      fs().accessSync(Buffer.from(path), mode);
      return 0;
    } catch (error) {
      return Math.abs((error as NodeJS.ErrnoException).errno ?? 1);
    }
  },
  groups: () => [process.getegid?.() ?? -1, ...(process.getgroups?.() ?? [])],
  entries: (path) => {
    try {
      return fs().readdirSync(path);
    } catch {
      return undefined;
    }
  },
  terminal,
  strerror: (code) => {
    try {
      return process.getBuiltinModule("node:util").getSystemErrorName(-code);
    } catch {
      return `errno ${code}`;
    }
  },
};

/**
 * process.execve takes strings and an environment object: argv or an
 * environment it cannot carry byte for byte (bytes that are not UTF-8,
 * a name given twice, an entry without '=') make this undefined.
 */
export function representable(
  argv: readonly Bytes[],
  env: readonly Bytes[],
): { args: string[]; env: Record<string, string> } | undefined {
  const args: string[] = [];
  for (const a of argv) {
    const t = utf8(a);
    if (t === undefined) return undefined;
    args.push(t);
  }
  const out: Record<string, string> = {};
  for (const e of env) {
    const t = utf8(e);
    const eq = t === undefined ? -1 : t.indexOf("=");
    if (t === undefined || eq <= 0 || Object.hasOwn(out, t.slice(0, eq))) return undefined;
    out[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return { args, env: out };
}

/** Returns a reason only if the exec failed or could not be attempted faithfully. */
export function execve(path: string, args: string[], env: Record<string, string>, umask?: number): string {
  // Adding then removing a listener puts a signal back to its default: the runtime ignores these two for itself.
  const nothing = () => {};
  for (const signal of ["SIGPIPE", "SIGXFSZ"] as const) {
    process.on(signal, nothing);
    process.off(signal, nothing);
  }
  if (umask !== undefined) process.umask(umask);
  try {
    process.execve?.(path, args, env);
    return "process.execve is unavailable";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file or directory" : code === "EACCES" ? "permission denied" : String(code);
  }
}
