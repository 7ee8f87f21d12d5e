/** contract §12: the relay's rules, one loop, a bounded buffer each way, and the end without timers. */
import { describe, expect, it } from "vitest";
import { SIGCHLD, SIGCONT, SIGHUP, SIGTERM, SIGWINCH } from "../../../src/core/signals.ts";
import {
  AGAIN,
  afterPtyRead,
  afterTerm,
  BUFFER_SIZE,
  DRAIN_LIMIT,
  ENDED,
  exited,
  FORWARDED,
  finished,
  HANDLED,
  type Held,
  hangsUp,
  interest,
  keepsOutput,
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
} from "../../../src/relay/core/relayRules.ts";

const running = (over: Partial<RelayState> = {}): RelayState => ({ ...startState(true), ...over });
const holding = (toPty = 0, toTerm = 0): Held => ({ toPty, toTerm });
const sides = (bits: number) => ({
  termIn: (bits & TERM_IN) !== 0,
  termOut: (bits & TERM_OUT) !== 0,
  ptyIn: (bits & PTY_IN) !== 0,
  ptyOut: (bits & PTY_OUT) !== 0,
});

describe("interest: a side is read only while its buffer has room, written only while it holds bytes", () => {
  it("four distinct bits", () => {
    expect(new Set([TERM_IN, TERM_OUT, PTY_IN, PTY_OUT]).size).toBe(4);
    expect(TERM_IN | TERM_OUT | PTY_IN | PTY_OUT).toBe(15);
  });

  it("at the start: both read, neither written", () => {
    expect(sides(interest(running(), holding()))).toEqual({ termIn: true, termOut: false, ptyIn: true, ptyOut: false });
  });

  it("the deadlock's shape: the CLI reads nothing, root's paste fills its buffer; the CLI's output is still read", () => {
    expect(sides(interest(running(), holding(BUFFER_SIZE)))).toEqual({
      termIn: false,
      termOut: false,
      ptyIn: true,
      ptyOut: true,
    });
  });

  it("root's side stalled (Ctrl-S, a client not reading): the CLI's output waits, root's keys still go through", () => {
    expect(sides(interest(running(), holding(0, BUFFER_SIZE)))).toEqual({
      termIn: true,
      termOut: true,
      ptyIn: false,
      ptyOut: false,
    });
  });

  it("one byte of room is room; bytes held are written", () => {
    expect(sides(interest(running(), holding(BUFFER_SIZE - 1, 1)))).toEqual({
      termIn: true,
      termOut: true,
      ptyIn: true,
      ptyOut: true,
    });
  });

  it("a background job never reads root's terminal (it would be stopped for it)", () => {
    expect(sides(interest(startState(false), holding())).termIn).toBe(false);
  });

  it("root's terminal gone: neither read nor written", () => {
    expect(sides(interest(running({ termGone: true }), holding(0, 5)))).toMatchObject({
      termIn: false,
      termOut: false,
    });
  });

  it("after the CLI's exit: root's terminal is never read again, nothing more goes to the pty", () => {
    const s = exited(running());
    expect(sides(interest(s, holding(10)))).toEqual({ termIn: false, termOut: false, ptyIn: true, ptyOut: false });
    expect(sides(interest({ ...s, left: 0 }, holding())).ptyIn).toBe(false);
  });
});

