import { describe, expect, it } from "vitest";
import { octal } from "../../src/core/node.ts";

describe("octal", () => {
  it("shows permission bits only, four digits", () => {
    expect(octal(0o100644)).toBe("0644");
    expect(octal(0o041777)).toBe("1777");
    expect(octal(2)).toBe("0002");
  });
});
