/**
 * contract §11 on the pure decision: where the runtime user is in /etc/passwd, the drop is one exec of
 * s6-applyuidgid with the ids the shim read, every group of the drop on -G; s6-setuidgid (the helper) only for a
 * user known through NSS alone, or where there is no groups helper; never uid 0.
 */
import { describe, expect, it } from "vitest";
import { bytes } from "../../src/core/bytes.ts";
import { type Command, defaultsFor } from "../../src/core/config.ts";
import { decide, type Facts } from "../../src/core/decide.ts";
import type { DropGroup } from "../../src/core/groups.ts";
import type { Trust } from "../../src/core/trust.ts";

const config = defaultsFor("hermes");
const [HERMES] = config.commands as [Command];
const trusted: Trust = { ok: true, resolved: "/command/s6-setuidgid" };
const groupsTrusted: Trust = { ok: true, resolved: "/command/s6-applyuidgid" };
const groupsMissing: Trust = { ok: false, missing: true, reason: "/command/s6-applyuidgid does not exist" };
const groupsWritable: Trust = { ok: false, missing: false, reason: "/command is writable by others (mode 0777)" };
const helperMissing: Trust = { ok: false, missing: true, reason: "/command/s6-setuidgid does not exist" };
const own: DropGroup[] = [{ gid: 10000, origin: "primary" }];
const granted: DropGroup[] = [...own, { gid: 4242, origin: "granted" }, { gid: 2000, origin: "granted" }];
type Drop = NonNullable<NonNullable<Facts["asRoot"]>["drop"]>;
const hermes = (over: Partial<Drop> = {}): Drop => ({
  uid: 10000,
  gid: 10000,
  groups: own,
  groupsHelperTrust: groupsTrusted,
  ...over,
});

function facts(drop: Drop | undefined, euid = 0, over: Partial<NonNullable<Facts["asRoot"]>> = {}): Facts {
  return {
    command: HERMES,
    euid,
    started: { ruid: euid, rgid: euid, egid: euid, secure: false },
    env: [bytes("PATH=/usr/bin")],
    cli: "ok",
    asRoot: {
      helperTrust: trusted,
      cliTrust: trusted,
      selfTrust: trusted,
      capEff: 0x1ffffffffffn,
      ...(drop ? { drop } : {}),
      ...over,
    },
  };
}

const helperDrop = {
  kind: "exec",
  path: "/command/s6-setuidgid",
  prefix: ["/command/s6-setuidgid", "hermes", HERMES.target],
  setEnv: { name: "HOME", value: "/opt/data" },
  umask: 0o002,
};
const direct = (uid: string, gid: string, list: string) => ({
  ...helperDrop,
  path: "/command/s6-applyuidgid",
  prefix: ["/command/s6-applyuidgid", "-u", uid, "-g", gid, "-G", list, HERMES.target],
});
const REMEDY =
  "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n";

describe("the drop to a user in /etc/passwd: one exec of s6-applyuidgid with the ids the shim read", () => {
  it("nothing granted: still s6-applyuidgid, with the runtime user's own groups", () => {
    expect(decide(config, facts(hermes()))).toEqual(direct("10000", "10000", "10000"));
    const member: DropGroup[] = [...own, { gid: 999, origin: "member" }];
    expect(decide(config, facts(hermes({ groups: member })))).toEqual(direct("10000", "10000", "10000,999"));
  });

  it("granted groups: every group of the drop, the runtime user's own first", () => {
    expect(decide(config, facts(hermes({ groups: granted })))).toEqual(direct("10000", "10000", "10000,4242,2000"));
  });

  it("the ids are the ones read, not the configuration's user name or defaults", () => {
    const groups: DropGroup[] = [{ gid: 4000, origin: "primary" }];
    expect(decide(config, facts(hermes({ uid: 3000, gid: 4000, groups })))).toEqual(direct("3000", "4000", "4000"));
  });

  it("the helper is not run, so its trust does not matter: missing or rewritable, the drop is the same", () => {
    expect(decide(config, facts(hermes(), 0, { helperTrust: helperMissing }))).toEqual(
      direct("10000", "10000", "10000"),
    );
    const rewritable: Trust = {
      ok: false,
      missing: false,
      reason: "/command/s6-setuidgid is owned by uid 10000, not root",
    };
    expect(decide(config, facts(hermes(), 0, { helperTrust: rewritable }))).toEqual(direct("10000", "10000", "10000"));
  });

  it("a user known through NSS alone (no /etc/passwd row): s6-setuidgid USER, which looks the name up", () => {
    expect(decide(config, facts(undefined))).toEqual(helperDrop);
  });

  it("a runtime user whose own primary group is 0 (OpenShift-style) drops with it", () => {
    const groups: DropGroup[] = [
      { gid: 0, origin: "primary" },
      { gid: 4242, origin: "granted" },
    ];
    expect(decide(config, facts(hermes({ gid: 0, groups })))).toEqual(direct("10000", "0", "0,4242"));
  });
});