describe("reads and writes", () => {
  it("outcomes: bytes above 0, AGAIN for nothing now, ENDED for the end, apart from any count", () => {
    expect(AGAIN).toBeLessThan(0);
    expect(ENDED).toBe(0);
  });

  it("while relaying a read of the pty changes nothing: the same state, no object made", () => {
    const s = running();
    expect(afterPtyRead(s, 4)).toBe(s);
  });

  it("while the CLI lives, EIO or end of file on the master is not the end (a CLI reopening its terminal)", () => {
    const s = running();
    expect(afterPtyRead(s, ENDED)).toBe(s);
    expect(afterPtyRead(s, AGAIN)).toBe(s);
  });

  it("after the exit: a read counts down what is left; the master having no more ends the drain", () => {
    const s = exited(running());
    expect(afterPtyRead(s, 100)).toEqual({ ...s, left: DRAIN_LIMIT - 100 });
    expect(afterPtyRead(s, AGAIN).left).toBe(0);
    expect(afterPtyRead(s, ENDED).left).toBe(0);
    expect(afterPtyRead({ ...s, left: 5 }, 9).left).toBe(0);
    const done = { ...s, left: 0 };
    expect(afterPtyRead(done, AGAIN)).toBe(done);
  });

  it("the pty read is bounded by what is left after the exit, by the buffer before", () => {
    expect(ptyReadLimit(running())).toBe(BUFFER_SIZE);
    expect(ptyReadLimit({ ...exited(running()), left: 7 })).toBe(7);
  });

  it("with root's terminal gone the CLI's output is read and dropped, never held", () => {
    expect(keepsOutput(running())).toBe(true);
    expect(keepsOutput(running({ termGone: true }))).toBe(false);
  });

  it("root's terminal: bytes or nothing for now change nothing; its end is that side's end, and a hangup", () => {
    const s = running();
    expect(afterTerm(s, 2)).toBe(s);
    expect(afterTerm(s, AGAIN)).toBe(s);
    expect(afterTerm(s, ENDED)).toEqual(running({ termGone: true }));
    expect(hangsUp(s, ENDED)).toBe(true);
    expect(hangsUp(s, 2)).toBe(false);
    expect(hangsUp(s, AGAIN)).toBe(false);
  });

  it("a terminal already gone hangs up no one again", () => {
    const gone = running({ termGone: true });
    expect(afterTerm(gone, ENDED)).toBe(gone);
    expect(hangsUp(gone, ENDED)).toBe(false);
  });

  it("root's terminal ending after the CLI's exit hangs up no one", () => {
    expect(hangsUp(exited(running()), ENDED)).toBe(false);
    expect(afterTerm(exited(running()), ENDED).termGone).toBe(true);
  });
});

describe("the end, without timers", () => {
  it("the exit leaves DRAIN_LIMIT to relay", () => {
    expect(exited(running())).toEqual(running({ phase: "draining", left: DRAIN_LIMIT }));
  });

  it("the drain is bounded: a flood after the exit ends it at DRAIN_LIMIT", () => {
    let s = exited(running());
    for (let i = 0; i < DRAIN_LIMIT; i += 1000) s = afterPtyRead(s, 1000);
    expect(s.left).toBe(0);
    expect(finished(s, holding())).toBe(true);
  });

  it("after the exit the loop never waits for the CLI's output: the master is read until it has no more", () => {
    expect(waits(running(), holding())).toBe(true);
    const s = exited(running());
    expect(waits(s, holding())).toBe(false);
    expect(waits({ ...s, left: 0 }, holding())).toBe(true);
    // Root's buffer full: the loop waits for root's terminal to take it first.
    expect(waits(s, holding(0, BUFFER_SIZE))).toBe(true);
    expect(waits(s, holding(0, BUFFER_SIZE - 1))).toBe(false);
  });

  it("finished once the CLI exited, the master had no more, and root's terminal has every byte", () => {
    expect(finished(running(), holding())).toBe(false);
    const s = exited(running());
    expect(finished(s, holding())).toBe(false);
    expect(finished({ ...s, left: 0 }, holding())).toBe(true);
    expect(finished({ ...s, left: 0 }, holding(0, 1))).toBe(false);
    expect(finished({ ...s, left: 0, termGone: true }, holding(0, 1))).toBe(true);
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
    expect(p.room()).toBe(BUFFER_SIZE);
    p.data.set([1, 2, 3], p.end);
    p.added(3);
    expect([...p.data.subarray(p.start, p.end)]).toEqual([1, 2, 3]);
    p.taken(2);
    expect(p.start).toBe(2);
    expect(p.size).toBe(1);
    p.taken(1);
    expect(p.size).toBe(0);
    expect(p.start).toBe(0);
    expect(p.end).toBe(0);
    expect(p.room()).toBe(BUFFER_SIZE);
  });

  it("a full buffer has no room; once written from its front, what is held moves to the front", () => {
    const p = new Pending();
    p.data.fill(7);
    p.data[10] = 8;
    p.added(BUFFER_SIZE);
    expect(p.room()).toBe(0);
    p.taken(10);
    expect(p.room()).toBe(10);
    expect(p.start).toBe(0);
    expect(p.end).toBe(BUFFER_SIZE - 10);
    expect(p.data[0]).toBe(8);
  });

  it("what is held moves to the front only once the buffer's end is reached", () => {
    const p = new Pending();
    p.added(10);
    p.taken(5);
    expect(p.room()).toBe(BUFFER_SIZE - 10);
    expect(p.start).toBe(5);
    expect(p.size).toBe(5);
  });

  it("room is bounded by a limit; clear empties it", () => {
    const p = new Pending();
    expect(p.room(5)).toBe(5);
    expect(p.room(-1)).toBe(0);
    p.added(5);
    p.clear();
    expect(p.size).toBe(0);
    expect(p.end).toBe(0);
  });
});
