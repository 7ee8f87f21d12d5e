/**
 * Root's terminal stays root's (contract §12): the drop's chain runs on a pty of its own, as the leader of a new
 * session with that pty as its controlling terminal, and this process relays between the caller's terminal and
 * the pty until the CLI exits, then ends as the CLI did. Loaded only on that path (sudo's use_pty is the model).
 */
import { dlopen, FFIType } from "bun:ffi";
import type { Bytes } from "../core/bytes.ts";
import { failed, failureText } from "../core/failure.ts";
import { type Ending, rawModes, suspendKeyAt, TERMIOS_SIZE, waitStatus } from "../core/terminal.ts";
import { cArray, prepareExec } from "./exec.ts";
import { readAll, retried } from "./files.ts";
import { cstr, libc, moreLibc, O_CLOEXEC, O_NOCTTY, O_RDWR, SIG_DFL, unable } from "./libc.ts";
import { TCGETS } from "./terminal.ts";
import { writeStderr } from "./write.ts";

const { i32, u32, u64, ptr: p } = FFIType;

const c = dlopen("libc.so.6", {
  posix_spawn: { args: [p, p, p, p, p, p], returns: i32 },
  posix_spawn_file_actions_init: { args: [p], returns: i32 },
  posix_spawn_file_actions_addopen: { args: [p, i32, p, i32, u32], returns: i32 },
  posix_spawn_file_actions_adddup2: { args: [p, i32, i32], returns: i32 },
  posix_spawn_file_actions_addclose: { args: [p, i32], returns: i32 },
  posix_spawnattr_init: { args: [p], returns: i32 },
  posix_spawnattr_setflags: { args: [p, i32], returns: i32 },
  posix_spawnattr_setsigdefault: { args: [p, p], returns: i32 },
  waitpid: { args: [i32, p, i32], returns: i32 },
  kill: { args: [i32, i32], returns: i32 },
  fchown: { args: [i32, u32, u32], returns: i32 },
  fchmod: { args: [i32, u32], returns: i32 },
  getpgrp: { args: [], returns: i32 },
  ioctl: { args: [i32, u64, u64], returns: i32 },
  capset: { args: [p, p], returns: i32 },
}).symbols;

const TCSETS = 0x5402n;
const TCSETSW = 0x5403n;
const TIOCGPGRP = 0x540fn;
const TIOCGWINSZ = 0x5413n;
const TIOCSWINSZ = 0x5414n;
const TIOCGPTN = 0x80045430n;
const TIOCSPTLCK = 0x40045431n;
const TIOCGPTPEER = 0x5441n;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSID = 0x80;
const WNOHANG = 1;
const WUNTRACED = 2;
const WCONTINUED = 8;
const SIGHUP = 1;
const SIGKILL = 9;
const SIGCONT = 18;
const SIGSTOP = 19;
const SIGTSTP = 20;
const RLIMIT_CORE = 4;

/** What the caller sends the relay is the CLI's: sudo forwards the same. */
const FORWARDED = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM"] as const;
const NUMBER: Record<(typeof FORWARDED)[number], number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGTERM: 15,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGALRM: 14,
};

function check(result: number, call: string, on: string): number {
  if (result < 0) throw unable(call, on);
  return result;
}

/** ioctl(2) `name` on `on`, retried when interrupted. */
function ioctl(fd: number, request: bigint, arg: Uint8Array | Int32Array, name: string, on: string): void {
  if (retried(() => moreLibc().ioctl(fd, request, arg)) !== 0) throw unable(`ioctl ${name}`, on);
}

export interface RelayCall {
  path: Bytes;
  argv: readonly Bytes[];
  env: readonly Bytes[];
  umask: number | undefined;
  /** Which of 0–2 are terminals: the CLI gets the pty there. */
  fds: readonly number[];
  /** The pty's owner, the runtime user (as login gives a terminal to the user who logs in). */
  uid: number | undefined;
}

