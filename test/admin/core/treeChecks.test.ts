/** doctor's findings about a home and what lies under it: before --fix, after it, and what it cannot examine. */
import { describe, expect, it } from "vitest";
import { doctorReport, doctorText, LOOK_AGAIN, PERMISSION_REFUSED } from "../../../src/admin/core/finding.ts";
import {
  callerReachChecks,
  homeCheck,
  homeReachChecks,
  otherTreeChecks,
  treeChecks,
} from "../../../src/admin/core/treeChecks.ts";
import { nothingFound, type Outcome, record, type WalkResult } from "../../../src/admin/core/walkResult.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";
import { refusedByFilesystem } from "../../../src/core/failure.ts";
import type { HomeCheck, Homes } from "../../../src/core/homes.ts";
import type { Reach } from "../../../src/core/reach.ts";
import { account, failureOf, nodeMaker } from "./fixtures.ts";

const config = defaultsFor("hermes");
const stat = nodeMaker();
const homeDir = stat({ kind: "dir", uid: 10000, gid: 10000, mode: 0o040755 });
const rootsDir = stat({ kind: "dir", mode: 0o040755 });

/** What a walk of `path` keeps of these outcomes, recorded in the order given. */
function walk(outcomes: Outcome[], home = homeDir, changed = false, path = "/opt/data"): WalkResult {
  const found = nothingFound();
  for (const outcome of outcomes) record(found, outcome);
  const refused = outcomes.some((o) => o.path === path && "unchanged" in o && refusedByFilesystem(o.unchanged));
  return { path, home: { kind: "dir", node: home, changed, refused }, entries: outcomes.length + 1, found };
}
/** A home the walk could not enter. */
const unusable = (reason: string, missing: boolean, path = "/opt/data"): WalkResult => ({
  path,
  home: { kind: "unusable", reason, missing },
  entries: 0,
  found: nothingFound(),
});
const foreign = (path: string, readable: boolean, changed = false): Outcome => ({
  path,
  node: stat(),
  verdict: { kind: "foreign", readable, shared: false, enter: false },
  changed,
});
const mount = (path: string): Outcome => ({
  path,
  node: stat({ kind: "dir", dev: "8:1" }),
  verdict: { kind: "mount" },
  changed: false,
});

/** The runtime user's homes as the drop finds them; `usable`: all usable, so only the walk speaks. */
const homes = (...checks: Homes["checks"]): Homes => ({ who: { uid: 10000, user: "hermes" }, checks });
const usable = homes({ variable: null, path: "/opt/data", reach: { ok: true } });
const homeFinding = (status: string, message: string, remedy: string | null) => ({
  check: "home",
  status,
  message,
  remedy,
  items: [],
});

