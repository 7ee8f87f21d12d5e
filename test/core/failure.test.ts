import { describe, expect, it } from "vitest";
import { absent, failed, failureText, refusedByFilesystem, refusedPermission, unseen } from "../../src/core/failure.ts";

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

describe("unseen: another process's limits that are not there to read", () => {
  const failure = (errno: number) => ({ call: "open", on: "/proc/1/limits", errno, words: "" });
  it("gone (ENOENT, ESRCH) or hidden by hidepid (EPERM): no evidence, as for a parent outside the namespace", () => {
    for (const errno of [2, 3, 1]) expect(unseen(failure(errno))).toBe(true);
  });
  it("any other failure is one (contract §13)", () => {
    for (const errno of [5, 12, 13, 4]) expect(unseen(failure(errno))).toBe(false);
  });
});

describe("refusedByFilesystem: a new owner refused even to root", () => {
  it("EPERM and EINVAL only", () => {
    expect([1, 22, 5, 13, 30].map((errno) => refusedByFilesystem({ ...eio, errno }))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
