/**
 * The runtime user from /etc/passwd, /etc/group and nsswitch.conf: the plain case, and what they may hold beside
 * it (comments, odd ids, short lines, a passwd line written loosely). Every call is inside a test, so that a parser
 * that throws fails one.
 */
import { describe, expect, it } from "vitest";
import { parseAccount, parseAccountOfUid, parseGroup, runtimeUser } from "../../src/core/passwd.ts";

const HERMES = "hermes:x:10000:10000::/opt/data:/usr/sbin/nologin";
const passwd = [
  "root:x:0:0:root:/root:/bin/bash",
  "# a comment",
  "",
  "hermesx:x:1:1::/nope:/bin/sh",
  HERMES,
  "broken:x:abc:1::/x:/bin/sh",
].join("\n");
const group = [
  "root:x:0:",
  "hermes:x:10000:",
  "docker:x:999:alice,hermes",
  "audio:x:29:hermesx",
  "odd:x:nan:hermes",
].join("\n");

describe("parseAccount", () => {
  it("finds the user, its home and every group it is in", () => {
    expect(parseAccount(passwd, group, "hermes")).toEqual({
      name: "hermes",
      uid: 10000,
      gid: 10000,
      groups: [10000, 999],
      home: "/opt/data",
    });
  });

  it("matches whole names only", () => {
    expect(parseAccount(passwd, group, "herm")).toBeUndefined();
    expect(parseAccount(passwd, group, "hermesx")?.groups).toEqual([1, 29]);
  });

  it("rejects an entry whose ids are not numbers", () => {
    expect(parseAccount(passwd, group, "broken")).toBeUndefined();
  });

  it("works without /etc/group", () => {
    expect(parseAccount(passwd, "", "hermes")?.groups).toEqual([10000]);
  });

  describe("what does not make an account", () => {
    it.each([
      ["a uid with letters after the digits", "hermes:x:10000x:10000::/opt/data:/bin/sh"],
      ["a uid with letters before the digits", "hermes:x:x10000:10000::/opt/data:/bin/sh"],
      ["an empty uid", "hermes:x::10000::/opt/data:/bin/sh"],
      ["a gid that is not a number", "hermes:x:10000:staff::/opt/data:/bin/sh"],
      ["a gid with a sign", "hermes:x:10000:-1::/opt/data:/bin/sh"],
      ["no gid at all", "hermes:x:10000"],
    ])("%s: no account", (_, line) => {
      expect(parseAccount(line, "", "hermes")).toBeUndefined();
    });

    it("a user in a comment is no user", () => {
      expect(parseAccount("#hermes:x:0:0::/root:/bin/sh", "", "hermes")).toBeUndefined();
    });
  });

  describe("the groups the drop gives", () => {
    it("a commented-out membership grants nothing", () => {
      const group = ["#docker:x:999:hermes", "# wheel:x:10:hermes"].join("\n");
      expect(parseAccount(HERMES, group, "hermes")?.groups).toEqual([10000]);
    });

    it("the primary group listed again as a membership is not counted twice", () => {
      expect(parseAccount(HERMES, "hermes:x:10000:hermes\nstaff:x:50:hermes", "hermes")?.groups).toEqual([10000, 50]);
    });

    it("a group whose id is not a number, or that has no member list, grants nothing", () => {
      const group = ["bad:x:9x:hermes", "short:x:20", "users:x:100:hermes"].join("\n");
      expect(parseAccount(HERMES, group, "hermes")?.groups).toEqual([10000, 100]);
    });

    it("blank lines and comments between entries change nothing", () => {
      const passwd = ["", "# local users", HERMES, ""].join("\n");
      const group = ["", "# the runtime user's groups", "users:x:100:alice,hermes", ""].join("\n");
      expect(parseAccount(passwd, group, "hermes")).toEqual({
        name: "hermes",
        uid: 10000,
        gid: 10000,
        groups: [10000, 100],
        home: "/opt/data",
      });
    });
  });

  it("a line cut short before the home gives an empty home", () => {
    expect(parseAccount("hermes:x:10000:10000:", "", "hermes")?.home).toBe("");
  });
});

