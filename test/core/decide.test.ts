/** contract §2, row by row, on the pure decision. */
import { describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import { BOOT_ENV_DIR, type BootFacts } from "../../src/core/bootEnv.ts";
import { bytes } from "../../src/core/bytes.ts";
import { isBlank } from "../../src/core/cliHome.ts";
import type { Command, ShimConfig } from "../../src/core/config.ts";
import type { Drop, Plan } from "../../src/core/decide.ts";
import type { Failure } from "../../src/core/failure.ts";
import type { DropGroup } from "../../src/core/groups.ts";
import type { HomeCheck, Homes } from "../../src/core/homes.ts";
import { gathered } from "../../src/core/lazy.ts";
import type { RuntimeUser } from "../../src/core/passwd.ts";
import type { Terminal } from "../../src/core/terminal.ts";
import type { Trust } from "../../src/core/trust.ts";
import { type Given, type GivenRoot, planOf } from "./given.ts";

const config = defaultsFor("hermes");
const [HERMES, AGENT, ACP] = config.commands as [Command, Command, Command];
const trusted: Trust = { ok: true, resolved: "/command/s6-setuidgid" };
const missing: Trust = { ok: false, missing: true, reason: "/command/s6-setuidgid does not exist" };
const writable: Trust = { ok: false, missing: false, reason: "/command is writable by others (mode 0777)" };

/** Started as it normally is: real ids equal to the effective ones, no AT_SECURE. */
const plainStart = (id: number) => ({ ruid: id, rgid: id, egid: id, secure: false });
const ALL_CAPS = 0x1ffffffffffn;

/** Root's facts as a test states them: root's own, and its drop facts, given as values. */
type RootsGiven = Partial<GivenRoot> & {
  runtimeUser?: RuntimeUser | Failure;
  terminal?: Terminal | Failure;
  drop?: Drop | Failure;
};

function roots(over: RootsGiven = {}): GivenRoot {
  return { helperTrust: trusted, cliTrust: trusted, selfTrust: trusted, capEff: ALL_CAPS, ...over };
}

/** The plan from what a test states: decide(), then, where it asks for the drop, planDrop(). */
const decide = (config: ShimConfig, given: Given): Plan => planOf(config, given).plan;

function facts(over: Partial<Given> & { optOut?: string | string[] } = {}): Given {
  const { optOut, ...rest } = over;
  const values = optOut === undefined ? [] : Array.isArray(optOut) ? optOut : [optOut];
  return {
    command: HERMES,
    euid: 0,
    started: plainStart(over.euid ?? 0),
    env: [bytes("PATH=/usr/bin"), ...values.map((v) => bytes(`HERMES_DOCKER_EXEC_AS_ROOT=${v}`))],
    cli: "ok",
    asRoot: roots(),
    ...rest,
  };
}

/** What the drop sets beside the caller's environment (contract §16): the runtime user's home and names. */
const DROP_ENV = [
  { name: "HOME", value: bytes("/opt/data"), why: "hermes's home (the build's --home)" },
  { name: "USER", value: bytes("hermes"), why: "the user the CLI runs as, as su and runuser set it" },
  { name: "LOGNAME", value: bytes("hermes"), why: "the user the CLI runs as, as su and runuser set it" },
];

const passThrough = { kind: "exec", way: "pass-through", path: HERMES.target, prefix: [HERMES.target] };
/** Root on purpose: the same exec as the pass-through, by another way. */
const keptRoot = { ...passThrough, way: "opt-out" };
const drop = {
  kind: "exec",
  way: "drop-name",
  path: "/command/s6-setuidgid",
  prefix: ["/command/s6-setuidgid", "hermes", "/opt/hermes/.venv/bin/hermes"],
  env: DROP_ENV,
  umask: 0o002,
};

describe("0. the name it is called as picks the command; a name it does not know runs nothing", () => {
  it.each([0, 10000])("an unknown name → 127 listing the known commands, whatever else holds (euid %i)", (euid) => {
    const plan = decide(config, facts({ euid, command: { unknown: "other" }, optOut: "1" }));
    expect(plan).toEqual({
      kind: "refuse",
      code: 127,
      message:
        'hermes-exec-shim: called as "other", which is not one of its commands; nothing was run.\n' +
        "hermes-exec-shim: it runs hermes, hermes-agent and hermes-acp, each by the name it is called as.\n",
    });
  });
  it("a start a caller could steer is refused (126) before the name is looked at", () => {
    const started = { ruid: 10000, rgid: 10000, egid: 10000, secure: true };
    const plan = decide(config, facts({ command: { unknown: "other" }, started }));
    expect(plan).toMatchObject({ kind: "refuse", code: 126, message: expect.stringContaining("chmod u-s,g-s") });
  });
  it("an empty name is unknown too", () => {
    expect(decide(config, facts({ command: { unknown: "" } }))).toMatchObject({ kind: "refuse", code: 127 });
  });
  it.each([AGENT, ACP])("$name: every rule applies with its own target and name", (command) => {
    const { name, target } = command;
    expect(decide(config, facts({ command, euid: 10000 }))).toEqual({
      kind: "exec",
      way: "pass-through",
      path: target,
      prefix: [target],
    });
    expect(decide(config, facts({ command, optOut: "yes" }))).toEqual({
      kind: "exec",
      way: "opt-out",
      path: target,
      prefix: [target],
    });
    expect(decide(config, facts({ command }))).toEqual({
      ...drop,
      prefix: ["/command/s6-setuidgid", "hermes", target],
    });
    expect(decide(config, facts({ command, cli: "missing" }))).toEqual({
      kind: "refuse",
      code: 127,
      message: `${name}: cannot run the ${name} CLI at ${target}: it does not exist\n`,
    });
    const refused = decide(config, facts({ command, asRoot: roots({ helperTrust: missing, cliTrust: trusted }) }));
    expect(refused).toMatchObject({ kind: "refuse", code: 126 });
    expect(refused.kind === "refuse" && refused.message).toBe(
      `${name}: cannot drop to hermes: /command/s6-setuidgid does not exist; refusing to run ${name} as root.\n` +
        `${name}: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n`,
    );
  });
});

describe("1. the real CLI must exist and be executable", () => {
  const accessFailed = (errno: number, words: string): Failure => ({
    call: "access",
    on: HERMES.target,
    errno,
    words,
  });
  it.each([
    ["missing", "missing" as const, "it does not exist"],
    [
      "not executable (EACCES)",
      accessFailed(13, "Permission denied"),
      "it is not executable (unable to access /opt/hermes/.venv/bin/hermes: Permission denied)",
    ],
    [
      "not examined (EIO)",
      accessFailed(5, "Input/output error"),
      "it cannot be examined (unable to access /opt/hermes/.venv/bin/hermes: Input/output error)",
    ],
  ])("%s → 127 naming the path, before anything else", (_, cli, why) => {
    for (const euid of [0, 10000]) {
      const plan = decide(config, facts({ euid, cli, optOut: "1" }));
      expect(plan).toEqual({
        kind: "refuse",
        code: 127,
        message: `hermes: cannot run the hermes CLI at /opt/hermes/.venv/bin/hermes: ${why}\n`,
      });
    }
  });
});

describe("2. not root → exec the CLI directly", () => {
  it.each([1, 10000, 65534])("euid %i passes through, whatever the environment", (euid) => {
    expect(decide(config, facts({ euid, optOut: "0" }))).toEqual(passThrough);
    expect(decide(config, facts({ euid, asRoot: roots({ helperTrust: missing, cliTrust: missing }) }))).toEqual(
      passThrough,
    );
  });
  it("needs no root facts", () => {
    const { asRoot: _, ...nonRoot } = facts({ euid: 10000 });
    expect(decide(config, nonRoot)).toEqual(passThrough);
  });
});

describe("3. root with a strictly truthy opt-out keeps root", () => {
  it.each(["1", "true", "yes", "TRUE", "Yes", "yEs", "True"])("%j", (value) => {
    expect(decide(config, facts({ optOut: value }))).toEqual(keptRoot);
  });
  it("even when the helper is missing", () => {
    expect(decide(config, facts({ optOut: "1", asRoot: roots({ helperTrust: missing, cliTrust: trusted }) }))).toEqual(
      keptRoot,
    );
  });
  it("warns once when the runtime user could rewrite the CLI", () => {
    const plan = decide(config, facts({ optOut: "yes", asRoot: roots({ helperTrust: trusted, cliTrust: writable }) }));
    expect(plan).toMatchObject({ kind: "exec", path: HERMES.target });
    expect(plan.kind === "exec" && plan.warning).toBe(
      "hermes: warning: HERMES_DOCKER_EXEC_AS_ROOT keeps root, but /command is writable by others (mode 0777): whoever can write there can run code as root\n",
    );
  });
});

describe("4. root without opt-out drops through the helper", () => {
  it.each([
    ["unset", undefined],
    ["empty", ""],
    ["0", "0"],
    ["false", "false"],
    ["no", "no"],
    ["on", "on"],
    ["y", "y"],
    ["2", "2"],
    ["leading space", " 1"],
    ["trailing space", "1 "],
    ["trailing newline", "1\n"],
    ["typo", "ture"],
    ["yes please", "yes please"],
    ["01", "01"],
    ["quoted", '"1"'],
    ["mixed duplicates", ["1", "0"]],
    ["duplicates ending truthy", ["no", "yes"]],
  ])("opt-out %s → drop", (_, value) => {
    expect(decide(config, facts(value === undefined ? {} : { optOut: value }))).toEqual(drop);
  });
  it("a variable that merely starts with the opt-out name does not count", () => {
    const env = [bytes("HERMES_DOCKER_EXEC_AS_ROOT_X=1"), bytes("XHERMES_DOCKER_EXEC_AS_ROOT=1")];
    expect(decide(config, { ...facts(), env })).toEqual(drop);
  });
});

describe("5. root, no opt-out, helper unusable → 126, never root", () => {
  it("missing helper: what is missing, the refusal, both remedies", () => {
    const plan = decide(config, facts({ asRoot: roots({ helperTrust: missing, cliTrust: trusted }) }));
    expect(plan).toEqual({
      kind: "refuse",
      code: 126,
      message:
        "hermes: cannot drop to hermes: /command/s6-setuidgid does not exist; refusing to run hermes as root.\n" +
        "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    });
  });
  it("untrusted helper is refused like a missing one, with the reason", () => {
    const plan = decide(config, facts({ asRoot: roots({ helperTrust: writable, cliTrust: trusted }) }));
    expect(plan).toMatchObject({ kind: "refuse", code: 126 });
    expect(plan.kind === "refuse" && plan.message).toContain(
      "will not trust /command/s6-setuidgid: /command is writable by others (mode 0777); refusing to run hermes as root.",
    );
  });
  it("root facts that were never gathered: the helper was not examined, so it is not trusted, in words that say so", () => {
    const { asRoot: _, ...noRoot } = facts();
    expect(decide(config, noRoot)).toEqual({
      kind: "refuse",
      code: 126,
      message:
        "hermes: will not trust /command/s6-setuidgid: the helper was not examined; refusing to run hermes as root.\n" +
        "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    });
  });
});

describe("a fork's configuration", () => {
  const rabbit = { ...defaultsFor("rabbit"), helper: "/usr/sbin/gosu" };
  it("uses its own names everywhere", () => {
    const env = [bytes("RABBIT_DOCKER_EXEC_AS_ROOT=1")];
    const command = rabbit.commands[0] as Command;
    expect(decide(rabbit, { ...facts({ command }), env })).toEqual({
      kind: "exec",
      way: "opt-out",
      path: "/opt/rabbit/.venv/bin/rabbit",
      prefix: ["/opt/rabbit/.venv/bin/rabbit"],
    });
    const plan = decide(rabbit, { ...facts({ command }), env: [bytes("HERMES_DOCKER_EXEC_AS_ROOT=1")] });
    expect(plan).toMatchObject({ prefix: ["/usr/sbin/gosu", "rabbit", "/opt/rabbit/.venv/bin/rabbit"] });
  });
});

describe("0. started setuid, setgid or with AT_SECURE → 126 before anything else, opt-out included", () => {
  const fix = "hermes: install it without the setuid and setgid bits: as root, chmod u-s,g-s /opt/hermes/bin/hermes\n";
  const self = "/opt/hermes/bin/hermes";
  it.each([
    [
      "setuid root, run by hermes",
      0,
      { ruid: 10000, rgid: 10000, egid: 10000, secure: true },
      "real uid 10000 but effective uid 0",
    ],
    [
      "setuid root, AT_SECURE unseen",
      0,
      { ruid: 10000, rgid: 10000, egid: 10000, secure: false },
      "real uid 10000 but effective uid 0",
    ],
    [
      "setgid root, run by hermes (euid 10000, egid 0)",
      10000,
      { ruid: 10000, rgid: 10000, egid: 0, secure: true },
      "real gid 10000 but effective gid 0",
    ],
    [
      "setgid to another group, run by root",
      0,
      { ruid: 0, rgid: 0, egid: 10000, secure: true },
      "real gid 0 but effective gid 10000",
    ],
    [
      "setuid to hermes, run by root",
      10000,
      { ruid: 0, rgid: 0, egid: 0, secure: true },
      "real uid 0 but effective uid 10000",
    ],
    ["AT_SECURE alone (file capabilities)", 0, { ruid: 0, rgid: 0, egid: 0, secure: true }, "secure-execution mode"],
    ["AT_SECURE unknown", 10000, { ruid: 10000, rgid: 10000, egid: 10000, secure: undefined }, "AT_SECURE unreadable"],
  ] as const)("%s", (_, euid, started, why) => {
    for (const optOut of [undefined, "1"]) {
      for (const cli of ["ok", "missing"] as const) {
        const plan = decide(config, { ...facts({ euid, cli, ...(optOut ? { optOut } : {}) }), started, self });
        expect(plan.kind).toBe("refuse");
        if (plan.kind !== "refuse") return;
        expect(plan.code).toBe(126);
        const lines = plan.message.split("\n");
        expect(lines).toHaveLength(3);
        expect(lines[0]).toContain(why);
        expect(`${lines[1]}\n`).toBe(fix);
        expect(plan.warning).toBeUndefined();
      }
    }
  });
  it("names the shim by what the shell finds when its own path is unknown", () => {
    const plan = decide(config, {
      ...facts({ euid: 0 }),
      started: { ruid: 10000, rgid: 10000, egid: 10000, secure: true },
    });
    expect(plan).toMatchObject({
      kind: "refuse",
      code: 126,
      message: expect.stringContaining("chmod u-s,g-s $(command -v hermes)\n"),
    });
  });
  it("an ordinary start is not refused", () => {
    expect(decide(config, facts({ euid: 10000 }))).toEqual(passThrough);
    expect(decide(config, facts())).toEqual(drop);
  });
});

describe("6. the runtime user missing from the image → 126 before the helper runs", () => {
  const line =
    "hermes: this image has no user hermes to drop to (not in /etc/passwd), so hermes will not run as root: " +
    "run it as a user the image has (docker exec --user UID …), rebuild the shim with --user NAME, or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n";
  it("refuses in one line naming the user and what works", () => {
    expect(decide(config, facts({ asRoot: roots({ runtimeUser: "absent" }) }))).toEqual({
      kind: "refuse",
      code: 126,
      message: line,
    });
  });
  it("another source may know it (LDAP, sssd): the helper decides", () => {
    expect(decide(config, facts({ asRoot: roots({ runtimeUser: "unknown" }) }))).toEqual(drop);
    expect(decide(config, facts({ asRoot: roots({ runtimeUser: "local" }) }))).toEqual(drop);
  });
  it("the opt-out and non-root callers need no runtime user", () => {
    expect(decide(config, facts({ optOut: "1", asRoot: roots({ runtimeUser: "absent" }) }))).toEqual(keptRoot);
    expect(decide(config, facts({ euid: 10000, asRoot: roots({ runtimeUser: "absent" }) }))).toEqual(passThrough);
  });
});

describe("6. root without CAP_SETUID or CAP_SETGID → 126 before the helper runs", () => {
  const SETUID = 1n << 7n;
  const SETGID = 1n << 6n;
  it.each([
    ["--cap-drop ALL", 0n, "CAP_SETUID and CAP_SETGID"],
    ["only SETUID", SETUID, "CAP_SETGID"],
    ["only SETGID", SETGID, "CAP_SETUID"],
  ])("%s: names the capability and every remedy", (_, capEff, lacking) => {
    const plan = decide(config, facts({ asRoot: roots({ capEff }) }));
    expect(plan).toEqual({
      kind: "refuse",
      code: 126,
      message:
        `hermes: cannot drop to hermes: root here lacks ${lacking} (the container runs with capabilities dropped); refusing to run hermes as root.\n` +
        "hermes: run it as hermes (docker exec --user hermes …), give the container --cap-add SETUID --cap-add SETGID, or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    });
  });
  it("the Kubernetes-hardened set (SETUID, SETGID, CHOWN, DAC_OVERRIDE) drops", () => {
    const capEff = SETUID | SETGID | (1n << 0n) | (1n << 1n);
    expect(decide(config, facts({ asRoot: roots({ capEff }) }))).toEqual(drop);
  });
  it("comes before the helper's own refusal", () => {
    const plan = decide(config, facts({ asRoot: roots({ capEff: 0n, helperTrust: missing }) }));
    expect(plan.kind === "refuse" && plan.message).toContain("lacks CAP_SETUID and CAP_SETGID");
  });
  it("unknown capabilities go on to the helper, which fails safe on its own", () => {
    expect(decide(config, facts({ asRoot: roots({ capEff: undefined }) }))).toEqual(drop);
  });
  it("the opt-out needs no capabilities", () => {
    expect(decide(config, facts({ optOut: "1", asRoot: roots({ capEff: 0n }) }))).toEqual(keptRoot);
  });
  it("does not concern non-root callers", () => {
    expect(decide(config, facts({ euid: 10000, asRoot: roots({ capEff: 0n }) }))).toEqual(passThrough);
  });
});

describe("7. root, the shim's own file replaceable by someone else → one warning line on every root call", () => {
  const weakSelf: Trust = { ok: false, missing: false, reason: "/opt/hermes is owned by uid 10000, not root" };
  const line =
    "hermes: warning: /opt/hermes is owned by uid 10000, not root: whoever can write there can replace this hermes, which root runs\n";
  it("on the drop", () => {
    expect(decide(config, facts({ asRoot: roots({ selfTrust: weakSelf }) }))).toEqual({ ...drop, warning: line });
  });
  it("on the opt-out, before the CLI's own warning", () => {
    const plan = decide(config, facts({ optOut: "1", asRoot: roots({ selfTrust: weakSelf, cliTrust: writable }) }));
    expect(plan.kind === "exec" && plan.warning?.startsWith(line)).toBe(true);
    expect(plan.kind === "exec" && plan.warning?.split("\n")).toHaveLength(3);
  });
  it("beside a refusal", () => {
    for (const asRoot of [
      roots({ selfTrust: weakSelf, capEff: 0n }),
      roots({ selfTrust: weakSelf, helperTrust: missing }),
    ]) {
      const plan = decide(config, facts({ asRoot }));
      expect(plan).toMatchObject({ kind: "refuse", code: 126, warning: line });
      expect(plan.kind === "refuse" && plan.message.split("\n")).toHaveLength(3);
    }
  });
  it("beside the refusal for a runtime user missing from the image", () => {
    const plan = decide(config, facts({ asRoot: roots({ selfTrust: weakSelf, runtimeUser: "absent" }) }));
    expect(plan).toMatchObject({ kind: "refuse", code: 126, warning: line });
  });
  it("not for non-root callers", () => {
    expect(decide(config, facts({ euid: 10000, asRoot: roots({ selfTrust: weakSelf }) }))).toEqual(passThrough);
  });
});

describe("7. the CLI's home, as the user it will run as finds it", () => {
  const blocked = {
    variable: "HERMES_HOME",
    path: "/opt/data",
    reach: {
      ok: false as const,
      blocks: "write" as const,
      missing: false,
      at: { dir: "/opt/data", uid: 1000, gid: 1000, mode: 0o040755 },
    },
  };
  const runtime = { who: { uid: 10000, user: "hermes" }, checks: [blocked] };

  it("the drop warns and still drops: never a refusal on this alone", () => {
    const plan = decide(config, facts({ homes: runtime }));
    expect(plan).toMatchObject({
      ...drop,
      warning: expect.stringMatching(
        /^hermes: warning: hermes \(uid 10000\) cannot write HERMES_HOME \/opt\/data: .*doctor --fix.*\n$/,
      ),
    });
  });

  it("pass-through warns for the caller and still passes through", () => {
    const plan = decide(config, facts({ euid: 1000, homes: { who: { uid: 1000 }, checks: [blocked] } }));
    expect(plan).toMatchObject({
      ...passThrough,
      warning: expect.stringContaining("uid 1000 cannot write HERMES_HOME /opt/data"),
    });
  });

  it("pass-through, a home the runtime user owns: the line names who can use it, not the drop's remedies", () => {
    const homes: Homes = {
      who: { uid: 1000 },
      runtimeUid: 10000,
      checks: [{ ...blocked, reach: { ...blocked.reach, at: { ...blocked.reach.at, uid: 10000, gid: 10000 } } }],
    };
    expect(decide(config, facts({ euid: 1000, homes }))).toEqual({
      ...passThrough,
      warning:
        "hermes: warning: uid 1000 cannot write HERMES_HOME /opt/data: it is owned by uid 10000 gid 10000, mode 0755, so the " +
        "hermes CLI may fail; run it as root (docker exec without --user: the shim drops to hermes), or as hermes (docker exec --user hermes)\n",
    });
  });

  it("healthy homes add nothing", () => {
    const ok = { who: { uid: 10000, user: "hermes" }, checks: [{ ...blocked, reach: { ok: true as const } }] };
    expect(decide(config, facts({ homes: ok }))).toEqual(drop);
    expect(decide(config, facts({ euid: 10000, homes: ok }))).toEqual(passThrough);
  });

  it("neither the opt-out nor a refusal speaks of the runtime user's home", () => {
    expect(decide(config, facts({ optOut: "1", homes: runtime }))).toEqual(keptRoot);
    const refused = decide(config, facts({ homes: runtime, asRoot: roots({ helperTrust: missing }) }));
    expect(refused).not.toHaveProperty("warning");
  });
});

describe("11. the drop's identity and groups: one exec of s6-applyuidgid with the ids the shim read", () => {
  const groupsTrusted: Trust = { ok: true, resolved: "/command/s6-applyuidgid" };
  const groupsMissing: Trust = { ok: false, missing: true, reason: "/command/s6-applyuidgid does not exist" };
  const groupsWritable: Trust = { ok: false, missing: false, reason: "/command is writable by others (mode 0777)" };
  const helperMissing = missing;
  const own: DropGroup[] = [{ gid: 10000, origin: "primary" }];
  const granted: DropGroup[] = [...own, { gid: 4242, origin: "granted" }, { gid: 2000, origin: "granted" }];
  const hermes = (over: Partial<Drop> = {}): Drop => ({
    uid: 10000,
    gid: 10000,
    groups: own,
    groupsHelperTrust: groupsTrusted,
    ...over,
  });
  const withDrop = (identity: Drop | undefined, euid = 0, over: RootsGiven = {}) =>
    facts({ euid, asRoot: roots({ ...(identity ? { drop: identity } : {}), ...over }) });
  const helperDrop = drop;
  const direct = (uid: string, gid: string, list: string) => ({
    ...drop,
    way: "drop-ids",
    drop: expect.objectContaining({ uid: Number(uid), gid: Number(gid) }),
    path: "/command/s6-applyuidgid",
    prefix: ["/command/s6-applyuidgid", "-u", uid, "-g", gid, "-G", list, HERMES.target],
  });
  const REMEDY =
    "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n";

  describe("the drop to a user in /etc/passwd: one exec of s6-applyuidgid with the ids the shim read", () => {
    it("nothing granted: still s6-applyuidgid, with the runtime user's own groups", () => {
      expect(decide(config, withDrop(hermes()))).toEqual(direct("10000", "10000", "10000"));
      const member: DropGroup[] = [...own, { gid: 999, origin: "member" }];
      expect(decide(config, withDrop(hermes({ groups: member })))).toEqual(direct("10000", "10000", "10000,999"));
    });

    it("granted groups: every group of the drop, the runtime user's own first", () => {
      expect(decide(config, withDrop(hermes({ groups: granted })))).toEqual(
        direct("10000", "10000", "10000,4242,2000"),
      );
    });

    it("the ids are the ones read, not the configuration's user name or defaults", () => {
      const groups: DropGroup[] = [{ gid: 4000, origin: "primary" }];
      expect(decide(config, withDrop(hermes({ uid: 3000, gid: 4000, groups })))).toEqual(
        direct("3000", "4000", "4000"),
      );
    });

    it("the helper is not run, so its trust does not matter: missing or rewritable, the drop is the same", () => {
      expect(decide(config, withDrop(hermes(), 0, { helperTrust: helperMissing }))).toEqual(
        direct("10000", "10000", "10000"),
      );
      const rewritable: Trust = {
        ok: false,
        missing: false,
        reason: "/command/s6-setuidgid is owned by uid 10000, not root",
      };
      expect(decide(config, withDrop(hermes(), 0, { helperTrust: rewritable }))).toEqual(
        direct("10000", "10000", "10000"),
      );
    });

    it("a user known through NSS alone (no /etc/passwd row): s6-setuidgid USER, which looks the name up", () => {
      expect(decide(config, withDrop(undefined))).toEqual(helperDrop);
    });

    it("a runtime user whose own primary group is 0 (OpenShift-style) drops with it", () => {
      const groups: DropGroup[] = [
        { gid: 0, origin: "primary" },
        { gid: 4242, origin: "granted" },
      ];
      expect(decide(config, withDrop(hermes({ gid: 0, groups })))).toEqual(direct("10000", "0", "0,4242"));
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
          withDrop(hermes({ uid: 0, gid: 0, groups: [{ gid: 0, origin: "primary" }], groupsHelperTrust })),
        );
        expect(plan).toEqual({ kind: "refuse", code: 126, message });
      }
      expect(decide(config, withDrop(hermes({ uid: 0 }), 0, { helperTrust: helperMissing }))).toEqual({
        kind: "refuse",
        code: 126,
        message,
      });
    });

    it("only uid 0: uid 1 drops", () => {
      expect(decide(config, withDrop(hermes({ uid: 1 })))).toEqual(direct("1", "10000", "10000"));
    });

    it("the opt-out still keeps root on purpose", () => {
      const f = withDrop(hermes({ uid: 0 }));
      f.env = [...f.env, bytes("HERMES_DOCKER_EXEC_AS_ROOT=1")];
      expect(decide(config, f)).toEqual(keptRoot);
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
      expect(decide(config, withDrop(hermes({ groupsHelperTrust: groupsWritable })))).toEqual(expected);
      expect(decide(config, withDrop(hermes({ groups: granted, groupsHelperTrust: groupsWritable })))).toEqual(
        expected,
      );
    });

    it("one not examined is not trusted: 126, as for the helper", () => {
      const { groupsHelperTrust: _, ...unexamined } = hermes();
      expect(decide(config, withDrop(unexamined))).toMatchObject({
        kind: "refuse",
        code: 126,
        message: expect.stringContaining("will not trust /command/s6-applyuidgid: the helper was not examined"),
      });
    });

    it("missing, nothing granted: the drop goes through the helper, and nothing is said", () => {
      expect(decide(config, withDrop(hermes({ groupsHelperTrust: groupsMissing })))).toEqual(helperDrop);
    });

    it("missing, groups granted: through the helper, without the granted groups, and says so", () => {
      expect(decide(config, withDrop(hermes({ groups: granted, groupsHelperTrust: groupsMissing })))).toEqual({
        ...helperDrop,
        warning:
          "hermes: warning: cannot use /command/s6-applyuidgid (/command/s6-applyuidgid does not exist), so hermes runs as hermes without the groups the container runtime granted (4242, 2000); install s6-applyuidgid at /command/s6-applyuidgid (s6-overlay has it), or rebuild the shim with --groups-helper PATH\n",
      });
    });

    it("missing, and the helper missing too: 126 naming both, or the one place both are missing from once", () => {
      expect(
        decide(config, withDrop(hermes({ groupsHelperTrust: groupsMissing }), 0, { helperTrust: helperMissing })),
      ).toEqual({
        kind: "refuse",
        code: 126,
        message:
          "hermes: cannot drop to hermes: /command/s6-applyuidgid does not exist, and /command/s6-setuidgid does not exist; " +
          `refusing to run hermes as root.\n${REMEDY}`,
      });
      const gone: Trust = { ok: false, missing: true, reason: "/command does not exist" };
      expect(decide(config, withDrop(hermes({ groupsHelperTrust: gone }), 0, { helperTrust: gone }))).toEqual({
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
      expect(
        decide(config, withDrop(hermes({ groupsHelperTrust: groupsMissing }), 0, { helperTrust: rewritable })),
      ).toEqual({
        kind: "refuse",
        code: 126,
        message:
          "hermes: will not trust /command/s6-setuidgid: /command/s6-setuidgid is owned by uid 10000, not root; " +
          `refusing to run hermes as root.\n${REMEDY}`,
      });
    });
  });

  it("the pass-through never changes groups", () => {
    expect(decide(config, withDrop(hermes({ groups: granted }), 10000))).toEqual({
      kind: "exec",
      way: "pass-through",
      path: HERMES.target,
      prefix: [HERMES.target],
    });
  });
});

describe("12. root's terminal stays root's: a shared terminal is relayed, never handed over", () => {
  const shared: Terminal = { kind: "shared", sid: 40, leaderUid: 0, fds: [0, 1, 2] };
  const identity = {
    uid: 10000,
    gid: 10000,
    groups: [{ gid: 10000, origin: "primary" as const }],
    groupsHelperTrust: { ok: true, resolved: "/command/s6-applyuidgid" } as const,
  };
  /** The drop to a user in /etc/passwd: s6-applyuidgid with its ids (contract §11). */
  const direct = {
    ...drop,
    way: "drop-ids",
    drop: identity,
    path: "/command/s6-applyuidgid",
    prefix: ["/command/s6-applyuidgid", "-u", "10000", "-g", "10000", "-G", "10000", HERMES.target],
  };

  it("shared with root's shell → the same drop, on a pty of the runtime user's", () => {
    const plan = decide(config, facts({ asRoot: roots({ terminal: shared, drop: identity }) }));
    expect(plan).toEqual({ ...direct, relay: { fds: [0, 1, 2], uid: 10000, gid: 10000 } });
  });
  it("only the controlling terminal → relayed with no descriptor to replace", () => {
    const plan = decide(config, facts({ asRoot: roots({ terminal: { ...shared, fds: [] }, drop: identity }) }));
    expect(plan).toEqual({ ...direct, relay: { fds: [], uid: 10000, gid: 10000 } });
  });
  it("a runtime user known only through NSS: relayed, the pty's owner left unknown", () => {
    expect(decide(config, facts({ asRoot: roots({ terminal: shared }) }))).toEqual({
      ...drop,
      relay: { fds: [0, 1, 2] },
    });
  });
  it.each([["none"], ["own"]] as const)("a terminal that is %s → the plain exec, unchanged", (kind) => {
    expect(decide(config, facts({ asRoot: roots({ terminal: { kind }, drop: identity }) }))).toEqual(direct);
  });
  it("a terminal that could not be examined → 126 naming the failed call, nothing run", () => {
    const terminal: Failure = { call: "ioctl TCGETS", on: "fd 0", errno: 5, words: "Input/output error" };
    expect(decide(config, facts({ asRoot: roots({ terminal }) }))).toEqual({
      kind: "refuse",
      code: 126,
      message:
        "hermes: cannot tell whose terminal this is: unable to ioctl TCGETS fd 0: Input/output error; " +
        "refusing to run hermes as root.\n" +
        "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    });
  });
  it("the opt-out keeps root and its own terminal: nothing is relayed", () => {
    const plan = decide(config, facts({ optOut: "1", asRoot: roots({ terminal: shared }) }));
    expect(plan).toEqual(keptRoot);
  });
  it("a helper that cannot be used still refuses first: the terminal changes no refusal", () => {
    const plan = decide(config, facts({ asRoot: roots({ helperTrust: missing, terminal: shared }) }));
    expect(plan).toMatchObject({
      kind: "refuse",
      code: 126,
      message: expect.stringContaining("cannot drop to hermes"),
    });
  });
});

describe("13. a call that failed is told as what it is: the drop refuses on what it needed, nothing guessed", () => {
  const eio = (call: string, on: string): Failure => ({ call, on, errno: 5, words: "Input/output error" });
  const remedy =
    "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n";
  const refusedFor = (what: string) => ({
    kind: "refuse",
    code: 126,
    message: `hermes: cannot drop to hermes: ${what}; refusing to run hermes as root.\n${remedy}`,
  });
  const identity: Drop = {
    uid: 10000,
    gid: 10000,
    groups: [{ gid: 10000, origin: "primary" }],
    groupsHelperTrust: { ok: true, resolved: "/command/s6-applyuidgid" },
  };

  it("ids that could not be read → 126 naming the call, before anything else, the opt-out included", () => {
    for (const optOut of [undefined, "1"]) {
      const plan = decide(config, facts({ started: eio("getuid", ""), ...(optOut ? { optOut } : {}) }));
      expect(plan).toEqual({
        kind: "refuse",
        code: 126,
        message:
          "hermes: refusing to run: cannot tell how this process started: unable to getuid: Input/output error; nothing was run.\n",
      });
    }
  });
  it("/proc/self/status unreadable → 126 naming it, never taken as 'capabilities unknown'", () => {
    const plan = decide(config, facts({ asRoot: roots({ capEff: eio("read", "/proc/self/status") }) }));
    expect(plan).toEqual(refusedFor("unable to read /proc/self/status: Input/output error"));
  });
  it("the user database unreadable → 126 naming it, never 'no user hermes'", () => {
    const failure = eio("read", "/etc/passwd");
    const plan = decide(config, facts({ asRoot: roots({ runtimeUser: failure, drop: failure }) }));
    expect(plan).toEqual(refusedFor("unable to read /etc/passwd: Input/output error"));
  });
  it("nsswitch.conf unreadable where /etc/passwd lacks the user → 126 naming it, never 'no user' nor the helper", () => {
    const plan = decide(config, facts({ asRoot: roots({ runtimeUser: eio("read", "/etc/nsswitch.conf") }) }));
    expect(plan).toEqual(refusedFor("unable to read /etc/nsswitch.conf: Input/output error"));
  });
  it("the drop's groups unreadable (getgroups) → 126 naming it", () => {
    const plan = decide(config, facts({ asRoot: roots({ runtimeUser: "local", drop: eio("getgroups", "") }) }));
    expect(plan).toEqual(refusedFor("unable to getgroups: Input/output error"));
  });
  it("the groups helper not examined → 126 naming the call, never the other helper instead", () => {
    const failure = eio("statx", "/command");
    const groupsHelperTrust: Trust = { ok: false, missing: false, reason: "unused", unexamined: failure };
    const plan = decide(
      config,
      facts({ asRoot: roots({ runtimeUser: "local", drop: { ...identity, groupsHelperTrust } }) }),
    );
    expect(plan).toEqual(refusedFor("unable to statx /command: Input/output error"));
  });
  it("the helper not examined → 126 naming the call, not 'does not exist' or 'not a directory'", () => {
    const failure = eio("statx", "/");
    const helperTrust: Trust = { ok: false, missing: false, reason: "unused", unexamined: failure };
    expect(decide(config, facts({ asRoot: roots({ helperTrust }) }))).toEqual(
      refusedFor("unable to statx /: Input/output error"),
    );
  });
  it("the helper not examined is no matter when the groups helper drops: it is not run", () => {
    const helperTrust: Trust = { ok: false, missing: false, reason: "unused", unexamined: eio("statx", "/x") };
    const plan = decide(config, facts({ asRoot: roots({ helperTrust, runtimeUser: "local", drop: identity }) }));
    expect(plan).toMatchObject({ kind: "exec", path: "/command/s6-applyuidgid" });
  });
  it("the shim's own file not examined → the drop runs, with one warning line naming the call", () => {
    const failure = eio("readlink", "/proc/self/exe");
    const selfTrust: Trust = {
      ok: false,
      missing: false,
      reason: "unable to readlink /proc/self/exe: Input/output error",
      unexamined: failure,
    };
    const plan = decide(config, facts({ asRoot: roots({ selfTrust }) }));
    expect(plan).toMatchObject({
      kind: "exec",
      warning:
        "hermes: warning: cannot tell whether anyone but root can replace this hermes: unable to readlink /proc/self/exe: Input/output error\n",
    });
  });
});

describe("contract §14: the drop's umask follows the CLI's home", () => {
  const check = (path: string, sharing?: { gid: number; mode: number }) => ({
    variable: null,
    path,
    reach: { ok: true as const },
    ...(sharing ? { sharing } : {}),
  });
  const withHomes = (...checks: ReturnType<typeof check>[]) =>
    decide(config, facts({ homes: { who: { uid: 10000, user: "hermes" }, checks } }));

  it("a shared home closed to others narrows it to 0007; one others may read keeps the build's", () => {
    expect(withHomes(check("/opt/data", { gid: 2000, mode: 0o2770 }))).toMatchObject({ ...drop, umask: 0o007 });
    expect(withHomes(check("/opt/data", { gid: 2000, mode: 0o2775 }))).toMatchObject({ ...drop, umask: 0o002 });
    expect(withHomes(check("/opt/data"))).toMatchObject({ ...drop, umask: 0o002 });
  });

  it("no home checked at all: the build's", () => {
    expect(withHomes()).toMatchObject({ ...drop, umask: 0o002 });
  });

  it("the first home is the CLI's: a second one's sharing does not count", () => {
    const plan = withHomes(check("/srv/h"), check("/opt/data", { gid: 2000, mode: 0o2770 }));
    expect(plan).toMatchObject({ umask: 0o002 });
  });
});

describe("15. the boot's environment: every way that runs the CLI gets it, nothing about it refuses", () => {
  const NAME = "AGENT_BROWSER_EXECUTABLE_PATH";
  const file = (uid: number) => ({
    kind: "file" as const,
    uid,
    gid: 0,
    mode: 0o100644,
    data: bytes("/usr/bin/chromium"),
  });
  const boot = (uid = 0): BootFacts => ({
    vars: [{ name: NAME, program: true, file: file(uid) }],
    dirTrust: gathered({ ok: true, resolved: BOOT_ENV_DIR }),
    target: () => ({ kind: "file", uid: 0, gid: 0, mode: 0o100755 }),
  });
  const imported = [{ name: NAME, value: bytes("/usr/bin/chromium"), from: `${BOOT_ENV_DIR}/${NAME}` }];
  const warning = `hermes: warning: not taking ${NAME} from the boot's environment: ${BOOT_ENV_DIR}/${NAME} is owned by uid 10000, not root; hermes runs without it\n`;
  const refused = [{ name: NAME, not: `${BOOT_ENV_DIR}/${NAME} is owned by uid 10000, not root`, warned: true }];

  it("the pass-through, the opt-out and root's drop each carry the import", () => {
    expect(decide(config, facts({ euid: 10000, boot: boot() }))).toEqual({ ...passThrough, boot: imported });
    expect(decide(config, facts({ optOut: "1", boot: boot() }))).toEqual({ ...keptRoot, boot: imported });
    expect(decide(config, facts({ boot: boot(), asRoot: roots({ terminal: { kind: "own" } }) }))).toEqual({
      ...drop,
      boot: imported,
    });
  });
  it("a file someone else could have written: each runs without it, after one warning line", () => {
    expect(decide(config, facts({ euid: 10000, boot: boot(10000) }))).toEqual({
      ...passThrough,
      boot: refused,
      warning,
    });
    expect(decide(config, facts({ optOut: "1", boot: boot(10000) }))).toEqual({
      ...keptRoot,
      boot: refused,
      warning,
    });
    expect(decide(config, facts({ boot: boot(10000), asRoot: roots({ terminal: { kind: "own" } }) }))).toEqual({
      ...drop,
      boot: refused,
      warning,
    });
  });
  it("a refusal stays the refusal it was: no import rides on it", () => {
    const plan = decide(config, facts({ boot: boot(), asRoot: roots({ helperTrust: missing }) }));
    expect(plan).toMatchObject({ kind: "refuse", code: 126 });
    expect(plan).not.toHaveProperty("boot");
  });
  it("a build that names no variable carries none", () => {
    const none: BootFacts = { ...boot(), vars: [] };
    expect(decide(config, facts({ euid: 10000, boot: none }))).toEqual(passThrough);
  });
});

describe("contract §13 and §14: a CLI home whose sharing could not be examined refuses the drop", () => {
  it("126 with the failure, never the build's umask on a guess; the pass-through never looks", () => {
    const failure = { call: "statx", on: "/", errno: 5, words: "Input/output error" };
    const homes: Homes = {
      who: { uid: 10000, user: "hermes" },
      checks: [{ variable: null, path: "/opt/data", reach: { ok: true }, sharing: failure }],
    };
    expect(decide(config, facts({ homes, asRoot: roots({ terminal: { kind: "own" } }) }))).toEqual({
      kind: "refuse",
      code: 126,
      message:
        "hermes: cannot tell whether /opt/data is shared with a group, which the drop's umask follows: unable to " +
        "statx /: Input/output error; refusing to run hermes as root.\n" +
        "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    });
    // Only the CLI's own home decides the umask: another's failure is explain's to show.
    const second: Homes = {
      ...homes,
      checks: [
        { variable: null, path: "/opt/data", reach: { ok: true } },
        { ...(homes.checks[0] as HomeCheck), path: "/srv" },
      ],
    };
    expect(decide(config, facts({ homes: second, asRoot: roots({ terminal: { kind: "own" } }) }))).toMatchObject({
      kind: "exec",
      umask: 0o002,
    });
  });
});

describe("16. one home whatever the session's environment: every way gets it, and it is the home judged", () => {
  const HOME_FILE = `${BOOT_ENV_DIR}/HERMES_HOME`;
  const bootHome = (given: string | undefined, value?: string, uid = 0): BootFacts => ({
    vars: [],
    // The boot's file is read where, and only where, the caller's value is blank (src/sys/facts.ts homeFact).
    home:
      given !== undefined && !isBlank(bytes(given))
        ? { given: bytes(given) }
        : {
            given: given === undefined ? undefined : bytes(given),
            file:
              value === undefined
                ? { kind: "missing" }
                : { kind: "file", uid, gid: 0, mode: 0o100644, data: bytes(value) },
          },
    dirTrust: gathered({ ok: true, resolved: BOOT_ENV_DIR }),
    target: () => ({ kind: "missing" }),
  });
  const fromBoot = {
    variable: "HERMES_HOME",
    value: bytes("/srv/hermes"),
    source: "boot",
    boot: { name: "HERMES_HOME", value: bytes("/srv/hermes"), from: HOME_FILE },
  };
  const set = {
    name: "HERMES_HOME",
    value: bytes("/srv/hermes"),
    why: `the caller's was unset or blank: from ${HOME_FILE}`,
  };
  const own = { asRoot: roots({ terminal: { kind: "own" } }) };

  it("a blank value: the pass-through, the opt-out and the drop each set the boot's", () => {
    expect(decide(config, facts({ euid: 10000, boot: bootHome(" ", "/srv/hermes") }))).toEqual({
      ...passThrough,
      home: fromBoot,
      env: [set],
    });
    expect(decide(config, facts({ optOut: "1", boot: bootHome("", "/srv/hermes") }))).toEqual({
      ...keptRoot,
      home: fromBoot,
      env: [set],
    });
    expect(decide(config, facts({ boot: bootHome(undefined, "/srv/hermes"), ...own }))).toEqual({
      ...drop,
      home: fromBoot,
      env: [...DROP_ENV, set],
    });
  });
  it("a caller's own value: kept, nothing set but the drop's user", () => {
    const kept = { variable: "HERMES_HOME", value: bytes("/srv/own"), source: "caller" };
    expect(decide(config, facts({ euid: 10000, boot: bootHome("/srv/own", "/srv/hermes") }))).toEqual({
      ...passThrough,
      home: kept,
    });
    expect(decide(config, facts({ boot: bootHome("/srv/own"), ...own }))).toEqual({ ...drop, home: kept });
  });
  it("the boot's file someone else could have written: the build's home, after one warning line", () => {
    expect(decide(config, facts({ euid: 10000, boot: bootHome(undefined, "/tmp/x", 10000) }))).toEqual({
      ...passThrough,
      home: {
        variable: "HERMES_HOME",
        value: bytes("/opt/data"),
        source: "build",
        boot: { name: "HERMES_HOME", not: `${HOME_FILE} is owned by uid 10000, not root`, warned: true },
      },
      env: [
        { name: "HERMES_HOME", value: bytes("/opt/data"), why: "the caller's was unset or blank: the build's home" },
      ],
      warning: `hermes: warning: not taking HERMES_HOME from the boot's environment: ${HOME_FILE} is owned by uid 10000, not root; hermes runs with HERMES_HOME=/opt/data, the build's home\n`,
    });
  });
  it("the home the CLI will use is the one planned, on every way", () => {
    const asked: unknown[] = [];
    for (const given of [
      facts({ euid: 10000, boot: bootHome(undefined, "/srv/hermes") }),
      facts({ boot: bootHome(undefined, "/srv/hermes"), ...own }),
    ]) {
      const plan = decide(config, given);
      asked.push(plan.kind === "exec" ? plan.home : undefined);
    }
    expect(asked).toEqual([fromBoot, fromBoot]);
  });
  it("root's runtime directory is not handed to the runtime user; one that could not be examined is told", () => {
    const rootDir = { value: bytes("/run/user/0"), node: { kind: "dir" as const, uid: 0, gid: 0, mode: 0o040700 } };
    const hermes: Drop = {
      uid: 10000,
      gid: 10000,
      groups: [{ gid: 10000, origin: "primary" }],
      groupsHelperTrust: { ok: true, resolved: "/command/s6-applyuidgid" },
    };
    const ownDir = {
      value: bytes("/run/user/10000"),
      node: { kind: "dir" as const, uid: 10000, gid: 0, mode: 0o040700 },
    };
    const kept = decide(
      config,
      facts({ asRoot: { ...roots({ terminal: { kind: "own" }, drop: hermes }), runtimeDir: ownDir } }),
    );
    expect(kept).toMatchObject({ path: "/command/s6-applyuidgid", env: DROP_ENV });
    const away = decide(
      config,
      facts({ asRoot: { ...roots({ terminal: { kind: "own" }, drop: hermes }), runtimeDir: rootDir } }),
    );
    expect(away).toMatchObject({
      env: [
        ...DROP_ENV,
        { name: "XDG_RUNTIME_DIR", unset: true, why: `"/run/user/0" is not hermes's own: it is uid 0's, not hermes's` },
      ],
    });
    expect(away).not.toHaveProperty("warning");
    const failure = { call: "statx", on: "/run/user/0", errno: 5, words: "Input/output error" };
    const lost = { value: bytes("/run/user/0"), node: { kind: "unexamined" as const, failure } };
    expect(
      decide(config, facts({ asRoot: { ...roots({ terminal: { kind: "own" } }), runtimeDir: lost } })),
    ).toMatchObject({
      warning:
        "hermes: warning: not handing on XDG_RUNTIME_DIR: unable to statx /run/user/0: Input/output error; hermes runs without it\n",
    });
    // The pass-through and the opt-out change no user variable.
    expect(decide(config, facts({ optOut: "1", asRoot: { ...roots(), runtimeDir: rootDir } }))).toEqual(keptRoot);
  });
});
