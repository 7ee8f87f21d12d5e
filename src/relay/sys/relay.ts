/**
 * Root's terminal stays root's (contract §12): the drop's chain runs on a pty of its own, as the leader of a new
 * session with that pty as its controlling terminal, and this process relays between the caller's terminal and
 * the pty until the CLI exits, then ends as the CLI did. Loaded only on that path (sudo's use_pty is the model).
 *
 * One synchronous loop, in this thread, waits in poll(2) on four descriptors of the relay's own: root's terminal
 * (reopened, non-blocking), the pty's master (non-blocking), a pidfd of the CLI, readable once it exited, and a
 * signalfd of the signals the relay handles, which stay blocked: a signal is a descriptor ready like the others,
 * never a handler of the runtime's (docs/relay.md). What to read and write next, and when it ends, is
 * src/relay/core/relayRules.ts's; this file polls, reads, writes and signals, and makes no object on a turn that only
 * relays, so its heap never grows and the runtime starts no thread of its own (docs/runtime.md).
 */
import type { Bytes } from "../../core/bytes.ts";
import { EAGAIN, EINTR, EPERM, failed, failureText } from "../../core/failure.ts";
import { SIGCONT, SIGHUP, SIGKILL, SIGPIPE, SIGSTOP, SIGTSTP, SIGXFSZ } from "../../core/signals.ts";
import { TERMIOS_SIZE } from "../../core/terminal.ts";
import { cArray, prepareExec } from "../../sys/exec.ts";
import { readAll, retried } from "../../sys/files.ts";
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
  ptr,
  relayLibc,
  SIG_DFL,
  unable,
} from "../../sys/libc.ts";
import { SYS } from "../../sys/syscalls.ts";
import { TCGETS } from "../../sys/terminal.ts";
import { writeStderr } from "../../sys/write.ts";
import { type Ending, rawModes, suspendKeyAt, waitStatus } from "../core/pty.ts";
import {
  AGAIN,
  afterPtyRead,
  afterTerm,
  ENDED,
  exited,
  finished,
  HANDLED,
  type Held,
  hangsUp,
  interest,
  keepsOutput,
  type Outcome,
  Pending,
  PTY_IN,
  PTY_OUT,
  ptyReadLimit,
  type RelayState,
  signalMeaning,
  startState,
  TERM_IN,
  TERM_OUT,
  waits,
} from "../core/relayRules.ts";

let table: (ReturnType<typeof moreLibc> & ReturnType<typeof relayLibc>) | undefined;
/** The rarer calls and the relay's own, as one table, made once: the relay binds its own when it starts. */
const calls = () => {
  table ??= { ...moreLibc(), ...relayLibc() };
  return table;
};

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
const POSIX_SPAWN_SETSIGMASK = 0x08;
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
const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SFD_NONBLOCK = O_NONBLOCK;
const SFD_CLOEXEC = O_CLOEXEC;
/** struct signalfd_siginfo's size; its first field is the signal's number. */
const SIGINFO_SIZE = 128;

/**
 * A sigset_t holding `signals`, set bit by bit (a little-endian bit array here): glibc's is 128 bytes, the kernel
 * reads the first 8, and sigaddset would refuse the C library's internal two (32, 33).
 */
