/**
 * Root's terminal (contract §12): whether the drop may hand the caller's
 * terminal to the runtime user, and the modes the relay puts it in. Pure: the
 * observations come from src/sys/terminal.ts, the relay is src/sys/relay.ts.
 */

/** A terminal as the shim finds it: the session it is the controlling terminal of, 0 for none (or one outside). */
export interface Tty {
  sid: number;
  /** Who leads that session, when it is another process's and /proc shows it. */
  leaderUid?: number;
}

export interface TerminalObservation {
  pid: number;
  /** The shim's own session. */
  sid: number;
  /** Descriptors 0, 1 and 2: each a terminal or undefined. */
  std: readonly (Tty | undefined)[];
  /** The controlling terminal (/dev/tty), when there is one. */
  ctty?: Tty;
}

export type Terminal =
  | { kind: "none" }
  /** The shim leads every terminal's session (`docker exec -it C hermes`): the terminal ends with the exec. */
  | { kind: "own" }
  | {
      kind: "shared";
      /** The session that keeps the terminal after the CLI: 0 when it is none, or outside this PID namespace. */
      sid: number;
      leaderUid?: number;
      /** Which of 0, 1 and 2 are terminals: the CLI gets its own pty there, and keeps the others as they are. */
      fds: number[];
    };

/**
 * A terminal is shared when the shim does not lead its session: whatever the runtime user runs could then
 * push input into it or read it after the CLI exits. Only the session's leader loses the terminal with itself.
 */
export function terminalOf(seen: TerminalObservation): Terminal {
  const fds: number[] = [];
  let foreign: Tty | undefined;
  const leads = (tty: Tty) => seen.sid === seen.pid && tty.sid === seen.pid;
  seen.std.forEach((tty, fd) => {
    if (!tty) return;
    fds.push(fd);
    if (!foreign && !leads(tty)) foreign = tty;
  });
  if (seen.ctty && !foreign && !leads(seen.ctty)) foreign = seen.ctty;
  if (fds.length === 0 && !seen.ctty) return { kind: "none" };
  if (!foreign) return { kind: "own" };
  return { kind: "shared", ...foreign, fds };
}

/** What `explain` says of the terminal. */
export function terminalText(terminal: Terminal | undefined, user: string): string {
  if (!terminal) return "not examined: only root's drop relays a terminal";
  switch (terminal.kind) {
    case "none":
      return "none";
    case "own":
      return "the exec's own (this call leads its session): passed on as it is";
    case "shared": {
      const session =
        terminal.sid === 0
          ? "a session outside this container"
          : `session ${terminal.sid}${terminal.leaderUid === undefined ? "" : ` led by uid ${terminal.leaderUid}`}`;
      return (
        `shared with ${session}: the CLI gets a pty of ${user}'s own, relayed until it exits ` +
        "(the CLI runs as the relay's child, with a PID of its own)"
      );
    }
  }
}

/*
 * The kernel's struct termios (asm-generic, as TCGETS and TCSETS take it on x86-64 and arm64): four 32-bit flag
 * words, the line discipline, then c_cc. These offsets and bits are the same on both.
 */
export const TERMIOS_SIZE = 36;
const IFLAG = 0;
const OFLAG = 4;
const CFLAG = 8;
const LFLAG = 12;
const CC = 17;
const VTIME = 5;
const VMIN = 6;
const VSUSP = 10;
const IGNBRK = 0o1;
const BRKINT = 0o2;
const PARMRK = 0o10;
const ISTRIP = 0o40;
const INLCR = 0o100;
const IGNCR = 0o200;
const ICRNL = 0o400;
const IXON = 0o2000;
const OPOST = 0o1;
const CSIZE = 0o60;
const CS8 = 0o60;
const PARENB = 0o400;
const ISIG = 0o1;
const ICANON = 0o2;
const ECHO = 0o10;
const ECHONL = 0o100;
const IEXTEN = 0o100000;

/**
 * cfmakeraw(3) of `modes`: every byte the operator types goes to the CLI's pty as it is, where the CLI's own
 * modes decide what it means (Ctrl-C a SIGINT in a shell-like prompt, a key in a full-screen program).
 */
export function rawModes(modes: Uint8Array): Uint8Array {
  const raw = modes.slice();
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const clear = (at: number, bits: number) => view.setUint32(at, view.getUint32(at, true) & ~bits, true);
  clear(IFLAG, IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  clear(OFLAG, OPOST);
  clear(LFLAG, ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  clear(CFLAG, CSIZE | PARENB);
  view.setUint32(CFLAG, view.getUint32(CFLAG, true) | CS8, true);
  raw[CC + VMIN] = 1;
  raw[CC + VTIME] = 0;
  return raw;
}

/**
 * Where in `data` the CLI's pty, in `modes`, would make Ctrl-Z (its VSUSP key, with ISIG on) stop its foreground
 * job, or -1. The relay stops that job itself: the CLI leads an orphaned process group, where the kernel drops the
 * SIGTSTP the key would send.
 */
export function suspendKeyAt(modes: Uint8Array, data: Uint8Array): number {
  const view = new DataView(modes.buffer, modes.byteOffset, modes.byteLength);
  const key = modes[CC + VSUSP] as number;
  return view.getUint32(LFLAG, true) & ISIG && key !== 0 ? data.indexOf(key) : -1;
}

/** How the relay ends as the CLI did: the same exit code, or the same death by signal. */
export type Ending = { code: number } | { signal: number };

/** The wait status the kernel reports for a child (waitpid's int), as the caller must see it. */
export function waitStatus(status: number): { exited: Ending } | { stopped: number } | { continued: true } {
  const low = status & 0x7f;
  if (low === 0) return { exited: { code: (status >> 8) & 0xff } };
  if (status === 0xffff) return { continued: true };
  if (low === 0x7f) return { stopped: (status >> 8) & 0xff };
  return { exited: { signal: low } };
}
