/** doctor's supervision findings: the control surface s6 leaves closed, what --fix changed, what root runs that others can rewrite, slots. */
import { describe, expect, it } from "vitest";
import { repair } from "../../../src/admin/core/controlSurface.ts";
import { type Item, LOOK_AGAIN } from "../../../src/admin/core/finding.ts";
import {
  changedSince,
  emptyTree,
  linkDestination,
  notRootsAlone,
  overlayOwned,
  plantedLink,
  rootWritesInto,
  type SurfaceNode,
  scanVerdict,
  scriptSeen,
  serviceEntry,
  serviceNames,
  slotOf,
  supervisionChecks,
  surfaceNode,
  THROUGH_SYMLINK,
  type TreeFacts,
  trustRecorder,
  unexaminedService,
} from "../../../src/admin/core/supervision.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";
import type { NodeStat } from "../../../src/core/node.ts";
import type { Lstat, Node } from "../../../src/core/pathLookup.ts";
import type { Trust } from "../../../src/core/trust.ts";
import { account, failureOf, nodeMaker } from "./fixtures.ts";

const config = defaultsFor("hermes");
const node = nodeMaker({ kind: "dir", mode: 0o040755, nlink: 2 });
const supervise = node({ mode: 0o040700 });
const control = node({ kind: "other", mode: 0o010600, nlink: 1 });
const rootsFile = node({ kind: "file", mode: 0o100600, nlink: 1 });
const GW = "/run/service/gateway";

/** A surface node as the gathering reports it, with --fix or without. */
const seen = (path: string, role: SurfaceNode["role"], n: NodeStat | undefined, changed = false): SurfaceNode => ({
  path,
  role,
  ...(n ? { node: n, repair: repair(role, n, account) } : {}),
  changed,
});
const tree = (surface: SurfaceNode[], over: Partial<TreeFacts> = {}): TreeFacts => ({
  ...emptyTree("/run/service"),
  services: [GW],
  surface,
  ...over,
});
const DOORS_OK = {
  check: "supervision",
  status: "ok",
  message: "/run/service, its service directories and their run and finish scripts are root-only",
  remedy: null,
  items: [],
};
const closedTo = (n: number) =>
  `hermes cannot control the services under /run/service or ask s6-svscan to rescan: ${n === 1 ? "1 node is" : `${n} nodes are`} closed to it`;

describe("emptyTree: the tree as its walk starts it", () => {
  it("nothing found yet: no service, node, failure or slot, not on a tmpfs", () => {
    expect(emptyTree("/run/service")).toEqual({
      scanDir: "/run/service",
      services: [],
      rewritableByOthers: [],
      unreached: [],
      failures: [],
      rootSlots: [],
      ownSlots: [],
      tmpfs: false,
      overlay: [],
      rootWrites: [],
      surface: [],
    });
  });
});