function signalSet(signals: readonly number[]): Uint8Array {
  const set = new Uint8Array(128);
  for (const signal of signals) set[(signal - 1) >> 3] = (set[(signal - 1) >> 3] ?? 0) | (1 << ((signal - 1) & 7));
  return set;
}

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
  c.posix_spawn_file_actions_init(actions);
  // Opened by name after setsid(), without O_NOCTTY: that makes it the new session's controlling terminal.
  c.posix_spawn_file_actions_addopen(actions, pty.slave, cstr(pty.name), O_RDWR, 0);
  for (const fd of call.fds) c.posix_spawn_file_actions_adddup2(actions, pty.slave, fd);
  c.posix_spawn_file_actions_addclose(actions, pty.slave);
  for (const fd of [3, ...inherited]) if (isTerminal(fd)) c.posix_spawn_file_actions_addclose(actions, fd);
  c.posix_spawnattr_init(attr);
  // At their default in the CLI, as after the shim's own execve: the signals the relay handles, the two the runtime
  // ignores, and the C library's two internal ones (32, 33), which posix_spawn would otherwise leave ignored.
  c.posix_spawnattr_setsigdefault(attr, signalSet([...HANDLED, SIGPIPE, SIGXFSZ, 32, 33]));
  // None blocked in the CLI: the relay's own stay blocked for its signalfd.
  c.posix_spawnattr_setsigmask(attr, signalSet([]));
  c.posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
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
export function relay(call: RelayCall, name: string): number {
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
  // Blocked from before the CLI starts, so none is lost: each waits on the signalfd until the loop reads it. This
  // thread is the process's only one (docs/runtime.md), so the kernel has no other to give a signal to.
  const handled = signalSet(HANDLED);
  check(calls().sigprocmask(SIG_BLOCK, handled, null), "sigprocmask", "the relay's signals");
  const signals = check(calls().signalfd(-1, handled, SFD_NONBLOCK | SFD_CLOEXEC), "signalfd", "the relay's signals");
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
    signals,
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
  /** A signalfd of the signals the relay handles (HANDLED), which stay blocked. */
  signals: number;
  pid: number;
  uid: number | undefined;
  name: string;
}

/** A read or write's result as the rules take it: EAGAIN is nothing for now, any other failure that side's end. */
function outcome(result: number): Outcome {
  if (result > 0) return result;
  return result < 0 && errno() === EAGAIN ? AGAIN : ENDED;
}

/** read(2) or write(2) of `count` bytes at `at`, retried when interrupted. */
function transfer(fd: number, at: number, count: number, write: boolean): Outcome {
  const where = asPointer(at);
  for (;;) {
    const n = Number(write ? libc.write(fd, where, count) : libc.read(fd, where, count));
    if (n < 0 && errno() === EINTR) continue;
    return outcome(n);
  }
}

