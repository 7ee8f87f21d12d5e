import { describe, expect, it } from "vitest";
import { homeReachChecks } from "../../../src/admin/core/homeReach.ts";
import { defaultsFor } from "../../../src/core/config.ts";
import type { HomeCheck, Homes } from "../../../src/core/homes.ts";
import type { Reach } from "../../../src/core/reach.ts";

const config = defaultsFor("hermes");
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
