import { describe, expect, it } from "vitest";
import { lastResortMessage } from "../../src/core/lastResort.ts";

describe("lastResortMessage", () => {
  it("one line: the error, never its stack", () => {
    const error = new TypeError("bun:ffi requires the JIT");
    expect(lastResortMessage("hermes", error)).toBe(
      "hermes: internal error, nothing was run (TypeError: bun:ffi requires the JIT)\n",
    );
  });
  it("keeps only the first line of a message, and only printable ASCII", () => {
    const text = lastResortMessage("hermes", new Error("first\n  at x (bun:ffi:155:28)\n155 | source"));
    expect(text).toBe("hermes: internal error, nothing was run (Error: first)\n");
    expect(lastResortMessage("hermes", new Error("a\tb\u001b[31m"))).toBe(
      "hermes: internal error, nothing was run (Error: a?b?[31m)\n",
    );
  });
  it("things thrown that are not errors", () => {
    expect(lastResortMessage("rabbit", 42)).toBe("rabbit: internal error, nothing was run (uncaught number: 42)\n");
    expect(lastResortMessage("hermes", "x".repeat(500)).length).toBeLessThan(300);
  });
});

describe("lastResortMessage: how much of the message, and which characters", () => {
  it("at most 200 characters of it", () => {
    const text = lastResortMessage("hermes", new Error("x".repeat(300)));
    expect(text).toBe(`hermes: internal error, nothing was run (Error: ${"x".repeat(193)})\n`);
  });
  it("DEL and anything past ASCII become ?", () => {
    expect(lastResortMessage("hermes", new Error("a\u007fb é ~"))).toBe(
      "hermes: internal error, nothing was run (Error: a?b ? ~)\n",
    );
  });
});
