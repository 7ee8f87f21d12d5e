import { describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import type { Failure } from "../../src/core/failure.ts";
import type { Node } from "../../src/core/pathLookup.ts";
import { unlisted, unreadableAt, unreadableIn, unreadableLines } from "../../src/core/unreadable.ts";

const hermes = { uid: 10000, groups: [10000, 2000] };

function tree(nodes: Record<string, Node>) {
  const looked: string[] = [];
  const lstat = (path: string): Node => {
    looked.push(path);
    return nodes[path] ?? { kind: "missing" };
  };
  return { lstat, looked };
}

const file = (uid: number, gid: number, mode: number): Node => ({ kind: "file", uid, gid, mode });
const dir = (uid: number, gid: number, mode: number): Node => ({ kind: "dir", uid, gid, mode });

describe("unreadableIn: what at a home's top the runtime user cannot read", () => {
  it("names someone else's file it cannot read, and a directory it cannot list or enter", () => {
    const { lstat } = tree({
      "/opt/data/auth.json": file(0, 0, 0o600),
      "/opt/data/skills": dir(0, 0, 0o700),
      "/opt/data/logs": dir(0, 0, 0o744),
      "/opt/data/sessions": dir(0, 0, 0o711),
    });
    expect(unreadableIn("/opt/data", ["skills", "auth.json", "logs", "sessions"], lstat, hermes)).toEqual({
      count: 4,
      examples: [
        { path: "/opt/data/auth.json", kind: "file", uid: 0, gid: 0, mode: 0o600 },
        { path: "/opt/data/logs", kind: "dir", uid: 0, gid: 0, mode: 0o744 },
        { path: "/opt/data/sessions", kind: "dir", uid: 0, gid: 0, mode: 0o711 },
      ],
      unexamined: [],
    });
  });

  it("is silent on what it reads: its own, through a group it holds (fsGroup), or by others' bits", () => {
    const { lstat, looked } = tree({
      "/h/own": file(10000, 10000, 0o000),
      "/h/group": file(0, 2000, 0o640),
      "/h/world": file(0, 0, 0o644),
      "/h/dir": dir(0, 2000, 0o2770),
      "/h/link": { kind: "symlink", target: "/etc/shadow" },
      "/h/fifo": { kind: "other", uid: 0, gid: 0, mode: 0o600 },
    });
    const names = ["own", "group", "world", "dir", "link", "fifo", "gone"];
    expect(unreadableIn("/h", names, lstat, hermes)).toEqual({ count: 0, examples: [], unexamined: [] });
    expect(looked).toHaveLength(names.length);
  });

  it("names the first three by name and counts the rest", () => {
    const names = ["e", "d", "c", "b", "a"];
    const { lstat } = tree(Object.fromEntries(names.map((n) => [`/h/${n}`, file(0, 0, 0o600)])));
    const found = unreadableIn("/h", names, lstat, hermes);
    expect(found.count).toBe(5);
    expect(found.examples.map((e) => e.path)).toEqual(["/h/a", "/h/b", "/h/c"]);
  });

  it("a home at / has no double slash", () => {
    const { lstat } = tree({ "/x": file(0, 0, 0o600) });
    expect(unreadableIn("/", ["x"], lstat, hermes).examples[0]?.path).toBe("/x");
  });
});

const hermesConfig = defaultsFor("hermes");
const rabbitConfig = { ...defaultsFor("rabbit"), user: "bunny" };

describe("unreadableLines", () => {
  const who = "hermes (uid 10000)";
  it("one line per entry named, with its owner and mode and the remedy", () => {
    const found = {
      count: 2,
      examples: [
        { path: "/opt/data/.env", kind: "file" as const, uid: 0, gid: 0, mode: 0o600 },
        { path: "/opt/data/skills", kind: "dir" as const, uid: 0, gid: 0, mode: 0o700 },
      ],
      unexamined: [],
    };
    expect(unreadableLines(hermesConfig, "hermes", who, "/opt/data", found)).toBe(
      "hermes: warning: hermes (uid 10000) cannot read /opt/data/.env (file, uid 0 gid 0, mode 0600), so the hermes CLI may take it as missing and replace it, or fail; as root, run hermes-exec-shim doctor --fix\n" +
        "hermes: warning: hermes (uid 10000) cannot read /opt/data/skills (directory, uid 0 gid 0, mode 0700), so the hermes CLI may take it as missing and replace it, or fail; as root, run hermes-exec-shim doctor --fix\n",
    );
  });

  it("and one line for the rest", () => {
    const example = { path: "/h/a", kind: "file" as const, uid: 0, gid: 0, mode: 0o600 };
    const lines = (count: number) =>
      unreadableLines(rabbitConfig, "rabbit", who, "/h", { count, examples: [example], unexamined: [] });
    expect(lines(2).split("\n")[1]).toBe(
      "rabbit: warning: and 1 more entry in /h that bunny cannot read: rabbit-exec-shim doctor lists them",
    );
    expect(lines(5).split("\n")[1]).toBe(
      "rabbit: warning: and 4 more entries in /h that bunny cannot read: rabbit-exec-shim doctor lists them",
    );
    expect(lines(1).split("\n")).toHaveLength(2);
    expect(unreadableLines(hermesConfig, "hermes", who, "/h", { count: 0, examples: [], unexamined: [] })).toBe("");
  });
});

describe("what could not be examined at a home's top is said, never taken as readable (contract §13)", () => {
  const eio = (call: string, on: string): Failure => ({ call, on, errno: 5, words: "Input/output error" });
  it("an entry whose statx failed is counted as unexamined, not skipped as if it were fine", () => {
    const failure = eio("statx", "/opt/data/auth.json");
    const lstat = (path: string): Node =>
      path === "/opt/data/auth.json" ? { kind: "unexamined", failure } : { kind: "file", uid: 0, gid: 0, mode: 0o600 };
    const found = unreadableIn("/opt/data", ["auth.json", "x"], lstat, hermes);
    expect(found).toEqual({
      count: 1,
      examples: [{ path: "/opt/data/x", kind: "file", uid: 0, gid: 0, mode: 0o600 }],
      unexamined: [failure],
    });
  });
  it("a top that could not be listed: nothing in it named, the failure kept", () => {
    const failure = eio("getdents64", "/opt/data");
    expect(unlisted(failure)).toEqual({ count: 0, examples: [], unexamined: [failure] });
    expect(unreadableAt("/opt/data", failure, () => ({ kind: "missing" }), hermes)).toEqual(unlisted(failure));
  });
  it("a home not there yet (ENOENT, ENOTDIR) has no top: nothing said of it here, its reach tells", () => {
    for (const errno of [2, 20]) {
      const failure = { call: "open", on: "/opt/data/state", errno, words: "" };
      expect(unreadableAt("/opt/data/state", failure, () => ({ kind: "missing" }), hermes)).toBeUndefined();
    }
  });
  it("a listing: what the entries hold", () => {
    const lstat = (): Node => ({ kind: "file", uid: 0, gid: 0, mode: 0o600 });
    expect(unreadableAt("/h", ["a"], lstat, hermes)).toEqual(unreadableIn("/h", ["a"], lstat, hermes));
  });
  it("one warning line per failure, before the entries, naming the call, the path and the words", () => {
    const found = { ...unlisted(eio("getdents64", "/opt/data")) };
    expect(unreadableLines(hermesConfig, "hermes", "hermes (uid 10000)", "/opt/data", found)).toBe(
      "hermes: warning: cannot tell what hermes (uid 10000) can read in /opt/data: unable to getdents64 /opt/data: Input/output error\n",
    );
  });
});
