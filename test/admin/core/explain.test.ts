/** explain's facts and plan as an operator reads them: what each caller would get, and why. */
import { describe, expect, it } from "vitest";
import { explainReport, explainText } from "../../../src/admin/core/explain.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";
import { BOOT_ENV_DIR, type BootFacts, type BootFile } from "../../../src/core/bootEnv.ts";
import { bytes } from "../../../src/core/bytes.ts";
import { isBlank } from "../../../src/core/cliHome.ts";
import type { Command } from "../../../src/core/config.ts";
import type { Drop } from "../../../src/core/decide.ts";
import type { Failure } from "../../../src/core/failure.ts";
import type { HomeCheck } from "../../../src/core/homes.ts";
import { gathered } from "../../../src/core/lazy.ts";
import type { Terminal } from "../../../src/core/terminal.ts";
import type { Trust } from "../../../src/core/trust.ts";
import type { Unreadable } from "../../../src/core/unreadable.ts";
import { bootFile, type Given, type GivenRoot, planOf } from "../../core/given.ts";
import { failureOf } from "./fixtures.ts";

const config = defaultsFor("hermes");
const [HERMES, AGENT] = config.commands as [Command, Command];
const TRUSTED: Trust = { ok: true, resolved: "/command/s6-setuidgid" };
const CLI_TRUSTED: Trust = { ok: true, resolved: HERMES.target };

function explain(given: Given, args: string[] = ["auth", "list"]) {
  const { plan, facts, root } = planOf(config, given);
  const report = explainReport(config, facts, root, plan, args);
  return { report, text: explainText(config, report) };
}

const SELF: Trust = { ok: true, resolved: "/opt/hermes/bin/hermes" };
const ALL_CAPS = 0x1ffffffffffn;
type AsRoot = GivenRoot;
/** Root's facts as a test states them: root's own, and its drop facts, given as values. */
type RootsGiven = Partial<AsRoot> & {
  terminal?: Terminal | Failure;
  drop?: Drop | Failure;
};

/** Root, with every root fact trusted unless `over` says otherwise. */
const root = (env: string[] = [], over: RootsGiven = {}): Given => {
  return {
    command: HERMES,
    euid: 0,
    started: { ruid: 0, rgid: 0, egid: 0, secure: false },
    env: env.map(bytes),
    cli: "ok",
    asRoot: {
      helperTrust: TRUSTED,
      cliTrust: CLI_TRUSTED,
      selfTrust: SELF,
      capEff: ALL_CAPS,
      ...over,
    },
  };
};

/** A caller that is not root: no root facts are gathered. */
const user = (cli: Given["cli"] = "ok", env: string[] = [], euid = 10000): Given => ({
  command: HERMES,
  euid,
  started: { ruid: euid, rgid: euid, egid: euid, secure: false },
  env: env.map(bytes),
  cli,
});

