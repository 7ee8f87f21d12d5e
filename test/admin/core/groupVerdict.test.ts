/** What the group of a shared home lacks at an entry, and what --fix gives back (contract §14). */
import { describe, expect, it } from "vitest";
import { groupLacks, PRIVATE_FILES, restored } from "../../../src/admin/core/groupVerdict.ts";
import type { Sharing } from "../../../src/core/sharing.ts";
import { nodeMaker } from "./fixtures.ts";

const node = nodeMaker({ uid: 10000, gid: 2000 });
const file = (mode: number, gid = 2000) => node({ kind: "file", mode: 0o100000 | mode, gid });
const dir = (mode: number, gid = 2000) => node({ kind: "dir", mode: 0o040000 | mode, gid });
const nix: Sharing = { gid: 2000, mode: 0o2770 };
const fsGroup: Sharing = { gid: 2000, mode: 0o2775 };
const readOnly: Sharing = { gid: 2000, mode: 0o2750 };

describe("groupLacks", () => {
  it("a file the group can read, of the tree's group, lacks nothing: 0660 and 0640 alike", () => {
    expect(groupLacks(file(0o660), "config.yaml", nix)).toEqual([]);
    expect(groupLacks(file(0o640), "config.yaml", nix)).toEqual([]);
  });

  it("a file the group cannot read: 0600, or readable by others alone", () => {
    expect(groupLacks(file(0o600), "notes.md", nix)).toEqual(["unreadable"]);
    expect(groupLacks(file(0o604), "notes.md", fsGroup)).toEqual(["unreadable"]);
  });

  it("an entry not of the tree's group lost it, whatever its bits", () => {
    expect(groupLacks(file(0o660, 10000), "a", nix)).toEqual(["regrouped"]);
    expect(groupLacks(file(0o600, 0), "a", nix)).toEqual(["unreadable", "regrouped"]);
    expect(groupLacks(dir(0o2770, 0), "d", nix)).toEqual(["regrouped"]);
  });

  it("a directory needs the home's group bits, at least enter and list, and setgid", () => {
    expect(groupLacks(dir(0o2770), "skills", nix)).toEqual([]);
    expect(groupLacks(dir(0o700), "skills", nix)).toEqual(["closed", "unset"]);
    expect(groupLacks(dir(0o2750), "skills", nix)).toEqual(["closed"]);
    expect(groupLacks(dir(0o770), "skills", nix)).toEqual(["unset"]);
    expect(groupLacks(dir(0o2750), "skills", readOnly)).toEqual([]);
    expect(groupLacks(dir(0o2740), "skills", readOnly)).toEqual(["closed"]);
    expect(groupLacks(dir(0o2710), "skills", { gid: 2000, mode: 0o2710 })).toEqual(["closed"]);
  });

  it("files kept private on purpose, symlinks and devices are not judged for the group", () => {
    expect(PRIVATE_FILES).toEqual(["auth.json", ".env"]);
    for (const name of PRIVATE_FILES) expect(groupLacks(file(0o600, 0), name, nix)).toEqual([]);
    expect(groupLacks(dir(0o700, 0), "auth.json", nix)).toEqual(["closed", "unset", "regrouped"]);
    expect(groupLacks(node({ kind: "symlink", mode: 0o120777, gid: 0 }), "l", nix)).toEqual([]);
    expect(groupLacks(node({ kind: "other", mode: 0o010600, gid: 0 }), "fifo", nix)).toEqual([]);
  });
});

describe("restored: the tree's group, and only bits added", () => {
  it("a file the group cannot read: read, and write where its directory grants the group write", () => {
    expect(restored(file(0o600, 0), 0o2770, nix)).toEqual({ gid: 2000, mode: 0o660 });
    expect(restored(file(0o600), 0o2750, nix)).toEqual({ gid: 2000, mode: 0o640 });
    expect(restored(file(0o700), 0o2770, nix)).toEqual({ gid: 2000, mode: 0o760 });
  });

  it("a file the group can read keeps its mode: only its group changes", () => {
    expect(restored(file(0o640, 0), 0o2770, nix)).toEqual({ gid: 2000, mode: 0o640 });
    expect(restored(file(0o644, 0), 0o2775, fsGroup)).toEqual({ gid: 2000, mode: 0o644 });
  });

  it("a directory: the home's group bits, at least enter and list, and setgid; nothing taken away", () => {
    expect(restored(dir(0o700), 0o2770, nix)).toEqual({ gid: 2000, mode: 0o2770 });
    expect(restored(dir(0o755, 0), 0o2775, fsGroup)).toEqual({ gid: 2000, mode: 0o2775 });
    expect(restored(dir(0o700), 0o2750, readOnly)).toEqual({ gid: 2000, mode: 0o2750 });
    expect(restored(dir(0o707), 0o2710, { gid: 2000, mode: 0o2710 })).toEqual({ gid: 2000, mode: 0o2757 });
  });
});
