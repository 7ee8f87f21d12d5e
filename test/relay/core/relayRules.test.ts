/** contract §12: the relay's rules, one loop, a bounded buffer each way, and the end without timers. */
import { describe, expect, it } from "vitest";
import {
  afterPtyRead,
  afterPtyWrite,
  afterTermRead,
  afterTermWrite,
  BUFFER_SIZE,
  DRAIN_LIMIT,
  exited,
  FORWARDED,
  finished,
  HANDLED,
  interest,
  Pending,
  ptyReadLimit,
  type RelayState,
  SIGCHLD,
  SIGCONT,
  SIGHUP,
  SIGTERM,
  SIGWINCH,
  signalMeaning,
  startState,
  waits,
} from "../../../src/relay/core/relayRules.ts";

const running = (over: Partial<RelayState> = {}): RelayState => ({ ...startState(true), ...over });

describe("interest: a side is read only while its buffer has room, written only while it holds bytes", () => {
  it("at the start: both read, neither written", () => {
    expect(interest(running())).toEqual({ termIn: true, termOut: false, ptyIn: true, ptyOut: false });
  });

  it("the deadlock's shape: the CLI reads nothing, root's paste fills its buffer; the CLI's output is still read", () => {
    expect(interest(running({ toPty: BUFFER_SIZE }))).toEqual({
      termIn: false,
      termOut: false,
      ptyIn: true,
      ptyOut: true,
    });
  });

  it("root's side stalled (Ctrl-S, a client not reading): the CLI's output waits, root's keys still go through", () => {
    expect(interest(running({ toTerm: BUFFER_SIZE }))).toEqual({
      termIn: true,
      termOut: true,
      ptyIn: false,
      ptyOut: false,
    });
  });

  it("one byte of room is room; bytes held are written", () => {
    expect(interest(running({ toPty: BUFFER_SIZE - 1, toTerm: 1 }))).toEqual({
      termIn: true,
      termOut: true,
      ptyIn: true,
      ptyOut: true,
    });
  });

  it("a background job never reads root's terminal (it would be stopped for it)", () => {
    expect(interest({ ...startState(false) }).termIn).toBe(false);
  });

  it("root's terminal gone: neither read nor written", () => {
    const s = running({ termGone: true, toTerm: 5 });
    expect(interest(s)).toMatchObject({ termIn: false, termOut: false });
  });

  it("after the CLI's exit: root's terminal is never read again, nothing more goes to the pty", () => {
    const s = exited(running({ toPty: 10 }));
    expect(interest(s)).toEqual({ termIn: false, termOut: false, ptyIn: true, ptyOut: false });
    expect(interest({ ...s, left: 0 }).ptyIn).toBe(false);
  });
});

describe("reads and writes", () => {
  it("a read of the pty adds to root's buffer; while relaying, nothing counts down", () => {
    expect(afterPtyRead(running({ toTerm: 3 }), { bytes: 4 })).toEqual(running({ toTerm: 7 }));
  });

  it("while the CLI lives, EIO or end of file on the master is not the end (a CLI reopening its terminal)", () => {
    const s = running({ toTerm: 3 });
    expect(afterPtyRead(s, { ended: true })).toEqual(s);
    expect(afterPtyRead(s, { again: true })).toEqual(s);
  });

  it("after the exit: a read counts down what is left; the master having no more ends the drain", () => {
    const s = exited(running());
    expect(afterPtyRead(s, { bytes: 100 })).toMatchObject({ toTerm: 100, left: DRAIN_LIMIT - 100 });
    expect(afterPtyRead(s, { again: true }).left).toBe(0);
    expect(afterPtyRead(s, { ended: true }).left).toBe(0);
    expect(afterPtyRead({ ...s, left: 5 }, { bytes: 9 }).left).toBe(0);
  });

  it("the pty read is bounded by what is left after the exit, by the buffer before", () => {
    expect(ptyReadLimit(running())).toBe(BUFFER_SIZE);
    expect(ptyReadLimit({ ...exited(running()), left: 7 })).toBe(7);
  });

  it("with root's terminal gone the CLI's output is read and dropped, never held", () => {
    expect(afterPtyRead(running({ termGone: true }), { bytes: 9 }).toTerm).toBe(0);
  });

  it("a read of root's terminal adds to the pty's buffer; its end is a hangup the CLI gets", () => {
    expect(afterTermRead(running(), { bytes: 2 })).toEqual({ state: running({ toPty: 2 }), hangup: false });
    expect(afterTermRead(running(), { again: true })).toEqual({ state: running(), hangup: false });
    expect(afterTermRead(running({ toTerm: 9 }), { ended: true })).toEqual({
      state: running({ termGone: true, toTerm: 0 }),
      hangup: true,
    });
  });

  it("root's terminal ending after the CLI's exit hangs up no one", () => {
    expect(afterTermRead(exited(running()), { ended: true }).hangup).toBe(false);
  });

  it("writes take from their buffer; an end of root's terminal on a write is its hangup", () => {
    expect(afterPtyWrite(running({ toPty: 5 }), { bytes: 2 }).toPty).toBe(3);
    expect(afterPtyWrite(running({ toPty: 5 }), { again: true }).toPty).toBe(5);
    expect(afterPtyWrite(running({ toPty: 5 }), { ended: true }).toPty).toBe(0);
    expect(afterTermWrite(running({ toTerm: 5 }), { bytes: 5 })).toEqual({ state: running(), hangup: false });
    expect(afterTermWrite(running({ toTerm: 5 }), { again: true }).state.toTerm).toBe(5);
    expect(afterTermWrite(running({ toTerm: 5 }), { ended: true })).toEqual({
      state: running({ termGone: true }),
      hangup: true,
    });
  });
});

