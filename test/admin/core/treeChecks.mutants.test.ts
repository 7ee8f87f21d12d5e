/** doctor's findings about a home and what lies under it, each asserted whole, for the cases treeChecks.test.ts names in part. */
import { describe, expect, it } from "vitest";
import { homeCheck, otherTreeChecks, treeChecks } from "../../../src/admin/core/treeChecks.ts";
import { nothingFound, type Outcome, record, type WalkResult } from "../../../src/admin/core/walkResult.ts";
import { defaultsFor } from "../../../src/core/config.ts";
import type { Homes } from "../../../src/core/homes.ts";
import { account, nodeMaker } from "./fixtures.ts";

const config = defaultsFor("hermes");
const stat = nodeMaker();
const homeDir = stat({ kind: "dir", uid: 10000, gid: 10000, mode: 0o040755 });
const rootsDir = stat({ kind: "dir", mode: 0o040755 });

function walk(outcomes: Outcome[], home = homeDir, path = "/opt/data"): WalkResult {
  const found = nothingFound();
  for (const outcome of outcomes) record(found, outcome);
  return {
    path,
    home: { kind: "dir", node: home, changed: false, refused: false },
    entries: outcomes.length + 1,
    found,
  };
}
const unusable = (reason: string, missing: boolean, path = "/opt/data"): WalkResult => ({
  path,
  home: { kind: "unusable", reason, missing },
  entries: 0,
  found: nothingFound(),
});

const homes = (...checks: Homes["checks"]): Homes => ({ who: { uid: 10000, user: "hermes" }, checks });
const usable = homes({ variable: null, path: "/opt/data", reach: { ok: true } });
const homeFinding = (status: string, message: string, remedy: string | null) => ({
  check: "home",
  status,
  message,
  remedy,
  items: [],
});

describe("homeCheck, each finding whole", () => {
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

  it("a home on a read-only filesystem", () => {
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

describe("treeChecks, counted and worded", () => {
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
        { path: "/opt/data/a", error: "cannot change its owner: operation not permitted", refused: true },
        { path: "/opt/data/b", error: "EIO" },
        { path: "/opt/data/c", error: "EIO" },
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
    record(found, { path: "/opt/data/a", error: "cannot change its owner: operation not permitted", refused: true });
    const walked: WalkResult = { ...unusable("is not a directory", false), found };
    for (const f of treeChecks(config, account, walked)) expect(f.message).not.toContain("refused");
  });
});

describe("otherTreeChecks: the home HERMES_HOME names besides the build's", () => {
  const tree = { path: "/srv/h", variable: "HERMES_HOME" };

  it("walked: the same findings, named by the variable", () => {
    expect(otherTreeChecks(config, account, walk([], homeDir, "/srv/h"), tree)).toEqual([
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
