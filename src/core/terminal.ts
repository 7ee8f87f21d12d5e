/**
 * Root's terminal (contract §12): whether the drop may hand the caller's
 * terminal to the runtime user. Pure: the observations come from
 * src/sys/terminal.ts; the modes the relay puts it in are src/relay/core/pty.ts's.
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