describe("a runtime user whose uid is 0 is root: refused, nothing run", () => {
  const message =
    "hermes: cannot drop to hermes: hermes has uid 0 in /etc/passwd, which is root; refusing to run hermes as root.\n" +
    "hermes: give hermes a uid other than 0 in the image, rebuild the shim with --user NAME for a user that is not root, " +
    "or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n";

  it("126 naming the user, its uid and the remedies, whichever program would have run", () => {
    for (const groupsHelperTrust of [groupsTrusted, groupsMissing, groupsWritable]) {
      const plan = decide(
        config,
        facts(hermes({ uid: 0, gid: 0, groups: [{ gid: 0, origin: "primary" }], groupsHelperTrust })),
      );
      expect(plan).toEqual({ kind: "refuse", code: 126, message });
    }
    expect(decide(config, facts(hermes({ uid: 0 }), 0, { helperTrust: helperMissing }))).toEqual({
      kind: "refuse",
      code: 126,
      message,
    });
  });

  it("only uid 0: uid 1 drops", () => {
    expect(decide(config, facts(hermes({ uid: 1 })))).toEqual(direct("1", "10000", "10000"));
  });

  it("the opt-out still keeps root on purpose", () => {
    const f = facts(hermes({ uid: 0 }));
    f.env = [...f.env, bytes("HERMES_DOCKER_EXEC_AS_ROOT=1")];
    expect(decide(config, f)).toEqual({ kind: "exec", path: HERMES.target, prefix: [HERMES.target] });
  });
});

describe("the groups helper's trust", () => {
  it("one someone else could replace is refused like the helper: 126, nothing run, no fall-back", () => {
    const expected = {
      kind: "refuse",
      code: 126,
      message:
        "hermes: will not trust /command/s6-applyuidgid: /command is writable by others (mode 0777); refusing to run hermes as root.\n" +
        REMEDY,
    };
    expect(decide(config, facts(hermes({ groupsHelperTrust: groupsWritable })))).toEqual(expected);
    expect(decide(config, facts(hermes({ groups: granted, groupsHelperTrust: groupsWritable })))).toEqual(expected);
  });

  it("one not examined is not trusted: 126, as for the helper", () => {
    const { groupsHelperTrust: _, ...unexamined } = hermes();
    expect(decide(config, facts(unexamined))).toMatchObject({
      kind: "refuse",
      code: 126,
      message: expect.stringContaining("will not trust /command/s6-applyuidgid: the helper was not examined"),
    });
  });

  it("missing, nothing granted: the drop goes through the helper, and nothing is said", () => {
    expect(decide(config, facts(hermes({ groupsHelperTrust: groupsMissing })))).toEqual(helperDrop);
  });

  it("missing, groups granted: through the helper, without the granted groups, and says so", () => {
    expect(decide(config, facts(hermes({ groups: granted, groupsHelperTrust: groupsMissing })))).toEqual({
      ...helperDrop,
      warning:
        "hermes: warning: cannot use /command/s6-applyuidgid (/command/s6-applyuidgid does not exist), so hermes runs as hermes without the groups the container runtime granted (4242, 2000); install s6-applyuidgid at /command/s6-applyuidgid (s6-overlay has it), or rebuild the shim with --groups-helper PATH\n",
    });
  });

  it("missing, and the helper missing too: 126 naming both, or the one place both are missing from once", () => {
    expect(
      decide(config, facts(hermes({ groupsHelperTrust: groupsMissing }), 0, { helperTrust: helperMissing })),
    ).toEqual({
      kind: "refuse",
      code: 126,
      message:
        "hermes: cannot drop to hermes: /command/s6-applyuidgid does not exist, and /command/s6-setuidgid does not exist; " +
        `refusing to run hermes as root.\n${REMEDY}`,
    });
    const gone: Trust = { ok: false, missing: true, reason: "/command does not exist" };
    expect(decide(config, facts(hermes({ groupsHelperTrust: gone }), 0, { helperTrust: gone }))).toEqual({
      kind: "refuse",
      code: 126,
      message: `hermes: cannot drop to hermes: /command does not exist; refusing to run hermes as root.\n${REMEDY}`,
    });
  });

  it("missing, and the helper rewritable: the helper is refused as today", () => {
    const rewritable: Trust = {
      ok: false,
      missing: false,
      reason: "/command/s6-setuidgid is owned by uid 10000, not root",
    };
    expect(decide(config, facts(hermes({ groupsHelperTrust: groupsMissing }), 0, { helperTrust: rewritable }))).toEqual(
      {
        kind: "refuse",
        code: 126,
        message:
          "hermes: will not trust /command/s6-setuidgid: /command/s6-setuidgid is owned by uid 10000, not root; " +
          `refusing to run hermes as root.\n${REMEDY}`,
      },
    );
  });
});

it("the pass-through never changes groups", () => {
  expect(decide(config, facts(hermes({ groups: granted }), 10000))).toEqual({
    kind: "exec",
    path: HERMES.target,
    prefix: [HERMES.target],
  });
});
