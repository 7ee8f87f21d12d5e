/** contract §11 on the pure decision: the drop gives the CLI the groups the container runtime granted. */
import { describe, expect, it } from "vitest";
import { bytes } from "../../src/core/bytes.ts";
import { type Command, defaultsFor } from "../../src/core/config.ts";
import { decide, type Facts } from "../../src/core/decide.ts";
import type { DropGroup } from "../../src/core/groups.ts";
import type { Trust } from "../../src/core/trust.ts";

const config = defaultsFor("hermes");
const [HERMES] = config.commands as [Command];
const trusted: Trust = { ok: true, resolved: "/command/s6-setuidgid" };
const own: DropGroup[] = [{ gid: 10000, origin: "primary" }];
const granted: DropGroup[] = [...own, { gid: 4242, origin: "granted" }, { gid: 2000, origin: "granted" }];

function facts(drop: NonNullable<Facts["asRoot"]>["drop"], euid = 0): Facts {
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
    },
  };
}

const plainDrop = {
  kind: "exec",
  path: "/command/s6-setuidgid",
  prefix: ["/command/s6-setuidgid", "hermes", HERMES.target],
  setEnv: { name: "HOME", value: "/opt/data" },
  umask: 0o002,
};

describe("the drop's groups", () => {
  it("nothing granted: exactly s6-setuidgid USER, and the groups helper is never looked at", () => {
    expect(decide(config, facts({ uid: 10000, gid: 10000, groups: own }))).toEqual(plainDrop);
    const member: DropGroup[] = [...own, { gid: 999, origin: "member" }];
    expect(decide(config, facts({ uid: 10000, gid: 10000, groups: member }))).toEqual(plainDrop);
    expect(decide(config, facts(undefined))).toEqual(plainDrop);
    // Even a trusted one: it runs only to add a group.
    const groupsHelperTrust: Trust = { ok: true, resolved: "/command/s6-applyuidgid" };
    expect(decide(config, facts({ uid: 10000, gid: 10000, groups: own, groupsHelperTrust }))).toEqual(plainDrop);
  });

  it("granted groups: s6-applyuidgid with the uid, the primary gid and every group, the runtime user's first", () => {
    const groupsHelperTrust: Trust = { ok: true, resolved: "/command/s6-applyuidgid" };
    expect(decide(config, facts({ uid: 10000, gid: 10000, groups: granted, groupsHelperTrust }))).toEqual({
      ...plainDrop,
      path: "/command/s6-applyuidgid",
      prefix: [...["/command/s6-applyuidgid", "-u", "10000", "-g", "10000", "-G", "10000,4242,2000"], HERMES.target],
    });
  });

  it("a groups helper someone else could replace is refused like the helper: 126, nothing run", () => {
    const groupsHelperTrust: Trust = {
      ok: false,
      missing: false,
      reason: "/command is writable by others (mode 0777)",
    };
    expect(decide(config, facts({ uid: 10000, gid: 10000, groups: granted, groupsHelperTrust }))).toEqual({
      kind: "refuse",
      code: 126,
      message:
        "hermes: will not trust /command/s6-applyuidgid: /command is writable by others (mode 0777); refusing to run hermes as root.\n" +
        "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    });
  });

  it("without a groups helper the drop still works, without the granted groups, and says so", () => {
    const groupsHelperTrust: Trust = { ok: false, missing: true, reason: "/command/s6-applyuidgid does not exist" };
    expect(decide(config, facts({ uid: 10000, gid: 10000, groups: granted, groupsHelperTrust }))).toEqual({
      ...plainDrop,
      warning:
        "hermes: warning: cannot use /command/s6-applyuidgid (/command/s6-applyuidgid does not exist), so hermes runs as hermes without the groups the container runtime granted (4242, 2000); install s6-applyuidgid at /command/s6-applyuidgid (s6-overlay has it), or rebuild the shim with --groups-helper PATH\n",
    });
  });

  it("a groups helper not examined is not trusted: 126, as for the helper", () => {
    expect(decide(config, facts({ uid: 10000, gid: 10000, groups: granted }))).toMatchObject({
      kind: "refuse",
      code: 126,
      message: expect.stringContaining("will not trust /command/s6-applyuidgid: the helper was not examined"),
    });
  });

  it("the pass-through never changes groups", () => {
    expect(decide(config, facts({ uid: 10000, gid: 10000, groups: granted }, 10000))).toEqual({
      kind: "exec",
      path: HERMES.target,
      prefix: [HERMES.target],
    });
  });
});