/** A terminal on one of the inherited descriptors from 3 up: never the CLI's, whoever's terminal it is. */
function isTerminal(fd: number): boolean {
  return moreLibc().ioctl(fd, TCGETS, new Uint8Array(TERMIOS_SIZE)) === 0;
}

/** Opens the pty the CLI gets: the master is root's, the slave the runtime user's, mode 0620. */
function openPty(uid: number | undefined): { master: number; slave: number; name: string } {
  const master = check(libc.open(cstr("/dev/ptmx"), O_RDWR | O_NOCTTY | O_CLOEXEC, 0), "open", "/dev/ptmx");
  ioctl(master, TIOCSPTLCK, new Int32Array(1), "TIOCSPTLCK", "/dev/ptmx");
  const number = new Int32Array(1);
  ioctl(master, TIOCGPTN, number, "TIOCGPTN", "/dev/ptmx");
  const slave = check(
    c.ioctl(master, TIOCGPTPEER, BigInt(O_RDWR | O_NOCTTY | O_CLOEXEC)),
    "ioctl TIOCGPTPEER",
    "/dev/ptmx",
  );
  const name = `/dev/pts/${number[0]}`;
  if (uid !== undefined) check(c.fchown(slave, uid, 0xffffffff), "fchown", name);
  check(c.fchmod(slave, 0o620), "fchmod", name);
  return { master, slave, name };
}

/** Starts the chain on the pty, in a session of its own: its pid, or the errno of a failed start. */
function spawn(
  call: RelayCall,
  pty: { slave: number; name: string },
  inherited: readonly number[],
): { pid: number } | { errno: number } {
  const actions = new Uint8Array(256);
  const attr = new Uint8Array(1024);
  const defaults = new Uint8Array(128);
  c.posix_spawn_file_actions_init(actions);
  // Opened by name after setsid(), without O_NOCTTY: that makes it the new session's controlling terminal.
  c.posix_spawn_file_actions_addopen(actions, pty.slave, cstr(pty.name), O_RDWR, 0);
  for (const fd of call.fds) c.posix_spawn_file_actions_adddup2(actions, pty.slave, fd);
  c.posix_spawn_file_actions_addclose(actions, pty.slave);
  for (const fd of [3, ...inherited]) if (isTerminal(fd)) c.posix_spawn_file_actions_addclose(actions, fd);
  c.posix_spawnattr_init(attr);
  // At their default in the CLI, as after the shim's own execve: the signals the relay handles, the two the runtime
  // ignores, and the C library's two internal ones (32, 33), which posix_spawn would otherwise leave ignored.
  // Set bit by bit (a sigset_t is a little-endian bit array here): sigaddset refuses the internal two.
  for (const signal of [...FORWARDED.map((name) => NUMBER[name]), 13, 25, 32, 33])
    defaults[(signal - 1) >> 3] = (defaults[(signal - 1) >> 3] ?? 0) | (1 << ((signal - 1) & 7));
  c.posix_spawnattr_setsigdefault(attr, defaults);
  c.posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF);
  const file = cArray([call.path]);
  const args = cArray(call.argv);
  const env = cArray(call.env);
  const pid = new Int32Array(1);
  const failed = c.posix_spawn(pid, file.data, actions, attr, args.pointers, env.pointers);
  return failed === 0 ? { pid: pid[0] as number } : { errno: failed };
}

const CAP_KILL = 5;

/** From here on the relay only signals the CLI (CAP_KILL, as it runs as another user): it keeps nothing else. */
function dropCapabilities(name: string): void {
  const header = new Uint32Array([0x20080522, 0]);
  const data = new Uint32Array([1 << CAP_KILL, 1 << CAP_KILL, 0, 0, 0, 0]);
  if (c.capset(header, data) !== 0) writeStderr(`${name}: warning: ${unable("capset", "").message}\n`);
}

