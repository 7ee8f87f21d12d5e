/**
 * The shim's effects without bun:ffi, for a runtime started without its JIT
 * (a small RLIMIT_AS). Only Bun's own process API and node:fs, loaded on
 * demand so an ordinary call never pays for them. Every privilege rule still
 * holds: the same facts reach the same decide(); what this path cannot
 * reproduce of an exec (see contract §3) concerns only fidelity.
 */

import type { BootFile } from "../core/bootEnv.ts";
import { type Bytes, utf8 } from "../core/bytes.ts";
import { absent, ELOOP, type Failure, failed } from "../core/failure.ts";
import type { Node } from "../core/pathLookup.ts";
import { auxvSecure } from "../core/privilege.ts";
import type { TerminalObservation, Tty } from "../core/terminal.ts";
import type { ProgramStatus } from "../core/trust.ts";
import type { Probe } from "./probe.ts";

const loadFs = () => process.getBuiltinModule("node:fs");
let loadedFs: ReturnType<typeof loadFs> | undefined;
/** node:fs only when this path runs: it costs milliseconds to load, and a static import would load it on every call. */
function fs(): ReturnType<typeof loadFs> {
  loadedFs ??= loadFs();
  return loadedFs;
}

/** A failed node:fs call as a Failure: its errno, in libuv's words (the C library's are out of reach here). */
function failure(call: string, on: string, code: number): Failure {
  const words = process.getBuiltinModule("node:util").getSystemErrorMap().get(-code)?.[1];
  return { call, on, errno: code, words: words ? words.charAt(0).toUpperCase() + words.slice(1) : `errno ${code}` };
}

/** `run`'s result, or the failure of `call` on `on` it threw. */
function attempt<T>(call: string, on: string, run: () => T): T | Failure {
  try {
    return run();
  } catch (error) {
    const code = Math.abs((error as NodeJS.ErrnoException).errno ?? 0);
    if (code === 0) throw error;
    return failure(call, on, code);
  }
}

function readBytes(path: string): Bytes | Failure {
  return attempt("read", path, () => fs().readFileSync(path));
}

function lstat(path: string): Node {
  const st = attempt("lstat", path, () => fs().lstatSync(path));
  if (failed(st)) return absent(st) ? { kind: "missing" } : { kind: "unexamined", failure: st };
  if (st.isSymbolicLink()) {
    const target = attempt("readlink", path, () => fs().readlinkSync(path, "utf8"));
    return failed(target) ? { kind: "unexamined", failure: target } : { kind: "symlink", target };
  }
  return { kind: kindOf(st), uid: st.uid, gid: st.gid, mode: st.mode };
}

/** A node's kind as node:fs tells it, for a node that is not a link. */
function kindOf(st: { isDirectory(): boolean; isFile(): boolean }): "dir" | "file" | "other" {
  return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
}

function stat(path: string): Node {
  const st = attempt("stat", path, () => fs().statSync(path));
  if (failed(st)) return absent(st) ? { kind: "missing" } : { kind: "unexamined", failure: st };
  return { kind: kindOf(st), uid: st.uid, gid: st.gid, mode: st.mode };
}

/** As src/sys/files.ts reads it: one open that follows no link and never waits, a link read by lstat. */
function readNoFollow(path: string): BootFile {
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs().constants;
  const fd = attempt("open", path, () => fs().openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK));
  if (failed(fd)) {
    const node = fd.errno === ELOOP ? lstat(path) : undefined;
    if (node?.kind === "symlink" || node?.kind === "unexamined") return node;
    return absent(fd) ? { kind: "missing" } : { kind: "unexamined", failure: fd };
  }
  try {
    const st = attempt("fstat", path, () => fs().fstatSync(fd));
    if (failed(st)) return { kind: "unexamined", failure: st };
    const kind = kindOf(st);
    const owner = { uid: st.uid, gid: st.gid, mode: st.mode };
    if (kind !== "file") return { kind, ...owner };
    const data = attempt("read", path, () => fs().readFileSync(fd));
    return failed(data) ? { kind: "unexamined", failure: data } : { kind, ...owner, data };
  } finally {
    fs().closeSync(fd);
  }
}

function executableStatus(path: string): ProgramStatus {
  const refused = attempt("access", path, () => fs().accessSync(path, fs().constants.X_OK));
  if (!failed(refused)) return "ok";
  return absent(refused) ? "missing" : refused;
}

/**
 * Without ioctl: /proc/self/stat names the session and its controlling terminal's device, and a terminal on 0–2
 * belongs to that session only when it is that device; any other is taken as no session's, which is never the shim's.
 */
function terminal(): TerminalObservation | Failure {
  const stat = readBytes("/proc/self/stat");
  if (failed(stat)) return stat;
  const fields = new TextDecoder().decode(stat).slice(new TextDecoder().decode(stat).lastIndexOf(")") + 2);
  const [, , , sid, ttyNr] = fields.split(" ").map(Number);
  if (sid === undefined || ttyNr === undefined || Number.isNaN(sid) || Number.isNaN(ttyNr))
    throw new Error("/proc/self/stat has no session and terminal fields");
  const isatty = process.getBuiltinModule("node:tty").isatty;
  const std: (Tty | undefined)[] = [];
  for (let fd = 0; fd < 3; fd++)
    std.push(isatty(fd) ? { sid: ttyNr !== 0 && fs().fstatSync(fd).rdev === ttyNr ? sid : 0 } : undefined);
  return { pid: process.pid, sid, std, ...(ttyNr !== 0 ? { ctty: { sid } } : {}) };
}

/** Linux has every one of these: they are optional in Node's types only for Windows. */
const ids = process as NodeJS.Process &
  Required<Pick<NodeJS.Process, "geteuid" | "getuid" | "getgid" | "getegid" | "getgroups">>;

export const portableProbe: Probe = {
  geteuid: () => ids.geteuid(),
  started: () => {
    const auxv = readBytes("/proc/self/auxv");
    if (failed(auxv)) return auxv;
    return { ruid: ids.getuid(), rgid: ids.getgid(), egid: ids.getegid(), secure: auxvSecure(auxv) };
  },
  executableStatus,
  lstat,
  stat,
  readNoFollow,
  self: () => attempt("readlink", "/proc/self/exe", () => fs().readlinkSync("/proc/self/exe", "utf8")),
  read: readBytes,
  access: (path, mode) => {
    try {
      fs().accessSync(Buffer.from(path), mode);
      return 0;
    } catch (error) {
      return Math.abs((error as NodeJS.ErrnoException).errno ?? 1);
    }
  },
  groups: () => attempt("getgroups", "", () => [ids.getegid(), ...ids.getgroups()]),
  entries: (path) => attempt("getdents64", path, () => fs().readdirSync(path)),
  terminal,
  failure,
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
