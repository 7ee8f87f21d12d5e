/** doctor's supervision findings for each role's node, one at a time, and the lists it sorts and counts. */
import { describe, expect, it } from "vitest";
import { repair } from "../../../src/admin/core/controlSurface.ts";
import type { Item } from "../../../src/admin/core/finding.ts";
import { type SurfaceNode, supervisionChecks, type TreeFacts } from "../../../src/admin/core/supervision.ts";
import { defaultsFor } from "../../../src/core/config.ts";
import type { NodeStat } from "../../../src/core/node.ts";
import { account, nodeMaker } from "./fixtures.ts";

const config = defaultsFor("hermes");
const node = nodeMaker({ kind: "dir", mode: 0o040755, nlink: 2 });
const closedDir = node({ mode: 0o040700 });
const fifo = node({ kind: "other", mode: 0o010600, nlink: 1 });
const rootsFile = node({ kind: "file", mode: 0o100600, nlink: 1 });
const GW = "/run/service/gateway";

const seen = (path: string, role: SurfaceNode["role"], n: NodeStat, changed = false): SurfaceNode => ({
  path,
  role,
  node: n,
  repair: repair(role, n, account),
  changed,
});
const tree = (surface: SurfaceNode[], over: Partial<TreeFacts> = {}): TreeFacts => ({
  scanDir: "/run/service",
  services: [GW],
  doors: [],
  unreached: [],
  rootSlots: [],
  ownSlots: [],
  tmpfs: true,
  surface,
  ...over,
});
const DOORS_OK = {
  check: "supervision",
  status: "ok",
  message: "/run/service, its service directories and their run and finish scripts are root's alone",
  remedy: null,
  items: [],
};
const closedTo = (n: number) =>
  `hermes cannot control the services under /run/service or ask s6-svscan to rescan: ${n === 1 ? "1 node is" : `${n} nodes are`} closed to it`;

describe("a node closed to the runtime user, by role: what fails and what to do", () => {
  it.each<[SurfaceNode["role"], string, NodeStat, string, string]>([
    [
      "path",
      "/run",
      closedDir,
      "directory, uid 0 gid 0, mode 0700: hermes cannot search it, so s6-svc, s6-svstat and s6-svscanctl cannot reach past it; --fix: doctor --fix never changes it",
      "make each directory on the way searchable (chmod o+x DIR)",
    ],
    [
      "status",
      `${GW}/supervise/status`,
      rootsFile,
      "file, uid 0 gid 0, mode 0600: hermes cannot read it, so s6-svstat fails: the CLI cannot tell whether the service runs; --fix: doctor --fix never changes it",
      "start s6-svscan under umask 022: s6-supervise writes status anew, with its umask, on every change",
    ],
    [
      "event",
      `${GW}/event`,
      node({ uid: 1000, mode: 0o040700 }),
      "directory, uid 1000 gid 0, mode 0700: hermes cannot subscribe in it (write and search), so s6-svc -w and s6-svwait fail: nothing can wait for the service to come up; --fix: owned by uid 1000, not root as s6 makes it: left alone",
      "make it as s6 does (root's), then run doctor --fix again",
    ],
    [
      "scanner",
      "/run/service/.s6-svscan",
      node({ uid: 1000, mode: 0o040700 }),
      "directory, uid 1000 gid 0, mode 0700: hermes cannot search it, so s6-svscanctl fails (`hermes profile create` adds a service that nothing starts); --fix: owned by uid 1000, not root as s6 makes it: left alone",
      "make it as s6 does (root's), then run doctor --fix again",
    ],
    [
      "scanner-control",
      "/run/service/.s6-svscan/control",
      rootsFile,
      "file, uid 0 gid 0, mode 0600: hermes cannot write to it, so s6-svscanctl fails (`hermes profile create` adds a service that nothing starts); --fix: not a FIFO, as s6 makes it: left alone",
      "make it as s6 does (root's), then run doctor --fix again",
    ],
  ])("%s", (role, path, n, detail, remedy) => {
    expect(supervisionChecks(config, account, tree([seen(path, role, n)]), false)).toEqual([
      { check: "supervision", status: "problem", message: closedTo(1), remedy, items: [{ path, detail }] },
      DOORS_OK,
    ]);
  });

  it("a node doctor could not examine: look at it", () => {
    const broken: SurfaceNode = { path: `${GW}/supervise`, role: "supervise", error: "EIO", changed: false };
    expect(supervisionChecks(config, account, tree([broken]), true)[0]).toEqual({
      check: "supervision",
      status: "problem",
      message: closedTo(1),
      remedy: "look at each, then run doctor again",
      items: [{ path: `${GW}/supervise`, detail: "EIO" }],
    });
  });

  it("a node gathered without a repair judged: closed, with no --fix note", () => {
    const bare: SurfaceNode = { path: `${GW}/supervise/status`, role: "status", node: rootsFile, changed: true };
    expect(supervisionChecks(config, account, tree([bare]), false)[0]).toMatchObject({
      status: "problem",
      items: [
        {
          path: `${GW}/supervise/status`,
          detail:
            "file, uid 0 gid 0, mode 0600: hermes cannot read it, so s6-svstat fails: the CLI cannot tell whether the service runs",
        },
      ],
    });
  });
});

