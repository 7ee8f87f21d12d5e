import { describe, expect, it } from "vitest";
import { repair } from "../../../src/admin/core/controlSurface.ts";
import type { NodeStat } from "../../../src/core/node.ts";
import { account, nodeMaker } from "./fixtures.ts";

const node = nodeMaker({ kind: "dir", mode: 0o040700, nlink: 2 });
const fifo = (mode: number, over: Partial<NodeStat> = {}) =>
  node({ kind: "other", mode: 0o010000 | mode, nlink: 1, ...over });

describe("repair: what --fix gives the runtime user, as s6-svperms -G and -E would", () => {
  it("as s6-supervise and s6-svscan make them: group search on the directories, group write on the FIFOs", () => {
    expect(repair("supervise", node({}), account)).toEqual({ kind: "change", gid: 10000, mode: 0o710 });
    expect(repair("scanner", node({}), account)).toEqual({ kind: "change", gid: 10000, mode: 0o710 });
    expect(repair("control", fifo(0o600), account)).toEqual({ kind: "change", gid: 10000, mode: 0o620 });
    expect(repair("scanner-control", fifo(0o600), account)).toEqual({ kind: "change", gid: 10000, mode: 0o620 });
    // s6's restricted fifodir: its group subscribes, setgid keeps the group, sticky keeps others' FIFOs.
    expect(repair("event", node({ mode: 0o043730 }), account)).toEqual({ kind: "change", gid: 10000, mode: 0o3730 });
  });

  it("keeps what others may do, and takes nothing from the owner", () => {
    expect(repair("supervise", node({ mode: 0o040704 }), account)).toEqual({ kind: "change", gid: 10000, mode: 0o714 });
    expect(repair("supervise", node({ mode: 0o040770, gid: 5 }), account)).toEqual({
      kind: "change",
      gid: 10000,
      mode: 0o710,
    });
  });

  it("changes nothing the runtime user can already use: a second --fix is a no-op", () => {
    for (const [role, n] of [
      ["supervise", node({ gid: 10000, mode: 0o040710 })],
      ["supervise", node({ mode: 0o040711 })],
      ["supervise", node({ uid: 10000 })],
      ["control", fifo(0o620, { gid: 10000 })],
      ["event", node({ gid: 10000, mode: 0o043730 })],
      ["event", node({ mode: 0o041733 })],
      ["status", node({ kind: "file", mode: 0o100644 })],
      ["path", node({ mode: 0o040755 })],
    ] as const)
      expect(repair(role, n, account), role).toEqual({ kind: "none" });
  });

  it("never touches a directory on the way or the status file, which s6-supervise rewrites", () => {
    expect(repair("path", node({ mode: 0o040700 }), account)).toMatchObject({ kind: "refused" });
    expect(repair("status", node({ kind: "file", mode: 0o100600 }), account)).toMatchObject({ kind: "refused" });
  });

  it("leaves alone what s6 did not make: another owner, another kind, another name", () => {
    expect(repair("supervise", node({ uid: 1000 }), account)).toEqual({
      kind: "refused",
      reason: "owned by uid 1000, not root as s6 makes it: left alone",
    });
    expect(repair("control", node({ kind: "file", mode: 0o100600, nlink: 1 }), account)).toEqual({
      kind: "refused",
      reason: "not a FIFO, as s6 makes it: left alone",
    });
    // A device node: group write would hand over the device.
    expect(repair("control", node({ kind: "other", mode: 0o020600, nlink: 1 }), account)).toMatchObject({
      kind: "refused",
    });
    expect(repair("event", fifo(0o600), account)).toMatchObject({
      reason: "not a directory, as s6 makes it: left alone",
    });
    expect(repair("control", fifo(0o600, { nlink: 2 }), account)).toEqual({
      kind: "refused",
      reason: "it has other hard links: left alone",
    });
  });
});
