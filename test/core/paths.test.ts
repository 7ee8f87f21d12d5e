import { describe, expect, it } from "vitest";
import { dirname, join, names } from "../../src/core/paths.ts";

describe("path text", () => {
  it.each([
    ["/opt/hermes/bin/hermes", "/opt/hermes/bin"],
    ["/hermes", "/"],
    ["/", "/"],
  ])("dirname(%j) is %j", (path, dir) => expect(dirname(path)).toBe(dir));

  it("joins a name to / without doubling the slash", () => {
    expect(join("/", "etc")).toBe("/etc");
    expect(join("/etc", "passwd")).toBe("/etc/passwd");
  });

  it("names a path by what the kernel looks up, .. kept", () => {
    expect(names("/srv//a/./b/")).toEqual(["srv", "a", "b"]);
    expect(names("/a/../b")).toEqual(["a", "..", "b"]);
  });
});
