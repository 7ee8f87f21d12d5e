/**
 * The relay's rules (contract §12), as sudo's exec_pty.c and util-linux's pty-session.c keep them: one loop over
 * non-blocking descriptors, one bounded buffer each way, a side read only while its buffer has room, so no write
 * ever holds up the loop and the memory never grows. Pure: src/relay/sys/relay.ts polls, reads, writes and signals as
 * these rules say.
 */
import {
  SIGALRM,
  SIGCHLD,
  SIGCONT,
  SIGHUP,
  SIGINT,
  SIGQUIT,
  SIGTERM,
  SIGUSR1,
  SIGUSR2,
  SIGWINCH,
} from "../../core/signals.ts";

/** Each way's buffer: bytes read from one side and not yet written to the other. */
export const BUFFER_SIZE = 64 * 1024;

/**
 * After the CLI's exit, at most this much more is relayed, even from a pty whose output a process left behind
 * restarted: more than the kernel queues on a pty (a few KiB), far less than a flood.
 */
export const DRAIN_LIMIT = BUFFER_SIZE;

/**
 * Bytes held between a read of one side and the writes to the other: [start, end) of `data`. Reads and writes go
 * through the buffer's address and these offsets, so a turn of the loop makes no object.
 */
export class Pending {
  readonly data = new Uint8Array(BUFFER_SIZE);
  start = 0;
  end = 0;

  get size(): number {
    return this.end - this.start;
  }

  /** How many bytes the next read may put at `end`, at most `limit`: none when the buffer is full. */
  room(limit = BUFFER_SIZE): number {
    if (this.end === BUFFER_SIZE) {
      this.data.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    return Math.max(0, Math.min(BUFFER_SIZE - this.end, limit));
  }

  /** `count` bytes were read in at `end`. */
  added(count: number): void {
    this.end += count;
  }

  /** `count` bytes from `start` were written. */
  taken(count: number): void {
    this.start += count;
    if (this.start === this.end) this.start = this.end = 0;
  }

  clear(): void {
    this.start = this.end = 0;
  }
}

/**
 * Where the relay is. `relaying` while the CLI lives; `draining` once it exited: root's terminal is no longer read,
 * and only what the CLI had already written is relayed (`left` bytes at most, 0 once the master had no more; always
 * 0 while relaying). What each way holds is its Pending's: the rules take the two sizes as they are.
 */
export interface RelayState {
  readonly phase: "relaying" | "draining";
  readonly left: number;
  /** The relay's job is the foreground job of root's terminal: only then may it read it. */
  readonly foreground: boolean;
  /** Root's terminal hung up or failed: it is neither read nor written any more. */
  readonly termGone: boolean;
}

export const startState = (foreground: boolean): RelayState => ({
  phase: "relaying",
  left: 0,
  foreground,
  termGone: false,
});

/** Bytes held for the CLI's pty (`toPty`) and for root's terminal (`toTerm`). */
export interface Held {
  readonly toPty: number;
  readonly toTerm: number;
}

/** The sides and directions of interest(), as bits: poll's own shape, and no object made on each turn. */
export const TERM_IN = 1;
export const TERM_OUT = 2;
export const PTY_IN = 4;
export const PTY_OUT = 8;

/** Which side to wait on for what: each is read only while its buffer has room, written only while it holds bytes. */
export function interest(s: RelayState, held: Held): number {
  const relaying = s.phase === "relaying";
  return (
    (relaying && s.foreground && !s.termGone && held.toPty < BUFFER_SIZE ? TERM_IN : 0) |
    (!s.termGone && held.toTerm > 0 ? TERM_OUT : 0) |
    ((relaying || s.left > 0) && held.toTerm < BUFFER_SIZE ? PTY_IN : 0) |
    (relaying && held.toPty > 0 ? PTY_OUT : 0)
  );
}

/**
 * Whether the loop may wait for a side to be ready. After the exit it never waits for the CLI's output: the master is
 * read at once until it has no more (EAGAIN, or EIO once no one holds the pty), which tells that all is read.
 */
export function waits(s: RelayState, held: Held): boolean {
  return !(s.left > 0 && held.toTerm < BUFFER_SIZE);
}

/** How many bytes the next read of the CLI's pty may take: the room left, and after the exit no more than is left. */
export function ptyReadLimit(s: RelayState): number {
  return s.phase === "draining" ? s.left : BUFFER_SIZE;
}

/**
 * A read or write of one side, as a number: the bytes it moved (above 0), nothing for now (AGAIN: EAGAIN), or the
 * end of that side (ENDED: end of file, EIO, a hangup).
 */
export type Outcome = number;
export const AGAIN = -1;
export const ENDED = 0;

/**
 * After a read of the CLI's pty. While the CLI lives, EIO only says that no one holds the pty's other end right now
 * (a CLI that closed its terminal to reopen it), never the end; after its exit, the master having no more ends the
 * drain, whoever still holds the pty. The same state comes back when nothing changed: a flood makes no object a turn.
 */
export function afterPtyRead(s: RelayState, r: Outcome): RelayState {
  const left = r > 0 ? Math.max(0, s.left - r) : 0;
  return left === s.left ? s : { ...s, left };
}

/** Root's terminal gone: the CLI's output is still read, so that it never waits on it, and dropped. */
export function keepsOutput(s: RelayState): boolean {
  return !s.termGone;
}

/**
 * After a read or a write of root's terminal: its end (a hangup, an error) is the end of that side, neither read nor
 * written any more.
 */
export function afterTerm(s: RelayState, r: Outcome): RelayState {
  return r === ENDED && !s.termGone ? { ...s, termGone: true } : s;
}

/** Root's terminal ending while the CLI lives is a hangup the CLI gets, as it would have on that terminal. */
export function hangsUp(s: RelayState, r: Outcome): boolean {
  return r === ENDED && !s.termGone && s.phase === "relaying";
}

/**
 * The CLI exited: from now on nothing is read from root's terminal, what root had typed for the CLI is dropped
 * (by the loop, from its buffer), and what the CLI had written is relayed, up to DRAIN_LIMIT.
 */
export function exited(s: RelayState): RelayState {
  return { ...s, phase: "draining", left: DRAIN_LIMIT };
}

/** The relay ends once the CLI exited, the master had no more of its output, and root's terminal has all of it. */
export function finished(s: RelayState, held: Held): boolean {
  return s.phase === "draining" && s.left === 0 && (held.toTerm === 0 || s.termGone);
}

/** What a signal the relay receives means. */
export type SignalMeaning =
  /** The CLI's: the caller sent it to the relay, as sudo forwards the same. */
  | { forward: number }
  /** A child changed state: wait for it. */
  | { reap: true }
  /** Root's window changed size: the CLI's pty gets the new size. */
  | { resize: true }
  /** The relay was continued (fg): it takes root's terminal back and continues the CLI. */
  | { continued: true };

/** What the caller sends the relay is the CLI's, as sudo forwards it. */
export const FORWARDED = [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM] as const;

/** The signals the relay handles: blocked, and read from its signalfd. */
export const HANDLED = [...FORWARDED, SIGCHLD, SIGWINCH, SIGCONT] as const;

export function signalMeaning(signal: number): SignalMeaning | undefined {
  if (signal === SIGCHLD) return { reap: true };
  if (signal === SIGWINCH) return { resize: true };
  if (signal === SIGCONT) return { continued: true };
  return (FORWARDED as readonly number[]).includes(signal) ? { forward: signal } : undefined;
}
