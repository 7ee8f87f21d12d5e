import { describe, expect, it } from "vitest";
import type { Lstat, Node } from "../../src/core/pathLookup.ts";
import { checkTrust, checkTrustOf, programStatusText, rewritable } from "../../src/core/trust.ts";

const dir = (mode = 0o755, uid = 0): Node => ({ kind: "dir", uid, gid: 0, mode: 0o040000 | mode });
const file = (mode = 0o755, uid = 0): Node => ({ kind: "file", uid, gid: 0, mode: 0o100000 | mode });
const link = (target: string): Node => ({ kind: "symlink", target });

function fs(tree: Record<string, Node>): Lstat {
  return (path) => tree[path] ?? { kind: "missing" };
}

const base = { "/": dir(), "/command": dir(), "/command/s6-setuidgid": file() };

describe("checkTrust", () => {
  it("accepts a root-owned chain", () => {
    expect(checkTrust("/command/s6-setuidgid", fs(base))).toEqual({ ok: true, resolved: "/command/s6-setuidgid" });
  });

  it.each([
    ["a missing file", { "/command/s6-setuidgid": undefined }, "/command/s6-setuidgid does not exist", true],
    ["a missing directory", { "/command": undefined }, "/command does not exist", true],
    [
      "a file owned by the runtime user",
      { "/command/s6-setuidgid": file(0o755, 10000) },
      "/command/s6-setuidgid is owned by uid 10000, not root",
      false,
    ],
    [
      "a group-writable file",
      { "/command/s6-setuidgid": file(0o775) },
      "/command/s6-setuidgid is writable by its group (mode 0775)",
      false,
    ],
    [
      "a world-writable file",
      { "/command/s6-setuidgid": file(0o777) },
      "/command/s6-setuidgid is writable by its group and others (mode 0777)",
      false,
    ],
    [
      "a writable directory",
      { "/command": dir(0o777) },
      "/command is writable by its group and others (mode 0777)",
      false,
    ],
    [
      "a sticky world-writable directory",
      { "/command": dir(0o1777) },
      "/command is writable by its group and others (mode 1777)",
      false,
    ],
    [
      "a directory owned by the runtime user",
      { "/command": dir(0o755, 10000) },
      "/command is owned by uid 10000, not root",
      false,
    ],
    ["a writable root", { "/": dir(0o777) }, "/ is writable by its group and others (mode 0777)", false],
    [
      "a non-executable file",
      { "/command/s6-setuidgid": file(0o644) },
      "/command/s6-setuidgid is not executable",
      true,
    ],
    [
      "a directory in place of the file",
      { "/command/s6-setuidgid": dir() },
      "/command/s6-setuidgid is not a regular file",
      false,
    ],
    ["a file in place of a directory", { "/command": file() }, "/command is not a directory", true],
  ])("refuses %s", (_, change, reason, missing) => {
    const tree: Record<string, Node> = { ...base };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete tree[k];
      else tree[k] = v;
    }
    // Only a node someone but root could rewrite is `rewritable`: a missing or misshapen one is not.
    const rewritable = /is writable by|not root$/.test(reason) ? { rewritable: true } : {};
    expect(checkTrust("/command/s6-setuidgid", fs(tree))).toEqual({ ok: false, missing, reason, ...rewritable });
  });

  it("follows symlinks and checks every directory looked up on the way (s6-overlay's layout)", () => {
    const tree = {
      "/": dir(),
      "/command": link("/package/admin/s6-overlay/command"),
      "/package": dir(),
      "/package/admin": dir(),
      "/package/admin/s6-overlay": link("s6-overlay-3.2"),
      "/package/admin/s6-overlay-3.2": dir(),
      "/package/admin/s6-overlay-3.2/command": dir(),
      "/package/admin/s6-overlay-3.2/command/s6-setuidgid": link("../../s6/command/s6-setuidgid"),
      "/package/admin/s6": dir(),
      "/package/admin/s6/command": dir(),
      "/package/admin/s6/command/s6-setuidgid": file(),
    };
    expect(checkTrust("/command/s6-setuidgid", fs(tree))).toEqual({
      ok: true,
      resolved: "/package/admin/s6/command/s6-setuidgid",
    });
    const weak = { ...tree, "/package/admin/s6-overlay-3.2/command": dir(0o775) };
    expect(checkTrust("/command/s6-setuidgid", fs(weak))).toMatchObject({
      ok: false,
      reason: "/package/admin/s6-overlay-3.2/command is writable by its group (mode 0775)",
    });
    const hijacked = { ...tree, "/package/admin/s6/command/s6-setuidgid": file(0o755, 10000) };
    expect(checkTrust("/command/s6-setuidgid", fs(hijacked))).toMatchObject({ ok: false });
  });

  it("refuses a symlink into a directory the runtime user owns", () => {
    const tree = {
      ...base,
      "/command/s6-setuidgid": link("/opt/data/bin/s6"),
      "/opt": dir(),
      "/opt/data": dir(0o755, 10000),
    };
    expect(checkTrust("/command/s6-setuidgid", fs(tree))).toMatchObject({
      ok: false,
      reason: "/opt/data is owned by uid 10000, not root",
    });
  });

  it("stops at symlink loops and dangling links", () => {
    expect(checkTrust("/a", fs({ "/": dir(), "/a": link("/b"), "/b": link("/a") }))).toMatchObject({
      ok: false,
      reason: "/a: too many levels of symbolic links",
    });
    expect(checkTrust("/a", fs({ "/": dir(), "/a": link("/nowhere") }))).toMatchObject({ ok: false, missing: true });
  });

  it("refuses relative paths and directories", () => {
    expect(checkTrust("command/x", fs(base))).toMatchObject({ ok: false, reason: "command/x is not an absolute path" });
    expect(checkTrust("/command/..", fs(base))).toMatchObject({ ok: false });
  });

  it("for a directory (s6's scan and service directories): the same walk, ending at a directory", () => {
    const tree = {
      ...base,
      "/run": dir(),
      "/run/service": dir(),
      "/run/service/gateway": link("/srv/sv/gateway"),
      "/srv": dir(),
      "/srv/sv": dir(),
      "/srv/sv/gateway": dir(),
    };
    expect(checkTrust("/run/service/gateway", fs(tree), "dir")).toEqual({ ok: true, resolved: "/srv/sv/gateway" });
    expect(checkTrust("/run/service", fs(tree), "dir")).toEqual({ ok: true, resolved: "/run/service" });
    expect(checkTrust("/srv/sv/..", fs(tree), "dir")).toEqual({ ok: true, resolved: "/srv" });
    expect(checkTrust("/run/service/gateway", fs({ ...tree, "/srv/sv": dir(0o755, 10000) }), "dir")).toEqual({
      ok: false,
      missing: false,
      reason: "/srv/sv is owned by uid 10000, not root",
      rewritable: true,
    });
    expect(checkTrust("/srv/sv/gateway", fs({ ...tree, "/srv/sv/gateway": file() }), "dir")).toEqual({
      ok: false,
      missing: true,
      reason: "/srv/sv/gateway is not a directory",
    });
  });

  it("resolves .. against the real directory, after symlinks", () => {
    const tree = { ...base, "/l": link("/command/sub"), "/command/sub": dir() };
    expect(checkTrust("/l/../s6-setuidgid", fs(tree))).toEqual({ ok: true, resolved: "/command/s6-setuidgid" });
  });
});

