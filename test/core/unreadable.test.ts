import { describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/core/config.ts";
import type { Node } from "../../src/core/pathWalk.ts";
import { unreadableIn, unreadableLines } from "../../src/core/unreadable.ts";

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
