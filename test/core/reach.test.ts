import { describe, expect, it } from "vitest";
import type { Lstat, Node } from "../../src/core/pathLookup.ts";
import { type ReadOnly, reach as reachOn } from "../../src/core/reach.ts";

const dir = (mode = 0o755, uid = 0, gid = 0): Node => ({ kind: "dir", uid, gid, mode: 0o040000 | mode });
const link = (target: string): Node => ({ kind: "symlink", target });
const fs =
  (tree: Record<string, Node | undefined>): Lstat =>
  (path) =>
    tree[path] ?? { kind: "missing" };

/** Every filesystem read-write, unless the test says otherwise. */
const reach = (path: string, who: typeof hermes, lstat: Lstat, readOnly: ReadOnly = () => false) =>
  reachOn(path, who, lstat, readOnly);

const hermes = { uid: 10000, groups: [10000] };
const base = { "/": dir(), "/opt": dir(), "/opt/data": dir(0o755, 10000, 10000) };

describe("reach", () => {
  it("a home the user owns, under searchable directories", () => {
    expect(reach("/opt/data", hermes, fs(base))).toEqual({ ok: true });
  });

  it("a bind mount owned by a host uid: the home itself cannot be written", () => {
    expect(reach("/opt/data", hermes, fs({ ...base, "/opt/data": dir(0o755, 1000, 1000) }))).toEqual({
      ok: false,
      blocks: "write",
      missing: false,
      at: { dir: "/opt/data", uid: 1000, gid: 1000, mode: 0o040755 },
    });
  });

  it("a 0700 parent: the home cannot be reached, whoever owns it", () => {
    const tree = fs({ ...base, "/root": dir(0o700), "/root/.hermes": dir(0o755, 10000, 10000) });
    expect(reach("/root/.hermes", hermes, tree)).toEqual({
      ok: false,
      blocks: "search",
      at: { dir: "/root", uid: 0, gid: 0, mode: 0o040700 },
    });
  });

  it("a home that does not exist yet needs its nearest existing ancestor writable", () => {
    expect(reach("/opt/data/new/deeper", hermes, fs(base))).toEqual({ ok: true });
    expect(reach("/srv/h", hermes, fs({ ...base, "/srv": dir() }))).toMatchObject({
      ok: false,
      blocks: "write",
      missing: true,
      at: { dir: "/srv" },
    });
  });

  it("the group class decides for a member, even when others could do more", () => {
    const shared = { ...base, "/opt/data": dir(0o757, 1000, 4242) };
    const member = { uid: 10000, groups: [10000, 4242] };
    expect(reach("/opt/data", member, fs(shared))).toMatchObject({ ok: false, blocks: "write" });
    expect(
      reach("/opt/data", { uid: 10000, groups: [10000] }, fs({ ...base, "/opt/data": dir(0o777, 1000, 1000) })),
    ).toEqual({ ok: true });
    expect(
      reach("/opt/data", { uid: 10000, groups: [10000, 4242] }, fs({ ...base, "/opt/data": dir(0o775, 1000, 4242) })),
    ).toEqual({ ok: true });
  });

  it("follows symlinks, checking every directory looked up on the way", () => {
    const tree = { ...base, "/data": link("/opt/data"), "/opt/rel": link("data") };
    expect(reach("/data", hermes, fs(tree))).toEqual({ ok: true });
    expect(reach("/opt/rel/x", hermes, fs(tree))).toEqual({ ok: true });
    const hidden = { ...tree, "/opt": dir(0o700) };
    expect(reach("/data", hermes, fs(hidden))).toMatchObject({ blocks: "search", at: { dir: "/opt" } });
  });

  it("anything else is named", () => {
    expect(
      reach("/opt/data", hermes, fs({ ...base, "/opt/data": { kind: "file", uid: 10000, gid: 0, mode: 0o100644 } })),
    ).toEqual({ ok: false, blocks: "other", reason: "/opt/data is not a directory" });
    expect(reach("/loop", hermes, fs({ ...base, "/loop": link("/loop") }))).toMatchObject({ blocks: "other" });
  });

  describe("a read-only filesystem, which the bits cannot show", () => {
    const asked: string[] = [];
    const readOnlyAt =
      (...mounts: string[]): ReadOnly =>
      (d) => {
        asked.push(d);
        return mounts.some((m) => d === m || d.startsWith(`${m}/`));
      };

    it("the home on it: blocked, naming the home", () => {
      expect(reach("/opt/data", hermes, fs(base), readOnlyAt("/opt/data"))).toEqual({
        ok: false,
        blocks: "readonly",
        dir: "/opt/data",
        missing: false,
      });
    });

    it("a home to create: its nearest existing ancestor is what is read-only", () => {
      expect(reach("/opt/data/new/deeper", hermes, fs(base), readOnlyAt("/opt"))).toEqual({
        ok: false,
        blocks: "readonly",
        dir: "/opt/data",
        missing: true,
      });
    });

    it("asked only once the bits allow the write, and only of the end of the walk", () => {
      asked.length = 0;
      expect(reach("/opt/data", hermes, fs(base), readOnlyAt())).toEqual({ ok: true });
      expect(asked).toEqual(["/opt/data"]);
      asked.length = 0;
      const theirs = fs({ ...base, "/opt/data": dir(0o755, 1000, 1000) });
      expect(reach("/opt/data", hermes, theirs, readOnlyAt("/opt"))).toMatchObject({ blocks: "write" });
      expect(asked).toEqual([]);
    });
  });
});

describe("reach: a home that is not a directory", () => {
  it("a file where the home should be", () => {
    const tree = fs({ ...base, "/opt/data": { kind: "file", uid: 10000, gid: 10000, mode: 0o100644 } });
    expect(reach("/opt/data", hermes, tree)).toEqual({
      ok: false,
      blocks: "other",
      reason: "/opt/data is not a directory",
    });
  });
});

describe("reach: a file on the way", () => {
  it("is not a directory, even one anyone may execute", () => {
    const tree = fs({ ...base, "/opt": { kind: "file", uid: 0, gid: 0, mode: 0o100755 } });
    expect(reach("/opt/data", hermes, tree)).toEqual({ ok: false, blocks: "other", reason: "/opt is not a directory" });
  });
});

describe("reach: a node that could not be examined", () => {
  it("is named with its failure, never taken as missing (which would ask for a writable parent)", () => {
    const failure = { call: "statx", on: "/opt/data", errno: 5, words: "Input/output error" };
    expect(reach("/opt/data", hermes, fs({ ...base, "/opt/data": { kind: "unexamined", failure } }))).toEqual({
      ok: false,
      blocks: "unexamined",
      failure,
    });
  });
});