/** Whether this process's group is a job a shell controls: only then does Ctrl-Z stop anything, as without a relay. */
function underJobControl(name: string): boolean {
  const parent = libc.getppid();
  const bytes = parent > 0 ? readAll(`/proc/${parent}/stat`) : undefined;
  if (bytes === undefined) return false;
  if (failed(bytes)) {
    writeStderr(`${name}: warning: Ctrl-Z will not suspend the CLI: ${failureText(bytes)}\n`);
    return false;
  }
  const stat = new TextDecoder().decode(bytes);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const own = moreLibc().getsid(0);
  return Number(fields[2]) !== c.getpgrp() && Number(fields[3]) === own;
}

/**
 * Runs the plan's chain on a pty of its own and relays until it exits, then ends as it did. Returns only the
 * errno of a chain that could not start; throws Unable (one line) when a call fails before anything ran.
 */
export async function relay(call: RelayCall, name: string): Promise<number> {
  const inherited = prepareExec(call.umask);
  const first = call.fds[0];
  // A description of the caller's terminal of the relay's own: its flags are never the caller's shell's.
  const termPath = first === undefined ? "/dev/tty" : `/proc/self/fd/${first}`;
  const term = check(libc.open(cstr(termPath), O_RDWR | O_NOCTTY | O_CLOEXEC, 0), "open", termPath);
  const saved = new Uint8Array(TERMIOS_SIZE);
  ioctl(term, TCGETS, saved, "TCGETS", termPath);
  const size = new Uint8Array(8);
  const pty = openPty(call.uid);
  // The CLI starts with the caller's modes and size, as it would have on the caller's terminal.
  ioctl(pty.slave, TCSETS, saved, "TCSETS", pty.name);
  ioctl(term, TIOCGWINSZ, size, "TIOCGWINSZ", termPath);
  ioctl(pty.master, TIOCSWINSZ, size, "TIOCSWINSZ", pty.name);
  const started = spawn(call, pty, inherited);
  libc.close(pty.slave);
  if ("errno" in started) return started.errno;
  dropCapabilities(name);
  // Like sudo: a relay that dies of the CLI's signal leaves no core of its own (the CLI's limits are its own).
  libc.setrlimit(RLIMIT_CORE, new BigUint64Array([0n, 0n]));
  return run(term, saved, pty.master, started.pid, name);
}