describe("explain", () => {
  it("root, no opt-out: drops through the helper with HOME and umask", () => {
    const { report, text } = explain(root(["HOME=/root"]));
    expect(report.plan).toEqual({
      kind: "exec",
      way: "drop-name",
      path: "/command/s6-setuidgid",
      argv: ["/command/s6-setuidgid", "hermes", "/opt/hermes/.venv/bin/hermes", "auth", "list"],
      setEnv: { HOME: "/opt/data", USER: "hermes", LOGNAME: "hermes" },
      changes: [
        { name: "HOME", value: "/opt/data", why: "hermes's home (the build's --home)" },
        { name: "USER", value: "hermes", why: "the user the CLI runs as, as su and runuser set it" },
        { name: "LOGNAME", value: "hermes", why: "the user the CLI runs as, as su and runuser set it" },
      ],
      umask: "0002",
      relay: null,
      warning: null,
    });
    expect(report.facts.helper).toEqual({
      path: "/command/s6-setuidgid",
      trust: { trusted: true, resolved: "/command/s6-setuidgid" },
    });
    expect(text).toContain("what `hermes auth list` would do here. Nothing was run.");
    expect(text).toContain("plan: drop to hermes through /command/s6-setuidgid\n");
    expect(text).toContain(
      'argv         "/command/s6-setuidgid" "hermes" "/opt/hermes/.venv/bin/hermes" "auth" "list"\n',
    );
    expect(text).toContain("environment  HOME=/opt/data USER=hermes LOGNAME=hermes, the rest as given\n");
    expect(text).toContain("    USER       the user the CLI runs as, as su and runuser set it\n");
    expect(text).toContain("HERMES_DOCKER_EXEC_AS_ROOT is not set: no opt-out\n");
  });

  it("non-root: passes through, helper not examined, environment as given", () => {
    const { report, text } = explain(user());
    expect(report.plan).toMatchObject({ kind: "exec", path: HERMES.target, setEnv: {}, umask: null });
    expect(report.facts.helper.trust).toBeNull();
    expect(text).toContain("10000 (not root: the shim passes straight through)");
    expect(text).toContain("plan: pass straight through as uid 10000\n");
    expect(text).toContain("not examined: the shim looks at it only as root");
  });

  it("opt-out: keeps root, and says which value counted", () => {
    const { report, text } = explain(root(["HERMES_DOCKER_EXEC_AS_ROOT=Yes"]));
    expect(report.facts.optOut).toEqual({ variable: "HERMES_DOCKER_EXEC_AS_ROOT", values: ["Yes"], counts: true });
    expect(report.plan).toMatchObject({ kind: "exec", path: HERMES.target, argv: [HERMES.target, "auth", "list"] });
    expect(text).toContain('HERMES_DOCKER_EXEC_AS_ROOT is "Yes": opts out: keeps root\n');
    expect(text).toContain("plan: run the CLI as root\n");
  });

  it("a value that does not count is shown as such, duplicates included", () => {
    const { report, text } = explain(root(["HERMES_DOCKER_EXEC_AS_ROOT=1", "HERMES_DOCKER_EXEC_AS_ROOT= 1"]));
    expect(report.facts.optOut.counts).toBe(false);
    expect(report.plan).toMatchObject({ path: "/command/s6-setuidgid" });
    expect(text).toContain('is set 2 times ("1", " 1"): does not opt out (only 1, true or yes do, in any case)');
  });

  it("missing helper: refusal 126 with the shim's own message", () => {
    const missing: Trust = { ok: false, missing: true, reason: "/command/s6-setuidgid does not exist" };
    const { report, text } = explain(root([], { helperTrust: missing }));
    expect(report.plan).toMatchObject({ kind: "refuse", code: 126 });
    expect(report.facts.helper.trust).toEqual({
      trusted: false,
      missing: true,
      reason: "/command/s6-setuidgid does not exist",
    });
    expect(text).toContain("plan: refuse, exit 126, with this on stderr:\n    hermes: cannot drop to hermes");
    expect(text).toContain(
      "  helper         /command/s6-setuidgid not trusted: /command/s6-setuidgid does not exist\n",
    );
  });

  it("missing CLI: refusal 127", () => {
    const { report, text } = explain(user("missing"));
    expect(report.plan).toEqual({
      kind: "refuse",
      code: 127,
      message: "hermes: cannot run the hermes CLI at /opt/hermes/.venv/bin/hermes: it does not exist\n",
    });
    expect(text).toContain("CLI            /opt/hermes/.venv/bin/hermes does not exist\n");
  });

  it("opt-out with a CLI root should not trust: the warning is part of the plan", () => {
    const weak: Trust = { ok: false, missing: false, reason: "/opt/hermes/.venv is owned by uid 10000, not root" };
    const { report, text } = explain(root(["HERMES_DOCKER_EXEC_AS_ROOT=1"], { cliTrust: weak }));
    expect(report.plan).toMatchObject({ kind: "exec", warning: expect.stringContaining("keeps root") });
    expect(text).toContain("(only the opt-out runs it as root)");
    expect(text).toContain("  warning: hermes: warning: HERMES_DOCKER_EXEC_AS_ROOT keeps root");
  });

  it("quotes arguments a shell would need quoted, and shows the baked configuration", () => {
    const { report, text } = explain(user(), ["chat", "-q", "hi there", ""]);
    expect(text).toContain('what `hermes chat -q "hi there" ""` would do');
    expect(text).toContain(
      "configuration (baked in at build time)\n" +
        "  product name          hermes\n" +
        "  command hermes        /opt/hermes/.venv/bin/hermes\n" +
        "  command hermes-agent  /opt/hermes/.venv/bin/hermes-agent\n" +
        "  command hermes-acp    /opt/hermes/.venv/bin/hermes-acp\n",
    );
    expect(report.config).toEqual({ ...config, umask: "0002" });
  });

  it("another command: its own name, target and messages", () => {
    const { report, text } = explain({ ...root(), command: AGENT }, ["run"]);
    expect(report.facts.command).toEqual({ name: "hermes-agent", target: "/opt/hermes/.venv/bin/hermes-agent" });
    expect(report.plan).toMatchObject({
      argv: ["/command/s6-setuidgid", "hermes", "/opt/hermes/.venv/bin/hermes-agent", "run"],
    });
    expect(text).toContain("what `hermes-agent run` would do here. Nothing was run.");
    expect(text).toContain("command        hermes-agent, whose CLI is /opt/hermes/.venv/bin/hermes-agent\n");
    expect(text).toContain("CLI            /opt/hermes/.venv/bin/hermes-agent exists and is executable\n");
  });

  it("a name the build does not know: refusal 127, no CLI, nothing examined", () => {
    const { report, text } = explain(
      { command: { unknown: "other" }, euid: 0, started: root().started, env: [], cli: "missing" },
      [],
    );
    expect(report.facts.command).toEqual({ name: "other", target: null });
    expect(report.facts.cli).toBeNull();
    expect(report.plan).toMatchObject({ kind: "refuse", code: 127 });
    expect(text).toContain(
      'command        "other" is not one of this build\'s commands (hermes, hermes-agent and hermes-acp)\n',
    );
    expect(text).not.toContain("CLI ");
    expect(text).toMatch(/\n {2}effective uid {2}0 \(root\)\n {2}opt-out {8}/);
    expect(text).toContain("/command/s6-setuidgid not examined: nothing runs under that name\n");
    expect(text).toContain('plan: refuse, exit 127, with this on stderr:\n    hermes-exec-shim: called as "other"');
  });
});

