import { describe, expect, it } from "vitest";
import { repair } from "../../../src/admin/core/controlSurface.ts";
import { type SurfaceNode, supervisionChecks, type TreeFacts } from "../../../src/admin/core/supervision.ts";
import { defaultsFor } from "../../../src/core/config.ts";
import type { NodeStat } from "../../../src/core/node.ts";
import { account, nodeMaker } from "./fixtures.ts";

const config = defaultsFor("hermes");
const node = nodeMaker({ kind: "dir", mode: 0o040755, nlink: 2 });
const supervise = node({ mode: 0o040700 });
const control = node({ kind: "other", mode: 0o010600, nlink: 1 });

/** A surface node as the gathering reports it, with --fix or without. */
const seen = (path: string, role: SurfaceNode["role"], n: NodeStat | undefined, changed = false): SurfaceNode => ({
  path,
  role,
  ...(n ? { node: n, repair: repair(role, n, account) } : {}),
  changed,
});
const tree = (surface: SurfaceNode[], over: Partial<TreeFacts> = {}): TreeFacts => ({
  scanDir: "/run/service",
  services: ["/run/service/gateway"],
  doors: [],
  unreached: [],
  surface,
  ...over,
});

describe("supervisionChecks", () => {
  it("a tree as s6 leaves it: each closed node with owner, mode and what fails, and --fix as the remedy", () => {
    const facts = tree([
      seen("/", "path", node({})),
      seen("/run/service", "path", node({})),
      seen("/run/service/gateway/supervise", "supervise", supervise),
      seen("/run/service/gateway/supervise/control", "control", control),
      seen("/run/service/gateway/supervise/status", "status", node({ kind: "file", mode: 0o100644, nlink: 1 })),
    ]);
    const [closed, doors] = supervisionChecks(config, account, facts, false);
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
    expect(doors).toMatchObject({ status: "ok", message: expect.stringContaining("root's alone") });
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
    const closedDir = node({ mode: 0o040700 });
    const facts = tree([
      seen("/srv", "path", closedDir),
      seen("/srv", "path", closedDir),
      seen("/run/service/gateway/supervise/status", "status", node({ kind: "file", mode: 0o100600, nlink: 1 })),
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

  it("anyone but root able to change what s6 runs as root: a door to root, with the fix that keeps it shut", () => {
    const doors = [{ path: "/run/service", detail: "/run/service is owned by uid 10000, not root" }];
    const unreached = [{ path: "/run/service/gateway", detail: "/run/service is owned by uid 10000, not root" }];
    const found = supervisionChecks(config, account, tree([], { doors, unreached }), true);
    expect(found.map((f) => f.status)).toEqual(["ok", "problem", "note"]);
    expect(found[1]).toEqual({
      check: "supervision",
      status: "problem",
      message: "s6 runs what is under /run/service as root, and someone but root can change it: a door to root",
      remedy:
        "keep /run/service, every service directory and its run and finish scripts root's alone (chown root:root, chmod go-w); register services at runtime through something root runs, never by letting hermes write to /run/service; doctor --fix changes none of this",
      items: doors,
    });
    expect(found[2]).toMatchObject({ items: unreached });
  });
});
