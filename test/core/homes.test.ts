import { describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import { type Homes, homeRemedies, homeVar, homeWarnings } from "../../src/core/homes.ts";
import type { Reach } from "../../src/core/reach.ts";

const config = defaultsFor("hermes");
const at = (dir: string, uid: number, gid: number, mode: number) => ({ dir, uid, gid, mode: 0o040000 | mode });
const runtime = (checks: Homes["checks"]): Homes => ({ who: { uid: 10000, user: "hermes" }, checks });
const home = (reach: Reach, path = "/opt/data", variable: string | null = "HERMES_HOME") => ({ variable, path, reach });

describe("homeVar", () => {
  it("derives from the product name, as the opt-out does", () => {
    expect(homeVar("hermes")).toBe("HERMES_HOME");
    expect(homeVar("my-fork")).toBe("MY_FORK_HOME");
  });
});

describe("homeWarnings on the drop path", () => {
  it("is silent when every home is usable, or none was examined", () => {
    expect(homeWarnings(config, "hermes", runtime([home({ ok: true })]), true)).toBe("");
    expect(homeWarnings(config, "hermes", undefined, true)).toBe("");
  });

  it("a volume owned by a host uid: doctor --fix, the volume's owner, the opt-out", () => {
    const reach: Reach = { ok: false, blocks: "write", missing: false, at: at("/opt/data", 1000, 1000, 0o755) };
    expect(homeWarnings(config, "hermes", runtime([home(reach)]), true)).toBe(
      "hermes: warning: hermes (uid 10000) cannot write HERMES_HOME /opt/data: it is owned by uid 1000 gid 1000, mode 0755, " +
        "so the hermes CLI may fail; as root, run hermes-exec-shim doctor --fix, or run the container as the volume's owner " +
        "(docker run --user 1000:1000), or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root\n",
    );
  });

  it("a root-owned HERMES_HOME elsewhere: chown -R, one line each, the drop HOME named as its home", () => {
    const blocked: Reach = { ok: false, blocks: "write", missing: false, at: at("/srv/h", 0, 0, 0o755) };
    const text = homeWarnings(
      config,
      "hermes",
      runtime([home(blocked, "/srv/h"), home({ ...blocked, at: at("/opt/data", 0, 0, 0o755) }, "/opt/data", null)]),
      true,
    );
    expect(text.split("\n")).toEqual([
      "hermes: warning: hermes (uid 10000) cannot write HERMES_HOME /srv/h: it is owned by uid 0 gid 0, mode 0755, so the hermes CLI may fail; chown -R hermes:hermes /srv/h, or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root",
      "hermes: warning: hermes (uid 10000) cannot write its home /opt/data: it is owned by uid 0 gid 0, mode 0755, so the hermes CLI may fail; as root, run hermes-exec-shim doctor --fix, or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root",
      "",
    ]);
  });

  it("a 0700 parent: move the home where the user can reach it", () => {
    const reach: Reach = { ok: false, blocks: "search", at: at("/root", 0, 0, 0o700) };
    expect(homeWarnings(config, "hermes", runtime([home(reach, "/root/.hermes")]), true)).toBe(
      "hermes: warning: hermes (uid 10000) cannot reach HERMES_HOME /root/.hermes: /root is owned by uid 0 gid 0, mode 0700, " +
        "and not searchable by it, so the hermes CLI may fail; move HERMES_HOME where hermes can reach it (under /opt/data), " +
        "or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root\n",
    );
  });

  it("a home to be created where the user cannot", () => {
    const reach: Reach = { ok: false, blocks: "write", missing: true, at: at("/srv", 0, 0, 0o755) };
    expect(homeWarnings(config, "hermes", runtime([home(reach, "/srv/h")]), true)).toContain(
      "cannot create HERMES_HOME /srv/h: /srv is owned by uid 0 gid 0, mode 0755, so the hermes CLI may fail; mkdir -p /srv/h && chown hermes:hermes /srv/h, or",
    );
  });
});

describe("homeWarnings on the pass-through path", () => {
  it("names the caller's uid, the owner, and who can use the home", () => {
    const reach: Reach = { ok: false, blocks: "write", missing: false, at: at("/opt/data", 10000, 10000, 0o755) };
    const homes: Homes = { who: { uid: 1000 }, runtimeUid: 10000, checks: [home(reach)] };
    expect(homeWarnings(config, "hermes", homes, false)).toBe(
      "hermes: warning: uid 1000 cannot write HERMES_HOME /opt/data: it is owned by uid 10000 gid 10000, mode 0755, so the " +
        "hermes CLI may fail; run it as root (docker exec without --user: the shim drops to hermes), or as hermes (docker exec --user hermes)\n",
    );
  });

  it("adds the owner when it is neither root nor the runtime user", () => {
    const reach: Reach = { ok: false, blocks: "write", missing: false, at: at("/opt/data", 1000, 1000, 0o755) };
    const homes: Homes = { who: { uid: 10000 }, runtimeUid: 10000, checks: [home(reach)] };
    expect(homeWarnings(config, "hermes", homes, false)).toContain(
      ", or as its owner (docker exec --user 1000:1000)\n",
    );
  });

  it("a refusal the permission bits do not explain is named as the kernel gave it", () => {
    const homes: Homes = {
      who: { uid: 1000 },
      checks: [home({ ok: false, blocks: "other", reason: "permission denied" })],
    };
    expect(homeWarnings(config, "hermes", homes, false)).toContain(
      "uid 1000 cannot use HERMES_HOME /opt/data: permission denied, so the hermes CLI may fail; run it as root",
    );
  });
});

describe("a home on a read-only filesystem", () => {
  const readOnly: Reach = { ok: false, blocks: "readonly", dir: "/opt/data", missing: false };
  const remedies =
    "mount /opt/data read-write (no :ro on the volume, readOnly: false in Kubernetes), or point HERMES_HOME at a " +
    "writable volume (docker run -e HERMES_HOME=/data -v NAME:/data)\n";

  it("dropping: the path and the filesystem named, and never the opt-out, since root cannot write there either", () => {
    expect(homeWarnings(config, "hermes", runtime([home(readOnly)]), true)).toBe(
      "hermes: warning: hermes (uid 10000) cannot write HERMES_HOME /opt/data: /opt/data is on a read-only filesystem, " +
        `so the hermes CLI may fail; ${remedies}`,
    );
  });

  it("passing through: the same line for the caller, not 'run it as root'", () => {
    const homes: Homes = { who: { uid: 10000 }, runtimeUid: 10000, checks: [home(readOnly)] };
    expect(homeWarnings(config, "hermes", homes, false)).toBe(
      "hermes: warning: uid 10000 cannot write HERMES_HOME /opt/data: /opt/data is on a read-only filesystem, " +
        `so the hermes CLI may fail; ${remedies}`,
    );
  });

  it("the drop HOME, which no variable moves: a writable volume there", () => {
    expect(homeWarnings(config, "hermes", runtime([home(readOnly, "/opt/data", null)]), true)).toBe(
      "hermes: warning: hermes (uid 10000) cannot write its home /opt/data: /opt/data is on a read-only filesystem, " +
        "so the hermes CLI may fail; mount a writable volume on /opt/data (docker run -v NAME:/opt/data, an emptyDir in Kubernetes)\n",
    );
  });

  it("a home to create under a read-only ancestor names the ancestor", () => {
    const under: Reach = { ok: false, blocks: "readonly", dir: "/srv", missing: true };
    expect(homeWarnings(config, "hermes", runtime([home(under, "/srv/h")]), true)).toContain(
      "cannot create HERMES_HOME /srv/h: /srv is on a read-only filesystem, so the hermes CLI may fail; mount /srv read-write",
    );
  });
});

describe("homeWarnings: unreadable state at a home's top (contract §11)", () => {
  it("names each entry before the home's own line, on the drop path", () => {
    const unreadable = {
      count: 1,
      examples: [{ path: "/opt/data/auth.json", kind: "file" as const, uid: 0, gid: 0, mode: 0o600 }],
      unexamined: [],
    };
    const blocked: Reach = { ok: false, blocks: "write", missing: false, at: at("/opt/data", 0, 0, 0o755) };
    const lines = homeWarnings(config, "hermes", runtime([{ ...home(blocked), unreadable }]), true).split("\n");
    expect(lines[0]).toBe(
      "hermes: warning: hermes (uid 10000) cannot read /opt/data/auth.json (file, uid 0 gid 0, mode 0600), so the hermes CLI may take it as missing and replace it, or fail; as root, run hermes-exec-shim doctor --fix",
    );
    expect(lines[1]).toMatch(/^hermes: warning: hermes \(uid 10000\) cannot write HERMES_HOME \/opt\/data: /);
    expect(lines).toHaveLength(3);
    expect(homeWarnings(config, "hermes", runtime([{ ...home({ ok: true }), unreadable }]), true)).toMatch(
      /^hermes: warning: hermes \(uid 10000\) cannot read \/opt\/data\/auth.json .*\n$/,
    );
    expect(
      homeWarnings(
        config,
        "hermes",
        runtime([{ ...home({ ok: true }), unreadable: { count: 0, examples: [], unexamined: [] } }]),
        true,
      ),
    ).toBe("");
  });
});

describe("homeWarnings for the pod's own arbitrary uid in group 0 (OpenShift's restricted policy)", () => {
  const reach: Reach = { ok: false, blocks: "write", missing: false, at: at("/opt/data", 10000, 10000, 0o755) };
  it("the home given to group 0 with g=u, or a volume the uid can write: never an exec option kubectl lacks", () => {
    const homes: Homes = {
      who: { uid: 12345, groups: [0], containerUid: 12345 },
      runtimeUid: 10000,
      checks: [home(reach)],
    };
    const line = homeWarnings(config, "hermes", homes, false);
    expect(line).toBe(
      "hermes: warning: uid 12345 cannot write HERMES_HOME /opt/data: it is owned by uid 10000 gid 10000, mode 0755, so the " +
        "hermes CLI may fail; give /opt/data to group 0 with the owner's rights, in the image (chgrp -R 0 /opt/data && " +
        "chmod -R g=u /opt/data), or mount a volume there that uid 12345 can write (one it owns, or fsGroup in the pod's securityContext)\n",
    );
    expect(line).not.toContain("docker exec");
  });
  it("the blocking directory is the one named; a home not yet made names itself", () => {
    const parent: Reach = { ok: false, blocks: "write", missing: true, at: at("/srv", 0, 0, 0o755) };
    const homes: Homes = { who: { uid: 12345, groups: [5, 0], containerUid: 12345 }, checks: [home(parent, "/srv/h")] };
    expect(homeWarnings(config, "hermes", homes, false)).toContain("(chgrp -R 0 /srv && chmod -R g=u /srv)");
    const other: Reach = { ok: false, blocks: "other", reason: "an ACL" };
    const acl: Homes = { who: { uid: 12345, groups: [0], containerUid: 12345 }, checks: [home(other, "/srv/h")] };
    expect(homeWarnings(config, "hermes", acl, false)).toContain("(chgrp -R 0 /srv/h && chmod -R g=u /srv/h)");
  });
  it("without group 0, as the runtime user in group 0, or where the container runs as another (docker exec --user 1000 into a root container, whose gid is 0): the engine's remedies as before", () => {
    for (const who of [
      { uid: 12345, groups: [12345], containerUid: 12345 },
      { uid: 10000, groups: [0], containerUid: 10000 },
      { uid: 12345, containerUid: 12345 },
      { uid: 1000, groups: [0], containerUid: 0 },
      { uid: 1000, groups: [0] },
    ]) {
      const homes: Homes = { who, runtimeUid: 10000, checks: [home(reach)] };
      expect(homeWarnings(config, "hermes", homes, false)).toContain("docker exec without --user");
    }
  });
});

describe("homeRemedies and the pass-through's remedies, at their edges", () => {
  it("a usable home needs no remedy", () => {
    expect(homeRemedies(config, home({ ok: true }))).toEqual([]);
  });

  it("passing through, a root-owned node is not offered as an owner to run as", () => {
    const reach: Reach = { ok: false, blocks: "write", missing: false, at: at("/opt/data", 0, 0, 0o755) };
    const homes: Homes = { who: { uid: 1000 }, runtimeUid: 10000, checks: [home(reach)] };
    expect(homeWarnings(config, "hermes", homes, false)).toBe(
      "hermes: warning: uid 1000 cannot write HERMES_HOME /opt/data: it is owned by uid 0 gid 0, mode 0755, so the " +
        "hermes CLI may fail; run it as root (docker exec without --user: the shim drops to hermes), or as hermes (docker exec --user hermes)\n",
    );
  });
});

describe("homeWarnings: a home that could not be examined (contract §13)", () => {
  it("says what failed and that the user may not be able to use it, and the remedy is to look again", () => {
    const failure = { call: "statx", on: "/opt/data", errno: 5, words: "Input/output error" };
    const check = home({ ok: false, blocks: "unexamined", failure });
    expect(homeWarnings(config, "hermes", runtime([check]), true)).toBe(
      "hermes: warning: hermes (uid 10000) may not be able to use HERMES_HOME /opt/data: unable to statx /opt/data: " +
        "Input/output error, so the hermes CLI may fail; look at /opt/data again once the failure is fixed\n",
    );
    expect(homeRemedies(config, check)).toEqual(["look at /opt/data again once the failure is fixed"]);
  });
});