describe("explain: the identity the drop gives (contract §11)", () => {
  const granted = {
    uid: 10000,
    gid: 10000,
    groups: [
      { gid: 10000, origin: "primary" as const },
      { gid: 4242, origin: "granted" as const },
    ],
  };

  const GROUPS_TRUSTED: Trust = { ok: true, resolved: "/command/s6-applyuidgid" };
  const withDrop = (drop: Drop): Given => root([], { drop });

  it("shows the ids, every group and where it came from, the groups helper, and the plan through it", () => {
    const { report, text } = explain(withDrop({ ...granted, groupsHelperTrust: GROUPS_TRUSTED }));
    expect(report.facts.identity).toEqual({ uid: 10000, gid: 10000 });
    expect(report.facts.groups).toEqual(granted.groups);
    expect(report.facts.groupsHelper).toEqual({
      path: "/command/s6-applyuidgid",
      trust: { trusted: true, resolved: "/command/s6-applyuidgid" },
    });
    expect(text).toContain("  identity       hermes in /etc/passwd: uid 10000, gid 10000\n");
    expect(text).toContain("  groups         10000 (primary group), 4242 (granted by the container runtime)\n");
    expect(text).toContain("  groups helper  /command/s6-applyuidgid trusted (resolves to /command/s6-applyuidgid)\n");
    expect(text).toContain(
      "plan: drop to hermes (uid 10000, gid 10000), with the groups the container runtime granted, through /command/s6-applyuidgid\n",
    );
    expect(text).toContain(
      'argv         "/command/s6-applyuidgid" "-u" "10000" "-g" "10000" "-G" "10000,4242" "/opt/hermes/.venv/bin/hermes" "auth" "list"\n',
    );
  });

  it("with nothing granted, the drop is still s6-applyuidgid's, and nothing is said of granted groups", () => {
    const { report, text } = explain(
      withDrop({ ...granted, groups: granted.groups.slice(0, 1), groupsHelperTrust: GROUPS_TRUSTED }),
    );
    expect(report.facts.groupsHelper.trust).toEqual({ trusted: true, resolved: "/command/s6-applyuidgid" });
    expect(text).toContain("  groups         10000 (primary group)\n");
    expect(text).toContain("plan: drop to hermes (uid 10000, gid 10000) through /command/s6-applyuidgid\n");
    expect(text).toContain('argv         "/command/s6-applyuidgid" "-u" "10000" "-g" "10000" "-G" "10000" ');
  });

  it("contract §15: the running gateway lacks a granted group, so the drop's groups leave it out, and a row says so", () => {
    const gateway = { pids: [57], withheld: [4242] };
    const { report, text } = explain(
      withDrop({ ...granted, groups: granted.groups.slice(0, 1), gateway, groupsHelperTrust: GROUPS_TRUSTED }),
    );
    expect(report.facts.gateway).toEqual(gateway);
    expect(text).toContain("  groups         10000 (primary group)\n");
    expect(text).toContain(
      "  gateway        the running gateway of hermes (pid 57) lacks the group 4242 that the container runtime granted " +
        "(a start through s6-setuidgid takes its groups from /etc/group alone), so the drop leaves it out: " +
        "what works from docker exec works in the gateway\n",
    );
    expect(text).toContain('"-G" "10000" ');
  });

  it("contract §15: a gateway holding the granted groups, or none running (§11's rule), each said", () => {
    const row = (gateway: { pids: number[]; withheld: number[] }) =>
      explain(withDrop({ ...granted, gateway, groupsHelperTrust: GROUPS_TRUSTED })).text;
    expect(row({ pids: [57, 112], withheld: [] })).toContain(
      "  gateway        the running gateway of hermes (pids 57, 112) holds the granted groups too: the drop keeps them\n",
    );
    expect(row({ pids: [], withheld: [] })).toContain(
      "  gateway        no gateway of hermes runs (no process of hermes that the container's start made): " +
        "the drop gives the granted groups\n",
    );
    // Not looked for: the runtime granted no group.
    const { report, text } = explain(withDrop({ ...granted, groupsHelperTrust: GROUPS_TRUSTED }));
    expect(report.facts.gateway).toBeNull();
    expect(text).not.toContain("  gateway ");
  });

  it("a groups helper not examined is said to be untrusted, and the plan refuses", () => {
    const { report, text } = explain(withDrop(granted));
    expect(report.facts.groupsHelper.trust).toBeNull();
    expect(text).toContain("  groups helper  /command/s6-applyuidgid not examined, so not trusted\n");
    expect(report.plan).toMatchObject({ kind: "refuse", code: 126 });
  });

  it("without a groups helper: the plan through the helper, and the granted groups it loses as a warning", () => {
    const gone: Trust = { ok: false, missing: true, reason: "/command/s6-applyuidgid does not exist" };
    const { text } = explain(withDrop({ ...granted, groupsHelperTrust: gone }));
    expect(text).toContain(
      "  groups helper  /command/s6-applyuidgid not trusted: /command/s6-applyuidgid does not exist\n",
    );
    expect(text).toContain("plan: drop to hermes through /command/s6-setuidgid\n");
    expect(text).toContain("without the groups the container runtime granted (4242)");
  });

  it("a runtime user with uid 0: the row says it is root, and the plan refuses naming it", () => {
    const groups = [{ gid: 0, origin: "primary" as const }];
    const { report, text } = explain(withDrop({ uid: 0, gid: 0, groups, groupsHelperTrust: GROUPS_TRUSTED }));
    expect(report.facts.identity).toEqual({ uid: 0, gid: 0 });
    expect(text).toContain(
      "  identity       hermes in /etc/passwd: uid 0, gid 0: uid 0 is root, so the drop refuses\n",
    );
    expect(text).toContain(
      "plan: refuse, exit 126, with this on stderr:\n    hermes: cannot drop to hermes: hermes has uid 0 in /etc/passwd, which is root;",
    );
  });

  it("a runtime user whose own primary group is 0: kept, and said so", () => {
    const groups = [
      { gid: 0, origin: "primary" as const },
      { gid: 4242, origin: "granted" as const },
    ];
    const { text } = explain(withDrop({ uid: 10000, gid: 0, groups, groupsHelperTrust: GROUPS_TRUSTED }));
    expect(text).toContain(
      "  identity       hermes in /etc/passwd: uid 10000, gid 0 (root's group, as its own primary group: the drop keeps it)\n",
    );
    expect(text).toContain("  groups         0 (primary group), 4242 (granted by the container runtime)\n");
    expect(text).toContain('"-u" "10000" "-g" "0" "-G" "0,4242"');
  });

  it("where nothing drops, no ids or groups are shown", () => {
    const { report, text } = explain(user());
    expect(report.facts.identity).toBeNull();
    expect(report.facts.groups).toBeNull();
    expect(text).not.toContain("  identity ");
    expect(report.facts.terminal).toBeNull();
    expect(text).not.toMatch(/^ {2}groups {2,}\d/m);
  });

  it("names what at a home's top the runtime user cannot read, or that nothing is", () => {
    const facts = root();
    const check = (unreadable?: {
      count: number;
      examples: { path: string; kind: "file"; uid: number; gid: number; mode: number }[];
      unexamined: Failure[];
    }) => ({
      variable: "HERMES_HOME",
      path: "/opt/data",
      reach: { ok: true as const },
      ...(unreadable ? { unreadable } : {}),
    });
    const file = (path: string) => ({ path, kind: "file" as const, uid: 0, gid: 0, mode: 0o600 });
    const who = { uid: 10000, user: "hermes" };
    facts.homes = {
      who,
      checks: [check({ count: 5, examples: [file("/opt/data/.env"), file("/opt/data/auth.json")], unexamined: [] })],
    };
    let { report, text } = explain(facts);
    expect(report.facts.homes?.checks[0]?.unreadable).toEqual({
      count: 5,
      examples: ["/opt/data/.env", "/opt/data/auth.json"],
      unexamined: [],
    });
    expect(text).toContain("  unreadable     /opt/data/.env, /opt/data/auth.json and 3 more\n");
    facts.homes = {
      who,
      checks: [check({ count: 2, examples: [file("/opt/data/.env"), file("/opt/data/x")], unexamined: [] })],
    };
    ({ text } = explain(facts));
    expect(text).toContain("  unreadable     /opt/data/.env, /opt/data/x\n");
    facts.homes = { who, checks: [check({ count: 0, examples: [], unexamined: [] })] };
    ({ text } = explain(facts));
    expect(text).toContain("  unreadable     nothing at the top of /opt/data that the runtime user cannot read\n");
    facts.homes = { who, checks: [check()] };
    ({ report, text } = explain(facts));
    expect(report.facts.homes?.checks[0]?.unreadable).toBeNull();
    expect(text).not.toContain("unreadable");
  });
});

