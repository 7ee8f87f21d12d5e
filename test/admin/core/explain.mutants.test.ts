/** explain's facts and plan as an operator reads them, every line of each, for a drop, a pass-through and a refusal. */
import { describe, expect, it } from "vitest";
import { explainReport, explainText } from "../../../src/admin/core/explain.ts";
import { bytes } from "../../../src/core/bytes.ts";
import { type Command, defaultsFor } from "../../../src/core/config.ts";
import { decide, type Facts } from "../../../src/core/decide.ts";
import type { HomeCheck } from "../../../src/core/homes.ts";
import type { Trust } from "../../../src/core/trust.ts";

const config = defaultsFor("hermes");
const [HERMES] = config.commands as [Command];
const TRUSTED: Trust = { ok: true, resolved: "/command/s6-setuidgid" };
const ownHome: HomeCheck = { variable: null, path: "/opt/data", reach: { ok: true } };
const rootsHome: HomeCheck = {
  variable: "HERMES_HOME",
  path: "/srv/h",
  reach: { ok: false, blocks: "write", missing: false, at: { dir: "/srv/h", uid: 0, gid: 0, mode: 0o040755 } },
};
const root: Facts = {
  command: HERMES,
  euid: 0,
  started: { ruid: 0, rgid: 0, egid: 0, secure: false },
  env: [],
  cli: "ok",
  asRoot: {
    helperTrust: TRUSTED,
    cliTrust: { ok: true, resolved: HERMES.target },
    selfTrust: TRUSTED,
    capEff: 0xffn,
    terminal: { kind: "none" },
  },
  homes: { who: { uid: 10000, user: "hermes" }, checks: [ownHome, rootsHome] },
};

/** The facts and the plan: everything above the baked configuration, which configRows.test.ts pins. */
function factsAndPlan(facts: Facts): string {
  const text = explainText(config, explainReport(config, facts, decide(config, facts), ["auth"]));
  return text.slice(0, text.indexOf("configuration (baked in at build time)"));
}

const HEAD = "hermes-exec-shim explain: what `hermes auth` would do here. Nothing was run.\n\nfacts\n";