describe("the home: there, a directory, and writable by the runtime user", () => {
  it("wants the home writable and searchable by the runtime user", () => {
    expect(homeCheck(config, account, walk([]), usable)).toMatchObject({ status: "ok" });
    expect(homeCheck(config, account, walk([], rootsDir), usable)).toMatchObject({
      status: "problem",
      message: "hermes cannot write to its home /opt/data (directory, uid 0 gid 0, mode 0755)",
      remedy: "run `hermes-exec-shim doctor --fix` as root",
    });
    expect(homeCheck(config, account, walk([], rootsDir, true), usable)).toMatchObject({ status: "ok" });
    const readOnly = stat({ kind: "dir", uid: 10000, mode: 0o040555 });
    expect(homeCheck(config, account, walk([], readOnly), usable)).toMatchObject({ remedy: "chmod u+rwx /opt/data" });
  });

  it("a home on a read-only filesystem is a problem whatever its owner, and the opt-out is no remedy", () => {
    const readOnly: Homes = {
      ...usable,
      checks: [
        {
          variable: "HERMES_HOME",
          path: "/opt/data",
          reach: { ok: false, blocks: "readonly", dir: "/opt/data", missing: false },
        },
      ],
    };
    const found = homeCheck(config, account, walk([]), readOnly);
    expect(found).toMatchObject({
      status: "problem",
      message: "hermes (uid 10000) cannot write HERMES_HOME /opt/data: /opt/data is on a read-only filesystem",
    });
    expect(found.remedy).toMatch(/^mount \/opt\/data read-write .*, or point HERMES_HOME at a writable volume/);
    expect(found.remedy).not.toContain("HERMES_DOCKER_EXEC_AS_ROOT");
  });

  it("reports a home that cannot be walked", () => {
    expect(homeCheck(config, account, unusable("does not exist", true), usable)).toMatchObject({
      status: "problem",
      message: "the home /opt/data does not exist",
      remedy: "mkdir -p /opt/data && chown hermes: /opt/data",
    });
  });

  it("a home the user can write", () => {
    expect(homeCheck(config, account, walk([]), usable)).toEqual(
      homeFinding("ok", "the home /opt/data exists and hermes can write to it", null),
    );
  });

  it("root's home, before --fix", () => {
    expect(homeCheck(config, account, walk([], rootsDir), usable)).toEqual(
      homeFinding(
        "problem",
        "hermes cannot write to its home /opt/data (directory, uid 0 gid 0, mode 0755)",
        "run `hermes-exec-shim doctor --fix` as root",
      ),
    );
  });

  it("a home that is not a directory", () => {
    expect(homeCheck(config, account, unusable("is not a directory", false), usable)).toEqual({
      ...homeFinding("problem", "the home /opt/data is not a directory", "make /opt/data a real directory"),
      unexamined: 1,
    });
  });

  it("a home on a read-only filesystem, the build's own: the whole finding, with a writable volume as the remedy", () => {
    const readOnly = homes({
      variable: null,
      path: "/opt/data",
      reach: { ok: false, blocks: "readonly", dir: "/opt/data", missing: false },
    });
    expect(homeCheck(config, account, walk([]), readOnly)).toEqual(
      homeFinding(
        "problem",
        "hermes (uid 10000) cannot write its home /opt/data: /opt/data is on a read-only filesystem",
        "mount a writable volume on /opt/data (docker run -v NAME:/opt/data, an emptyDir in Kubernetes)",
      ),
    );
  });

  it("only the build's home on a read-only filesystem counts here, and only that block", () => {
    const elsewhere = homes(
      { variable: null, path: "/opt/data", reach: { ok: true } },
      {
        variable: "HERMES_HOME",
        path: "/srv/h",
        reach: { ok: false, blocks: "readonly", dir: "/srv/h", missing: false },
      },
    );
    expect(homeCheck(config, account, walk([]), elsewhere)).toMatchObject({ status: "ok" });
    const notWritable = homes({
      variable: null,
      path: "/opt/data",
      reach: { ok: false, blocks: "write", missing: false, at: { dir: "/opt/data", uid: 0, gid: 0, mode: 0o040755 } },
    });
    // The walk's node is the home as --fix left it: hermes's now, whatever the drop saw before.
    expect(homeCheck(config, account, walk([]), notWritable)).toMatchObject({ status: "ok" });
  });
});

