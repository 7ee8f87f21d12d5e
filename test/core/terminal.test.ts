/** contract §12: whose terminal the drop would hand over, and the modes and endings the relay works with. */
import { describe, expect, it } from "vitest";
import {
  rawModes,
  suspendKeyAt,
  TERMIOS_SIZE,
  type Terminal,
  type TerminalObservation,
  terminalOf,
  terminalText,
  waitStatus,
} from "../../src/core/terminal.ts";

const ROOT_SHELL = { sid: 40, leaderUid: 0 };
/** The shim as a child of root's shell: pid 50 in session 40. */
const child = (over: Partial<TerminalObservation>): TerminalObservation => ({
  pid: 50,
  sid: 40,
  std: [undefined, undefined, undefined],
  ...over,
});

describe("terminalOf: a terminal whose session the shim does not lead is shared", () => {
  it("no terminal anywhere (docker exec without -t, a pipe) → none", () => {
    expect(terminalOf(child({}))).toEqual({ kind: "none" });
  });

  it("docker exec -it C hermes: the shim leads the session of its terminal on 0–2 → own", () => {
    const own = { sid: 50 };
    expect(terminalOf({ pid: 50, sid: 50, std: [own, own, own], ctty: own })).toEqual({ kind: "own" });
  });

  it("root's shell runs hermes: shared with the shell's session, on every descriptor that is a terminal", () => {
    const seen = child({ std: [ROOT_SHELL, ROOT_SHELL, undefined], ctty: ROOT_SHELL });
    expect(terminalOf(seen)).toEqual({ kind: "shared", sid: 40, leaderUid: 0, fds: [0, 1] });
  });

  it("only the controlling terminal (0–2 are pipes) is still shared, with no descriptor to replace", () => {
    expect(terminalOf(child({ ctty: ROOT_SHELL }))).toEqual({ kind: "shared", sid: 40, leaderUid: 0, fds: [] });
  });

  it("a session leader whose terminal on 0 is no session's (sid 0) does not lead it", () => {
    const seen: TerminalObservation = { pid: 50, sid: 50, std: [{ sid: 0 }, undefined, undefined] };
    expect(terminalOf(seen)).toEqual({ kind: "shared", sid: 0, fds: [0] });
  });

  it("a process in another's session whose terminal names its pid as session is still not its leader", () => {
    // pid equal to the terminal's session but the shim's own session is another: it leads nothing.
    const seen: TerminalObservation = { pid: 50, sid: 40, std: [{ sid: 50 }, undefined, undefined] };
    expect(terminalOf(seen)).toMatchObject({ kind: "shared", sid: 50 });
  });

  it("the shim leads its own terminal's session, but a second terminal on 2 is someone else's → shared", () => {
    const seen: TerminalObservation = {
      pid: 50,
      sid: 50,
      std: [{ sid: 50 }, { sid: 50 }, ROOT_SHELL],
      ctty: { sid: 50 },
    };
    expect(terminalOf(seen)).toEqual({ kind: "shared", sid: 40, leaderUid: 0, fds: [0, 1, 2] });
  });

  it("the shim leads 0–2's session but its controlling terminal is another's → shared", () => {
    const own = { sid: 50 };
    const seen: TerminalObservation = { pid: 50, sid: 50, std: [own, undefined, undefined], ctty: ROOT_SHELL };
    expect(terminalOf(seen)).toEqual({ kind: "shared", sid: 40, leaderUid: 0, fds: [0] });
  });

  it("the first terminal not led names the session", () => {
    const seen = child({ std: [undefined, { sid: 7 }, { sid: 8 }], ctty: { sid: 9 } });
    expect(terminalOf(seen)).toEqual({ kind: "shared", sid: 7, fds: [1, 2] });
  });
});

describe("terminalText: explain's words", () => {
  it.each([
    [undefined, "not examined: only root's drop relays a terminal"],
    [{ kind: "none" } as const, "none"],
    [{ kind: "own" } as const, "the exec's own (this call leads its session): passed on as it is"],
    [
      { kind: "shared", sid: 40, leaderUid: 0, fds: [0] } as const,
      "shared with session 40 led by uid 0: the CLI gets a pty of hermes's own, relayed until it exits " +
        "(the CLI runs as the relay's child, with a PID of its own)",
    ],
    [
      { kind: "shared", sid: 40, fds: [0] } as const,
      "shared with session 40: the CLI gets a pty of hermes's own, relayed until it exits " +
        "(the CLI runs as the relay's child, with a PID of its own)",
    ],
    [
      { kind: "shared", sid: 0, fds: [] } as const,
      "shared with a session outside this container: the CLI gets a pty of hermes's own, relayed until it exits " +
        "(the CLI runs as the relay's child, with a PID of its own)",
    ],
  ])("%j", (terminal, text) => {
    expect(terminalText(terminal as Terminal | undefined, "hermes")).toBe(text);
  });
});

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