describe("runtimeUser", () => {
  it("a user in /etc/passwd is local, whatever nsswitch.conf names", () => {
    expect(runtimeUser(parseAccount(passwd, group, "hermes"), "passwd: ldap")).toBe("local");
  });
  it.each([
    ["no nsswitch.conf (files, as glibc and musl read it)", undefined, "absent"],
    ["passwd: files", "group: files\npasswd:         files\n", "absent"],
    ["files with an action and a comment", "passwd: files [NOTFOUND=return] # local only", "absent"],
    ["no passwd line", "hosts: files dns", "absent"],
    ["passwd: files ldap", "passwd: files ldap", "unknown"],
    ["passwd: sss files", "passwd: sss files", "unknown"],
    ["passwd: compat (NIS netgroups)", "passwd: compat", "unknown"],
  ])("%s", (_, nsswitch, expected) => {
    expect(runtimeUser(undefined, nsswitch)).toBe(expected);
  });

  describe("only a line that is the passwd entry counts", () => {
    it.each([
      ["a commented-out passwd line before the real one", "#passwd: files\npasswd: sss", "unknown"],
      ["a commented-out passwd line alone", "#passwd: ldap", "absent"],
      ["an indented passwd line", "  passwd: ldap", "unknown"],
      ["a space before the colon", "passwd : ldap", "unknown"],
      ["another database whose name ends in passwd", "shadow_passwd: ldap\npasswd: files", "absent"],
      ["sources separated by several spaces and tabs", "passwd:\tfiles \t [NOTFOUND=return]  ", "absent"],
    ])("%s", (_, nsswitch, expected) => {
      expect(runtimeUser(undefined, nsswitch)).toBe(expected);
    });
  });
});

describe("parseAccountOfUid: root's own groups, whatever root is named", () => {
  const alpine = ["toor:x:0:0::/root:/bin/sh", "hermes:x:10000:10000::/opt/data:/bin/sh"].join("\n");
  const wheel = ["root:x:0:toor", "wheel:x:10:toor,hermes", "docker:x:999:hermes", "#x:x:11:toor"].join("\n");

  it("finds the first account with the uid, with every group it is a member of", () => {
    expect(parseAccountOfUid(alpine, wheel, 0)).toEqual({
      name: "toor",
      uid: 0,
      gid: 0,
      groups: [0, 10],
      home: "/root",
    });
    expect(parseAccountOfUid(`${alpine}\nroot2:x:0:5::/r:/bin/sh`, "", 0)?.name).toBe("toor");
  });

  it("compares the uid as a number, never a prefix or a non-number", () => {
    expect(parseAccountOfUid("a:x:00:0::/:/bin/sh", "", 0)?.name).toBe("a");
    expect(parseAccountOfUid("a:x:100:0::/:/bin/sh", "", 10)).toBeUndefined();
    expect(parseAccountOfUid("a:x:x0:0::/:/bin/sh", "", 0)).toBeUndefined();
    expect(parseAccountOfUid(alpine, wheel, 4242)).toBeUndefined();
  });
});

describe("parseGroup: a shared home's group by its gid (contract §14)", () => {
  it("its name and the members it lists, the first line with that gid", () => {
    expect(parseGroup(group, 999)).toEqual({ name: "docker", members: ["alice", "hermes"] });
    expect(parseGroup(`${group}\nagain:x:999:bob`, 999)).toEqual({ name: "docker", members: ["alice", "hermes"] });
    expect(parseGroup(group, 10000)).toEqual({ name: "hermes", members: [] });
    expect(parseGroup("short:x:7", 7)).toEqual({ name: "short", members: [] });
  });

  it("none for a gid it does not list, or lists as no number", () => {
    expect(parseGroup(group, 2000)).toBeUndefined();
    expect(parseGroup(group, Number.NaN)).toBeUndefined();
  });
});