describe("what lies under the home", () => {
  it("is ok when everything is the runtime user's", () => {
    expect(treeChecks(config, account, walk([]))).toEqual([
      expect.objectContaining({
        status: "ok",
        message: "everything under /opt/data is hermes's or readable by hermes",
      }),
    ]);
  });

  it("the pre-shim volume: unreadable root files are problems, readable ones notes", () => {
    const findings = treeChecks(
      config,
      account,
      walk([
        {
          path: "/opt/data/auth.json",
          node: stat(),
          verdict: { kind: "foreign", readable: false, shared: false, enter: false },
          changed: false,
        },
        {
          path: "/opt/data/skills",
          node: stat({ kind: "dir", mode: 0o040700 }),
          verdict: { kind: "foreign", readable: false, shared: false, enter: true },
          changed: false,
        },
        {
          path: "/opt/data/notes.md",
          node: stat({ mode: 0o100644 }),
          verdict: { kind: "foreign", readable: true, shared: false, enter: false },
          changed: false,
        },
      ]),
    );
    expect(findings).toEqual([
      {
        check: "tree",
        status: "problem",
        message: "2 entries under /opt/data are not hermes's and hermes cannot read them",
        remedy: "run `hermes-exec-shim doctor --fix` as root",
        items: [
          { path: "/opt/data/auth.json", detail: "file, uid 0 gid 0, mode 0600" },
          { path: "/opt/data/skills", detail: "directory, uid 0 gid 0, mode 0700" },
        ],
        count: 2,
      },
      {
        check: "tree",
        status: "note",
        message: "1 entry under /opt/data is someone else's: hermes can read but not change it",
        remedy: "`hermes-exec-shim doctor --fix` gives it to hermes",
        items: [{ path: "/opt/data/notes.md", detail: "file, uid 0 gid 0, mode 0644" }],
        count: 1,
      },
    ]);
  });

  it("after --fix: what changed, and what was left and why", () => {
    const findings = treeChecks(
      config,
      account,
      walk([
        {
          path: "/opt/data/auth.json",
          node: stat(),
          verdict: { kind: "foreign", readable: false, shared: false, enter: false },
          changed: true,
        },
        {
          path: "/opt/data/shadow",
          node: stat({ nlink: 2 }),
          verdict: { kind: "linked", readable: false },
          changed: false,
        },
        { path: "/opt/data/mnt", node: stat({ kind: "dir", dev: "8:1" }), verdict: { kind: "mount" }, changed: false },
        { path: "/opt/data/sda", node: stat({ kind: "other" }), verdict: { kind: "special" }, changed: false },
        { path: "/opt/data/gone", skipped: "replaced while doctor ran: skipped" },
      ]),
    );
    expect(findings.map((f) => [f.status, f.message])).toEqual([
      ["fixed", "gave 1 entry under /opt/data to hermes (10000:10000)"],
      [
        "problem",
        "1 entry under /opt/data is someone else's with more hard links, maybe outside /opt/data: doctor never changes it",
      ],
      ["note", "1 entry under /opt/data is another filesystem: not checked or changed"],
      ["note", "1 entry under /opt/data is someone else's device, FIFO or socket: left alone"],
      ["problem", "1 entry under /opt/data could not be checked or changed"],
    ]);
    expect(findings[0]?.items).toEqual([{ path: "/opt/data/auth.json", detail: "file, was uid 0 gid 0, mode 0600" }]);
    expect(findings[4]?.items).toEqual([{ path: "/opt/data/gone", detail: "replaced while doctor ran: skipped" }]);
  });

  it("a readable hard-linked file is only a note", () => {
    const findings = treeChecks(
      config,
      account,
      walk([
        {
          path: "/opt/data/x",
          node: stat({ nlink: 2, mode: 0o100644 }),
          verdict: { kind: "linked", readable: true },
          changed: false,
        },
      ]),
    );
    expect(findings.map((f) => f.status)).toEqual(["note", "ok"]);
  });

  it("two entries given to the user", () => {
    const [fixed] = treeChecks(
      config,
      account,
      walk([foreign("/opt/data/a", false, true), foreign("/opt/data/b", false, true)]),
    );
    expect(fixed?.message).toBe("gave 2 entries under /opt/data to hermes (10000:10000)");
  });

  it("a hard-linked entry: where else it is linked, and how to make it a copy", () => {
    const linked: Outcome = {
      path: "/opt/data/x",
      node: stat({ nlink: 2 }),
      verdict: { kind: "linked", readable: false },
      changed: false,
    };
    expect(treeChecks(config, account, walk([linked]))[0]?.remedy).toBe(
      "see where else each is linked (find / -xdev -samefile PATH); if it belongs here only, replace it with a copy " +
        "(cp -p PATH PATH.new && mv PATH.new PATH) and run doctor --fix again",
    );
  });

  it("mounts: one checked on its own, two on their own", () => {
    expect(treeChecks(config, account, walk([mount("/opt/data/m")]))[0]?.remedy).toBe("check it on its own");
    expect(treeChecks(config, account, walk([mount("/opt/data/m"), mount("/opt/data/n")]))[0]?.remedy).toBe(
      "check them on their own",
    );
  });

  it("one refused entry, and two that could not be checked (a refusal is not counted twice)", () => {
    const found = treeChecks(
      config,
      account,
      walk([
        { path: "/opt/data/a", unchanged: failureOf("fchownat", "/opt/data/a", 1) },
        { path: "/opt/data/b", unchanged: failureOf("fchownat", "/opt/data/b") },
        { path: "/opt/data/c", unchanged: failureOf("fchownat", "/opt/data/c") },
      ]),
    );
    expect(found.map((f) => [f.message, f.remedy])).toEqual([
      [
        "the filesystem of /opt/data refused to change the owner of 1 entry, even for root (a NAS share, an ACL'd or user-namespaced mount): doctor --fix cannot repair it",
        "change the owner where the filesystem lives (on the host or NAS: chown -R 10000:10000 the directory behind /opt/data), or run the container as the volume's owner (docker run --user 10000:10000)",
      ],
      ["2 entries under /opt/data could not be checked or changed", "look at each, then run doctor again"],
    ]);
  });

  it("a home that could not be walked says nothing of refusals under it", () => {
    const found = nothingFound();
    record(found, { path: "/opt/data/a", unchanged: failureOf("fchownat", "/opt/data/a", 1) });
    const walked: WalkResult = { ...unusable("is not a directory", false), found };
    for (const f of treeChecks(config, account, walked)) expect(f.message).not.toContain("refused");
  });
});