describe("the control surface, before and after --fix, and what root runs that others can rewrite", () => {
  it("a tree as s6 leaves it: each closed node with owner, mode and what fails, and --fix as the remedy", () => {
    const facts = tree([
      seen("/", "path", node({})),
      seen("/run/service", "path", node({})),
      seen("/run/service/gateway/supervise", "supervise", supervise),
      seen("/run/service/gateway/supervise/control", "control", control),
      seen("/run/service/gateway/supervise/status", "status", node({ kind: "file", mode: 0o100644, nlink: 1 })),
    ]);
    const [closed, rewritableByOthers] = supervisionChecks(config, account, facts, false);
    expect(closed).toEqual({
      check: "supervision",
      status: "problem",
      message:
        "hermes cannot control the services under /run/service or ask s6-svscan to rescan: 2 nodes are closed to it",
      remedy:
        "run `hermes-exec-shim doctor --fix` as root: it gives group hermes what `s6-svperms -G hermes -E hermes` and the same for .s6-svscan/ would, and nothing else",
      items: [
        {
          path: "/run/service/gateway/supervise",
          detail:
            "directory, uid 0 gid 0, mode 0700: hermes cannot search it, so s6-svc and s6-svstat fail (`hermes gateway restart`)",
        },
        {
          path: "/run/service/gateway/supervise/control",
          detail: "FIFO, uid 0 gid 0, mode 0600: hermes cannot write to it, so s6-svc fails (`hermes gateway restart`)",
        },
      ],
    });
    expect(rewritableByOthers).toMatchObject({ status: "ok", message: expect.stringContaining("root-only") });
  });

  it("after --fix: what changed, from what to what, and then all is well", () => {
    const facts = tree([
      seen("/run/service/gateway/supervise", "supervise", supervise, true),
      seen("/run/service/gateway/supervise/control", "control", control, true),
    ]);
    const [fixed, ok] = supervisionChecks(config, account, facts, true);
    expect(fixed).toMatchObject({
      status: "fixed",
      message: "gave group hermes (10000) the control of the services under /run/service: 2 nodes",
      items: [
        {
          path: "/run/service/gateway/supervise",
          detail: "directory, was uid 0 gid 0, mode 0700; now gid 10000, mode 0710",
        },
        {
          path: "/run/service/gateway/supervise/control",
          detail: "FIFO, was uid 0 gid 0, mode 0600; now gid 10000, mode 0620",
        },
      ],
    });
    expect(ok).toMatchObject({
      status: "ok",
      message:
        "hermes can control every service under /run/service (1 service, logs included) and ask s6-svscan to rescan",
    });
  });

  it("what --fix never changes gets its own remedy, and a directory on the way is named once", () => {
    const facts = tree([
      seen("/srv", "path", supervise),
      seen("/srv", "path", supervise),
      seen("/run/service/gateway/supervise/status", "status", rootsFile),
    ]);
    const [closed] = supervisionChecks(config, account, facts, true);
    expect(closed?.items.map((i) => i.path)).toEqual(["/run/service/gateway/supervise/status", "/srv"]);
    expect(closed?.items[1]?.detail).toContain("; --fix: doctor --fix never changes it");
    expect(closed?.remedy).toBe(
      "make each directory on the way searchable (chmod o+x DIR); start s6-svscan under umask 022: s6-supervise writes status anew, with its umask, on every change",
    );
  });

  it("a symlink or an error is named, never judged through", () => {
    const facts = tree([
      {
        path: "/run/service/gateway/supervise",
        role: "supervise",
        error: "is a symlink: doctor neither checks nor changes anything through one",
        changed: false,
      },
    ]);
    const [closed] = supervisionChecks(config, account, facts, true);
    expect(closed).toMatchObject({
      status: "problem",
      items: [{ detail: "is a symlink: doctor neither checks nor changes anything through one" }],
    });
  });

  it("what s6 has not made yet is a note: run --fix again once it has", () => {
    const [note] = supervisionChecks(
      config,
      account,
      tree([seen("/run/service/gateway/supervise", "supervise", undefined)]),
      false,
    );
    expect(note).toMatchObject({
      status: "note",
      items: [{ path: "/run/service/gateway/supervise", detail: "does not exist yet" }],
      remedy: "once s6 supervises them, run `hermes-exec-shim doctor --fix` as root again",
    });
  });

  it("anyone but root able to change what s6 runs as root: a way to act as root, with the fix that keeps it shut", () => {
    const rewritableByOthers = [{ path: "/run/service", detail: "/run/service is owned by uid 10000, not root" }];
    const unreached = [{ path: "/run/service/gateway", detail: "/run/service is owned by uid 10000, not root" }];
    const found = supervisionChecks(config, account, tree([], { rewritableByOthers, unreached }), true);
    expect(found.map((f) => f.status)).toEqual(["ok", "problem", "note"]);
    expect(found[0]?.message).toBe(
      "hermes can ask s6-svscan to rescan /run/service; doctor examined none of its 1 service (below)",
    );
    expect(found[1]).toEqual({
      check: "supervision",
      status: "problem",
      message: "s6 runs what is under /run/service as root, and someone but root can change it: a way to act as root",
      remedy:
        "keep /run/service, every service directory and its run and finish scripts root-only (chown root:root, chmod go-w); register services at runtime through something root runs, never by letting hermes write to /run/service; doctor --fix changes none of this",
      items: rewritableByOthers,
    });
    expect(found[2]).toMatchObject({ items: unreached });
  });
});

