import { describe, expect, it } from "vitest";
import { parseAccount, parseAccountOfUid, runtimeUser } from "../../src/core/passwd.ts";

const passwd = [
  "root:x:0:0:root:/root:/bin/bash",
  "# a comment",
  "",
  "hermesx:x:1:1::/nope:/bin/sh",
  "hermes:x:10000:10000::/opt/data:/usr/sbin/nologin",
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
});

describe("runtimeUser", () => {
  const account = parseAccount(passwd, group, "hermes");
  it.each([
    ["in /etc/passwd", account, "passwd: ldap", "local"],
    ["no nsswitch.conf (files, as glibc and musl read it)", undefined, undefined, "absent"],
    ["passwd: files", undefined, "group: files\npasswd:         files\n", "absent"],
    ["files with an action and a comment", undefined, "passwd: files [NOTFOUND=return] # local only", "absent"],
    ["no passwd line", undefined, "hosts: files dns", "absent"],
    ["passwd: files ldap", undefined, "passwd: files ldap", "unknown"],
    ["passwd: sss files", undefined, "passwd: sss files", "unknown"],
    ["passwd: compat (NIS netgroups)", undefined, "passwd: compat", "unknown"],
  ])("%s: %s", (_, acct, nsswitch, expected) => {
    expect(runtimeUser(acct, nsswitch)).toBe(expected);
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
