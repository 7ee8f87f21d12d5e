/** What root's drop needs to know of the caller's terminals (contract §12); the rule is src/core/terminal.ts. */
import { EBADF, EINVAL, ENOENT, ENOTTY, ENXIO, type Failure } from "../core/failure.ts";
import type { Lstat } from "../core/pathLookup.ts";
import { TERMIOS_SIZE, type TerminalObservation, type Tty } from "../core/terminal.ts";
import { cstr, errno, libc, moreLibc, O_CLOEXEC, O_NOCTTY, O_RDWR, pidOf, Unable, unable } from "./libc.ts";

export const TCGETS = 0x5401n;
export const TIOCGSID = 0x5429n;

const modes = new Uint8Array(TERMIOS_SIZE);
const sid = new Int32Array(1);

/** The terminal on `fd`, or undefined when `fd` is none (not open, or not a terminal). */
function ttyOn(fd: number, name: string): Tty | undefined {
  if (moreLibc().ioctl(fd, TCGETS, modes) !== 0) {
    const code = errno();
    if (code === ENOTTY || code === EINVAL || code === EBADF) return undefined;
    throw unable("ioctl TCGETS", name, code);
  }
  if (moreLibc().ioctl(fd, TIOCGSID, sid) === 0) return { sid: sid[0] ?? 0 };
  // ENOTTY here: a terminal that is no session's controlling terminal.
  const code = errno();
  if (code === ENOTTY) return { sid: 0 };
  throw unable("ioctl TIOCGSID", name, code);
}

/** The controlling terminal, opened as /dev/tty reaches it; ENXIO is a process without one. */
function controllingTty(): Tty | undefined {
  const fd = libc.open(cstr("/dev/tty"), O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0) {
    const code = errno();
    // No /dev/tty node at all: nothing, the CLI included, can reach a controlling terminal through it.
    if (code === ENXIO || code === ENOENT) return undefined;
    throw unable("open", "/dev/tty", code);
  }
  try {
    return ttyOn(fd, "/dev/tty");
  } finally {
    libc.close(fd);
  }
}

/** The caller's terminals, or the failure of a call for a reason other than "there is no terminal there". */
export function observeTerminal(lstat: Lstat): TerminalObservation | Failure {
  try {
    return observe(lstat);
  } catch (error) {
    if (error instanceof Unable) return error.failure;
    throw error;
  }
}

function observe(lstat: Lstat): TerminalObservation {
  const pid = pidOf("getpid", libc.getpid());
  const own = moreLibc().getsid(0);
  if (own < 0) throw unable("getsid", "");
  // Who leads another session: only for explain's words, so a process that is gone leaves it unsaid.
  const led = (tty: Tty | undefined): Tty | undefined => {
    if (!tty || tty.sid === 0 || tty.sid === pid) return tty;
    const leader = lstat(`/proc/${tty.sid}`);
    return "uid" in leader ? { ...tty, leaderUid: leader.uid } : tty;
  };
  const std = [led(ttyOn(0, "fd 0")), led(ttyOn(1, "fd 1")), led(ttyOn(2, "fd 2"))];
  const ctty = led(controllingTty());
  return { pid, sid: own, std, ...(ctty ? { ctty } : {}) };
}
