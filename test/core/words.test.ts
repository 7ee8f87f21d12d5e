import { describe, expect, it } from "vitest";
import { isStrictlyTruthy, listNames } from "../../src/core/words.ts";

describe("listNames", () => {
  it.each([
    [["hermes"], "hermes"],
    [["hermes", "hermes-agent"], "hermes and hermes-agent"],
    [["a", "b", "c"], "a, b and c"],
  ])("%j", (names, text) => expect(listNames(names)).toBe(text));
});

describe("isStrictlyTruthy", () => {
  it("compares bytes, not decoded text", () => {
    expect(isStrictlyTruthy([new Uint8Array([0x31])])).toBe(true);
    expect(isStrictlyTruthy([new Uint8Array([0xff, 0x31])])).toBe(false);
    expect(isStrictlyTruthy([new Uint8Array([0x59, 0x45, 0x53])])).toBe(true);
    expect(isStrictlyTruthy([])).toBe(false);
  });
});