describe("the home HERMES_HOME names besides the build's", () => {
  const tree = { path: "/srv/h", variable: "HERMES_HOME" };

  it("walked: the same findings, named by the variable", () => {
    expect(otherTreeChecks(config, account, walk([], homeDir, false, "/srv/h"), tree)).toEqual([
      {
        check: "tree",
        status: "ok",
        message: "everything under HERMES_HOME /srv/h is hermes's or readable by hermes",
        remedy: null,
        items: [],
      },
    ]);
  });

  it("not there yet: nothing under it to judge", () => {
    expect(otherTreeChecks(config, account, unusable("does not exist", true, "/srv/h"), tree)).toEqual([]);
  });

  it("not a directory: a problem, and a directory of its own as the remedy", () => {
    expect(otherTreeChecks(config, account, unusable("is not a directory", false, "/srv/h"), tree)).toEqual([
      {
        check: "tree",
        status: "problem",
        message: "HERMES_HOME /srv/h is not a directory",
        remedy: "point HERMES_HOME at a directory of its own that hermes owns",
        items: [],
        unexamined: 1,
      },
    ]);
  });
});

describe("a filesystem that refuses chown", () => {
  const hostHome = stat({ kind: "dir", uid: 1000, gid: 1000, mode: 0o040755 });
  const refused: Outcome[] = [
    { path: "/opt/data", unchanged: failureOf("fchownat", "/opt/data", 1) },
    { path: "/opt/data/auth.json", unchanged: failureOf("fchownat", "/opt/data/auth.json", 1) },
  ];

  it("says the filesystem refused, with remedies that work there and never doctor --fix again", () => {
    const found = treeChecks(config, account, walk(refused, hostHome));
    const problem = found.find((f) => f.message.includes("refused"));
    expect(problem).toMatchObject({
      status: "problem",
      message:
        "the filesystem of /opt/data refused to change the owner of 2 entries, even for root (a NAS share, an ACL'd or user-namespaced mount): doctor --fix cannot repair it",
      items: [{ path: "/opt/data" }, { path: "/opt/data/auth.json" }],
    });
    expect(problem?.remedy).toContain("chown -R 10000:10000 the directory behind /opt/data");
    expect(problem?.remedy).toContain("docker run --user 1000:1000");
    const home = homeCheck(config, account, walk(refused, hostHome), usable);
    expect(home).toMatchObject({ status: "problem" });
    for (const f of [...found, home]) expect(f.remedy ?? "").not.toContain("doctor --fix");
  });
});

describe("contract §11: an fsGroup volume, judged with the groups the drop gives", () => {
  const withGroup = { ...account, groups: [10000, 2000] };
  const shared = stat({ gid: 2000, mode: 0o100660 });

  it("an entry hermes reads and writes through a granted group is not reported: doctor is silent", () => {
    const findings = treeChecks(
      config,
      withGroup,
      walk([
        {
          path: "/opt/data/auth.json",
          node: shared,
          verdict: { kind: "foreign", readable: true, shared: true, enter: false },
          changed: false,
        },
      ]),
    );
    expect(findings.map((f) => [f.status, f.message])).toEqual([
      ["ok", "everything under /opt/data is hermes's or readable by hermes"],
    ]);
  });

  it("--fix says it kept the groups hermes holds", () => {
    const findings = treeChecks(
      config,
      withGroup,
      walk([
        {
          path: "/opt/data/auth.json",
          node: shared,
          verdict: { kind: "foreign", readable: true, shared: true, enter: false },
          changed: true,
        },
      ]),
    );
    expect(findings[0]).toMatchObject({
      status: "fixed",
      message:
        "gave 1 entry under /opt/data to hermes (uid 10000, each keeping its group where hermes holds it, else gid 10000)",
      items: [{ path: "/opt/data/auth.json", detail: "file, was uid 0 gid 2000, mode 0660" }],
    });
  });

  it("in a shared home (contract §14) the group's findings come before the ok line, which names the group", () => {
    const lacking: Outcome = {
      path: "/opt/data/a",
      node: stat({ uid: 10000, gid: 2000 }),
      lacks: ["unreadable"],
      restored: false,
    };
    const shared = { ...walk([lacking]), sharing: { gid: 2000, mode: 0o2770 } };
    const group = { gid: 2000, entry: { name: "share", members: [] } };
    expect(treeChecks(config, account, shared, "/opt/data", group).map((f) => f.status)).toEqual(["problem"]);
    const healthy = { ...walk([]), sharing: { gid: 2000, mode: 0o2770 } };
    expect(treeChecks(config, account, healthy, "/opt/data", group).map((f) => f.message)).toEqual([
      "everything under /opt/data is hermes's or readable by hermes, and open to group share (gid 2000, no members listed in /etc/group) as the home shares it (auth.json and .env stay private)",
    ]);
    // Without the group's name and members there is nothing to say it with: the walk's own lines alone.
    expect(treeChecks(config, account, shared).map((f) => f.status)).toEqual(["ok"]);
  });

  it("in a shared home (contract §14) what --fix gave hermes took the tree's group, and the line says so", () => {
    const given: Outcome = {
      path: "/opt/data/auth.json",
      node: stat({ gid: 0 }),
      verdict: { kind: "foreign", readable: false, shared: false, enter: false },
      changed: true,
    };
    const findings = treeChecks(config, account, { ...walk([given]), sharing: { gid: 2000, mode: 0o2775 } });
    expect(findings[0]).toMatchObject({
      status: "fixed",
      message: "gave 1 entry under /opt/data to hermes (10000:2000, the tree's group)",
    });
  });

  it("the home given to hermes keeps a group hermes holds, and is judged with it", () => {
    const fsGroupHome = stat({ kind: "dir", uid: 0, gid: 2000, mode: 0o042770 });
    const found = homeCheck(config, withGroup, walk([], fsGroupHome, true), usable);
    expect(found).toMatchObject({ status: "ok", message: "the home /opt/data exists and hermes can write to it" });
    const notHeld = homeCheck(
      config,
      account,
      walk([], stat({ kind: "dir", uid: 0, gid: 2000, mode: 0o042070 }), true),
      usable,
    );
    // Given to hermes with its own primary group: 0070 then leaves the owner nothing.
    expect(notHeld).toMatchObject({
      status: "problem",
      message: "hermes cannot write to its home /opt/data (directory, uid 10000 gid 10000, mode 2070)",
    });
  });
});

