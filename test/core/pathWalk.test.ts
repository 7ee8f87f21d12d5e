import { describe, expect, it } from "vitest";
import { type Lstat, type Node, type PathVisitor, walkPath } from "../../src/core/pathWalk.ts";

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
  };
  return walkPath(path, lstat, visitor);
}

describe("walkPath", () => {
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

  it("stops at a symlink loop", () => {
    const loop = trace("/a", fs({ "/": dir(), "/a": link("b"), "/b": link("a") }));
    expect(loop[loop.length - 1]).toBe("broken: /a: too many levels of symbolic links");
  });
});
