import { describe, expect, it } from "vitest";
import { addedGids, dropGroups, grantedGroups, groupsText, statusGroups, withGroups } from "../../src/core/groups.ts";
import type { Account } from "../../src/core/passwd.ts";

const hermes: Account = { name: "hermes", uid: 10000, gid: 10000, groups: [10000, 999], home: "/opt/data" };

describe("statusGroups: the Groups: line of /proc/self/status", () => {
  it("reads every supplementary group, in order", () => {
    expect(statusGroups("Name:\tsh\nGid:\t0\t0\t0\t0\nGroups:\t0 4242 2000 \nNgid:\t0\n")).toEqual([0, 4242, 2000]);
    expect(statusGroups("Groups:\t4294967295\n")).toEqual([4294967295]);
  });

  it("an empty line is no group; a missing or unreadable one is unknown", () => {
    expect(statusGroups("Gid:\t0\nGroups:\t\nNgid:\t0\n")).toEqual([]);
    expect(statusGroups("Gid:\t0\n")).toBeUndefined();
    expect(statusGroups("Groups:\t0 x12\n")).toBeUndefined();
    expect(statusGroups("Groups:\t0 12x\n")).toBeUndefined();
    expect(statusGroups("Groups:\t0 -1\n")).toBeUndefined();
    expect(statusGroups("Groups:\t4294967296\n")).toBeUndefined();
  });
});

describe("grantedGroups: the caller's groups less root's own", () => {
  it("keeps what the runtime granted: docker run --group-add, fsGroup, supplementalGroups", () => {
    expect(grantedGroups([0, 4242], [0])).toEqual([4242]);
    expect(grantedGroups([0, 2000, 3000], [0])).toEqual([2000, 3000]);
  });

  it("never gid 0, never a group root holds through /etc/group, each once", () => {
    expect(grantedGroups([0, 10, 4242, 4242], [0, 10])).toEqual([4242]);
    // gid 0 even where /etc/group does not list it for root.
    expect(grantedGroups([0, 4242], [])).toEqual([4242]);
    expect(grantedGroups([0, 1, 2], [0, 1, 2])).toEqual([]);
    expect(grantedGroups([], [0])).toEqual([]);
  });
});

describe("dropGroups: the runtime user's own groups, then what it does not hold yet", () => {
  it("says where each came from", () => {
    expect(dropGroups(hermes, [4242])).toEqual([
      { gid: 10000, origin: "primary" },
      { gid: 999, origin: "member" },
      { gid: 4242, origin: "granted" },
    ]);
  });

  it("adds nothing it holds already, so nothing to add means the helper's own drop", () => {
    expect(dropGroups(hermes, [999, 10000])).toEqual([
      { gid: 10000, origin: "primary" },
      { gid: 999, origin: "member" },
    ]);
    expect(dropGroups(hermes, [])).toHaveLength(2);
  });

  it("addedGids: what the drop adds to the runtime user's own", () => {
    expect(addedGids(dropGroups(hermes, [4242, 999, 2000]))).toEqual([4242, 2000]);
    expect(addedGids(dropGroups(hermes, [999]))).toEqual([]);
  });

  it("withGroups: the account judged with every group of the drop", () => {
    expect(withGroups(hermes, dropGroups(hermes, [4242]))).toEqual({ ...hermes, groups: [10000, 999, 4242] });
  });

  it("groupsText: explain's and doctor's words", () => {
    expect(groupsText(dropGroups(hermes, [4242]))).toBe(
      "10000 (primary group), 999 (member in /etc/group), 4242 (granted by the container runtime)",
    );
  });
});