describe("explainText, line by line", () => {
  it("root, dropping, with one home usable and one root's", () => {
    expect(factsAndPlan(root)).toBe(
      HEAD +
        "  command        hermes, whose CLI is /opt/hermes/.venv/bin/hermes\n" +
        "  effective uid  0 (root)\n" +
        "  CLI            /opt/hermes/.venv/bin/hermes exists and is executable\n" +
        "  CLI as root    trusted (resolves to /opt/hermes/.venv/bin/hermes) (only the opt-out runs it as root)\n" +
        "  opt-out        HERMES_DOCKER_EXEC_AS_ROOT is not set: no opt-out\n" +
        "  helper         /command/s6-setuidgid trusted (resolves to /command/s6-setuidgid)\n" +
        "  home           hermes (uid 10000) can reach and write its home /opt/data\n" +
        "  home           hermes (uid 10000) cannot write HERMES_HOME /srv/h: it is owned by uid 0 gid 0, mode 0755\n" +
        "  terminal       none\n" +
        "\n" +
        "plan: drop to hermes through /command/s6-setuidgid\n" +
        "  execve       /command/s6-setuidgid\n" +
        '  argv         "/command/s6-setuidgid" "hermes" "/opt/hermes/.venv/bin/hermes" "auth"\n' +
        "  environment  HOME=/opt/data, the rest as given\n" +
        "  umask        0002\n" +
        "  warning: hermes: warning: hermes (uid 10000) cannot write HERMES_HOME /srv/h: it is owned by uid 0 gid 0, " +
        "mode 0755, so the hermes CLI may fail; chown -R hermes:hermes /srv/h, or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root\n" +
        "\n",
    );
  });

  it("another user, with an opt-out that does not count and would not matter", () => {
    const user: Facts = {
      command: HERMES,
      euid: 1000,
      started: { ruid: 1000, rgid: 1000, egid: 1000, secure: false },
      env: [bytes("HERMES_DOCKER_EXEC_AS_ROOT=0")],
      cli: "ok",
    };
    expect(factsAndPlan(user)).toBe(
      HEAD +
        "  command        hermes, whose CLI is /opt/hermes/.venv/bin/hermes\n" +
        "  effective uid  1000 (not root: the shim passes straight through)\n" +
        "  CLI            /opt/hermes/.venv/bin/hermes exists and is executable\n" +
        '  opt-out        HERMES_DOCKER_EXEC_AS_ROOT is "0": does not opt out (only 1, true or yes do, in any case) (matters only for root)\n' +
        "  helper         /command/s6-setuidgid not examined: the shim looks at it only as root\n" +
        "  terminal       not examined: only root's drop relays a terminal\n" +
        "\n" +
        "plan: pass straight through as uid 1000\n" +
        "  execve       /opt/hermes/.venv/bin/hermes\n" +
        '  argv         "/opt/hermes/.venv/bin/hermes" "auth"\n' +
        "  environment  as given\n" +
        "  umask        as given\n" +
        "\n",
    );
  });

  it("root without the capabilities to drop: the refusal's two lines, indented under the plan", () => {
    const refused: Facts = { ...root, asRoot: { ...(root.asRoot as NonNullable<Facts["asRoot"]>), capEff: 0n } };
    delete refused.homes;
    expect(factsAndPlan(refused)).toBe(
      HEAD +
        "  command        hermes, whose CLI is /opt/hermes/.venv/bin/hermes\n" +
        "  effective uid  0 (root)\n" +
        "  CLI            /opt/hermes/.venv/bin/hermes exists and is executable\n" +
        "  CLI as root    trusted (resolves to /opt/hermes/.venv/bin/hermes) (only the opt-out runs it as root)\n" +
        "  opt-out        HERMES_DOCKER_EXEC_AS_ROOT is not set: no opt-out\n" +
        "  helper         /command/s6-setuidgid trusted (resolves to /command/s6-setuidgid)\n" +
        "  terminal       none\n" +
        "\n" +
        "plan: refuse, exit 126, with this on stderr:\n" +
        "    hermes: cannot drop to hermes: root here lacks CAP_SETUID and CAP_SETGID (the container runs with capabilities " +
        "dropped); refusing to run hermes as root.\n" +
        "    hermes: run it as hermes (docker exec --user hermes …), give the container --cap-add SETUID --cap-add SETGID, " +
        "or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n" +
        "\n",
    );
  });
});

describe("explainReport's homes", () => {
  it("each home with whether it is usable and the line explain prints", () => {
    expect(explainReport(config, root, decide(config, root), []).facts.homes).toEqual({
      runsAs: "hermes (uid 10000)",
      checks: [
        {
          variable: null,
          path: "/opt/data",
          usable: true,
          text: "hermes (uid 10000) can reach and write its home /opt/data",
          unreadable: null,
        },
        {
          variable: "HERMES_HOME",
          path: "/srv/h",
          usable: false,
          text: "hermes (uid 10000) cannot write HERMES_HOME /srv/h: it is owned by uid 0 gid 0, mode 0755",
          unreadable: null,
        },
      ],
    });
  });
});

describe("explainText: a helper root cannot trust", () => {
  it("says why on the helper's line", () => {
    const missing: Trust = { ok: false, missing: true, reason: "/command/s6-setuidgid does not exist" };
    const facts: Facts = {
      ...root,
      asRoot: { ...(root.asRoot as NonNullable<Facts["asRoot"]>), helperTrust: missing },
    };
    expect(factsAndPlan(facts)).toContain(
      "  helper         /command/s6-setuidgid not trusted: /command/s6-setuidgid does not exist\n",
    );
  });
});