describe("explain's terminal (contract §12)", () => {
  const shared = (fds: number[]): Given =>
    root([], {
      terminal: { kind: "shared", sid: 40, leaderUid: 0, fds },
      drop: {
        uid: 10000,
        gid: 10000,
        groups: [{ gid: 10000, origin: "primary" }],
        groupsHelperTrust: { ok: true, resolved: "/command/s6-applyuidgid" },
      },
    });

  it("shared with root's shell: the fact, and the plan on a pty of the runtime user's, the CLI the shim's child", () => {
    const { report, text } = explain(shared([0, 1, 2]));
    expect(report.facts.terminal).toEqual({
      kind: "shared",
      sid: 40,
      leaderUid: 0,
      fds: [0, 1, 2],
      text:
        "shared with session 40 led by uid 0: the CLI gets a pty of hermes's own, relayed until it exits " +
        "(the CLI runs as the relay's child, with a PID of its own)",
    });
    expect(report.plan).toMatchObject({ kind: "exec", relay: { fds: [0, 1, 2], owner: 10000 } });
    expect(text).toContain(
      "\n  terminal       shared with session 40 led by uid 0: the CLI gets a pty of hermes's own",
    );
    expect(text).toContain(
      "plan: drop to hermes (uid 10000, gid 10000) through /command/s6-applyuidgid, on a terminal of its own\n",
    );
    expect(text).toContain(
      "\n  terminal     a pty of its own (uid 10000's, mode 0620) on its controlling terminal and on 0, 1 and 2, " +
        "started as the leader of a new session and relayed by the shim until it exits: the CLI is the shim's child\n",
    );
  });

  it("only the controlling terminal, and a pty whose owner the shim does not know", () => {
    const facts = shared([]);
    delete (facts.asRoot as AsRoot).drop;
    const { report, text } = explain(facts);
    expect(report.plan).toMatchObject({ relay: { fds: [], owner: null } });
    expect(text).toContain(
      "\n  terminal     a pty of its own (root's, mode 0620) on its controlling terminal, started as the leader",
    );
  });

  it("a terminal that could not be examined is said as such, and the plan refuses", () => {
    const unable = "unable to open /dev/tty: Input/output error";
    const { report, text } = explain(root([], { terminal: failureOf("open", "/dev/tty") }));
    expect(report.facts.terminal).toStrictEqual({ unable });
    expect(text).toContain(`\n  terminal       could not be examined: ${unable}\n`);
    expect(report.plan).toMatchObject({ kind: "refuse", code: 126 });
  });

  it("the exec's own terminal, and none: the plan has no relay", () => {
    for (const kind of ["own", "none"] as const) {
      const { report, text } = explain(root([], { terminal: { kind } }));
      expect(report.plan).toMatchObject({ relay: null });
      expect(text).not.toContain("on a terminal of its own");
    }
  });
});