describe("the end, without timers", () => {
  it("the exit drops what root typed for the CLI and leaves DRAIN_LIMIT to relay", () => {
    expect(exited(running({ toPty: 10, toTerm: 4 }))).toEqual(
      running({ phase: "draining", toPty: 0, toTerm: 4, left: DRAIN_LIMIT }),
    );
  });

  it("the drain is bounded: a flood after the exit ends it at DRAIN_LIMIT", () => {
    let s = exited(running());
    for (let i = 0; i < DRAIN_LIMIT; i += 1000)
      s = afterTermWrite(afterPtyRead(s, { bytes: 1000 }), { bytes: 1000 }).state;
    expect(s.left).toBe(0);
    expect(finished(s)).toBe(true);
  });

  it("after the exit the loop never waits for the CLI's output: the master is read until it has no more", () => {
    expect(waits(running())).toBe(true);
    const s = exited(running());
    expect(waits(s)).toBe(false);
    expect(waits({ ...s, left: 0 })).toBe(true);
    // Root's buffer full: the loop waits for root's terminal to take it first.
    expect(waits({ ...s, toTerm: BUFFER_SIZE })).toBe(true);
    expect(waits({ ...s, toTerm: BUFFER_SIZE - 1 })).toBe(false);
  });

  it("finished once the CLI exited, the master had no more, and root's terminal has every byte", () => {
    expect(finished(running())).toBe(false);
    const s = exited(running());
    expect(finished(s)).toBe(false);
    expect(finished({ ...s, left: 0 })).toBe(true);
    expect(finished({ ...s, left: 0, toTerm: 1 })).toBe(false);
    expect(finished({ ...s, left: 0, toTerm: 1, termGone: true })).toBe(true);
  });
});

describe("signals", () => {
  it("the caller's signals are the CLI's; a child, a resize and a continue are the relay's own", () => {
    for (const signal of FORWARDED) expect(signalMeaning(signal)).toEqual({ forward: signal });
    expect(signalMeaning(SIGCHLD)).toEqual({ reap: true });
    expect(signalMeaning(SIGWINCH)).toEqual({ resize: true });
    expect(signalMeaning(SIGCONT)).toEqual({ continued: true });
    expect(signalMeaning(20)).toBeUndefined();
  });

  it("every signal handled has a meaning; SIGHUP and SIGTERM are forwarded", () => {
    for (const signal of HANDLED) expect(signalMeaning(signal)).toBeDefined();
    expect(FORWARDED).toContain(SIGHUP);
    expect(FORWARDED).toContain(SIGTERM);
    expect([...HANDLED].sort((a, b) => a - b)).toEqual([1, 2, 3, 10, 12, 14, 15, 17, 18, 28]);
  });
});

describe("Pending: a bounded buffer", () => {
  it("holds what was read until written, and never more than BUFFER_SIZE", () => {
    const p = new Pending();
    const room = p.room();
    expect(room.length).toBe(BUFFER_SIZE);
    room.set([1, 2, 3]);
    p.added(3);
    expect([...p.held()]).toEqual([1, 2, 3]);
    p.taken(2);
    expect([...p.held()]).toEqual([3]);
    expect(p.size).toBe(1);
    p.taken(1);
    expect(p.size).toBe(0);
    expect(p.room().length).toBe(BUFFER_SIZE);
  });

  it("a full buffer has no room; once written from its front, what is held moves to the front", () => {
    const p = new Pending();
    p.room().fill(7);
    p.added(BUFFER_SIZE);
    expect(p.room().length).toBe(0);
    p.taken(10);
    expect(p.room().length).toBe(10);
    expect(p.held().length).toBe(BUFFER_SIZE - 10);
    expect(p.held()[0]).toBe(7);
  });

  it("what is held moves to the front only once the buffer's end is reached", () => {
    const p = new Pending();
    p.added(10);
    p.taken(5);
    expect(p.room().length).toBe(BUFFER_SIZE - 10);
    expect(p.held().length).toBe(5);
  });

  it("room is bounded by a limit; clear empties it", () => {
    const p = new Pending();
    expect(p.room(5).length).toBe(5);
    expect(p.room(-1).length).toBe(0);
    p.added(5);
    p.clear();
    expect(p.size).toBe(0);
  });
});
