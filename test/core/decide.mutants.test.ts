/** contract §2's rows where decide.test.ts leaves a line or a refusal unpinned: each asserted whole. */
import { describe, expect, it } from "vitest";
import { bytes } from "../../src/core/bytes.ts";
import { type Command, defaultsFor } from "../../src/core/config.ts";
import { decide, type Facts } from "../../src/core/decide.ts";
import type { Homes } from "../../src/core/homes.ts";
import type { Trust } from "../../src/core/trust.ts";

const config = defaultsFor("hermes");
const [HERMES] = config.commands as [Command];
const trusted: Trust = { ok: true, resolved: "/command/s6-setuidgid" };

function facts(euid: number, over: Partial<Facts> = {}): Facts {
  return {
    command: HERMES,
    euid,
    started: { ruid: euid, rgid: euid, egid: euid, secure: false },
    env: [bytes("PATH=/usr/bin")],
    cli: "ok",
    ...over,
  };
}

describe("root with nothing examined for the drop", () => {
  it("an unexamined helper is not trusted: 126, in words that say so", () => {
    expect(decide(config, facts(0))).toEqual({
      kind: "refuse",
      code: 126,
      message:
        "hermes: will not trust /command/s6-setuidgid: the helper was not examined; refusing to run hermes as root.\n" +
        "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    });
  });
});

describe("the runtime user missing, and the shim's own file replaceable", () => {
  it("the refusal keeps the warning about the shim's file", () => {
    const selfTrust: Trust = { ok: false, missing: false, reason: "/opt/hermes is owned by uid 10000, not root" };
    const asRoot = {
      helperTrust: trusted,
      cliTrust: trusted,
      selfTrust,
      capEff: 0xffn,
      runtimeUser: "absent" as const,
    };
    expect(decide(config, facts(0, { asRoot }))).toMatchObject({
      kind: "refuse",
      code: 126,
      warning:
        "hermes: warning: /opt/hermes is owned by uid 10000, not root: whoever can write there can replace this hermes, which root runs\n",
    });
  });
});

describe("the pass-through's home warning names who can use the home, not the drop's remedies", () => {
  it("a caller that cannot write the home owned by the runtime user", () => {
    const homes: Homes = {
      who: { uid: 1000 },
      runtimeUid: 10000,
      checks: [
        {
          variable: "HERMES_HOME",
          path: "/opt/data",
          reach: {
            ok: false,
            blocks: "write",
            missing: false,
            at: { dir: "/opt/data", uid: 10000, gid: 10000, mode: 0o040755 },
          },
        },
      ],
    };
    expect(decide(config, facts(1000, { homes }))).toEqual({
      kind: "exec",
      path: HERMES.target,
      prefix: [HERMES.target],
      warning:
        "hermes: warning: uid 1000 cannot write HERMES_HOME /opt/data: it is owned by uid 10000 gid 10000, mode 0755, so the " +
        "hermes CLI may fail; run it as root (docker exec without --user: the shim drops to hermes), or as hermes (docker exec --user hermes)\n",
    });
  });
});