function run(r: Relay): never {
  const c = calls();
  const { term, master, pid } = r;
  const raw = rawModes(r.saved);
  const jobs = underJobControl(r.name);
  const toPty = new Pending();
  const toTerm = new Pending();
  const held: Held = {
    get toPty() {
      return toPty.size;
    },
    get toTerm() {
      return toTerm.size;
    },
  };
  // Addresses of the two buffers: reads and writes take an offset into them, never a new view.
  const ptyBase = ptr(toPty.data);
  const termBase = ptr(toTerm.data);
  let rawSet = false;
  let stopped = 0;
  let ending: Ending | undefined;

  // The loop's only buffers besides the two Pending: allocated once, never per turn.
  const group = new Int32Array(1);
  const modes = new Uint8Array(TERMIOS_SIZE);
  const status = new Int32Array(1);
  const size = new Uint8Array(8);
  const infos = new Uint8Array(SIGINFO_SIZE * 16);
  const infoWords = new Uint32Array(infos.buffer);
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
  /** Where in the `count` bytes at `at` of root's input the CLI's pty would take Ctrl-Z, or -1. */
  const suspendKey = (at: number, count: number): number => {
    if (!jobs) return -1;
    return c.ioctl(r.slave, TCGETS, modes) === 0 ? suspendKeyAt(modes, toPty.data.subarray(at, at + count)) : -1;
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

  const onSignal = (signal: number) => {
    const meaning = signalMeaning(signal);
    if (!meaning) return;
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
  };
  /** The signals that came, in the order they came, each once (the kernel merges a repeat still pending). */
  const readSignals = () => {
    for (;;) {
      const n = Number(libc.read(r.signals, infos, infos.length));
      if (n < SIGINFO_SIZE) return;
      for (let at = 0; at + SIGINFO_SIZE <= n; at += SIGINFO_SIZE) onSignal(infoWords[at / 4] as number);
    }
  };

  /** After a read or write of root's terminal: its end is the end of that side, and a hangup for the CLI. */
  const termDone = (done: Outcome) => {
    const hangup = hangsUp(state, done);
    state = afterTerm(state, done);
    if (state.termGone) toTerm.clear();
    if (hangup) signalCli(SIGHUP);
  };

  const finish = (): never => {
    restore();
    libc.close(master);
    const end = ending as Ending;
    if ("code" in end) process.exit(end.code);
    // The same death: the default action of the CLI's signal, on the relay itself.
    libc.signal(end.signal, SIG_DFL);
    c.sigprocmask(SIG_UNBLOCK, signalSet([end.signal]), null);
    c.kill(libc.getpid(), end.signal);
    process.exit(128 + end.signal);
  };

  // Whatever ends this process puts the caller's modes back, and never leaves the CLI on a pty no one relays.
  process.on("exit", () => {
    restore();
    if (!ending) c.kill(pid, SIGKILL);
  });
  // struct pollfd { int fd; short events; short revents; }: root's terminal, the master, the pidfd, the signalfd.
  const polled = new Int32Array(8);
  const events = new Int16Array(polled.buffer);
  polled[6] = r.signals;
  events[14] = POLLIN;
  reap();
  for (;;) {
    if (finished(state, held)) finish();
    const want = interest(state, held);
    polled[0] = state.termGone ? -1 : term;
    events[2] = (want & TERM_IN ? POLLIN : 0) | (want & TERM_OUT ? POLLOUT : 0);
    polled[2] = want & (PTY_IN | PTY_OUT) ? master : -1;
    events[6] = (want & PTY_IN ? POLLIN : 0) | (want & PTY_OUT ? POLLOUT : 0);
    polled[4] = ending ? -1 : r.exit;
    events[10] = POLLIN;
    events[3] = events[7] = events[11] = events[15] = 0;
    const waiting = waits(state, held);
    if (c.poll(polled, 4, waiting ? -1 : 0) < 0) {
      if (errno() !== EINTR) throw unable("poll", "the relay's terminals");
      continue;
    }
    if (events[15]) readSignals();
    // The CLI's exit first: once it is seen, root's terminal is read no more.
    if (events[11]) reap();
    const termReady = events[3] ?? 0;
    const ptyReady = events[7] ?? 0;
    // The master gives a few KiB a read: it is read until it has no more or the buffer is full, so that root's
    // terminal gets one write of all of it, and a flood costs a third of the turns.
    if (ptyReady & (POLLIN | POLLHUP | POLLERR) || !waiting) {
      while (interest(state, held) & PTY_IN) {
        const room = toTerm.room(ptyReadLimit(state));
        const got = transfer(master, termBase + toTerm.end, room, false);
        state = afterPtyRead(state, got);
        if (got <= 0) break;
        if (keepsOutput(state)) toTerm.added(got);
      }
    }
    // Bytes just read are written in the same turn when that side was not waited on (it held nothing then): a
    // non-blocking write that cannot go on says so (EAGAIN), and the next turn waits for it.
    const termWaited = (events[2] ?? 0) & POLLOUT;
    if ((termReady & (POLLOUT | POLLERR | POLLHUP) || !termWaited) && interest(state, held) & TERM_OUT) {
      const done = transfer(term, termBase + toTerm.start, toTerm.size, true);
      if (done > 0) toTerm.taken(done);
      termDone(done);
    }
    if ((ptyReady & POLLOUT || !((events[6] ?? 0) & POLLOUT)) && interest(state, held) & PTY_OUT) {
      const done = transfer(master, ptyBase + toPty.start, toPty.size, true);
      if (done > 0) toPty.taken(done);
      // No one to read it: what root typed for the CLI is dropped.
      else if (done === ENDED) toPty.clear();
    }
    // What root types is read only while the CLI is known to live: a byte typed after its exit stays root's.
    if (termReady & (POLLIN | POLLERR | POLLHUP) && interest(state, held) & TERM_IN && !reap()) {
      const room = toPty.room();
      const at = toPty.end;
      const got = transfer(term, ptyBase + at, room, false);
      const key = got > 0 ? suspendKey(at, got) : -1;
      // Bytes up to Ctrl-Z go to the CLI; Ctrl-Z itself and what follows are not read as the CLI's.
      const taken = key < 0 ? got : key > 0 ? key : AGAIN;
      termDone(taken);
      if (taken > 0) toPty.added(taken);
      if (key >= 0) suspend(c.ioctl(master, TIOCGPGRP, group) === 0 ? (group[0] as number) : pid);
    } else if (!state.termGone && termReady & (POLLHUP | POLLERR)) {
      // Root's terminal hung up while the relay had nothing to read or write there.
      termDone(ENDED);
    }
  }
}
