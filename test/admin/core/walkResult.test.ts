import { describe, expect, it } from "vitest";
import { add, EXAMPLES, nothingFound, record, type Tally } from "../../../src/admin/core/walkResult.ts";
import { failureOf, nodeMaker } from "./fixtures.ts";

const stat = nodeMaker();

describe("a tally", () => {
  it("counts every entry and keeps the first EXAMPLES by path, whatever order they come in", () => {
    const tally: Tally = { count: 0, examples: [] };
    const paths = Array.from({ length: 1000 }, (_, i) => `/opt/data/f${String(i).padStart(4, "0")}`);
    // The walk's order is the directories' hash order: here, a shuffle.
    const shuffled = paths.map((p, i) => [(i * 7919) % 1000, p] as const).sort((a, b) => a[0] - b[0]);
    for (const [, path] of shuffled) add(tally, path, () => "file");
    expect(tally.count).toBe(1000);
    expect(tally.examples.map((i) => i.path)).toEqual(paths.slice(0, EXAMPLES));
  });

  it("describes an entry only when it keeps it", () => {
    const tally: Tally = { count: 0, examples: [] };
    let described = 0;
    for (let i = 0; i < 10_000; i++) add(tally, `/d/${String(i).padStart(5, "0")}`, () => `${++described}`);
    expect(described).toBe(EXAMPLES);
  });
});

describe("record", () => {
  it("sorts each outcome into its finding's tally", () => {
    const found = nothingFound();
    record(found, {
      path: "/a",
      node: stat(),
      verdict: { kind: "foreign", readable: false, shared: false, enter: false },
      changed: false,
    });
    record(found, {
      path: "/b",
      node: stat({ mode: 0o100644 }),
      verdict: { kind: "foreign", readable: true, shared: false, enter: false },
      changed: false,
    });
    record(found, {
      path: "/c",
      node: stat(),
      verdict: { kind: "foreign", readable: false, shared: false, enter: false },
      changed: true,
    });
    record(found, {
      path: "/d",
      node: stat({ nlink: 2 }),
      verdict: { kind: "linked", readable: true },
      changed: false,
    });
    record(found, { path: "/e", node: stat({ kind: "dir" }), verdict: { kind: "mount" }, changed: false });
    record(found, { path: "/f", node: stat({ kind: "other" }), verdict: { kind: "special" }, changed: false });
    record(found, { path: "/g", skipped: "replaced while doctor ran: skipped" });
    record(found, { path: "/h", unchanged: failureOf("fchownat", "/h", 1) });
    record(found, { path: "/j", unexamined: failureOf("getdents64", "/j") });
    const kinds = [
      "unreadable",
      "readable",
      "changed",
      "linked",
      "mounts",
      "special",
      "errors",
      "refused",
      "unexamined",
    ] as const;
    expect(kinds.map((k) => found[k].examples.map((i) => i.path))).toEqual([
      ["/a"],
      ["/b"],
      ["/c"],
      ["/d"],
      ["/e"],
      ["/f"],
      ["/g"],
      ["/h"],
      ["/j"],
    ]);
    expect(found.changed.examples[0]?.detail).toBe("file, was uid 0 gid 0, mode 0600");
    expect(found.linkedUnreadable).toBe(false);
    record(found, {
      path: "/i",
      node: stat({ nlink: 3 }),
      verdict: { kind: "linked", readable: false },
      changed: false,
    });
    expect(found.linkedUnreadable).toBe(true);
  });
});

describe("record: shared through a group the runtime user holds (contract §11)", () => {
  it("is not tallied until --fix changes it", () => {
    const found = nothingFound();
    const verdict = { kind: "foreign" as const, readable: true, shared: true, enter: false };
    record(found, { path: "/a", node: stat({ gid: 2000, mode: 0o100660 }), verdict, changed: false });
    expect(found.readable.count + found.unreadable.count + found.changed.count).toBe(0);
    record(found, { path: "/a", node: stat({ gid: 2000, mode: 0o100660 }), verdict, changed: true });
    expect(found.changed.count).toBe(1);
  });
});

describe("record: what a failed call left (contract §13)", () => {
  it("a call that kept a node or a listing from being examined: not examined, with the failure in its words", () => {
    const found = nothingFound();
    record(found, { path: "/opt/data", unexamined: failureOf("getdents64", "/opt/data") });
    expect(found.unexamined).toEqual({
      count: 1,
      examples: [{ path: "/opt/data", detail: "unable to getdents64 /opt/data: Input/output error" }],
    });
    expect(found.errors.count + found.refused.count).toBe(0);
  });

  it("an fchownat that failed: refused by the filesystem for EPERM and EINVAL, else an error; each with its errno", () => {
    const found = nothingFound();
    record(found, { path: "/a", unchanged: failureOf("fchownat", "/a", 1) });
    record(found, { path: "/b", unchanged: failureOf("fchownat", "/b", 22) });
    record(found, { path: "/c", unchanged: failureOf("fchownat", "/c") });
    expect(found.refused.examples.map((i) => i.path)).toEqual(["/a", "/b"]);
    expect(found.errors.examples).toEqual([{ path: "/c", detail: "cannot change its owner: input/output error" }]);
    expect(found.refused.examples[0]?.detail).toBe("cannot change its owner: operation not permitted");
    expect(found.unexamined.count).toBe(0);
  });

  it("a chmod that failed says the mode, not the owner", () => {
    const found = nothingFound();
    record(found, { path: "/a", unchanged: failureOf("chmod", "/a") });
    expect(found.errors.examples).toEqual([{ path: "/a", detail: "cannot change its mode: input/output error" }]);
  });

  it("contract §14: what the group lacks, by finding, a directory closed and without setgid counted once", () => {
    const found = nothingFound();
    const file = stat({ uid: 10000, gid: 0 });
    const dir = stat({ kind: "dir", uid: 10000, gid: 2000, mode: 0o040700 });
    record(found, { path: "/f", node: file, lacks: ["unreadable", "regrouped"], restored: false });
    record(found, { path: "/d", node: dir, lacks: ["closed", "unset"], restored: false });
    record(found, { path: "/e", node: dir, lacks: ["unset"], restored: false });
    record(found, { path: "/r", node: file, lacks: ["unreadable"], restored: true });
    expect(found.groupUnreadable).toEqual({
      count: 1,
      examples: [{ path: "/f", detail: "file, uid 10000 gid 0, mode 0600" }],
    });
    expect(found.groupLost.examples.map((i) => i.path)).toEqual(["/f"]);
    expect(found.groupClosed).toMatchObject({ count: 2 });
    expect(found.groupRestored).toEqual({
      count: 1,
      examples: [{ path: "/r", detail: "file, was uid 10000 gid 0, mode 0600" }],
    });
  });
});
