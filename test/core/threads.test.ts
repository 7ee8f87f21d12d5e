import { describe, expect, it } from "vitest";
import { bytes, splitNul, text } from "../../src/core/bytes.ts";
import {
  FEW_STRINGS,
  QUIET_MARK,
  QUIET_OPTIONS,
  quietNeeded,
  stringCount,
  withoutQuietOptions,
  withQuietOptions,
} from "../../src/core/threads.ts";

const env = (...entries: string[]) => entries.map(bytes);
const shown = (r: ReturnType<typeof withoutQuietOptions>) => ({ env: r.env.map(text), quiet: r.quiet });

describe("stringCount", () => {
  it("counts NUL-terminated strings, empty ones too", () => {
    expect(stringCount(bytes(""))).toBe(0);
    expect(stringCount(bytes("hermes\0"))).toBe(1);
    expect(stringCount(bytes("hermes\0\0whoami\0"))).toBe(3);
  });
});

describe("quietNeeded", () => {
  it("the admin commands always run again", () => {
    expect(quietNeeded(true, 1)).toBe(true);
  });
  it("a call runs again only beyond FEW_STRINGS strings, arguments and environment together", () => {
    expect(quietNeeded(false, FEW_STRINGS)).toBe(false);
    expect(quietNeeded(false, FEW_STRINGS + 1)).toBe(true);
    expect(quietNeeded(false, 2, FEW_STRINGS - 2)).toBe(false);
    expect(quietNeeded(false, 2, FEW_STRINGS - 1)).toBe(true);
  });
  it("stays well below the hundred strings at which root's drop was measured to start the warm-up thread", () => {
    expect(FEW_STRINGS).toBe(48);
  });
});

describe("withQuietOptions and withoutQuietOptions", () => {
  it("appends the options, each NUL-terminated, after the caller's environment", () => {
    expect(splitNul(withQuietOptions(bytes("PATH=/bin\0HOME=/root\0"))).map(text)).toEqual([
      "PATH=/bin",
      "HOME=/root",
      ...QUIET_OPTIONS,
    ]);
    expect(splitNul(withQuietOptions(bytes("A=1"))).map(text)).toEqual(["A=1", ...QUIET_OPTIONS]);
    expect(splitNul(withQuietOptions(bytes(""))).map(text)).toEqual([...QUIET_OPTIONS]);
  });

  it("in the second run, takes them off again, leaving the caller's environment as it was", () => {
    const given = bytes("PATH=/bin\0\0HOME=/root\0");
    expect(shown(withoutQuietOptions(splitNul(withQuietOptions(given))))).toEqual({
      env: ["PATH=/bin", "", "HOME=/root"],
      quiet: true,
    });
    expect(shown(withoutQuietOptions(env(...QUIET_OPTIONS)))).toEqual({ env: [], quiet: true });
  });

  it("is not the second run when the options are only partly there, out of order, or not at the end", () => {
    for (const given of [
      ["A=1", ...QUIET_OPTIONS.slice(1)],
      [...QUIET_OPTIONS].reverse(),
      [...QUIET_OPTIONS, "A=1"],
      QUIET_OPTIONS.map((o) => `${o}0`),
      QUIET_OPTIONS.map((o) => o.slice(0, -1)),
    ]) {
      expect(shown(withoutQuietOptions(env(...given)))).toEqual({ env: given, quiet: false });
    }
  });

  it("stops the JIT's workers, the heap's warm-up thread and the GC's helpers; the last marks the second run", () => {
    expect(QUIET_OPTIONS).toEqual([
      "BUN_JSC_useConcurrentJIT=0",
      "BUN_JSC_useWarmUpMarkedBlocks=0",
      "BUN_JSC_useConcurrentGC=0",
      "BUN_JSC_numberOfGCMarkers=1",
    ]);
    expect(QUIET_OPTIONS.at(-1)?.startsWith(`${QUIET_MARK}=`)).toBe(true);
  });
});
