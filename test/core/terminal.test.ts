/** contract §12: whose terminal the drop would hand over. */
import { describe, expect, it } from "vitest";
import { type Terminal, type TerminalObservation, terminalOf, terminalText } from "../../src/core/terminal.ts";

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
