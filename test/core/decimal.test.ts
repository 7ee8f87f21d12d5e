import { describe, expect, it } from "vitest";
import { decimal, decimalId } from "../../src/core/decimal.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("decimal: ASCII digits alone", () => {
  it("reads every digit, in text and in bytes", () => {
    expect(decimal("0")).toBe(0);
    expect(decimal("1234567890")).toBe(1234567890);
    expect(decimal("9")).toBe(9);
    expect(decimal(bytes("1029"))).toBe(1029);
  });

  it("reads up to `end`: a listed name without its NUL", () => {
    expect(decimal(bytes("17\0"), 2)).toBe(17);
    expect(decimal(bytes("17\0"))).toBe(-1);
    expect(decimal("123", 1)).toBe(1);
  });

  it("is -1 for nothing and for anything but digits", () => {
    for (const text of ["", "-1", "+1", "1.5", " 1", "1 ", "1e3", "0x10", "self", "/", ":", "undefined"])
      expect(decimal(text), text).toBe(-1);
    expect(decimal(bytes("\0"), 0)).toBe(-1);
    expect(decimal(bytes("1/"))).toBe(-1);
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
