/** contract §12: the modes and endings the relay works with. */
import { describe, expect, it } from "vitest";
import { TERMIOS_SIZE } from "../../../src/core/terminal.ts";
import { rawModes, suspendKeyAt, waitStatus } from "../../../src/relay/core/pty.ts";

/** A cooked terminal as a login shell leaves it: ICRNL|IXON, OPOST|ONLCR, CS8|CREAD|B38400, ISIG|ICANON|ECHO|…. */
function cooked(): Uint8Array {
  const modes = new Uint8Array(TERMIOS_SIZE);
  const view = new DataView(modes.buffer);
  view.setUint32(0, 0o2400 | 0o2 | 0o1 | 0o10 | 0o40 | 0o100 | 0o200, true);
  view.setUint32(4, 0o5, true);
  view.setUint32(8, 0o277 | 0o400, true);
  view.setUint32(12, 0o105073 | 0o100, true);
  modes[17 + 6] = 4;
  modes[17 + 5] = 9;
  modes[17 + 10] = 0x1a;
  return modes;
}

describe("rawModes: cfmakeraw(3) on the kernel's struct termios", () => {
  const raw = rawModes(cooked());
  const word = (at: number) => new DataView(raw.buffer).getUint32(at, true);

  it("clears every input translation and flow control", () => expect(word(0)).toBe(0));
  it("clears output processing, keeps the rest of c_oflag", () => expect(word(4)).toBe(0o4));
  it("eight bits, no parity; the speed and CREAD stay", () => expect(word(8)).toBe(0o277 | 0o60));
  it("no echo, no canonical lines, no signals, no extensions; ECHOE and the rest stay", () =>
    expect(word(12)).toBe(0o105073 & ~(0o1 | 0o2 | 0o10 | 0o100 | 0o100000)));
  it("a read returns each byte as it comes: VMIN 1, VTIME 0; other control characters stay", () => {
    expect([raw[17 + 6], raw[17 + 5], raw[17 + 10]]).toEqual([1, 0, 0x1a]);
  });
  it("leaves the caller's modes as they were, to restore", () => {
    const caller = cooked();
    rawModes(caller);
    expect(caller).toEqual(cooked());
  });
  it("the line discipline byte is kept", () => {
    const modes = cooked();
    modes[16] = 3;
    expect(rawModes(modes)[16]).toBe(3);
  });
});

describe("suspendKeyAt: where Ctrl-Z would stop the CLI's foreground job", () => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  it("the pty's VSUSP key, where it first stands in what was typed", () => {
    expect(suspendKeyAt(cooked(), bytes(0x61, 0x1a, 0x62, 0x1a))).toBe(1);
    expect(suspendKeyAt(cooked(), bytes(0x1a))).toBe(0);
  });
  it("nowhere: no such byte, the key disabled (0), or the CLI's pty without ISIG (a raw full-screen program)", () => {
    expect(suspendKeyAt(cooked(), bytes(0x61, 0x03))).toBe(-1);
    const disabled = cooked();
    disabled[17 + 10] = 0;
    expect(suspendKeyAt(disabled, bytes(0x00, 0x1a))).toBe(-1);
    expect(suspendKeyAt(rawModes(cooked()), bytes(0x1a))).toBe(-1);
  });
  it("another key when the pty names another", () => {
    const other = cooked();
    other[17 + 10] = 0x19;
    expect(suspendKeyAt(other, bytes(0x1a, 0x19))).toBe(1);
  });
  it("reads the modes where the buffer holds them", () => {
    const shifted = new Uint8Array(TERMIOS_SIZE + 4);
    shifted.set(cooked(), 4);
    expect(suspendKeyAt(shifted.subarray(4), bytes(0x1a))).toBe(0);
  });
});

describe("waitStatus: how the CLI ended, stopped or went on", () => {
  it.each([
    [0, { exited: { code: 0 } }],
    [42 << 8, { exited: { code: 42 } }],
    [15, { exited: { signal: 15 } }],
    [0x80 | 11, { exited: { signal: 11 } }],
    [(20 << 8) | 0x7f, { stopped: 20 }],
    [(19 << 8) | 0x7f, { stopped: 19 }],
    [0xffff, { continued: true }],
  ])("%i", (status, expected) => {
    expect(waitStatus(status)).toEqual(expected);
  });
});
