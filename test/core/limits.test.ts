import { describe, expect, it } from "vitest";
import { parseNofile, RLIM_INFINITY, softLimitToRestore } from "../../src/core/limits.ts";

const PROC = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe("parseNofile", () => {
  it("reads the open-files row", () => {
    expect(parseNofile(PROC)).toEqual({ soft: 1024n, hard: 524288n });
  });
  it("understands unlimited and rejects junk", () => {
    expect(parseNofile("Max open files unlimited unlimited files\n")).toEqual({
      soft: RLIM_INFINITY,
      hard: RLIM_INFINITY,
    });
    expect(parseNofile("Max open files lots\n")).toBeUndefined();
    expect(parseNofile("")).toBeUndefined();
  });
});

describe("softLimitToRestore", () => {
  const raised = { soft: 524288n, hard: 524288n };
  it("restores the parent's soft limit the runtime raised", () => {
    expect(softLimitToRestore(raised, { soft: 1024n, hard: 524288n })).toBe(1024n);
  });
  it("leaves the limit when there is no parent to ask (docker exec: outside the PID namespace)", () => {
    expect(softLimitToRestore(raised, undefined)).toBeUndefined();
  });
  it("leaves the limit when the parent's hard limit differs: the caller changed its limits itself", () => {
    expect(softLimitToRestore(raised, { soft: 1024n, hard: 4096n })).toBeUndefined();
  });
  it("leaves a soft limit the runtime did not raise", () => {
    expect(softLimitToRestore({ soft: 100n, hard: 4096n }, { soft: 50n, hard: 4096n })).toBeUndefined();
  });
  it("never raises", () => {
    expect(softLimitToRestore(raised, { soft: 524288n, hard: 524288n })).toBeUndefined();
  });

  describe("when the parent is not visible, the container's limits (PID 1's)", () => {
    it("docker run --ulimit nofile=1024:8192, then docker exec: soft 1024 like a direct exec", () => {
      const current = { soft: 8192n, hard: 8192n };
      expect(softLimitToRestore(current, undefined, { soft: 1024n, hard: 8192n })).toBe(1024n);
    });
    it("only when PID 1's hard limit equals ours", () => {
      expect(softLimitToRestore(raised, undefined, { soft: 1024n, hard: 4096n })).toBeUndefined();
    });
    it("a visible parent wins, even when it disagrees", () => {
      expect(softLimitToRestore(raised, { soft: 2048n, hard: 524288n }, { soft: 1024n, hard: 524288n })).toBe(2048n);
      expect(softLimitToRestore(raised, { soft: 1024n, hard: 4096n }, { soft: 1024n, hard: 524288n })).toBeUndefined();
    });
    it("nothing to go on, or nothing raised: left alone", () => {
      expect(softLimitToRestore(raised, undefined, undefined)).toBeUndefined();
      expect(softLimitToRestore({ soft: 100n, hard: 4096n }, undefined, { soft: 50n, hard: 4096n })).toBeUndefined();
      expect(softLimitToRestore(raised, undefined, raised)).toBeUndefined();
    });
  });
});

describe("parseNofile: both limits, digits only", () => {
  it.each([
    ["a soft limit alone", "Max open files 1024\n"],
    ["a soft limit that is not a number", "Max open files x 4096 files\n"],
    ["a negative soft limit", "Max open files -1 4096 files\n"],
    ["a hard limit with a sign", "Max open files 1024 +4096 files\n"],
  ])("%s: none", (_, text) => {
    expect(parseNofile(text)).toBeUndefined();
  });
  it("every digit", () => {
    expect(parseNofile("Max open files 1029 4096 files\n")).toEqual({ soft: 1029n, hard: 4096n });
  });
  it("a limit of 0 is a limit", () => {
    expect(parseNofile("Max open files 0 0 files\n")).toEqual({ soft: 0n, hard: 0n });
  });
  it("past 2⁵³, exact", () => {
    expect(parseNofile("Max open files 9007199254740993 18446744073709551615 files\n")).toEqual({
      soft: 9007199254740993n,
      hard: RLIM_INFINITY,
    });
  });
});
