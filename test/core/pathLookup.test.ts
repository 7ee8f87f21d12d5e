import { describe, expect, it } from "vitest";
import { type Lstat, lookUpPath, type Node, type PathVisitor } from "../../src/core/pathLookup.ts";

const dir = (): Node => ({ kind: "dir", uid: 0, gid: 0, mode: 0o040755 });
const file = (): Node => ({ kind: "file", uid: 0, gid: 0, mode: 0o100755 });
const link = (target: string): Node => ({ kind: "symlink", target });
const fs =
  (tree: Record<string, Node>): Lstat =>
  (path) =>
    tree[path] ?? { kind: "missing" };

/** Records what the walk meets, in order, and goes on through everything. */
function trace(path: string, lstat: Lstat): string[] {
  const met: string[] = [];
  const visitor: PathVisitor<string[]> = {
    through(here) {
      met.push(`through ${here}`);
      return undefined;
    },
    end: (here) => [...met, `end ${here}`],
    missing: (here, parent) => [...met, `missing ${here} in ${parent}`],
    broken: (reason) => [...met, `broken: ${reason}`],
    unexamined: (failure) => [...met, `unexamined: ${failure.call} ${failure.on}`],
  };
  return lookUpPath(path, lstat, visitor);
}

describe("lookUpPath", () => {
  const tree = {
    "/": dir(),
    "/usr": dir(),
    "/usr/bin": dir(),
    "/usr/bin/s6": file(),
    "/bin": link("usr/bin"),
    "/opt": dir(),
    "/opt/abs": link("/usr/bin"),
  };

  it("meets / and each directory on the way, then what the path names", () => {
    expect(trace("/usr/bin/s6", fs(tree))).toEqual([
      "through /",
      "through /usr",
      "through /usr/bin",
      "end /usr/bin/s6",
    ]);
  });

  it("follows a relative symlink from the directory that holds it, an absolute one from /", () => {
    expect(trace("/bin/s6", fs(tree))).toEqual([
      "through /",
      "through /",
      "through /usr",
      "through /usr/bin",
      "end /usr/bin/s6",
    ]);
    expect(trace("/opt/abs/s6", fs(tree))).toEqual([
      "through /",
      "through /opt",
      "through /",
      "through /usr",
      "through /usr/bin",
      "end /usr/bin/s6",
    ]);
  });

  it("takes .. from the directory reached, as the kernel does", () => {
    expect(trace("/bin/../s6/..", fs({ ...tree, "/usr/s6": dir() }))).toContain("end /usr");
    expect(trace("/", fs(tree))).toEqual(["end /"]);
  });

  it("stops at a missing name, with the directory it was looked up in", () => {
    expect(trace("/opt/data/x", fs(tree))).toEqual(["through /", "through /opt", "missing /opt/data in /opt"]);
  });

  it("stops at a node that could not be examined, on the way or at the end, and names its failure", () => {
    const failure = { call: "statx", on: "/usr/bin", errno: 5, words: "Input/output error" };
    const lstat = fs({ ...tree, "/usr/bin": { kind: "unexamined", failure } });
    expect(trace("/usr/bin/s6", lstat)).toEqual(["through /", "through /usr", "unexamined: statx /usr/bin"]);
    expect(trace("/usr/bin", lstat)).toEqual(["through /", "through /usr", "unexamined: statx /usr/bin"]);
    const root = fs({ "/": { kind: "unexamined", failure: { ...failure, on: "/" } } });
    expect(trace("/usr", root)).toEqual(["unexamined: statx /"]);
  });

  it("stops at a symlink loop", () => {
    const loop = trace("/a", fs({ "/": dir(), "/a": link("b"), "/b": link("a") }));
    expect(loop[loop.length - 1]).toBe("broken: /a: too many levels of symbolic links");
  });
});

describe("lookUpPath: where a walk cannot start, and how far symlinks go", () => {
  it.each<[string, Node]>([
    ["missing", { kind: "missing" }],
    ["a symlink", link("/elsewhere")],
  ])("a root that is %s: broken before anything else", (_, root) => {
    expect(trace("/opt", fs({ "/": root }))).toEqual(["broken: / is not a directory"]);
  });

  it("a parent that is gone by the time .. reaches it", () => {
    let optSeen = false;
    // /opt is there on the way down and gone when .. comes back to it.
    const lstat: Lstat = (path) => {
      if (path !== "/opt") return dir();
      if (optSeen) return { kind: "missing" };
      optSeen = true;
      return dir();
    };
    expect(trace("/opt/data/../x", lstat)).toEqual([
      "through /",
      "through /opt",
      "through /opt/data",
      "broken: /opt is not a directory",
    ]);
  });

  it(".. from a directory just under / is /", () => {
    expect(trace("/opt/../srv", fs({ "/": dir(), "/opt": dir(), "/srv": dir() }))).toEqual([
      "through /",
      "through /opt",
      "through /",
      "end /srv",
    ]);
  });

  it(". is no name", () => {
    expect(trace("/opt/./data/.", fs({ "/": dir(), "/opt": dir(), "/opt/data": dir() }))).toEqual([
      "through /",
      "through /opt",
      "end /opt/data",
    ]);
  });

  /** /l0 → /l1 → … → /l(n-1) → /data. */
  const chain = (n: number): Lstat =>
    fs({
      "/": dir(),
      "/data": dir(),
      ...Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`/l${i}`, link(i === n - 1 ? "/data" : `/l${i + 1}`)]),
      ),
    });

  it("40 symlinks in a row are followed, the 41st is a loop", () => {
    expect(trace("/l0", chain(40)).at(-1)).toBe("end /data");
    expect(trace("/l0", chain(41)).at(-1)).toBe("broken: /l0: too many levels of symbolic links");
  });
});