describe("never an ok for what was not examined", () => {
  it("a mount under the home: the note counts it as not examined, and the ok line claims only the rest", () => {
    const findings = treeChecks(config, account, walk([mount("/opt/data/mnt"), mount("/opt/data/nfs")]));
    expect(findings).toEqual([
      {
        check: "tree",
        status: "note",
        message: "2 entries under /opt/data are another filesystem: not checked or changed",
        remedy: "check them on their own",
        items: [
          { path: "/opt/data/mnt", detail: "directory, uid 0 gid 0, mode 0600" },
          { path: "/opt/data/nfs", detail: "directory, uid 0 gid 0, mode 0600" },
        ],
        count: 2,
        unexamined: 2,
      },
      {
        check: "tree",
        status: "ok",
        message:
          "everything doctor examined under /opt/data is hermes's or readable by hermes, which is all but what is on another filesystem (above)",
        remedy: null,
        items: [],
      },
    ]);
  });

  it("one mount: its own remedy, counted once", () => {
    const [note] = treeChecks(config, account, walk([mount("/opt/data/mnt")]));
    expect(note).toMatchObject({ remedy: "check it on its own", count: 1, unexamined: 1 });
  });

  it("a home that exists but could not be walked counts as not examined; a missing one holds nothing", () => {
    expect(homeCheck(config, account, unusable("is a symlink", false), usable)).toEqual({
      check: "home",
      status: "problem",
      message: "the home /opt/data is a symlink",
      remedy: "make /opt/data a real directory",
      items: [],
      unexamined: 1,
    });
    expect(homeCheck(config, account, unusable("does not exist", true), usable)).not.toHaveProperty("unexamined");
  });

  it("a second home doctor must not walk is a problem that counts as not examined", () => {
    const tree = { variable: "HERMES_HOME", path: "/srv/state" };
    const refused = unusable("is a symlink", false, "/srv/state");
    expect(otherTreeChecks(config, account, refused, tree)).toEqual([
      {
        check: "tree",
        status: "problem",
        message: "HERMES_HOME /srv/state is a symlink",
        remedy: "point HERMES_HOME at a directory of its own that hermes owns",
        items: [],
        unexamined: 1,
      },
    ]);
    expect(otherTreeChecks(config, account, unusable("does not exist", true, "/srv/state"), tree)).toEqual([]);
  });
});