describe("a node closed to the runtime user, by role: what fails and what to do", () => {
  it.each<[SurfaceNode["role"], string, NodeStat, string, string]>([
    [
      "path",
      "/run",
      supervise,
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
    const changed = seen(`${GW}/supervise/control`, "control", control, true);
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
          "2 parts of the control surface under /run/service s6 has not made yet: when it does, they are root-only",
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
      "1 part of the control surface under /run/service s6 has not made yet: when it does, they are root-only",
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

describe("what others can rewrite and unreached services, sorted by path", () => {
  const b: Item = { path: "/run/service/b/run", detail: "owned by uid 10000" };
  const a: Item = { path: "/run/service/a/run", detail: "owned by uid 10000" };

  it("what others can rewrite", () => {
    expect(supervisionChecks(config, account, tree([], { rewritableByOthers: [b, a] }), false)[1]?.items).toEqual([
      a,
      b,
    ]);
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

describe("never an ok for what was not examined", () => {
  const services = ["/run/service/dashboard", "/run/service/evil", "/run/service/gateway", "/run/service/gateway/log"];
  const evil = {
    path: "/run/service/evil",
    detail: "a symlink of uid 10000 in a directory that is not root-only: not followed",
  };

  it("the ok line claims only the services doctor examined, and says the rest were not", () => {
    const found = supervisionChecks(config, account, tree([], { services, unreached: [evil] }), false);
    expect(found[0]).toEqual({
      check: "supervision",
      status: "ok",
      message:
        "hermes can control the 3 services doctor examined under /run/service (of 4, logs included) and ask s6-svscan to rescan; the rest were not examined (below)",
      remedy: null,
      items: [],
    });
    expect(found[2]).toEqual({
      check: "supervision",
      status: "note",
      message: "doctor neither examined nor changed 1 part of the tree under /run/service: each is named with why",
      remedy: null,
      items: [evil],
      unexamined: 1,
    });
  });

  it("one service examined of two: the count is singular", () => {
    const found = supervisionChecks(
      config,
      account,
      tree([], {
        services: ["/run/service/a", "/run/service/b"],
        unreached: [{ path: "/run/service/b", detail: "x" }],
      }),
      false,
    );
    expect(found[0]?.message).toBe(
      "hermes can control the 1 service doctor examined under /run/service (of 2, logs included) and ask s6-svscan to rescan; the rest were not examined (below)",
    );
  });

  it("a scan directory not examined: no ok line about control at all, and every part not examined is counted, sorted", () => {
    const unreached = [
      { path: "/run/service/gateway", detail: "the way to it is not root-only" },
      { path: "/run/service", detail: "/run is owned by uid 10000, not root" },
    ];
    const rewritableByOthers = [{ path: "/run/service", detail: "/run is owned by uid 10000, not root" }];
    const found = supervisionChecks(config, account, tree([], { unreached, rewritableByOthers }), true);
    expect(found.map((f) => f.status)).toEqual(["problem", "note"]);
    expect(found[1]).toMatchObject({
      message: "doctor neither examined nor changed 2 parts of the tree under /run/service: each is named with why",
      items: [unreached[1], unreached[0]],
      unexamined: 2,
    });
  });

  it("with closed nodes there is no ok line, examined or not", () => {
    const found = supervisionChecks(
      config,
      account,
      tree([seen("/run/service/gateway/supervise", "supervise", supervise)], { unreached: [evil] }),
      false,
    );
    expect(found.map((f) => f.status)).toEqual(["problem", "ok", "note"]);
    expect(found[1]?.message).toBe(
      "/run/service, its service directories and their run and finish scripts are root-only",
    );
  });
});

describe("root's slots in a scan directory the runtime user owns", () => {
  const slot = node({ mode: 0o040755 });
  const rewritable = [{ path: "/run/service", detail: "/run/service is owned by uid 10000, not root" }];

  it("one slot on a tmpfs: named with owner and mode, removed as root or by a restart, never given away", () => {
    const facts = tree([], {
      rewritableByOthers: rewritable,
      rootSlots: [{ path: "/run/service/gateway-work", node: slot }],
      tmpfs: true,
    });
    const found = supervisionChecks(config, account, facts, true);
    expect(found.map((f) => f.status)).toEqual(["ok", "problem", "problem"]);
    expect(found[2]).toEqual({
      check: "supervision",
      status: "problem",
      message:
        "1 service directory in /run/service is root's: hermes cannot remove or replace it, so `hermes profile delete` leaves it behind and `hermes profile create` cannot register it again",
      remedy:
        "as root, take it down and remove it (/command/s6-svc -d /run/service/gateway-work && rm -rf /run/service/gateway-work && /command/s6-svscanctl -an /run/service), or restart the container: /run/service is on a tmpfs, which a restart empties; doctor --fix never gives it to hermes",
      items: [{ path: "/run/service/gateway-work", detail: "directory, uid 0 gid 0, mode 0755" }],
    });
  });

  it("two slots not on a tmpfs, with a helper that is not s6's: sorted, plural, no restart offered, the tools by name", () => {
    const gosu = { ...config, helper: "/usr/sbin/gosu" };
    const facts = tree([], {
      rewritableByOthers: rewritable,
      rootSlots: [
        { path: "/run/service/gateway-b", node: slot },
        { path: "/run/service/gateway-a", node: node({ mode: 0o040700 }) },
      ],
    });
    const [, , slots] = supervisionChecks(gosu, account, facts, false);
    expect(slots).toEqual({
      check: "supervision",
      status: "problem",
      message:
        "2 service directories in /run/service are root's: hermes cannot remove or replace them, so `hermes profile delete` leaves them behind and `hermes profile create` cannot register them again",
      remedy:
        "as root, take them down and remove them (s6-svc -d /run/service/gateway-a /run/service/gateway-b && rm -rf /run/service/gateway-a /run/service/gateway-b && s6-svscanctl -an /run/service); doctor --fix never gives them to hermes",
      items: [
        { path: "/run/service/gateway-a", detail: "directory, uid 0 gid 0, mode 0700" },
        { path: "/run/service/gateway-b", detail: "directory, uid 0 gid 0, mode 0755" },
      ],
    });
  });
});

describe("slots the runtime user owns, holding the event/ s6-supervise made", () => {
  const own = node({ uid: 10000, gid: 10000, mode: 0o040755 });
  const rewritable = [{ path: "/run/service", detail: "/run/service is owned by uid 10000, not root" }];
  const rootEvent = node({ mode: 0o043730 });

  it("root's event/, which hermes cannot list: the slot is named, with the remedy as root", () => {
    const facts = tree([], {
      rewritableByOthers: rewritable,
      ownSlots: [{ path: "/run/service/gateway-mine", node: own, event: rootEvent }],
      tmpfs: true,
    });
    const found = supervisionChecks(config, account, facts, false);
    expect(found.map((f) => f.status)).toEqual(["ok", "problem", "problem"]);
    expect(found[2]).toEqual({
      check: "supervision",
      status: "problem",
      message:
        "1 service directory in /run/service that hermes owns holds an event/ that s6-supervise made, which hermes cannot list: hermes cannot remove it, so `hermes profile delete` leaves it behind and `hermes profile create` cannot register it again",
      remedy:
        "as root, take it down and remove it (/command/s6-svc -d /run/service/gateway-mine && rm -rf /run/service/gateway-mine && /command/s6-svscanctl -an /run/service), or restart the container: /run/service is on a tmpfs, which a restart empties; doctor --fix never gives it to hermes",
      items: [{ path: "/run/service/gateway-mine/event", detail: "directory, uid 0 gid 0, mode 3730" }],
    });
  });

  it("three such slots: plural, sorted; one whose event/ hermes owns or can list is not named", () => {
    const facts = tree([], {
      rewritableByOthers: rewritable,
      ownSlots: [
        { path: "/run/service/gateway-z", node: own, event: rootEvent },
        { path: "/run/service/gateway-own", node: own, event: node({ uid: 10000, mode: 0o040700 }) },
        { path: "/run/service/gateway-open", node: own, event: node({ gid: 10000, mode: 0o043750 }) },
        { path: "/run/service/gateway-a", node: own, event: node({ mode: 0o043731 }) },
        // Its owner can chmod it, and so remove it: never named, whatever its mode.
        { path: "/run/service/gateway-locked", node: own, event: node({ uid: 10000, mode: 0o040300 }) },
        // Readable but not searchable: its entries cannot be removed.
        { path: "/run/service/gateway-r", node: own, event: node({ mode: 0o040754 }) },
      ],
    });
    const [, , stuck, ...rest] = supervisionChecks(config, account, facts, false);
    expect(rest).toEqual([]);
    expect(stuck?.message).toBe(
      "3 service directories in /run/service that hermes owns hold an event/ that s6-supervise made, which hermes cannot list: hermes cannot remove them, so `hermes profile delete` leaves them behind and `hermes profile create` cannot register them again",
    );
    expect(stuck?.items.map((i) => i.path)).toEqual([
      "/run/service/gateway-a/event",
      "/run/service/gateway-r/event",
      "/run/service/gateway-z/event",
    ]);
    expect(stuck?.remedy).toContain(
      "take them down and remove them (/command/s6-svc -d /run/service/gateway-a /run/service/gateway-r /run/service/gateway-z ",
    );
  });

  it("none stuck: nothing said", () => {
    const facts = tree([], { ownSlots: [{ path: "/run/service/x", node: own, event: node({ mode: 0o040755 }) }] });
    expect(supervisionChecks(config, account, facts, false).map((f) => f.status)).toEqual(["ok", "ok"]);
  });
});

describe("the walk's rules: which directories are root-only", () => {
  const way = (...modes: [string, number, number?][]) =>
    modes.map(([path, mode, uid = 0]) => ({ path, node: node({ mode: 0o040000 | mode, uid }) }));

  it("names the first node on the way that someone but root could rewrite", () => {
    expect(notRootsAlone(way(["/", 0o755], ["/run", 0o755]))).toBeUndefined();
    expect(notRootsAlone(way(["/", 0o755], ["/run", 0o775], ["/run/service", 0o755, 10000]))).toBe(
      "/run is writable by its group (mode 0775)",
    );
  });

  it("examines a scan directory only through a way root-only; the directory itself may be shared", () => {
    expect(scanVerdict(way(["/", 0o755], ["/run/service", 0o755]))).toEqual({ shared: false });
    expect(scanVerdict(way(["/", 0o755], ["/run/service", 0o755, 10000]))).toEqual({ shared: true });
    expect(scanVerdict(way(["/", 0o757], ["/run/service", 0o755]))).toEqual({
      unexamined: "/ is writable by others (mode 0757)",
    });
  });

  it("takes a destination opened again as changed where its way is no longer root-only", () => {
    expect(changedSince(way(["/", 0o755], ["/srv", 0o755]))).toBeUndefined();
    expect(changedSince(way(["/", 0o755], ["/srv", 0o777]))).toBe(
      "/srv is writable by its group and others (mode 0777), which it was not a moment before",
    );
  });
});

describe("the walk's rules: which entries are services, and which links it follows", () => {
  it("takes every name but a dotted one, in order, as s6-svscan does", () => {
    expect(serviceNames(["b", ".s6-svscan", "a", ".hidden"])).toEqual(["a", "b"]);
  });

  it("enters a directory root-only, and names one anyone else could rewrite as not examined, with its Trust", () => {
    expect(serviceEntry("/run/service/a", node({}), false)).toBe("enter");
    expect(serviceEntry("/run/service/a", node({ uid: 10000 }), true)).toEqual({
      unreached: "/run/service/a is owned by uid 10000, not root",
      trust: { ok: false, missing: false, reason: "/run/service/a is owned by uid 10000, not root", rewritable: true },
    });
  });

  it("is no service where the entry is neither a directory nor a symlink", () => {
    expect(serviceEntry("/run/service/a", node({ kind: "file", mode: 0o100644 }), false)).toBe("none");
  });

  it("follows root's links, and anyone's in a directory root-only; never another's in a shared one", () => {
    const link = (uid: number) => node({ kind: "symlink", mode: 0o120777, uid });
    expect(serviceEntry("/run/service/a", link(0), true)).toBe("follow");
    expect(serviceEntry("/run/service/a", link(10000), false)).toBe("follow");
    expect(serviceEntry("/run/service/a", link(10000), true)).toEqual({
      unreached: "a symlink of uid 10000 in a directory that is not root-only: not followed",
    });
  });

  it("looks a link's target up from its directory, and follows it only where the trust walk passes", () => {
    const asked: string[] = [];
    const trustOf =
      (trust: Trust) =>
      (path: string): Trust => {
        asked.push(path);
        return trust;
      };
    const ok: Trust = { ok: true, resolved: "/srv/s/a" };
    expect(linkDestination("../srv/s/a", "/run/service", trustOf(ok))).toEqual({ resolved: "/srv/s/a" });
    expect(linkDestination("/srv/s/a", "/run/service", trustOf(ok))).toEqual({ resolved: "/srv/s/a" });
    expect(asked).toEqual(["/run/service/../srv/s/a", "/srv/s/a"]);
    expect(linkDestination(undefined, "/run/service", trustOf(ok))).toEqual({
      unreached: "a symlink doctor could not read",
    });
    const gone: Trust = { ok: false, missing: true, reason: "/srv/s/a does not exist" };
    expect(linkDestination("/srv/s/a", "/run/service", trustOf(gone))).toBe("none");
    const weak: Trust = {
      ok: false,
      missing: false,
      reason: "/srv is writable by others (mode 0777)",
      rewritable: true,
    };
    expect(linkDestination("/srv/s/a", "/run/service", trustOf(weak))).toEqual({ unreached: weak.reason, trust: weak });
  });

  it("calls a service in a shared scan directory the runtime user's own slot, or root's where entered directly", () => {
    expect(slotOf(false, { unreached: "x" })).toBeUndefined();
    expect(slotOf(true, { unreached: "x" })).toBe("own");
    expect(slotOf(true, { resolved: undefined })).toBe("root");
    expect(slotOf(true, { resolved: "/srv/s/a" })).toBeUndefined();
  });
});

describe("the walk's rules: what others can rewrite, and what is not examined", () => {
  const weak = (reason: string): Trust => ({ ok: false, missing: false, reason, rewritable: true });

  it("keeps as rewritable only a Trust someone but root could rewrite, each reason once", () => {
    const rewritableByOthers: Item[] = [];
    const recordTrust = trustRecorder(rewritableByOthers, []);
    recordTrust("/run/service/a", { ok: true, resolved: "/run/service/a" });
    recordTrust("/run/service/b", { ok: false, missing: true, reason: "/run/service/b does not exist" });
    recordTrust("/run/service/c", weak("/run is writable by others (mode 0777)"));
    recordTrust("/run/service/d", weak("/run is writable by others (mode 0777)"));
    expect(rewritableByOthers).toEqual([{ path: "/run/service/c", detail: "/run is writable by others (mode 0777)" }]);
  });

  it("judges a script seen through a shared way: a link not followed, a rewritable file reported, root's nothing", () => {
    const path = "/run/service/a/run";
    expect(scriptSeen(path, node({ kind: "symlink", mode: 0o120777 }))).toEqual({
      unreached: "a symlink in a directory that is not root-only: not followed, so what s6 runs there was not examined",
    });
    expect(scriptSeen(path, node({ kind: "file", mode: 0o100775 }))).toEqual({
      rewritable: weak(`${path} is writable by its group (mode 0775)`),
    });
    expect(scriptSeen(path, node({ kind: "file", mode: 0o100755 }))).toBeUndefined();
  });

  it("names a service it does not examine, and judges it and its scripts by path as rewritable", () => {
    const facts = tree([], { services: [] });
    const fs: Record<string, Node> = {
      "/": { kind: "dir", uid: 0, gid: 0, mode: 0o040755 },
      "/run": { kind: "dir", uid: 0, gid: 0, mode: 0o040755 },
      "/run/service": { kind: "dir", uid: 10000, gid: 10000, mode: 0o040755 },
    };
    const lstat: Lstat = (p) => fs[p] ?? { kind: "missing" };
    const trust = weak("/srv/a is owned by uid 10000, not root");
    unexaminedService(facts, trustRecorder(facts.rewritableByOthers, facts.failures), lstat, "/run/service/a", {
      unreached: "why",
      trust,
    });
    expect(facts.services).toEqual(["/run/service/a"]);
    expect(facts.unreached).toEqual([{ path: "/run/service/a", detail: "why" }]);
    expect(facts.rewritableByOthers).toEqual([
      { path: "/run/service/a", detail: "/run/service is owned by uid 10000, not root" },
      { path: "/run/service/a", detail: "/srv/a is owned by uid 10000, not root" },
    ]);
  });

  it("examines nothing through a symlink in the control surface, and plans the rest", () => {
    const link = node({ kind: "symlink", mode: 0o120777 });
    expect(surfaceNode("/run/service/a/event", "event", link, account)).toEqual({
      path: "/run/service/a/event",
      role: "event",
      node: link,
      error: THROUGH_SYMLINK,
      changed: false,
    });
    expect(surfaceNode("/run/service/a/supervise", "supervise", supervise, account)).toEqual(
      seen("/run/service/a/supervise", "supervise", supervise),
    );
  });
});

describe("what a failed call kept doctor from examining in the tree (contract §13)", () => {
  const lost = failureOf("statx", "/run/service/gateway/supervise");
  const lostItem = { path: `${GW}/supervise`, detail: `unable to statx ${GW}/supervise: Input/output error` };

  it("no ok line, for control nor what others can rewrite, beside it; a problem naming each, counted as not examined", () => {
    const open = seen(`${GW}/event`, "event", node({ mode: 0o043777 }));
    expect(supervisionChecks(config, account, tree([open], { failures: [lostItem] }), false)).toEqual([
      {
        check: "supervision",
        status: "problem",
        message: "1 part of the tree under /run/service could not be examined: a call failed",
        remedy: LOOK_AGAIN,
        items: [lostItem],
        count: 1,
        unexamined: 1,
      },
    ]);
  });

  it("the trust recorder: a Trust a failed call kept from being known is a failure, never rewritable nor ok", () => {
    const rewritableByOthers: Item[] = [];
    const failures: Item[] = [];
    const recordTrust = trustRecorder(rewritableByOthers, failures);
    const unexamined: Trust = { ok: false, missing: false, reason: "unable to statx …", unexamined: lost };
    recordTrust(`${GW}/run`, unexamined);
    recordTrust(`${GW}/finish`, unexamined);
    expect(rewritableByOthers).toEqual([]);
    expect(failures).toEqual([{ path: `${GW}/run`, detail: lostItem.detail }]);
  });

  it("a link whose way could not be examined leads to the failure, never to nothing there", () => {
    const unexamined: Trust = { ok: false, missing: true, reason: "r", unexamined: lost };
    expect(linkDestination("/srv/s/a", "/run/service", () => unexamined)).toBe(lost);
  });
});

describe("s6-overlay's own services: told by where s6-overlay lays them", () => {
  const runImage = new Set(["s6-linux-init-shutdownd"]);
  const live = "/run/s6-rc:s6-rc-init:jpjACF/servicedirs";
  it("s6-rc's own: a link into s6-rc's live servicedirs/ under the prefix s6-rc reserves", () => {
    expect(overlayOwned("s6rc-fdholder", `${live}/s6rc-fdholder`, "/run/service", runImage)).toBe(true);
    expect(overlayOwned("s6rc-oneshot-runner", `${live}/s6rc-oneshot-runner`, "/run/service", runImage)).toBe(true);
  });
  it("an image's service in the same servicedirs/, or an s6rc- name elsewhere, is not", () => {
    expect(overlayOwned("gateway", `${live}/gateway`, "/run/service", runImage)).toBe(false);
    expect(overlayOwned("s6rc-fdholder", "/srv/sv/s6rc-fdholder", "/run/service", runImage)).toBe(false);
    expect(overlayOwned("s6rc-fdholder", `${live}/s6rc-other`, "/run/service", runImage)).toBe(false);
    expect(overlayOwned("s6rc-x", "/run/service/s6rc-x", "/run/service", runImage)).toBe(false);
  });
  it("s6-linux-init's: a directory in the scan directory itself that its run image holds", () => {
    expect(
      overlayOwned("s6-linux-init-shutdownd", "/run/service/s6-linux-init-shutdownd", "/run/service", runImage),
    ).toBe(true);
    expect(
      overlayOwned("s6-linux-init-shutdownd", "/run/service/s6-linux-init-shutdownd", "/run/service", new Set()),
    ).toBe(false);
    expect(overlayOwned("s6-linux-init-shutdownd", "/srv/s6-linux-init-shutdownd", "/run/service", runImage)).toBe(
      false,
    );
    expect(overlayOwned("gateway-work", "/run/service/gateway-work", "/run/service", runImage)).toBe(false);
  });
  it("never a finding, never a slot: the ok line names them as root's by design", () => {
    const own = ["/run/service/s6rc-fdholder", "/run/service/s6-linux-init-shutdownd"];
    const found = supervisionChecks(config, account, tree([], { overlay: own }), false);
    expect(found.map((f) => f.status)).toEqual(["ok", "ok"]);
    expect(found[0]?.message).toBe(
      "hermes can control every service under /run/service (1 service, logs included) and ask s6-svscan to rescan; s6-overlay's own 2 services (/run/service/s6-linux-init-shutdownd, /run/service/s6rc-fdholder) are root's by design, left alone",
    );
    const one = supervisionChecks(config, account, tree([], { overlay: [own[0] as string] }), false);
    expect(one[0]?.message).toContain("; s6-overlay's own 1 service (/run/service/s6rc-fdholder) is root's by design");
  });
});

describe("supervise/ where root writes: what of the runtime user's lies where root's s6-supervise writes", () => {
  const hermesDir = node({ uid: 10000, gid: 10000, mode: 0o040700 });
  it("a supervise/ or event/ someone but root owns is reported; root's is not; other roles never are", () => {
    expect(rootWritesInto(`${GW}/supervise`, "supervise", hermesDir)).toEqual({
      path: `${GW}/supervise`,
      detail:
        "directory, uid 10000 gid 10000, mode 0700: s6-supervise, as root, writes status.new, lock and death_tally in it",
    });
    expect(rootWritesInto(`${GW}/event`, "event", hermesDir)?.detail).toContain("writes an event into each FIFO in it");
    expect(rootWritesInto(`${GW}/supervise`, "supervise", supervise)).toBeUndefined();
    expect(rootWritesInto("/run/service/.s6-svscan", "scanner", hermesDir)).toBeUndefined();
    expect(rootWritesInto(`${GW}/supervise`, "supervise", node({ kind: "symlink", uid: 10000 }))).toBeUndefined();
  });
  it("a symlink planted in one is named; anything else is not", () => {
    expect(plantedLink(`${GW}/supervise/status.new`, node({ kind: "symlink", uid: 10000 }))).toEqual({
      path: `${GW}/supervise/status.new`,
      detail: "a symlink of uid 10000: s6-supervise, as root, writes through it",
    });
    expect(plantedLink(`${GW}/supervise/status`, rootsFile)).toBeUndefined();
  });
  it("a PROBLEM with a remedy that keeps control by group, and no ok about root-only", () => {
    const items = [
      { path: `${GW}/supervise/status.new`, detail: "b" },
      { path: `${GW}/supervise`, detail: "a" },
    ];
    const found = supervisionChecks(config, account, tree([], { rootWrites: items }), false);
    expect(found.map((f) => f.status)).toEqual(["ok", "problem"]);
    expect(found[1]).toEqual({
      check: "supervision",
      status: "problem",
      message: "s6-supervise writes as root where hermes can plant a link: a way to act as root",
      remedy:
        "have the boot give group hermes the control surface instead of ownership (`s6-svperms -G hermes -E hermes SERVICE`, what doctor --fix gives), then restart the container, whose boot lays the service directories out anew; doctor --fix does not take them back, since what hermes left in them would stay in root's way",
      items: [items[1], items[0]],
    });
  });
});
