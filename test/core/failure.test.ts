import { describe, expect, it } from "vitest";
import { absent, failed, failureText, refusedPermission } from "../../src/core/failure.ts";

const eio = { call: "read", on: "/etc/passwd", errno: 5, words: "Input/output error" };

describe("a failed call, told in skarnet's form", () => {
  it("names the call, what it was made on, and the C library's words", () => {
    expect(failureText(eio)).toBe("unable to read /etc/passwd: Input/output error");
  });
  it("a call made on nothing in particular (getuid) has no empty word", () => {
    expect(failureText({ ...eio, call: "getuid", on: "" })).toBe("unable to getuid: Input/output error");
  });
});

describe("failed", () => {
  it("tells a Failure from what a call returns when it works", () => {
    expect(failed(eio)).toBe(true);
    for (const value of [new Uint8Array([1]), [], "text", 0, "ok", undefined, null, { kind: "dir" }])
      expect(failed(value)).toBe(false);
  });
});

describe("absent", () => {
  it("only ENOENT and ENOTDIR say a name is not there; every other errno is a failure of its own", () => {
    expect(absent({ ...eio, errno: 2 })).toBe(true);
    expect(absent({ ...eio, errno: 20 })).toBe(true);
    for (const errno of [1, 4, 5, 12, 13, 40]) expect(absent({ ...eio, errno })).toBe(false);
  });
});

describe("refusedPermission", () => {
  it("EACCES and EPERM are permissions; EIO, EROFS, ENOENT are not", () => {
    expect([13, 1, 5, 30, 2].map((errno) => refusedPermission({ errno }))).toEqual([true, true, false, false, false]);
  });
});
