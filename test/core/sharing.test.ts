/** When a home is shared with a group, and the umask the drop gives the CLI there (contract §14). */
import { describe, expect, it } from "vitest";
import type { Node } from "../../src/core/pathLookup.ts";
import { dropUmask, homeSharing, openToOthers, sharingOf } from "../../src/core/sharing.ts";

const dir = (mode: number, gid = 2000) => ({ kind: "dir", uid: 0, gid, mode });

describe("sharingOf: a setgid directory its group may enter", () => {
  it("2770, 2775 and 2750 are shared with their group; the mode kept without the file type", () => {
    expect(sharingOf(dir(0o42770))).toEqual({ gid: 2000, mode: 0o2770 });
    expect(sharingOf(dir(0o2775, 10000))).toEqual({ gid: 10000, mode: 0o2775 });
    expect(sharingOf(dir(0o2750))).toEqual({ gid: 2000, mode: 0o2750 });
  });

  it("without setgid, or with a group that cannot enter it, it is not", () => {
    expect(sharingOf(dir(0o770))).toBeUndefined();
    expect(sharingOf(dir(0o2700))).toBeUndefined();
    expect(sharingOf(dir(0o2760))).toBeUndefined();
  });

  it("a file with setgid is no home", () => {
    expect(sharingOf({ ...dir(0o2770), kind: "file" })).toBeUndefined();
  });
});

describe("dropUmask: it follows the home, and only ever narrows the build's", () => {
  it("a shared home others cannot read: 0007's bits added", () => {
    expect(dropUmask(0o002, { gid: 2000, mode: 0o2770 })).toBe(0o007);
    expect(dropUmask(0o002, { gid: 2000, mode: 0o2771 })).toBe(0o007);
    expect(dropUmask(0o022, { gid: 2000, mode: 0o2770 })).toBe(0o027);
  });

  it("a shared home others may read, or no shared home: the build's", () => {
    expect(dropUmask(0o002, { gid: 2000, mode: 0o2775 })).toBe(0o002);
    expect(dropUmask(0o002, { gid: 2000, mode: 0o2774 })).toBe(0o002);
    expect(dropUmask(0o022, undefined)).toBe(0o022);
  });

  it("others may read it only with o+r", () => {
    expect(openToOthers({ gid: 1, mode: 0o2774 })).toBe(true);
    expect(openToOthers({ gid: 1, mode: 0o2773 })).toBe(false);
  });
});

describe("homeSharing: the directory a path names, through its symlinks", () => {
  const tree: Record<string, Node> = {
    "/": { kind: "dir", uid: 0, gid: 0, mode: 0o755 },
    "/opt": { kind: "dir", uid: 0, gid: 0, mode: 0o755 },
    "/opt/data": { kind: "dir", uid: 0, gid: 2000, mode: 0o2770 },
    "/opt/link": { kind: "symlink", target: "/opt/data" },
    "/opt/plain": { kind: "dir", uid: 0, gid: 0, mode: 0o755 },
    "/opt/file": { kind: "file", uid: 0, gid: 0, mode: 0o644 },
    "/opt/bad": {
      kind: "unexamined",
      failure: { call: "statx", on: "/opt/bad", errno: 5, words: "Input/output error" },
    },
  };
  const lstat = (path: string): Node => tree[path] ?? { kind: "missing" };

  it("a shared home, directly or through a symlink", () => {
    expect(homeSharing("/opt/data", lstat)).toEqual({ gid: 2000, mode: 0o2770 });
    expect(homeSharing("/opt/link", lstat)).toEqual({ gid: 2000, mode: 0o2770 });
  });

  it("anything else is not shared: a plain directory, a file, a missing one", () => {
    for (const path of ["/opt/plain", "/opt/file", "/opt/none", "/opt/file/x"])
      expect(homeSharing(path, lstat), path).toBeUndefined();
  });

  it('one that could not be examined is never "not shared": the failure, on the way or at the end (contract §13)', () => {
    const failure = { call: "statx", on: "/opt/bad", errno: 5, words: "Input/output error" };
    expect(homeSharing("/opt/bad", lstat)).toEqual(failure);
    expect(homeSharing("/opt/bad/home", lstat)).toEqual(failure);
  });
});
