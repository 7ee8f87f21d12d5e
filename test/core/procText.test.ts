import { describe, expect, it } from "vitest";
import { decimalId, procRow, words } from "../../src/core/procText.ts";

describe("procRow", () => {
  const text =
    "Name:\tbun\nCapEff:\t00000000a80425fb\nMax open files            1024                 524288               files";
  it("finds a row at the start, in the middle and at the end without a newline", () => {
    expect(procRow(text, "Name:")).toBe("\tbun");
    expect(procRow(text, "CapEff:")).toBe("\t00000000a80425fb");
    expect(procRow(text, "Max open files")).toBe("            1024                 524288               files");
  });

  it("matches only at the start of a line", () => {
    expect(procRow("XCapEff:\t1\n", "CapEff:")).toBeUndefined();
    expect(procRow("", "CapEff:")).toBeUndefined();
  });
});

describe("words", () => {
  it("splits on runs of spaces and tabs", () => {
    expect(words(" \t1024  unlimited\tfiles ")).toEqual(["1024", "unlimited", "files"]);
    expect(words("")).toEqual([]);
  });
});

describe("decimalId", () => {
  it("reads the decimal ids /proc writes, up to 2³²−1", () => {
    expect(decimalId("0")).toBe(0);
    expect(decimalId("10000")).toBe(10000);
    expect(decimalId("4294967295")).toBe(4294967295);
  });

  it("is undefined for anything else, a missing word included", () => {
    for (const word of ["4294967296", "", "-1", "1.5", " 1", "1e3", "0x10", "self", undefined])
      expect(decimalId(word), String(word)).toBeUndefined();
  });
});
