/**
 * What /etc/passwd, /etc/group and nsswitch.conf may hold beside the plain case: comments, odd ids, short lines,
 * a passwd line written loosely. Every call is inside a test, so that a parser that throws fails one.
 */
import { describe, expect, it } from "vitest";
import { parseAccount, runtimeUser } from "../../src/core/passwd.ts";

const HERMES = "hermes:x:10000:10000::/opt/data:/usr/sbin/nologin";

describe("parseAccount: what does not make an account", () => {
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

describe("parseAccount: the groups the drop gives", () => {
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

describe("parseAccount: the home", () => {
  it("a line cut short before the home gives an empty one", () => {
    expect(parseAccount("hermes:x:10000:10000:", "", "hermes")?.home).toBe("");
  });
});

describe("runtimeUser: only a line that is the passwd entry counts", () => {
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
