import { describe, expect, it } from "vitest";
import { procRow, words } from "../../src/core/procText.ts";

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
  it("a word at the very start of the line is whole", () => {
    expect(words("1024\tunlimited")).toEqual(["1024", "unlimited"]);
    expect(words("ab")).toEqual(["ab"]);
  });
});
