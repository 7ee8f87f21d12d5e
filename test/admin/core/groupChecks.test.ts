/** doctor's findings about a home shared by a group (contract §14): who loses what, and what --fix gave back. */
import { describe, expect, it } from "vitest";
import { groupChecks, groupText, sharedScope } from "../../../src/admin/core/groupChecks.ts";
import type { GroupLack } from "../../../src/admin/core/groupVerdict.ts";
import { nothingFound, type Outcome, record, type WalkResult } from "../../../src/admin/core/walkResult.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";
import { failureOf, nodeMaker } from "./fixtures.ts";

const config = defaultsFor("hermes");
const node = nodeMaker({ uid: 10000, gid: 2000 });
const home = node({ kind: "dir", uid: 0, mode: 0o042775 });
const sharing = { gid: 2000, mode: 0o2775 };
const group = { gid: 2000, entry: undefined };

function walk(outcomes: Outcome[], shared = true): WalkResult {
  const found = nothingFound();
  for (const outcome of outcomes) record(found, outcome);
  return {
    path: "/opt/data",
    home: { kind: "dir", node: home, changed: false, refused: false },
    entries: outcomes.length + 1,
    found,
    ...(shared ? { sharing } : {}),
  };
}

describe("groupText: the group, and its members where /etc/group lists them", () => {
  it("by name, with its members", () => {
    expect(groupText({ gid: 10000, entry: { name: "hermes", members: ["alice"] } })).toBe(
      "group hermes (gid 10000, member alice)",
    );
    expect(groupText({ gid: 10000, entry: { name: "hermes", members: ["alice", "bob", "carol"] } })).toBe(
      "group hermes (gid 10000, members alice, bob and carol)",
    );
    expect(groupText({ gid: 10000, entry: { name: "hermes", members: [] } })).toBe(
      "group hermes (gid 10000, no members listed in /etc/group)",
    );
  });

  it("by number where /etc/group does not list it, or could not be read", () => {
    expect(groupText(group)).toBe("group 2000 (not in /etc/group)");
    expect(groupText({ gid: 2000, entry: failureOf("read", "/etc/group") })).toBe(
      "group 2000 (name and members unknown: unable to read /etc/group: Input/output error)",
    );
  });
});

describe("groupChecks", () => {
  const lacking = (
    path: string,
    kind: "file" | "dir",
    mode: number,
    lacks: GroupLack[],
    restored = false,
  ): Outcome => ({
    path,
    node: node({ kind, mode: (kind === "dir" ? 0o040000 : 0o100000) | mode }),
    lacks,
    restored,
  });

  it("a home that is not shared says nothing for a group", () => {
    expect(groupChecks(config, walk([lacking("/opt/data/a", "file", 0o600, ["unreadable"])], false), group)).toEqual(
      [],
    );
  });

  it("each thing the group lacks is a problem naming who loses it, with the remedy", () => {
    const findings = groupChecks(
      config,
      walk([
        lacking("/opt/data/config.yaml", "file", 0o600, ["unreadable"]),
        lacking("/opt/data/skills/x/SKILL.md", "file", 0o600, ["unreadable", "regrouped"]),
        lacking("/opt/data/skills", "dir", 0o700, ["closed", "unset"]),
      ]),
      group,
    );
    expect(findings).toEqual([
      {
        check: "tree",
        status: "problem",
        message:
          "2 files under /opt/data are closed to group 2000 (not in /etc/group), which the home is shared with: the group cannot read them",
        remedy:
          "run `hermes-exec-shim doctor --fix` as root: it gives the group read, and write where the directory grants it",
        items: [
          { path: "/opt/data/config.yaml", detail: "file, uid 10000 gid 2000, mode 0600" },
          { path: "/opt/data/skills/x/SKILL.md", detail: "file, uid 10000 gid 2000, mode 0600" },
        ],
        count: 2,
      },
      {
        check: "tree",
        status: "problem",
        message:
          "1 directory under /opt/data is closed to group 2000 (not in /etc/group), or without the setgid bit of the tree: the group cannot use it, or loses what is made in it",
        remedy:
          "run `hermes-exec-shim doctor --fix` as root; and set HERMES_HOME_MODE=2775 where the CLI runs, so that it stops making its directories 0700",
        items: [{ path: "/opt/data/skills", detail: "directory, uid 10000 gid 2000, mode 0700" }],
        count: 1,
      },
      {
        check: "tree",
        status: "problem",
        message:
          "1 entry under /opt/data lost the tree's group 2000: group 2000 (not in /etc/group) reaches it only as others do",
        remedy: "run `hermes-exec-shim doctor --fix` as root",
        items: [{ path: "/opt/data/skills/x/SKILL.md", detail: "file, uid 10000 gid 2000, mode 0600" }],
        count: 1,
      },
    ]);
  });

  it("counted in the words of each count", () => {
    const messages = (outcomes: Outcome[]) => groupChecks(config, walk(outcomes), group).map((f) => f.message);
    expect(
      messages([
        lacking("/opt/data/a", "file", 0o600, ["unreadable", "regrouped"]),
        lacking("/opt/data/d", "dir", 0o700, ["closed"]),
        lacking("/opt/data/e", "dir", 0o700, ["unset", "regrouped"]),
      ]),
    ).toEqual([
      "1 file under /opt/data is closed to group 2000 (not in /etc/group), which the home is shared with: the group cannot read it",
      "2 directories under /opt/data are closed to group 2000 (not in /etc/group), or without the setgid bit of the tree: the group cannot use them, or loses what is made in them",
      "2 entries under /opt/data lost the tree's group 2000: group 2000 (not in /etc/group) reaches them only as others do",
    ]);
    expect(
      messages([
        lacking("/opt/data/a", "file", 0o600, ["unreadable"], true),
        lacking("/opt/data/b", "file", 0o600, ["unreadable"], true),
      ])[0],
    ).toMatch(/^gave group 2000 \(not in \/etc\/group\) back what it lacked at 2 entries under \/opt\/data: /);
  });

  it("what --fix gave back is one fixed line, each entry as it was", () => {
    const findings = groupChecks(
      config,
      walk([lacking("/opt/data/config.yaml", "file", 0o600, ["unreadable"], true)]),
      { gid: 2000, entry: { name: "share", members: ["alice"] } },
      "HERMES_HOME /opt/data",
    );
    expect(findings).toEqual([
      {
        check: "tree",
        status: "fixed",
        message:
          "gave group share (gid 2000, member alice) back what it lacked at 1 entry under HERMES_HOME /opt/data: the tree's group, read on files (and write where their directory grants the group write), the home's group bits and setgid on directories",
        remedy: null,
        items: [{ path: "/opt/data/config.yaml", detail: "file, was uid 10000 gid 2000, mode 0600" }],
        count: 1,
      },
    ]);
  });

  it("the ok line's words for a shared home name the group and the private files", () => {
    expect(sharedScope(sharing, group)).toBe(
      ", and open to group 2000 (not in /etc/group) as the home shares it (auth.json and .env stay private)",
    );
    expect(sharedScope(undefined, group)).toBe("");
    expect(sharedScope(sharing, undefined)).toBe("");
  });
});
