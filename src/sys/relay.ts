/**
 * Root's terminal stays root's (contract §12): the drop's chain runs on a pty of its own, as the leader of a new
 * session with that pty as its controlling terminal, and this process relays between the caller's terminal and
 * the pty until the CLI exits, then ends as the CLI did. Loaded only on that path (sudo's use_pty is the model).
 *
 * One loop, in this thread, waits in poll(2) on three descriptors of the relay's own: root's terminal (reopened,
 * non-blocking), the pty's master (non-blocking) and a pidfd of the CLI, readable once it exited. A signal the relay
 * handles interrupts that wait (EINTR): the loop then lets the runtime's event loop run its listener, which queues
 * the signal for the loop (see docs/relay.md for why neither signalfd nor a reader thread). What to read and write
 * next, and when it ends, is src/core/relayRules.ts's; this file polls, reads, writes and signals.
 */
import type { Bytes } from "../core/bytes.ts";
import { EAGAIN, EINTR, EPERM, failed, failureText } from "../core/failure.ts";
import {
  afterPtyRead,
  afterPtyWrite,
  afterTermRead,
  afterTermWrite,
  exited,
  finished,
  HANDLED,
  interest,
  Pending,
  ptyReadLimit,
  type ReadOutcome,
  type RelayState,
  SIGCONT,
  SIGHUP,
  signalMeaning,
  startState,
  waits,
} from "../core/relayRules.ts";
import { SIGKILL, SIGSTOP, SIGTSTP } from "../core/signals.ts";
import { type Ending, rawModes, suspendKeyAt, TERMIOS_SIZE, waitStatus } from "../core/terminal.ts";
import { cArray, prepareExec } from "./exec.ts";
import { readAll, retried } from "./files.ts";
import {
  asPointer,
  cstr,
  errno,
  libc,
  moreLibc,
  O_CLOEXEC,
  O_NOCTTY,
  O_NONBLOCK,
  O_RDWR,
  relayLibc,
  SIG_DFL,
  unable,
} from "./libc.ts";
import { SYS } from "./syscalls.ts";
import { TCGETS } from "./terminal.ts";
import { writeStderr } from "./write.ts";

/** The rarer calls and the relay's own, as one table: the relay binds its own once, when it starts. */
const calls = () => ({ ...moreLibc(), ...relayLibc() });

const TCSETS = 0x5402n;
const TCSETSW = 0x5403n;
const TCXONC = 0x540an;
const TIOCGPGRP = 0x540fn;
const TIOCGWINSZ = 0x5413n;
const TIOCSWINSZ = 0x5414n;
const TIOCGPTN = 0x80045430n;
const TIOCSPTLCK = 0x40045431n;
const TIOCGPTPEER = 0x5441n;
const TCOOFF = 0;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSID = 0x80;
const WNOHANG = 1;
const WUNTRACED = 2;
const WCONTINUED = 8;
const RLIMIT_CORE = 4;
const CAP_KILL = 5;
const CAP_SETUID = 7;
const UNCHANGED = 0xffffffff;
const POLLIN = 1;
const POLLOUT = 4;
const POLLERR = 8;
const POLLHUP = 0x10;
/**
 * While every poll finds a side ready the loop yields to the runtime's event loop (where signal listeners run) once
 * in this many turns, not every turn: a turn of that loop allocates, and one per turn grew the relay's peak memory by
 * about 17 MiB while it relayed 64 MiB.
 */
const BUSY_TURNS = 64;
const SIGNAL_NAMES: Record<number, string> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  10: "SIGUSR1",
  12: "SIGUSR2",
  14: "SIGALRM",
  15: "SIGTERM",
  17: "SIGCHLD",
  18: "SIGCONT",
  28: "SIGWINCH",
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
  gid: number | undefined;
}

/** A terminal on one of the inherited descriptors from 3 up: never the CLI's, whoever's terminal it is. */
function isTerminal(fd: number): boolean {
  return moreLibc().ioctl(fd, TCGETS, new Uint8Array(TERMIOS_SIZE)) === 0;
}