describe("what --fix changed, what s6 has yet to make, and a healthy tree", () => {
  it("one node given to the group: counted in the singular", () => {
    const changed = seen(`${GW}/supervise/control`, "control", fifo, true);
    expect(supervisionChecks(config, account, tree([changed]), true)[0]).toMatchObject({
      status: "fixed",
      message: "gave group hermes (10000) the control of the services under /run/service: 1 node",
    });
  });

  it("parts s6 has not made yet: a note and no ok line", () => {
    const missing = (path: string): SurfaceNode => ({ path, role: "control", changed: false });
    expect(
      supervisionChecks(config, account, tree([missing(`${GW}/supervise/control`), missing(`${GW}/event`)]), false),
    ).toEqual([
      {
        check: "supervision",
        status: "note",
        message:
          "2 parts of the control surface under /run/service s6 has not made yet: when it does, they are root's alone",
        remedy: "once s6 supervises them, run `hermes-exec-shim doctor --fix` as root again",
        items: [
          { path: `${GW}/event`, detail: "does not exist yet" },
          { path: `${GW}/supervise/control`, detail: "does not exist yet" },
        ],
      },
      DOORS_OK,
    ]);
  });

  it("one part s6 has not made yet", () => {
    const found = supervisionChecks(
      config,
      account,
      tree([{ path: `${GW}/event`, role: "event", changed: false }]),
      false,
    );
    expect(found[0]?.message).toBe(
      "1 part of the control surface under /run/service s6 has not made yet: when it does, they are root's alone",
    );
  });

  it("every service open to the user: one ok line, the services counted, and nothing unreached", () => {
    const open = seen(`${GW}/supervise`, "supervise", node({}));
    expect(supervisionChecks(config, account, tree([open], { services: [GW, `${GW}/log`] }), false)).toEqual([
      {
        check: "supervision",
        status: "ok",
        message:
          "hermes can control every service under /run/service (2 services, logs included) and ask s6-svscan to rescan",
        remedy: null,
        items: [],
      },
      DOORS_OK,
    ]);
  });
});

describe("doors and unreached services, sorted by path", () => {
  const b: Item = { path: "/run/service/b/run", detail: "owned by uid 10000" };
  const a: Item = { path: "/run/service/a/run", detail: "owned by uid 10000" };

  it("doors", () => {
    expect(supervisionChecks(config, account, tree([], { doors: [b, a] }), false)[1]?.items).toEqual([a, b]);
  });

  it("unreached: one path, then two", () => {
    expect(supervisionChecks(config, account, tree([], { unreached: [b] }), false)[2]).toEqual({
      check: "supervision",
      status: "note",
      message: "doctor neither examined nor changed 1 part of the tree under /run/service: each is named with why",
      remedy: null,
      items: [b],
      unexamined: 1,
    });
    const two = supervisionChecks(config, account, tree([], { unreached: [b, a] }), false)[2];
    expect(two?.message).toBe(
      "doctor neither examined nor changed 2 parts of the tree under /run/service: each is named with why",
    );
    expect(two?.unexamined).toBe(2);
    expect(two?.items).toEqual([a, b]);
  });
});
