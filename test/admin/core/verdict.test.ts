import { describe, expect, it } from "vitest";
import { fixedGid, keepsOwner, verdictFor } from "../../../src/admin/core/verdict.ts";
import { nodeMaker } from "./fixtures.ts";

const hermes = { uid: 10000, groups: [10000] };
const DEV = "0:46";
const node = nodeMaker({ dev: DEV });

describe("verdictFor", () => {
  it("leaves the runtime user's own nodes alone, entering its directories", () => {
    expect(verdictFor(node({ uid: 10000 }), hermes, DEV)).toEqual({ kind: "owned", enter: false });
    expect(verdictFor(node({ uid: 10000, kind: "dir", mode: 0o040700 }), hermes, DEV)).toEqual({
      kind: "owned",
      enter: true,
    });
    expect(verdictFor(node({ uid: 10000, nlink: 3 }), hermes, DEV)).toEqual({ kind: "owned", enter: false });
  });

  it("marks someone else's nodes for --fix, saying whether the runtime user can read them", () => {
    expect(verdictFor(node({}), hermes, DEV)).toEqual({
      kind: "foreign",
      readable: false,
      shared: false,
      enter: false,
    });
    expect(verdictFor(node({ mode: 0o100644 }), hermes, DEV)).toEqual({
      kind: "foreign",
      readable: true,
      shared: false,
      enter: false,
    });
    expect(verdictFor(node({ gid: 10000, mode: 0o100640 }), hermes, DEV)).toMatchObject({ readable: true });
  });

  it("needs read and search on a directory", () => {
    expect(verdictFor(node({ kind: "dir", mode: 0o040755 }), hermes, DEV)).toEqual({
      kind: "foreign",
      readable: true,
      shared: false,
      enter: true,
    });
    expect(verdictFor(node({ kind: "dir", mode: 0o040744 }), hermes, DEV)).toMatchObject({ readable: false });
    expect(verdictFor(node({ kind: "dir", mode: 0o040711 }), hermes, DEV)).toMatchObject({ readable: false });
  });

  it("changes a symlink itself, whatever it points at", () => {
    expect(verdictFor(node({ kind: "symlink", mode: 0o120777 }), hermes, DEV)).toEqual({
      kind: "foreign",
      readable: true,
      shared: false,
      enter: false,
    });
  });

  it("never changes someone else's file with another hard link: the other may be outside the home", () => {
    expect(verdictFor(node({ nlink: 2 }), hermes, DEV)).toEqual({ kind: "linked", readable: false });
    expect(verdictFor(node({ nlink: 2, mode: 0o100644 }), hermes, DEV)).toEqual({ kind: "linked", readable: true });
    expect(verdictFor(node({ kind: "symlink", nlink: 2 }), hermes, DEV)).toEqual({ kind: "linked", readable: true });
    // A directory's link count is its subdirectories, not other names.
    expect(verdictFor(node({ kind: "dir", mode: 0o040755, nlink: 5 }), hermes, DEV)).toMatchObject({ kind: "foreign" });
  });

  it("leaves someone else's devices, FIFOs and sockets alone", () => {
    expect(verdictFor(node({ kind: "other", mode: 0o060660 }), hermes, DEV)).toEqual({ kind: "special" });
    expect(verdictFor(node({ kind: "other", uid: 10000 }), hermes, DEV)).toEqual({ kind: "owned", enter: false });
  });

  it("stops at another filesystem: a directory on another device, or any mount root", () => {
    expect(verdictFor(node({ kind: "dir", dev: "8:1", uid: 10000 }), hermes, DEV)).toEqual({ kind: "mount" });
    expect(verdictFor(node({ mountRoot: true }), hermes, DEV)).toEqual({ kind: "mount" });
    expect(verdictFor(node({ kind: "dir", mountRoot: true, uid: 10000 }), hermes, DEV)).toEqual({ kind: "mount" });
  });

  it("does not take a file's own st_dev for another filesystem (overlayfs gives each layer its own)", () => {
    expect(verdictFor(node({ dev: "0:47" }), hermes, DEV)).toMatchObject({ kind: "foreign" });
  });
});

describe("contract §11: judged with the groups the drop gives", () => {
  const granted = { uid: 10000, gid: 10000, groups: [10000, 2000] };

  it("an entry hermes reads through a group it holds is shared: fine as it is", () => {
    expect(verdictFor(node({ gid: 2000, mode: 0o100640 }), granted, DEV)).toEqual({
      kind: "foreign",
      readable: true,
      shared: true,
      enter: false,
    });
    expect(verdictFor(node({ gid: 2000, mode: 0o100660 }), granted, DEV)).toMatchObject({ shared: true });
    expect(verdictFor(node({ kind: "dir", gid: 2000, mode: 0o042750 }), granted, DEV)).toMatchObject({ shared: true });
    expect(verdictFor(node({ gid: 10000, mode: 0o100640 }), granted, DEV)).toMatchObject({ shared: true });
  });

  it("read by others' bits, or not read through the group, is not shared", () => {
    expect(verdictFor(node({ gid: 0, mode: 0o100644 }), granted, DEV)).toMatchObject({ readable: true, shared: false });
    expect(verdictFor(node({ gid: 2000, mode: 0o100604 }), granted, DEV)).toMatchObject({
      readable: false,
      shared: false,
    });
    expect(verdictFor(node({ gid: 2000, mode: 0o100640 }), hermes, DEV)).toMatchObject({
      readable: false,
      shared: false,
    });
    // A directory it may read but not enter is no home for its state.
    expect(verdictFor(node({ kind: "dir", gid: 2000, mode: 0o040740 }), granted, DEV)).toMatchObject({ shared: false });
    expect(verdictFor(node({ kind: "symlink", gid: 2000, mode: 0o120777 }), granted, DEV)).toMatchObject({
      shared: false,
    });
  });

  it("--fix keeps a group hermes holds, and gives its primary group otherwise", () => {
    expect(fixedGid({ gid: 2000 }, granted)).toBe(2000);
    expect(fixedGid({ gid: 0 }, granted)).toBe(10000);
    expect(fixedGid({ gid: 2000 }, { ...hermes, gid: 10000 })).toBe(10000);
  });
});

describe("contract §14: a home shared by a group", () => {
  const hermes = { uid: 10000, gid: 10000, groups: [10000, 2000] };
  const sharing = { gid: 2000, mode: 0o2775 };

  it("--fix gives what it hands over the tree's group, whatever the node's was", () => {
    expect(fixedGid({ gid: 0 }, hermes, sharing)).toBe(2000);
    expect(fixedGid({ gid: 10000 }, hermes, sharing)).toBe(2000);
    expect(fixedGid({ gid: 0 }, hermes)).toBe(10000);
  });

  it("the top of a shared home stays its owner's only where the group gives hermes read, write and search", () => {
    const top = (mode: number) => ({
      kind: "dir" as const,
      uid: 0,
      gid: 2000,
      mode: 0o040000 | mode,
      nlink: 2,
      dev: "0:1",
      mountRoot: false,
    });
    expect(keepsOwner(top(0o2775), hermes, sharing)).toBe(true);
    expect(keepsOwner(top(0o2755), hermes, sharing)).toBe(false);
    expect(keepsOwner(top(0o2775), { uid: 10000, groups: [10000] }, sharing)).toBe(false);
    expect(keepsOwner(top(0o2775), hermes, undefined)).toBe(false);
  });
});