/** The slave of `master`, opened through the master: no path, no permission check on the node. */
function peer(master: number, on: string): number {
  return check(
    moreLibc().ioctl(master, TIOCGPTPEER, asPointer(O_RDWR | O_NOCTTY | O_CLOEXEC)),
    "ioctl TIOCGPTPEER",
    on,
  );
}

/**
 * Runs `act` with the filesystem ids of the runtime user. devpts gives a new pty's slave to the filesystem uid and
 * gid of whoever opens /dev/ptmx, so the slave is created the runtime user's with no CAP_CHOWN, and its mode set
 * and its node opened as its owner with no CAP_FOWNER or CAP_DAC_OVERRIDE: the drop's CAP_SETUID and CAP_SETGID
 * are all the relay needs. The ids are the caller's again before anything else.
 */
function asOwner<T>(uid: number | undefined, gid: number | undefined, act: () => T): T {
  const c = calls();
  // Asked for an id that cannot be (-1), each returns the one in force and changes nothing.
  const before = { uid: c.setfsuid(UNCHANGED), gid: c.setfsgid(UNCHANGED) };
  try {
    if (gid !== undefined) {
      c.setfsgid(gid);
      if (c.setfsgid(UNCHANGED) !== gid) throw unable("setfsgid", `${gid}`, EPERM);
    }
    if (uid !== undefined) {
      c.setfsuid(uid);
      if (c.setfsuid(UNCHANGED) !== uid) throw unable("setfsuid", `${uid}`, EPERM);
    }
    return act();
  } finally {
    c.setfsuid(before.uid);
    c.setfsgid(before.gid);
  }
}

/** Opens the pty the CLI gets: the master is root's, the slave the runtime user's, mode 0620. */
function openPty(): { master: number; slave: number; name: string } {
  const master = check(
    libc.open(cstr("/dev/ptmx"), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, 0),
    "open",
    "/dev/ptmx",
  );
  ioctl(master, TIOCSPTLCK, new Int32Array(1), "TIOCSPTLCK", "/dev/ptmx");
  const number = new Int32Array(1);
  ioctl(master, TIOCGPTN, number, "TIOCGPTN", "/dev/ptmx");
  const name = `/dev/pts/${number[0]}`;
  const slave = peer(master, name);
  check(relayLibc().fchmod(slave, 0o620), "fchmod", name);
  return { master, slave, name };
}