describe("homeReachChecks", () => {
  const at = (dir: string, uid: number, mode: number) => ({ dir, uid, gid: uid, mode: 0o040000 | mode });
  const homes = (...checks: HomeCheck[]): Homes => ({ who: { uid: 10000, user: "hermes" }, checks });
  const build = (reach: Reach): HomeCheck => ({ variable: null, path: "/opt/data", reach });
  const elsewhere = (reach: Reach): HomeCheck => ({ variable: "HERMES_HOME", path: "/srv/h", reach });

  describe("homeReachChecks: the build's own home", () => {
    it.each<[string, Reach]>([
      ["usable", { ok: true }],
      [
        "not writable (homeCheck's finding, which --fix repairs)",
        { ok: false, blocks: "write", missing: false, at: at("/opt/data", 0, 0o755) },
      ],
      [
        "on a read-only filesystem (homeCheck's finding)",
        { ok: false, blocks: "readonly", dir: "/opt/data", missing: false },
      ],
    ])("%s: no finding of its own", (_, reach) => {
      expect(homeReachChecks(config, homes(build(reach)))).toEqual([]);
    });

    it("behind a directory the user cannot search: a problem, which --fix cannot see", () => {
      const reach: Reach = { ok: false, blocks: "search", at: at("/opt", 0, 0o700) };
      expect(homeReachChecks(config, homes(build(reach)))).toEqual([
        {
          check: "reach",
          status: "problem",
          message:
            "hermes (uid 10000) cannot reach its home /opt/data: /opt is owned by uid 0 gid 0, mode 0700, and not " +
            "searchable by it: the hermes CLI fails there as hermes",
          remedy:
            "move the home where hermes can reach it (under /opt/data), or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root",
          items: [],
        },
      ]);
    });

    it("a name it cannot use: a problem, in the kernel's words", () => {
      const reach: Reach = { ok: false, blocks: "other", reason: "/opt/data is not a directory" };
      expect(homeReachChecks(config, homes(build(reach)))).toEqual([
        {
          check: "reach",
          status: "problem",
          message:
            "hermes (uid 10000) cannot use its home /opt/data: /opt/data is not a directory: the hermes CLI fails there as hermes",
          remedy: "set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root",
          items: [],
        },
      ]);
    });
  });

  it.each<[string, (reach: Reach) => HomeCheck, string]>([
    ["the build's own home", build, "its home /opt/data"],
    ["a HERMES_HOME elsewhere", elsewhere, "HERMES_HOME /srv/h"],
  ])("%s that could not be examined: a problem counted as not examined, naming the failure", (_, made, what) => {
    const failure = { call: "statx", on: "/opt", errno: 5, words: "Input/output error" };
    const check = made({ ok: false, blocks: "unexamined", failure });
    const [finding] = homeReachChecks(config, homes(check));
    expect(finding).toMatchObject({
      check: "reach",
      status: "problem",
      message: `hermes (uid 10000) may not be able to use ${what}: unable to statx /opt: Input/output error`,
      items: [{ path: check.path, detail: "unable to statx /opt: Input/output error" }],
      unexamined: 1,
    });
  });

  describe("homeReachChecks: a HERMES_HOME elsewhere", () => {
    it("usable: an ok line, no remedy", () => {
      expect(homeReachChecks(config, homes(elsewhere({ ok: true })))).toEqual([
        {
          check: "reach",
          status: "ok",
          message: "hermes (uid 10000) can reach and write HERMES_HOME /srv/h",
          remedy: null,
          items: [],
        },
      ]);
    });

    it("root's: a problem with every remedy, beside the build's home that needs none", () => {
      const reach: Reach = { ok: false, blocks: "write", missing: false, at: at("/srv/h", 0, 0o755) };
      expect(homeReachChecks(config, homes(build({ ok: true }), elsewhere(reach)))).toEqual([
        {
          check: "reach",
          status: "problem",
          message:
            "hermes (uid 10000) cannot write HERMES_HOME /srv/h: it is owned by uid 0 gid 0, mode 0755: the hermes CLI fails there as hermes",
          remedy: "chown -R hermes:hermes /srv/h, or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root",
          items: [],
        },
      ]);
    });

    it("on a read-only filesystem: a problem, since only homeCheck's own home is judged there", () => {
      const reach: Reach = { ok: false, blocks: "readonly", dir: "/srv/h", missing: false };
      expect(homeReachChecks(config, homes(elsewhere(reach)))).toMatchObject([
        {
          status: "problem",
          message:
            "hermes (uid 10000) cannot write HERMES_HOME /srv/h: /srv/h is on a read-only filesystem: the hermes CLI fails there as hermes",
          remedy:
            "mount /srv/h read-write (no :ro on the volume, readOnly: false in Kubernetes), or point HERMES_HOME at a writable volume (docker run -e HERMES_HOME=/data -v NAME:/data)",
        },
      ]);
    });
  });
});

