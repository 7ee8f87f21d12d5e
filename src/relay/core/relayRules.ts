/**
 * The relay's rules (contract §12), as sudo's exec_pty.c and util-linux's pty-session.c keep them: one loop over
 * non-blocking descriptors, one bounded buffer each way, a side read only while its buffer has room, so no write
 * ever holds up the loop and the memory never grows. Pure: src/relay/sys/relay.ts polls, reads, writes and signals as
 * these rules say.
 */

/** Each way's buffer: bytes read from one side and not yet written to the other. */
export const BUFFER_SIZE = 64 * 1024;

/**
 * After the CLI's exit, at most this much more is relayed, even from a pty whose output a process left behind
 * restarted: more than the kernel queues on a pty (a few KiB), far less than a flood.
 */
export const DRAIN_LIMIT = BUFFER_SIZE;

/** Bytes held between a read of one side and the writes to the other: [start, end) of `data`. */
export class Pending {
  readonly data = new Uint8Array(BUFFER_SIZE);
  start = 0;
  end = 0;

  get size(): number {
    return this.end - this.start;
  }

  /** Where the next read may put its bytes: empty when the buffer is full. */
  room(limit = BUFFER_SIZE): Uint8Array {
    if (this.end === BUFFER_SIZE) {
      this.data.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    return this.data.subarray(this.end, Math.min(BUFFER_SIZE, this.end + Math.max(0, limit)));
  }

  /** `count` bytes were read into room(). */
  added(count: number): void {
    this.end += count;
  }

  /** What waits to be written. */
  held(): Uint8Array {
    return this.data.subarray(this.start, this.end);
  }

  /** `count` bytes of held() were written. */
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
 * 0 while relaying).
 */
export interface RelayState {
  phase: "relaying" | "draining";
  /** Bytes held for the CLI's pty, and for root's terminal. */
  toPty: number;
  toTerm: number;
  left: number;
  /** The relay's job is the foreground job of root's terminal: only then may it read it. */
  foreground: boolean;
  /** Root's terminal hung up or failed: it is neither read nor written any more. */
  termGone: boolean;
}

export const startState = (foreground: boolean): RelayState => ({
  phase: "relaying",
  toPty: 0,
  toTerm: 0,
  left: 0,
  foreground,
  termGone: false,
});

/** Which side to wait on for what: each is read only while its buffer has room, written only while it holds bytes. */
export interface Interest {
  termIn: boolean;
  termOut: boolean;
  ptyIn: boolean;
  ptyOut: boolean;
}

export function interest(s: RelayState): Interest {
  const relaying = s.phase === "relaying";
  return {
    termIn: relaying && s.foreground && !s.termGone && s.toPty < BUFFER_SIZE,
    termOut: !s.termGone && s.toTerm > 0,
    ptyIn: (relaying || s.left > 0) && s.toTerm < BUFFER_SIZE,
    ptyOut: relaying && s.toPty > 0,
  };
}

/**
 * Whether the loop may wait for a side to be ready. After the exit it never waits for the CLI's output: the master is
 * read at once until it has no more (EAGAIN, or EIO once no one holds the pty), which tells that all is read.
 */
export function waits(s: RelayState): boolean {
  return !(s.left > 0 && s.toTerm < BUFFER_SIZE);
}

/** How many bytes the next read of the CLI's pty may take: the room left, and after the exit no more than is left. */
export function ptyReadLimit(s: RelayState): number {
  return s.phase === "draining" ? s.left : BUFFER_SIZE;
}

/** A read or write of one side: bytes, nothing for now (EAGAIN), or the end of that side (end of file, EIO, a hangup). */
export type ReadOutcome = { bytes: number } | { again: true } | { ended: true };

/**
 * After a read of the CLI's pty. While the CLI lives, EIO only says that no one holds the pty's other end right now
 * (a CLI that closed its terminal to reopen it), never the end; after its exit, the master having no more ends the
 * drain, whoever still holds the pty.
 */
export function afterPtyRead(s: RelayState, r: ReadOutcome): RelayState {
  if ("bytes" in r) {
    const left = Math.max(0, s.left - r.bytes);
    // Root's terminal gone: the CLI's output is read, so that it never waits on it, and dropped.
    return { ...s, toTerm: s.termGone ? 0 : s.toTerm + r.bytes, left };
  }
  return { ...s, left: 0 };
}

/** After a read of root's terminal: its end is a hangup, which the CLI gets as it would have on that terminal. */
export function afterTermRead(s: RelayState, r: ReadOutcome): { state: RelayState; hangup: boolean } {
  if ("bytes" in r) return { state: { ...s, toPty: s.toPty + r.bytes }, hangup: false };
  if ("again" in r) return { state: s, hangup: false };
  return { state: { ...s, termGone: true, toTerm: 0 }, hangup: s.phase === "relaying" };
}

/** After a write to the CLI's pty: an end there (no one to read it) drops what was held for it. */
export function afterPtyWrite(s: RelayState, r: ReadOutcome): RelayState {
  if ("bytes" in r) return { ...s, toPty: s.toPty - r.bytes };
  return "again" in r ? s : { ...s, toPty: 0 };
}

/** After a write to root's terminal: its end (a hangup, an error) is the end of that side, as a read's is. */
export function afterTermWrite(s: RelayState, r: ReadOutcome): { state: RelayState; hangup: boolean } {
  if ("bytes" in r) return { state: { ...s, toTerm: s.toTerm - r.bytes }, hangup: false };
  return afterTermRead(s, r);
}

/**
 * The CLI exited: from now on nothing is read from root's terminal, what root had typed for the CLI is dropped,
 * and what the CLI had written is relayed, up to DRAIN_LIMIT.
 */
export function exited(s: RelayState): RelayState {
  return { ...s, phase: "draining", toPty: 0, left: DRAIN_LIMIT };
}

/** The relay ends once the CLI exited, the master had no more of its output, and root's terminal has all of it. */
export function finished(s: RelayState): boolean {
  return s.phase === "draining" && s.left === 0 && (s.toTerm === 0 || s.termGone);
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

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGUSR1 = 10;
export const SIGUSR2 = 12;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGWINCH = 28;

/** What the caller sends the relay is the CLI's, as sudo forwards it. */
export const FORWARDED = [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM] as const;

/** The signals the relay handles, each as a byte on its signal pipe. */
export const HANDLED = [...FORWARDED, SIGCHLD, SIGWINCH, SIGCONT] as const;

export function signalMeaning(signal: number): SignalMeaning | undefined {
  if (signal === SIGCHLD) return { reap: true };
  if (signal === SIGWINCH) return { resize: true };
  if (signal === SIGCONT) return { continued: true };
  return (FORWARDED as readonly number[]).includes(signal) ? { forward: signal } : undefined;
}