/** Starts the chain on the pty, in a session of its own: its pid, or the errno of a failed start. */
function spawn(
  call: RelayCall,
  pty: { slave: number; name: string },
  inherited: readonly number[],
): { pid: number } | { errno: number } {
  const c = calls();
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
  for (const signal of [...HANDLED, 13, 25, 32, 33])
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

/**
 * From here on the relay only signals the CLI (CAP_KILL, as it runs as another user): it keeps nothing else. Where
 * the container never gave it CAP_KILL, it keeps CAP_SETUID instead, to signal the CLI as its user (signalCli).
 */
function dropCapabilities(name: string): void {
  const header = new Uint32Array([0x20080522, 0]);
  const data = new Uint32Array(6);
  if (relayLibc().capget(header, data) !== 0) writeStderr(`${name}: warning: ${unable("capget", "").message}\n`);
  const permitted = data[1] ?? 0;
  const kept = permitted & (1 << CAP_KILL) || permitted & (1 << CAP_SETUID);
  data.set([kept, kept, 0, 0, 0, 0]);
  if (relayLibc().capset(header, data) !== 0) writeStderr(`${name}: warning: ${unable("capset", "").message}\n`);
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
  return Number(fields[2]) !== relayLibc().getpgrp() && Number(fields[3]) === own;
}

/**
 * Runs the plan's chain on a pty of its own and relays until it exits, then ends as it did. Returns only the
 * errno of a chain that could not start; throws Unable (one line) when a call fails before anything ran.
 */
export async function relay(call: RelayCall, name: string): Promise<number> {
  const inherited = prepareExec(call.umask);
  const first = call.fds[0];
  // A description of the caller's terminal of the relay's own: its flags (O_NONBLOCK) are never the caller's shell's.
  const termPath = first === undefined ? "/dev/tty" : `/proc/self/fd/${first}`;
  const term = check(libc.open(cstr(termPath), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, 0), "open", termPath);
  const saved = new Uint8Array(TERMIOS_SIZE);
  ioctl(term, TCGETS, saved, "TCGETS", termPath);
  const size = new Uint8Array(8);
  const pty = asOwner(call.uid, call.gid, openPty);
  // The CLI starts with the caller's modes and size, as it would have on the caller's terminal.
  ioctl(pty.slave, TCSETS, saved, "TCSETS", pty.name);
  ioctl(term, TIOCGWINSZ, size, "TIOCGWINSZ", termPath);
  ioctl(pty.master, TIOCSWINSZ, size, "TIOCSWINSZ", pty.name);
  // From before the CLI starts: the runtime's listeners only queue a signal, which the loop acts on between waits.
  const queued: number[] = [];
  for (const signal of HANDLED) process.on(SIGNAL_NAMES[signal] as NodeJS.Signals, () => queued.push(signal));
  // The child opens the slave by name as its owner too: root may lack CAP_DAC_OVERRIDE.
  const started = asOwner(call.uid, call.gid, () => spawn(call, pty, inherited));
  if ("errno" in started) return started.errno;
  dropCapabilities(name);
  // Like sudo: a relay that dies of the CLI's signal leaves no core of its own (the CLI's limits are its own).
  libc.setrlimit(RLIMIT_CORE, new BigUint64Array([0n, 0n]));
  // The relay keeps the slave open: a CLI that closes its terminal to reopen it then never leaves the master at EIO.
  const exit = Number(libc.syscall(SYS.pidfd_open, BigInt(started.pid), null, 0n, 0n, null));
  return run({
    term,
    saved,
    master: pty.master,
    slave: pty.slave,
    exit,
    queued,
    pid: started.pid,
    uid: call.uid,
    name,
  });
}

interface Relay {
  term: number;
  saved: Uint8Array;
  master: number;
  slave: number;
  /** A pidfd of the CLI (readable once it exited), or -1 where the kernel has none: SIGCHLD alone then tells. */
  exit: number;
  /** The signals received and not yet acted on. */
  queued: number[];
  pid: number;
  uid: number | undefined;
  name: string;
}

/** A read or write's outcome as the rules take it: EAGAIN is nothing for now, any other failure that side's end. */
function outcome(result: number | bigint): ReadOutcome {
  const n = Number(result);
  if (n > 0) return { bytes: n };
  if (n < 0 && errno() === EAGAIN) return { again: true };
  return { ended: true };
}

function transfer(fd: number, into: Uint8Array, write: boolean): ReadOutcome {
  for (;;) {
    const n = write ? libc.write(fd, into, into.length) : libc.read(fd, into, into.length);
    if (Number(n) < 0 && errno() === EINTR) continue;
    return outcome(n);
  }
}

async function run(r: Relay): Promise<never> {
  const c = calls();
  const { term, master, pid } = r;
  const raw = rawModes(r.saved);
  const jobs = underJobControl(r.name);
  const toPty = new Pending();
  const toTerm = new Pending();
  let rawSet = false;
  let stopped = 0;
  let ending: Ending | undefined;

  // The loop's only buffers besides the two Pending: allocated once, never per turn.
  const group = new Int32Array(1);
  const modes = new Uint8Array(TERMIOS_SIZE);
  const status = new Int32Array(1);
  const foreground = () => {
    return c.ioctl(term, TIOCGPGRP, group) === 0 && group[0] === c.getpgrp();
  };
  const restore = () => {
    if (rawSet) c.ioctl(term, TCSETSW, r.saved);
    rawSet = false;
  };
  // Only a foreground job may set the terminal's modes or read it; a background one would be stopped for it.
  const takeTerminal = (): boolean => {
    if (!foreground()) return false;
    if (!rawSet) rawSet = c.ioctl(term, TCSETSW, raw) === 0;
    return true;
  };
  const resize = () => {
    const size = new Uint8Array(8);
    if (c.ioctl(term, TIOCGWINSZ, size) === 0) c.ioctl(master, TIOCSWINSZ, size);
  };
  /**
   * The CLI gets `signal`. Without CAP_KILL, the relay sends it with the CLI's user as its effective uid, for that
   * moment only: its real and saved uids stay root's, so the runtime user can neither signal nor trace it meanwhile.
   */
  const signalCli = (signal: number) => {
    if (c.kill(pid, signal) === 0 || errno() !== EPERM || r.uid === undefined) return;
    if (c.setresuid(UNCHANGED, r.uid, UNCHANGED) !== 0) return;
    c.kill(pid, signal);
    c.setresuid(UNCHANGED, 0, UNCHANGED);
  };
  let state: RelayState = startState(takeTerminal());

  /** Ctrl-Z: the CLI's foreground job and the relay stop together, as they would without a relay. */
  const suspend = (group: number) => {
    stopped = group;
    if (group > 0) c.kill(-group, SIGSTOP);
    restore();
    c.kill(libc.getpid(), SIGTSTP);
  };
  /** Where in `data` the CLI's pty would take Ctrl-Z, or -1. */
  const suspendKey = (data: Uint8Array): number => {
    if (!jobs) return -1;
    return c.ioctl(r.slave, TCGETS, modes) === 0 ? suspendKeyAt(modes, data) : -1;
  };

  /** Waits for the CLI without blocking; true once it exited. */
  const reap = (): boolean => {
    for (;;) {
      const got = c.waitpid(pid, status, WNOHANG | WUNTRACED | WCONTINUED);
      if (got <= 0) return ending !== undefined;
      const what = waitStatus(status[0] as number);
      if ("exited" in what) {
        ending = what.exited;
        toPty.clear();
        state = exited(state);
        // Whoever still holds the pty writes no more: what reaches root's terminal is what the CLI had written.
        c.ioctl(r.slave, TCXONC, asPointer(TCOOFF));
        return true;
      }
      // Stopped by someone else's signal (kill -STOP): the relay stops too, and resumes the CLI with itself.
      if ("stopped" in what && jobs && stopped === 0) suspend(pid);
    }
  };

  const queued = r.queued;
  const onSignals = () => {
    for (let signal = queued.shift(); signal !== undefined; signal = queued.shift()) {
      const meaning = signalMeaning(signal);
      if (!meaning) continue;
      if ("reap" in meaning) reap();
      else if ("resize" in meaning) resize();
      else if ("forward" in meaning) {
        if (!ending) signalCli(meaning.forward);
      } else {
        state = { ...state, foreground: takeTerminal() };
        resize();
        if (stopped !== 0) c.kill(-stopped, SIGCONT);
        c.kill(pid, SIGCONT);
        stopped = 0;
      }
    }
  };

  const hangup = (changed: { state: RelayState; hangup: boolean }) => {
    state = changed.state;
    if (state.termGone) toTerm.clear();
    if (changed.hangup) signalCli(SIGHUP);
  };

  const finish = (): never => {
    restore();
    libc.close(master);
    const end = ending as Ending;
    if ("code" in end) process.exit(end.code);
    // The same death: the default action of the CLI's signal, on the relay itself.
    libc.signal(end.signal, SIG_DFL);
    c.kill(libc.getpid(), end.signal);
    process.exit(128 + end.signal);
  };

  // Whatever ends this process puts the caller's modes back, and never leaves the CLI on a pty no one relays.
  process.on("exit", () => {
    restore();
    if (!ending) c.kill(pid, SIGKILL);
  });
  // struct pollfd { int fd; short events; short revents; }: root's terminal, the master, the signal pipe.
  const polled = new Int32Array(6);
  const events = new Int16Array(polled.buffer);
  /** One turn of the runtime's event loop, where the listeners of the signals that came meanwhile run. */
  const listen = async (): Promise<boolean> => {
    await new Promise((resumed) => setImmediate(resumed));
    const any = queued.length > 0;
    onSignals();
    return any;
  };
  let busy = 0;
  reap();
  for (;;) {
    if (finished(state)) finish();
    const want = interest(state);
    polled[0] = state.termGone ? -1 : term;
    events[2] = (want.termIn ? POLLIN : 0) | (want.termOut ? POLLOUT : 0);
    polled[2] = want.ptyIn || want.ptyOut ? master : -1;
    events[6] = (want.ptyIn ? POLLIN : 0) | (want.ptyOut ? POLLOUT : 0);
    polled[4] = ending ? -1 : r.exit;
    events[10] = POLLIN;
    events[3] = events[7] = events[11] = 0;
    let ready = c.poll(polled, 3, 0);
    if (ready === 0 && waits(state)) {
      // About to wait: a signal that came while the loop read or wrote is acted on first, then the loop waits.
      busy = 0;
      if (await listen()) continue;
      ready = c.poll(polled, 3, -1);
    } else if (++busy % BUSY_TURNS === 0) {
      // Never waiting, as while relaying a flood: the listeners run every so many turns all the same, and the
      // young garbage of those turns is collected, which the runtime would otherwise let grow by megabytes.
      await listen();
      Bun.gc(false);
    }
    if (ready < 0) {
      if (errno() !== EINTR) throw unable("poll", "the relay's terminals");
      // A signal: its listener runs in the runtime's event loop.
      await listen();
      continue;
    }
    // The CLI's exit first: once it is seen, root's terminal is read no more.
    if (events[11]) reap();
    const termReady = events[3] ?? 0;
    const ptyReady = events[7] ?? 0;
    if ((ptyReady & (POLLIN | POLLHUP | POLLERR) || !waits(state)) && interest(state).ptyIn) {
      const got = transfer(master, toTerm.room(ptyReadLimit(state)), false);
      state = afterPtyRead(state, got);
      if ("bytes" in got) toTerm.added(got.bytes);
      if (state.termGone) toTerm.clear();
    }
    // Bytes just read are written in the same turn when that side was not waited on (it held nothing then): a
    // non-blocking write that cannot go on says so (EAGAIN), and the next turn waits for it.
    const termWaited = (events[2] ?? 0) & POLLOUT;
    if ((termReady & (POLLOUT | POLLERR | POLLHUP) || !termWaited) && interest(state).termOut) {
      const done = transfer(term, toTerm.held(), true);
      hangup(afterTermWrite(state, done));
      if ("bytes" in done) toTerm.taken(done.bytes);
    }
    if ((ptyReady & POLLOUT || !((events[6] ?? 0) & POLLOUT)) && interest(state).ptyOut) {
      const done = transfer(master, toPty.held(), true);
      state = afterPtyWrite(state, done);
      if ("bytes" in done) toPty.taken(done.bytes);
      else if (!("again" in done)) toPty.clear();
    }
    // What root types is read only while the CLI is known to live: a byte typed after its exit stays root's.
    if (termReady & (POLLIN | POLLERR | POLLHUP) && interest(state).termIn && !reap()) {
      const room = toPty.room();
      const got = transfer(term, room, false);
      const at = "bytes" in got ? suspendKey(room.subarray(0, got.bytes)) : -1;
      hangup(afterTermRead(state, at < 0 ? got : at > 0 ? { bytes: at } : { again: true }));
      if ("bytes" in got) toPty.added(at < 0 ? got.bytes : at);
      if (at >= 0) {
        suspend(c.ioctl(master, TIOCGPGRP, group) === 0 ? (group[0] as number) : pid);
      }
    } else if (!state.termGone && termReady & (POLLHUP | POLLERR)) {
      // Root's terminal hung up while the relay had nothing to read or write there.
      hangup(afterTermRead(state, { ended: true }));
    }
  }
}