describe("what a failed call kept the walk from examining (contract §13)", () => {
  const listing = failureOf("getdents64", "/opt/data");

  it('a home whose listing failed: never "ok everything under" nor healthy; counted, named, and doctor exits 1', () => {
    const findings = treeChecks(config, account, walk([{ path: "/opt/data", unexamined: listing }]));
    expect(findings).toEqual([
      {
        check: "tree",
        status: "problem",
        message: "1 part of the tree under /opt/data could not be examined: a call failed",
        remedy: LOOK_AGAIN,
        items: [{ path: "/opt/data", detail: "unable to getdents64 /opt/data: Input/output error" }],
        count: 1,
        unexamined: 1,
      },
    ]);
    const report = doctorReport("/opt/data", ["/opt/data"], false, 1, findings, null);
    expect(report).toMatchObject({ healthy: false, unexamined: 1 });
    const text = doctorText("hermes", report);
    expect(text).not.toMatch(/^ok/m);
    expect(text).not.toContain("healthy");
    expect(text).toContain("1 entry examined under /opt/data: 1 problem, 1 part not examined\n");
  });

  it("many: each counted, the first by path shown, beside what was examined", () => {
    const outcomes: Outcome[] = [
      foreign("/opt/data/auth.json", false),
      { path: "/opt/data/b", unexamined: failureOf("statx", "/opt/data/b") },
      { path: "/opt/data/a", unexamined: failureOf("openat", "/opt/data/a", 13) },
    ];
    const findings = treeChecks(config, account, walk(outcomes));
    expect(findings.map((f) => [f.status, f.message, f.unexamined])).toEqual([
      ["problem", "1 entry under /opt/data is not hermes's and hermes cannot read it", undefined],
      ["problem", "2 parts of the tree under /opt/data could not be examined: a call failed", 2],
    ]);
    expect(findings[1]?.items.map((i) => i.detail)).toEqual([
      "unable to openat /opt/data/a: Permission denied",
      "unable to statx /opt/data/b: Input/output error",
    ]);
  });

  const lostHome: WalkResult = {
    path: "/opt/data",
    home: { kind: "unexamined", failure: failureOf("openat", "/opt/data") },
    entries: 0,
    found: nothingFound(),
  };
  const notExamined = (check: string, message: string) => ({
    check,
    status: "problem",
    message,
    remedy: LOOK_AGAIN,
    items: [{ path: "/opt/data", detail: "unable to openat /opt/data: Input/output error" }],
    count: 1,
    unexamined: 1,
  });

  it('a home that could not be opened: not "does not exist", nor anything else it might be', () => {
    expect(homeCheck(config, account, lostHome, usable)).toEqual(
      notExamined("home", "the home /opt/data could not be examined, nor anything under it"),
    );
  });

  it("the home HERMES_HOME names, the same", () => {
    const tree = { path: "/opt/data", variable: "HERMES_HOME" };
    expect(otherTreeChecks(config, account, lostHome, tree)).toEqual([
      notExamined("tree", "HERMES_HOME /opt/data could not be examined, nor anything under it"),
    ]);
  });
});

describe("a permission is told as a permission, never as a disk (contract §13)", () => {
  it("parts a permission kept doctor from: said so, with a permission's remedy; mixed: both remedies", () => {
    const denied = treeChecks(
      config,
      account,
      walk([
        { path: "/opt/data/skills", unexamined: failureOf("openat", "/opt/data/skills", 13) },
        { path: "/opt/data/x", unexamined: failureOf("openat", "/opt/data/x", 1) },
      ]),
    );
    expect(denied.map((f) => [f.message, f.remedy])).toEqual([
      ["2 parts of the tree under /opt/data could not be examined: a permission refused doctor", PERMISSION_REFUSED],
    ]);
    expect(denied[0]?.remedy).not.toMatch(/disk|NFS|FUSE|flaky/);
    expect(denied[0]?.items.every((i) => i.permission)).toBe(true);
    const mixed = treeChecks(
      config,
      account,
      walk([
        { path: "/opt/data/a", unexamined: failureOf("openat", "/opt/data/a", 13) },
        { path: "/opt/data/b", unexamined: failureOf("statx", "/opt/data/b") },
      ]),
    );
    expect(mixed[0]?.message).toContain("could not be examined: a call failed");
    expect(mixed[0]?.remedy).toBe(
      `where the error is a permission: ${PERMISSION_REFUSED}; for the others: ${LOOK_AGAIN}`,
    );
    expect(mixed[0]?.items.map((i) => i.permission)).toEqual([true, undefined]);
  });

  it("--fix refused for want of CAP_CHOWN: the capability is the cause, not the filesystem", () => {
    const found = treeChecks(
      config,
      account,
      walk([
        { path: "/opt/data/auth.json", unchanged: failureOf("fchownat", "/opt/data/auth.json", 1) },
        { path: "/opt/data/.env", unchanged: failureOf("fchownat", "/opt/data/.env", 1) },
      ]),
      "/opt/data",
      undefined,
      ["CHOWN", "FOWNER"],
    );
    expect(found.map((f) => [f.status, f.message, f.remedy, f.count])).toEqual([
      [
        "problem",
        "2 entries under /opt/data kept their owner: root here lacks CAP_CHOWN and CAP_FOWNER, so doctor --fix cannot hand files over",
        "add CHOWN and FOWNER to the container's capabilities (docker run --cap-add CHOWN --cap-add FOWNER), then run doctor --fix again",
        2,
      ],
    ]);
    const one = treeChecks(
      config,
      account,
      walk([{ path: "/opt/data/a", unchanged: failureOf("fchownat", "/opt/data/a", 1) }]),
      "/opt/data",
      undefined,
      ["CHOWN"],
    );
    expect(one[0]?.message).toBe(
      "1 entry under /opt/data kept its owner: root here lacks CAP_CHOWN, so doctor --fix cannot hand files over",
    );
    const tree = { path: "/srv/h", variable: "HERMES_HOME" };
    const other = otherTreeChecks(
      config,
      account,
      walk([{ path: "/srv/h/a", unchanged: failureOf("fchownat", "/srv/h/a", 1) }], homeDir, false, "/srv/h"),
      tree,
      undefined,
      ["CHOWN"],
    );
    expect(other[0]?.message).toContain("root here lacks CAP_CHOWN");
  });
});

