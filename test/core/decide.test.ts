/** README §2, row by row, on the pure decision. */
import { describe, expect, it } from "vitest";
import { bytes } from "../../src/core/bytes.ts";
import { type Command, defaultsFor } from "../../src/core/config.ts";
import { decide, type Facts, isStrictlyTruthy, listNames } from "../../src/core/decide.ts";
import type { Trust } from "../../src/core/trust.ts";

const config = defaultsFor("hermes");
const [HERMES, AGENT, ACP] = config.commands as [Command, Command, Command];
const trusted: Trust = { ok: true, resolved: "/command/s6-setuidgid" };
const missing: Trust = { ok: false, missing: true, reason: "/command/s6-setuidgid does not exist" };
const writable: Trust = { ok: false, missing: false, reason: "/command is writable by others (mode 0777)" };

function facts(over: Partial<Facts> & { optOut?: string | string[] } = {}): Facts {
  const { optOut, ...rest } = over;
  const values = optOut === undefined ? [] : Array.isArray(optOut) ? optOut : [optOut];
  return {
    command: HERMES,
    euid: 0,
    env: [bytes("PATH=/usr/bin"), ...values.map((v) => bytes(`HERMES_DOCKER_EXEC_AS_ROOT=${v}`))],
    cli: "ok",
    asRoot: { helperTrust: trusted, cliTrust: trusted },
    ...rest,
  };
}

const passThrough = { kind: "exec", path: HERMES.target, prefix: [HERMES.target] };
const drop = {
  kind: "exec",
  path: "/command/s6-setuidgid",
  prefix: ["/command/s6-setuidgid", "hermes", "/opt/hermes/.venv/bin/hermes"],
  setEnv: { name: "HOME", value: "/opt/data" },
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
  it("an empty name is unknown too", () => {
    expect(decide(config, facts({ command: { unknown: "" } }))).toMatchObject({ kind: "refuse", code: 127 });
  });
  it.each([AGENT, ACP])("$name: every rule applies with its own target and name", (command) => {
    const { name, target } = command;
    expect(decide(config, facts({ command, euid: 10000 }))).toEqual({ kind: "exec", path: target, prefix: [target] });
    expect(decide(config, facts({ command, optOut: "yes" }))).toEqual({ kind: "exec", path: target, prefix: [target] });
    expect(decide(config, facts({ command }))).toEqual({
      ...drop,
      prefix: ["/command/s6-setuidgid", "hermes", target],
    });
    expect(decide(config, facts({ command, cli: "missing" }))).toEqual({
      kind: "refuse",
      code: 127,
      message: `${name}: cannot run the ${name} CLI at ${target}: it does not exist\n`,
    });
    const refused = decide(config, facts({ command, asRoot: { helperTrust: missing, cliTrust: trusted } }));
    expect(refused).toMatchObject({ kind: "refuse", code: 126 });
    expect(refused.kind === "refuse" && refused.message).toBe(
      `${name}: cannot drop to hermes: /command/s6-setuidgid does not exist; refusing to run ${name} as root.\n` +
        `${name}: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n`,
    );
  });
});

describe("1. the real CLI must exist and be executable", () => {
  it.each([
    ["missing", "it does not exist"],
    ["not-executable", "it is not executable"],
  ] as const)("%s → 127 naming the path, before anything else", (cli, why) => {
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
    expect(decide(config, facts({ euid, asRoot: { helperTrust: missing, cliTrust: missing } }))).toEqual(passThrough);
  });
  it("needs no root facts", () => {
    const { asRoot: _, ...nonRoot } = facts({ euid: 10000 });
    expect(decide(config, nonRoot)).toEqual(passThrough);
  });
});

describe("3. root with a strictly truthy opt-out keeps root", () => {
  it.each(["1", "true", "yes", "TRUE", "Yes", "yEs", "True"])("%j", (value) => {
    expect(decide(config, facts({ optOut: value }))).toEqual(passThrough);
  });
  it("even when the helper is missing", () => {
    expect(decide(config, facts({ optOut: "1", asRoot: { helperTrust: missing, cliTrust: trusted } }))).toEqual(
      passThrough,
    );
  });
  it("warns once when the runtime user could rewrite the CLI", () => {
    const plan = decide(config, facts({ optOut: "yes", asRoot: { helperTrust: trusted, cliTrust: writable } }));
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
    const plan = decide(config, facts({ asRoot: { helperTrust: missing, cliTrust: trusted } }));
    expect(plan).toEqual({
      kind: "refuse",
      code: 126,
      message:
        "hermes: cannot drop to hermes: /command/s6-setuidgid does not exist; refusing to run hermes as root.\n" +
        "hermes: run it as hermes (docker exec --user hermes …) or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    });
  });
  it("untrusted helper is refused like a missing one, with the reason", () => {
    const plan = decide(config, facts({ asRoot: { helperTrust: writable, cliTrust: trusted } }));
    expect(plan).toMatchObject({ kind: "refuse", code: 126 });
    expect(plan.kind === "refuse" && plan.message).toContain(
      "will not trust /command/s6-setuidgid: /command is writable by others (mode 0777); refusing to run hermes as root.",
    );
  });
  it("root facts that were never gathered are treated as an unusable helper", () => {
    const { asRoot: _, ...noRoot } = facts();
    expect(decide(config, noRoot)).toMatchObject({ kind: "refuse", code: 126 });
  });
});

describe("a fork's configuration", () => {
  const rabbit = { ...defaultsFor("rabbit"), helper: "/usr/sbin/gosu" };
  it("uses its own names everywhere", () => {
    const env = [bytes("RABBIT_DOCKER_EXEC_AS_ROOT=1")];
    const command = rabbit.commands[0] as Command;
    expect(decide(rabbit, { ...facts({ command }), env })).toEqual({
      kind: "exec",
      path: "/opt/rabbit/.venv/bin/rabbit",
      prefix: ["/opt/rabbit/.venv/bin/rabbit"],
    });
    const plan = decide(rabbit, { ...facts({ command }), env: [bytes("HERMES_DOCKER_EXEC_AS_ROOT=1")] });
    expect(plan).toMatchObject({ prefix: ["/usr/sbin/gosu", "rabbit", "/opt/rabbit/.venv/bin/rabbit"] });
  });
});

describe("listNames", () => {
  it.each([
    [["hermes"], "hermes"],
    [["hermes", "hermes-agent"], "hermes and hermes-agent"],
    [["a", "b", "c"], "a, b and c"],
  ])("%j", (names, text) => expect(listNames(names)).toBe(text));
});

describe("isStrictlyTruthy", () => {
  it("compares bytes, not decoded text", () => {
    expect(isStrictlyTruthy([new Uint8Array([0x31])])).toBe(true);
    expect(isStrictlyTruthy([new Uint8Array([0xff, 0x31])])).toBe(false);
    expect(isStrictlyTruthy([new Uint8Array([0x59, 0x45, 0x53])])).toBe(true);
    expect(isStrictlyTruthy([])).toBe(false);
  });
});