function run(term: number, saved: Uint8Array, master: number, pid: number, name: string): Promise<never> {
  const raw = rawModes(saved);
  const jobs = underJobControl(name);
  let rawSet = false;
  let stopped = 0;
  let ending: Ending | undefined;
  const foreground = () => {
    const group = new Int32Array(1);
    return moreLibc().ioctl(term, TIOCGPGRP, group) === 0 && group[0] === c.getpgrp();
  };
  const restore = () => {
    if (rawSet) moreLibc().ioctl(term, TCSETSW, saved);
    rawSet = false;
  };
  // Whatever ends this process puts the caller's modes back.
  process.on("exit", restore);
  const resize = () => {
    const size = new Uint8Array(8);
    if (moreLibc().ioctl(term, TIOCGWINSZ, size) === 0) moreLibc().ioctl(master, TIOCSWINSZ, size);
  };
  // Only a foreground job may set the terminal's modes or read it; a background one would be stopped for it.
  const takeTerminal = () => {
    if (!foreground()) return;
    if (!rawSet) rawSet = moreLibc().ioctl(term, TCSETSW, raw) === 0;
    termIn.resume();
  };

  // The runtime's own terminal streams: each side read and written in the event loop, neither waiting on the other.
  const { ReadStream, WriteStream } = process.getBuiltinModule("node:tty");
  const termIn = new ReadStream(term);
  const termOut = new WriteStream(term);
  const ptyIn = new ReadStream(master);
  const ptyOut = new WriteStream(master);
  for (const stream of [termIn, termOut, ptyIn, ptyOut]) stream.on("error", () => {});
  termIn.pause();

  /** Ctrl-Z: the CLI's foreground job and the relay stop together, as they would without a relay. */
  const suspend = (group: number) => {
    stopped = group;
    if (group > 0) c.kill(-group, SIGSTOP);
    termIn.pause();
    restore();
    c.kill(process.pid, SIGTSTP);
  };
  const suspendKey = (data: Uint8Array): number => {
    if (!jobs) return -1;
    const modes = new Uint8Array(TERMIOS_SIZE);
    const slave = c.ioctl(master, TIOCGPTPEER, BigInt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (slave < 0) return -1;
    const ok = moreLibc().ioctl(slave, TCGETS, modes) === 0;
    libc.close(slave);
    return ok ? suspendKeyAt(modes, data) : -1;
  };

  termIn.on("data", (data: Buffer) => {
    if (ending) return;
    const at = suspendKey(data);
    if (at < 0) {
      ptyOut.write(data);
      return;
    }
    ptyOut.write(data.subarray(0, at));
    const group = new Int32Array(1);
    suspend(moreLibc().ioctl(master, TIOCGPGRP, group) === 0 ? (group[0] as number) : pid);
  });
  // The caller's terminal hung up: the CLI's does too, as it would have directly.
  const hangup = () => {
    if (!ending) c.kill(pid, SIGHUP);
  };
  termIn.on("end", hangup);
  termIn.on("error", hangup);

  let finishing = false;
  const finish = async () => {
    if (finishing) return;
    finishing = true;
    await new Promise((flushed) => termOut.write("", flushed));
    restore();
    libc.close(master);
    const end = ending as Ending;
    if ("code" in end) process.exit(end.code);
    // The same death: the default action of the CLI's signal, on the relay itself.
    libc.signal(end.signal, SIG_DFL);
    c.kill(process.pid, end.signal);
    process.exit(128 + end.signal);
  };

  // The CLI's output, to the last byte: after it exits, until every holder closed the pty, or it stayed quiet a
  // moment (something the CLI left behind still holds it), and never for long: the terminal is the caller's again.
  let open = true;
  let quiet: ReturnType<typeof setTimeout> | undefined;
  const settle = () => {
    clearTimeout(quiet);
    quiet = setTimeout(finish, open ? 100 : 0);
  };
  ptyIn.on("data", (data: Buffer) => {
    termOut.write(data);
    if (ending) settle();
  });
  const closed = () => {
    open = false;
    if (ending) settle();
  };
  ptyIn.on("end", closed);
  ptyIn.on("error", closed);

  const reap = () => {
    const status = new Int32Array(1);
    for (;;) {
      const got = c.waitpid(pid, status, WNOHANG | WUNTRACED | WCONTINUED);
      if (got <= 0) return;
      const what = waitStatus(status[0] as number);
      if ("exited" in what) {
        ending = what.exited;
        // From now on what the operator types is the shell's again.
        termIn.pause();
        restore();
        settle();
        setTimeout(finish, 1000);
        return;
      }
      // Stopped by someone else's signal (kill -STOP): the relay stops too, and resumes the CLI with itself.
      if ("stopped" in what && jobs && stopped === 0) suspend(pid);
    }
  };

  process.on("SIGCHLD", reap);
  process.on("SIGWINCH", resize);
  process.on("SIGCONT", () => {
    takeTerminal();
    resize();
    if (stopped !== 0) c.kill(-stopped, SIGCONT);
    c.kill(pid, SIGCONT);
    stopped = 0;
  });
  for (const name of FORWARDED) process.on(name, () => c.kill(pid, NUMBER[name]));
  process.on("exit", () => {
    // Never leave the CLI behind on the pty with no one relaying.
    if (!ending) c.kill(pid, SIGKILL);
  });
  takeTerminal();
  // The CLI may have ended before the handler was in place.
  reap();
  // It ends only by process.exit, as the CLI did.
  return new Promise<never>(() => {});
}