describe("callerReachChecks: doctor run as an arbitrary uid, which the CLI runs as too", () => {
  const blocked: Reach = {
    ok: false,
    blocks: "write",
    missing: false,
    at: { dir: "/opt/data", uid: 10000, gid: 10000, mode: 0o040755 },
  };
  const check = (reach: Reach) => ({ variable: "HERMES_HOME", path: "/opt/data", reach });
  it("a home it cannot write: a problem, with the remedies of a pod whose user kubectl exec cannot change", () => {
    const homes: Homes = {
      who: { uid: 12345, groups: [0], containerUid: 12345 },
      runtimeUid: 10000,
      checks: [check(blocked)],
    };
    expect(callerReachChecks(config, homes)).toEqual([
      {
        check: "reach",
        status: "problem",
        message:
          "uid 12345, which doctor runs as and the hermes CLI would too, cannot write HERMES_HOME /opt/data: it is owned by uid 10000 gid 10000, mode 0755",
        remedy:
          "give /opt/data to group 0 with the owner's rights, in the image (chgrp -R 0 /opt/data && chmod -R g=u /opt/data), or mount a volume there that uid 12345 can write (one it owns, or fsGroup in the pod's securityContext)",
        items: [],
      },
    ]);
  });
  it("one it can use: ok; one a failure kept from it: not examined", () => {
    const ok: Homes = { who: { uid: 12345, groups: [0] }, checks: [check({ ok: true })] };
    expect(callerReachChecks(config, ok).map((f) => f.status)).toEqual(["ok"]);
    const lost: Homes = {
      who: { uid: 12345 },
      checks: [check({ ok: false, blocks: "unexamined", failure: failureOf("statx", "/opt/data", 13) })],
    };
    expect(callerReachChecks(config, lost).map((f) => [f.status, f.unexamined, f.remedy])).toEqual([
      ["problem", 1, PERMISSION_REFUSED],
    ]);
    expect(callerReachChecks(config, { who: { uid: 12345 }, checks: [] })).toEqual([]);
  });
});

describe("issue 44: a tree judged for the uid doctor runs as, where that is neither root nor the runtime user", () => {
  const caller = { name: "uid 12345", uid: 12345, gid: 0, groups: [0], home: "/opt/data" };
  const REGROUP =
    "give /opt/data to group 0 with the owner's rights, in the image (chgrp -R 0 /opt/data && chmod -R g=u /opt/data)";

  it("names that uid, and gives the remedy that works in such a pod, never --fix", () => {
    const found = treeChecks(config, caller, walk([foreign("/opt/data/a", false), foreign("/opt/data/b", true)]));
    expect(found).toMatchObject([
      {
        status: "problem",
        message: "1 entry under /opt/data is not uid 12345's and uid 12345 cannot read it",
        remedy: REGROUP,
      },
      {
        status: "note",
        message: "1 entry under /opt/data is someone else's: uid 12345 can read but not change it",
        remedy: REGROUP,
      },
    ]);
  });

  it("the runtime user's own walk keeps --fix's remedies", () => {
    const found = treeChecks(config, account, walk([foreign("/opt/data/a", false), foreign("/opt/data/b", true)]));
    expect(found.map((f) => f.remedy)).toEqual([
      "run `hermes-exec-shim doctor --fix` as root",
      "`hermes-exec-shim doctor --fix` gives it to hermes",
    ]);
  });
});