describe("checkTrust for a directory on PATH", () => {
  it("a root-owned directory, or one only root could create, is trusted; a weak ancestor is not", () => {
    const tree = fs({ "/": dir(), "/usr": dir(), "/usr/bin": dir(), "/bin": link("usr/bin"), "/opt": dir() });
    expect(checkTrust("/usr/bin", tree, "lookup-dir")).toEqual({ ok: true, resolved: "/usr/bin" });
    expect(checkTrust("/bin", tree, "lookup-dir")).toEqual({ ok: true, resolved: "/usr/bin" });
    expect(checkTrust("/opt/missing/bin", tree, "lookup-dir")).toMatchObject({ ok: true });
    const data = fs({ "/": dir(), "/opt": dir(), "/opt/data": dir(0o755, 10000) });
    expect(checkTrust("/opt/data/.local/bin", data, "lookup-dir")).toEqual({
      ok: false,
      missing: false,
      reason: "/opt/data is owned by uid 10000, not root",
      rewritable: true,
    });
  });
});

describe("rewritable", () => {
  it("is the Trust of a node someone but root could rewrite, and nothing for one only root can", () => {
    expect(rewritable("/srv/s", { uid: 0, mode: 0o040755 })).toBeUndefined();
    expect(rewritable("/srv/s", { uid: 0, mode: 0o040775 })).toEqual({
      ok: false,
      missing: false,
      reason: "/srv/s is writable by its group (mode 0775)",
      rewritable: true,
    });
    expect(rewritable("/srv/s", { uid: 10000, mode: 0o040755 })).toMatchObject({
      reason: "/srv/s is owned by uid 10000, not root",
      rewritable: true,
    });
  });
});

describe("a node that could not be examined: neither absent, unusable nor replaceable (contract §13)", () => {
  const failure = { call: "statx", on: "/command", errno: 5, words: "Input/output error" };
  const unexamined: Node = { kind: "unexamined", failure };
  it.each(["program", "dir", "lookup-dir"] as const)("as a %s: untrusted, naming the call and its words", (want) => {
    expect(checkTrust("/command/s6-setuidgid", fs({ ...base, "/command": unexamined }), want)).toEqual({
      ok: false,
      missing: false,
      reason: "unable to statx /command: Input/output error",
      unexamined: failure,
    });
  });
  it("at the end of the path too", () => {
    const trust = checkTrust("/command/s6-setuidgid", fs({ ...base, "/command/s6-setuidgid": unexamined }));
    expect(trust).toMatchObject({ ok: false, missing: false, unexamined: failure });
  });
});

describe("programStatusText", () => {
  const failed = (errno: number, words: string) => ({ call: "access", on: "/x", errno, words });
  it("says what access(2) said: absent, not executable (EACCES), or not examined, with the C library's words", () => {
    expect(programStatusText("ok")).toBe("exists and is executable");
    expect(programStatusText("missing")).toBe("does not exist");
    expect(programStatusText(failed(13, "Permission denied"))).toBe(
      "is not executable (unable to access /x: Permission denied)",
    );
    expect(programStatusText(failed(5, "Input/output error"))).toBe(
      "cannot be examined (unable to access /x: Input/output error)",
    );
  });
});

describe("checkTrustOf: the trust of a path a failed call may have kept unknown", () => {
  it("a path: checkTrust's own verdict; a failure: untrusted, with that failure as its reason", () => {
    expect(checkTrustOf("/command/s6-setuidgid", fs(base))).toEqual(checkTrust("/command/s6-setuidgid", fs(base)));
    expect(checkTrustOf("/command", fs(base), "dir")).toEqual({ ok: true, resolved: "/command" });
    const failure = { call: "readlink", on: "/proc/self/exe", errno: 5, words: "Input/output error" };
    expect(checkTrustOf(failure, fs(base))).toEqual({
      ok: false,
      missing: false,
      reason: "unable to readlink /proc/self/exe: Input/output error",
      unexamined: failure,
    });
  });
});