describe("explain, every line of the facts and the plan", () => {
  const ownHome: HomeCheck = { variable: null, path: "/opt/data", reach: { ok: true } };
  const rootsHome: HomeCheck = {
    variable: "HERMES_HOME",
    path: "/srv/h",
    reach: { ok: false, blocks: "write", missing: false, at: { dir: "/srv/h", uid: 0, gid: 0, mode: 0o040755 } },
  };
  const dropping: Given = {
    ...root([], { terminal: { kind: "none" } }),
    homes: { who: { uid: 10000, user: "hermes" }, checks: [ownHome, rootsHome] },
  };

  /** The facts and the plan: everything above the baked configuration, which the test above pins. */
  function factsAndPlan(facts: Given): string {
    const { text } = explain(facts, ["auth"]);
    return text.slice(0, text.indexOf("configuration (baked in at build time)"));
  }

  const HEAD = "hermes-exec-shim explain: what `hermes auth` would do here. Nothing was run.\n\nfacts\n";

  it("root, dropping, with one home usable and one root's", () => {
    expect(factsAndPlan(dropping)).toBe(
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
        "  environment  HOME=/opt/data USER=hermes LOGNAME=hermes, the rest as given\n" +
        "    HOME       hermes's home (the build's --home)\n" +
        "    USER       the user the CLI runs as, as su and runuser set it\n" +
        "    LOGNAME    the user the CLI runs as, as su and runuser set it\n" +
        "  umask        0002\n" +
        "  warning: hermes: warning: hermes (uid 10000) cannot write HERMES_HOME /srv/h: it is owned by uid 0 gid 0, " +
        "mode 0755, so the hermes CLI may fail; chown -R hermes:hermes /srv/h, or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root\n" +
        "\n",
    );
  });

  it("another user, with an opt-out that does not count and would not matter", () => {
    const facts = user("ok", ["HERMES_DOCKER_EXEC_AS_ROOT=0"], 1000);
    expect(factsAndPlan(facts)).toBe(
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
    // The refusal comes before root's drop facts are gathered: the terminal stated here is never examined.
    const refused = root([], { terminal: { kind: "none" }, capEff: 0n });
    expect(factsAndPlan(refused)).toBe(
      HEAD +
        "  command        hermes, whose CLI is /opt/hermes/.venv/bin/hermes\n" +
        "  effective uid  0 (root)\n" +
        "  CLI            /opt/hermes/.venv/bin/hermes exists and is executable\n" +
        "  CLI as root    trusted (resolves to /opt/hermes/.venv/bin/hermes) (only the opt-out runs it as root)\n" +
        "  opt-out        HERMES_DOCKER_EXEC_AS_ROOT is not set: no opt-out\n" +
        "  helper         /command/s6-setuidgid trusted (resolves to /command/s6-setuidgid)\n" +
        "  terminal       not examined: only root's drop relays a terminal\n" +
        "\n" +
        "plan: refuse, exit 126, with this on stderr:\n" +
        "    hermes: cannot drop to hermes: root here lacks CAP_SETUID and CAP_SETGID (the container runs with capabilities " +
        "dropped); refusing to run hermes as root.\n" +
        "    hermes: run it as hermes (docker exec --user hermes …), give the container --cap-add SETUID --cap-add SETGID, " +
        "or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n" +
        "\n",
    );
  });

  it("the report's homes: each with whether it is usable and the line explain prints", () => {
    expect(explain(dropping, []).report.facts.homes).toEqual({
      runsAs: "hermes (uid 10000)",
      checks: [
        {
          variable: null,
          path: "/opt/data",
          usable: true,
          text: "hermes (uid 10000) can reach and write its home /opt/data",
          unreadable: null,
          sharing: null,
        },
        {
          variable: "HERMES_HOME",
          path: "/srv/h",
          usable: false,
          text: "hermes (uid 10000) cannot write HERMES_HOME /srv/h: it is owned by uid 0 gid 0, mode 0755",
          unreadable: null,
          sharing: null,
        },
      ],
    });
  });
});

describe("a home shared by a group (contract §14): its sharing beside the umask it makes", () => {
  const shared = (mode: number, path = "/opt/data"): Given => ({
    ...root([], { terminal: { kind: "none" } }),
    homes: {
      who: { uid: 10000, user: "hermes" },
      checks: [{ variable: null, path, reach: { ok: true }, sharing: { gid: 2000, mode } }],
    },
  });

  it("closed to others: umask 0007, the build's narrowed, and the home's group, mode and setgid", () => {
    const { report, text } = explain(shared(0o2770));
    expect(report.plan).toMatchObject({ umask: "0007" });
    expect(report.facts.homes?.checks[0]?.sharing).toEqual({
      gid: 2000,
      mode: "2770",
      setgid: true,
      othersMayRead: false,
    });
    expect(text).toContain("  shared         /opt/data with group 2000 (mode 2770, setgid, closed to others)\n");
    expect(text).toContain(
      "  umask        0007 (the build's 0002, narrowed: the CLI's home is shared /opt/data with group 2000 (mode 2770, setgid, closed to others))\n",
    );
  });

  it("others may read it: the build's umask, said to follow the home", () => {
    const { report, text } = explain(shared(0o2775));
    expect(report.plan).toMatchObject({ umask: "0002" });
    expect(report.facts.homes?.checks[0]?.sharing).toMatchObject({ othersMayRead: true });
    expect(text).toContain(
      "  umask        0002 (the build's: the CLI's home is shared /opt/data with group 2000 (mode 2775, setgid, others may read it))\n",
    );
  });

  it("one whose sharing could not be examined: the failure on its row, and the drop refused (contract §13)", () => {
    const failure = { call: "statx", on: "/opt/data", errno: 5, words: "Input/output error" };
    const { report, text } = explain({
      ...root([], { terminal: { kind: "none" } }),
      homes: {
        who: { uid: 10000, user: "hermes" },
        checks: [{ variable: null, path: "/opt/data", reach: { ok: true }, sharing: failure }],
      },
    });
    expect(report.plan).toEqual({
      kind: "refuse",
      code: 126,
      message:
        "hermes: cannot tell whether /opt/data is shared with a group, which the drop's umask follows: unable to " +
        "statx /opt/data: Input/output error; refusing to run hermes as root.\n" +
        "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    });
    expect(report.facts.homes?.checks[0]?.sharing).toEqual({ unable: "unable to statx /opt/data: Input/output error" });
    expect(text).toContain("  shared         could not be examined: unable to statx /opt/data: Input/output error\n");
  });

  it("a home that is not shared: the umask alone, and no shared row", () => {
    const { text } = explain({
      ...root([], { terminal: { kind: "none" } }),
      homes: {
        who: { uid: 10000, user: "hermes" },
        checks: [{ variable: null, path: "/opt/data", reach: { ok: true } }],
      },
    });
    expect(text).toContain("  umask        0002\n");
    expect(text).not.toContain("shared");
  });
});

describe("facts a failed call kept from being known (contract §13): said as such, never as another fact", () => {
  const eio = (call: string, on: string) => failureOf(call, on);

  it("the CLI: EACCES is not executable, any other failure cannot be examined; JSON has { unable }", () => {
    const lost = eio("access", HERMES.target);
    const { report, text } = explain(user(lost));
    expect(report.facts.cli).toMatchObject({
      status: { unable: `unable to access ${HERMES.target}: Input/output error` },
      text: `cannot be examined (unable to access ${HERMES.target}: Input/output error)`,
    });
    expect(text).toContain(
      `  CLI            ${HERMES.target} cannot be examined (unable to access ${HERMES.target}: Input/output error)\n`,
    );
    expect(text).not.toContain("does not exist");
    const denied = explain(user(failureOf("access", HERMES.target, 13)));
    expect(denied.text).toContain(
      `${HERMES.target} is not executable (unable to access ${HERMES.target}: Permission denied)`,
    );
  });

  it('a helper whose trust walk failed: could not be examined, not "not trusted"', () => {
    const helperTrust: Trust = { ok: false, missing: false, reason: "x", unexamined: eio("statx", "/command") };
    const { report, text } = explain(root([], { helperTrust, terminal: { kind: "none" } }));
    expect(report.facts.helper.trust).toStrictEqual({ unable: "unable to statx /command: Input/output error" });
    expect(text).toContain(
      "  helper         /command/s6-setuidgid could not be examined: unable to statx /command: Input/output error\n",
    );
  });

  it("an identity the user database could not give: identity and groups rows say the failure, and nothing drops", () => {
    const lost = eio("read", "/etc/passwd");
    const { report, text } = explain(root([], { drop: lost, terminal: { kind: "none" } }));
    const unable = { unable: "unable to read /etc/passwd: Input/output error" };
    expect(report.facts.identity).toStrictEqual(unable);
    expect(report.facts.groups).toStrictEqual(unable);
    expect(report.facts.groupsHelper.trust).toBeNull();
    expect(text).toContain(`  identity       could not be examined: ${unable.unable}\n`);
    expect(text).toContain(`  groups         could not be examined: ${unable.unable}\n`);
    expect(report.plan).toMatchObject({ kind: "refuse", code: 126 });
  });

  /** Root's facts, with `unreadable` as what the top of the drop HOME holds. */
  const withTop = (unreadable: Unreadable) => {
    const facts = root();
    facts.homes = {
      who: { uid: 10000, user: "hermes" },
      checks: [{ variable: null, path: "/opt/data", reach: { ok: true }, unreadable }],
    };
    return facts;
  };

  it('a home\'s top that could not be listed: the failure, never "nothing … cannot read"', () => {
    const { report, text } = explain(withTop({ count: 0, examples: [], unexamined: [eio("getdents64", "/opt/data")] }));
    expect(report.facts.homes?.checks[0]?.unreadable).toEqual({
      count: 0,
      examples: [],
      unexamined: [{ unable: "unable to getdents64 /opt/data: Input/output error" }],
    });
    expect(text).toContain(
      "  unreadable     could not be examined: unable to getdents64 /opt/data: Input/output error\n",
    );
    expect(text).not.toContain("nothing at the top");
  });

  it("some entries unexamined, some unreadable: both said", () => {
    const file = { path: "/opt/data/auth.json", kind: "file" as const, uid: 0, gid: 0, mode: 0o600 };
    expect(explain(withTop({ count: 1, examples: [file], unexamined: [eio("statx", "/opt/data/x")] })).text).toContain(
      "  unreadable     could not be examined: unable to statx /opt/data/x: Input/output error\n" +
        "  unreadable     /opt/data/auth.json\n",
    );
  });
});

describe("explain: the boot's environment (contract §15)", () => {
  const NAME = "AGENT_BROWSER_EXECUTABLE_PATH";
  const PATH = `${BOOT_ENV_DIR}/${NAME}`;
  const boot = (file?: BootFile): BootFacts => ({
    vars: [{ name: NAME, program: true, ...(file ? { file } : {}) }],
    dirTrust: gathered({ ok: true, resolved: BOOT_ENV_DIR }),
    target: () => ({ kind: "file", uid: 0, gid: 0, mode: 0o100755 }),
  });
  /** The facts' boot env row, whatever the width of the table's labels. */
  const bootRow = (text: string) => /\n {2}boot env +(.*)\n/.exec(text)?.[1];
  const chromium = (uid = 0) => bootFile("/usr/bin/chromium", { uid });

  it("an import: its value and where it came from, and the plan sets it beside HOME", () => {
    const { report, text } = explain({ ...root(), boot: boot(chromium()) });
    expect(report.facts.bootEnv).toEqual([
      { variable: NAME, status: "imported", text: `${NAME}="/usr/bin/chromium" from ${PATH}` },
    ]);
    expect(report.plan).toMatchObject({ setEnv: { HOME: "/opt/data", [NAME]: "/usr/bin/chromium" } });
    expect(bootRow(text)).toBe(`${NAME}="/usr/bin/chromium" from ${PATH}`);
    expect(text).toContain(
      `environment  ${NAME}=/usr/bin/chromium HOME=/opt/data USER=hermes LOGNAME=hermes, the rest as given\n`,
    );
  });
  it("the pass-through too; a caller's own value is kept, and said so", () => {
    expect(explain({ ...user(), boot: boot(chromium()) }).report.plan).toMatchObject({
      setEnv: { [NAME]: "/usr/bin/chromium" },
    });
    const { report, text } = explain({ ...user(), boot: boot() });
    expect(report.facts.bootEnv).toEqual([
      { variable: NAME, status: "kept", text: `${NAME} is set by the caller: kept as it is` },
    ]);
    expect(report.plan).toMatchObject({ setEnv: {} });
    expect(bootRow(text)).toBe(`${NAME} is set by the caller: kept as it is`);
  });
  it("why not, and whether a warning says so", () => {
    const told = explain({ ...user(), boot: boot(chromium(10000)) });
    expect(told.report.facts.bootEnv).toEqual([
      {
        variable: NAME,
        status: "not imported",
        text: `${NAME} not imported: ${PATH} is owned by uid 10000, not root (a warning on stderr says so)`,
      },
    ]);
    expect(told.report.plan).toMatchObject({ setEnv: {} });
    const quiet = explain({ ...user(), boot: boot({ kind: "missing" }) });
    expect(bootRow(quiet.text)).toBe(`${NAME} not imported: the boot did not set it (no ${PATH})`);
  });
  it("nothing where nothing would run, nor without a build's variables", () => {
    expect(explain({ ...user("missing"), boot: boot(chromium()) }).report.facts.bootEnv).toBeNull();
    expect(explain(user()).report.facts.bootEnv).toBeNull();
  });
});

describe("explain: the CLI's home and the variables the plan changes (contract §16)", () => {
  const HOME_FILE = `${BOOT_ENV_DIR}/HERMES_HOME`;
  const boot = (given: string | undefined, file?: BootFile): BootFacts => ({
    vars: [],
    // The boot's file is read where, and only where, the caller's value is blank (src/sys/facts.ts homeFact).
    home:
      given !== undefined && !isBlank(bytes(given))
        ? { given: bytes(given) }
        : { given: given === undefined ? undefined : bytes(given), file: file ?? { kind: "missing" } },
    dirTrust: gathered({ ok: true, resolved: BOOT_ENV_DIR }),
    target: () => ({ kind: "missing" }),
  });
  const row = (text: string) => /\n {2}CLI home +(.*)\n/.exec(text)?.[1];

  it("the caller's own value", () => {
    const { report, text } = explain({ ...user(), boot: boot("/srv/own") });
    expect(report.facts.home).toEqual({
      variable: "HERMES_HOME",
      value: "/srv/own",
      source: "caller",
      text: 'HERMES_HOME="/srv/own", as the caller set it',
    });
    expect(row(text)).toBe('HERMES_HOME="/srv/own", as the caller set it');
    expect(report.plan).toMatchObject({ changes: [] });
  });
  it("the boot's, for a blank one: the file named, and the plan sets it", () => {
    const { report, text } = explain({ ...user(), boot: boot(" ", bootFile("/srv/hermes")) });
    expect(report.facts.home).toMatchObject({ value: "/srv/hermes", source: "boot" });
    expect(row(text)).toBe(
      `HERMES_HOME="/srv/hermes" from the boot's environment (${HOME_FILE}): the caller's was unset or blank`,
    );
    expect(report.plan).toMatchObject({
      setEnv: { HERMES_HOME: "/srv/hermes" },
      changes: [
        { name: "HERMES_HOME", value: "/srv/hermes", why: `the caller's was unset or blank: from ${HOME_FILE}` },
      ],
    });
    expect(text).toContain("  environment    HERMES_HOME=/srv/hermes, the rest as given\n");
    expect(text).toContain(`    HERMES_HOME  the caller's was unset or blank: from ${HOME_FILE}\n`);
  });
  it("the build's, and why not the boot's", () => {
    const { report, text } = explain({ ...user(), boot: boot(undefined, bootFile("/tmp", { uid: 10000 })) });
    expect(report.facts.home).toMatchObject({ value: "/opt/data", source: "build" });
    expect(row(text)).toBe(
      `HERMES_HOME="/opt/data", the build's --home: the caller's was unset or blank, and the boot's is not taken: ${HOME_FILE} is owned by uid 10000, not root`,
    );
    expect(row(explain({ ...user(), boot: boot(undefined) }).text)).toBe(
      `HERMES_HOME="/opt/data", the build's --home: the caller's was unset or blank, and the boot's is not taken: the boot did not set it (no ${HOME_FILE})`,
    );
  });
  it("the build's, where no boot was looked at: no word of the boot's", () => {
    const facts = user();
    const plan = {
      kind: "exec" as const,
      way: "pass-through" as const,
      path: "/opt/hermes/.venv/bin/hermes",
      prefix: ["/opt/hermes/.venv/bin/hermes"],
      home: { variable: "HERMES_HOME", value: bytes("/opt/data"), source: "build" as const },
    };
    expect(explainReport(config, facts, undefined, plan, []).facts.home?.text).toBe(
      `HERMES_HOME="/opt/data", the build's --home: the caller's was unset or blank`,
    );
  });
  it("a variable removed: said so on the environment row, with why", () => {
    const dir = { value: bytes("/run/user/0"), node: { kind: "dir" as const, uid: 0, gid: 0, mode: 0o040700 } };
    const facts = root([], { terminal: { kind: "none" } });
    const { report, text } = explain({
      ...facts,
      asRoot: { ...(facts.asRoot as AsRoot), runtimeDir: dir },
    });
    expect(report.plan).toMatchObject({
      changes: [
        { name: "HOME" },
        { name: "USER" },
        { name: "LOGNAME" },
        {
          name: "XDG_RUNTIME_DIR",
          value: null,
          why: `"/run/user/0" is not hermes's own: hermes's uid is not known to the shim, so it cannot tell whose it is`,
        },
      ],
    });
    expect(text).toContain(
      "  environment        HOME=/opt/data USER=hermes LOGNAME=hermes, XDG_RUNTIME_DIR removed, the rest as given\n",
    );
    expect(report.facts.home).toBeNull();
  });
});
