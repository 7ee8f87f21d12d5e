/**
 * Randomised invariants over thousands of byte strings (seeded, so a failure
 * replays): root never keeps root without a strict opt-out, and argv and
 * environment bytes round-trip untouched.
 */
import { describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import { type Bytes, bytes, envValues, envWith, splitNul } from "../../src/core/bytes.ts";
import type { ShimConfig } from "../../src/core/config.ts";
import type { Plan } from "../../src/core/decide.ts";
import { calledCommand } from "../../src/core/name.ts";
import type { Trust } from "../../src/core/trust.ts";
import { isStrictlyTruthy } from "../../src/core/words.ts";
import { type Given, planOf } from "./given.ts";

/** The plan as the shim makes it: decide(), then, where it asks for the drop, planDrop(). */
const decide = (config: ShimConfig, given: Given): Plan => planOf(config, given).plan;

/** xorshift32: no dependency, reproducible from the seed. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const raw = (max: number, noNul = true): Bytes =>
    Uint8Array.from({ length: int(max + 1) }, () => (noNul ? 1 + int(255) : int(256)));
  return { int, pick, raw, next };
}

const config = defaultsFor("hermes");
const NAME = config.optOutVar;
const NEAR = [
  "1",
  "true",
  "yes",
  "TRUE",
  "Yes",
  " 1",
  "1 ",
  "on",
  "y",
  "0",
  "",
  "2",
  "tru",
  "yess",
  "\t1",
  "1\n",
  "ＴＲＵＥ",
];

/** An independent statement of contract §2.3, on latin1 text. */
function oracle(values: Bytes[]): boolean {
  const words = values.map((v) => Buffer.from(v).toString("latin1"));
  return words.length > 0 && words.every((w) => /^(1|true|yes)$/i.test(w) && /^[\x20-\x7e]*$/.test(w));
}

function randomValue(r: ReturnType<typeof rng>): Bytes {
  if (r.next() < 0.5) {
    const word = r.pick(NEAR);
    const cased = [...word].map((c) => (r.next() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join("");
    return bytes(cased);
  }
  return r.raw(6);
}

describe("decide under random environments", () => {
  const helpers: Trust[] = [
    { ok: true, resolved: config.helper },
    { ok: false, missing: true, reason: "missing" },
    { ok: false, missing: false, reason: "writable" },
  ];

  it("root keeps root exactly when the opt-out is strictly truthy (20,000 cases)", () => {
    const r = rng(0x5eed);
    for (let i = 0; i < 20_000; i++) {
      const env: Bytes[] = [];
      for (let n = r.int(6); n > 0; n--) env.push(r.raw(20));
      for (let n = r.int(3); n > 0; n--) {
        env.splice(r.int(env.length + 1), 0, Uint8Array.from([...bytes(`${NAME}=`), ...randomValue(r)]));
      }
      const helper = r.pick(helpers);
      const command = r.pick(config.commands);
      const plan = decide(config, {
        command,
        euid: 0,
        started: { ruid: 0, rgid: 0, egid: 0, secure: false },
        env,
        cli: "ok",
        asRoot: { helperTrust: helper, cliTrust: helper, selfTrust: helper, capEff: 0x1ffffffffffn },
      });
      const keepsRoot = plan.kind === "exec" && plan.path === command.target;
      const expected = oracle(envValues(env, NAME));
      if (keepsRoot !== expected || isStrictlyTruthy(envValues(env, NAME)) !== expected) {
        throw new Error(`case ${i}: ${JSON.stringify(env.map((e) => [...e]))} → ${JSON.stringify(plan)}`);
      }
      if (!keepsRoot && plan.kind === "exec") {
        expect(plan.prefix).toEqual([config.helper, config.user, command.target]);
      }
      if (!helper.ok && !expected) expect(plan).toMatchObject({ kind: "refuse", code: 126 });
    }
  });

  it("a non-root caller always passes straight through", () => {
    const r = rng(7);
    for (let i = 0; i < 5_000; i++) {
      const env = [Uint8Array.from([...bytes(`${NAME}=`), ...randomValue(r)]), r.raw(10)];
      const command = r.pick(config.commands);
      const euid = 1 + r.int(65_000);
      const started = { ruid: euid, rgid: 7, egid: 7, secure: false };
      const plan = decide(config, { command, euid, started, env, cli: "ok" });
      expect(plan).toEqual({ kind: "exec", way: "pass-through", path: command.target, prefix: [command.target] });
    }
  });

  it("argv[0] runs a command only when its last path element is that command's name (20,000 cases)", () => {
    const r = rng(0xa160);
    const names = config.commands.map((c) => c.name);
    const pieces = [...names, "hermes-exec-shim", "other", "", "/", "//", "bin", "-", "agent", "\xff"];
    for (let i = 0; i < 20_000; i++) {
      const parts = Array.from({ length: r.int(4) + 1 }, () => (r.next() < 0.1 ? r.raw(3) : bytes(r.pick(pieces))));
      const argv0 = Uint8Array.from(parts.flatMap((p) => [...p]));
      const text = Buffer.from(argv0).toString("latin1");
      const base = text.slice(text.lastIndexOf("/") + 1);
      const called = calledCommand(argv0, config.commands);
      const expected = config.commands.find((c) => c.name === base);
      if (expected ? called !== expected : !("unknown" in called)) {
        throw new Error(`case ${i}: ${JSON.stringify(text)} → ${JSON.stringify(called)}`);
      }
      for (const euid of [0, 10000]) {
        const started = { ruid: euid, rgid: 7, egid: 7, secure: false };
        const plan = decide(config, { command: called, euid, started, env: [bytes(`${NAME}=1`)], cli: "ok" });
        if (expected) expect(plan).toMatchObject({ kind: "exec", prefix: [expected.target] });
        else expect(plan).toMatchObject({ kind: "refuse", code: 127 });
      }
    }
  });
});

describe("raw bytes round-trip", () => {
  it("argv: any strings without NUL, empty ones included (10,000 cases)", () => {
    const r = rng(42);
    for (let i = 0; i < 10_000; i++) {
      const args = Array.from({ length: r.int(8) }, () => r.raw(12));
      const joined = Uint8Array.from(args.flatMap((a) => [...a, 0]));
      const back = splitNul(joined);
      expect(back.map((a) => [...a])).toEqual(args.map((a) => [...a]));
    }
  });

  it("environment: setting HOME changes HOME and nothing else (10,000 cases)", () => {
    const r = rng(99);
    for (let i = 0; i < 10_000; i++) {
      const env = Array.from({ length: r.int(8) }, () => r.raw(12));
      if (r.next() < 0.5) env.splice(r.int(env.length + 1), 0, Uint8Array.from([...bytes("HOME="), ...r.raw(5)]));
      const out = envWith(env, "HOME", "/opt/data");
      const isHome = (e: Bytes) => Buffer.from(e.subarray(0, 5)).toString("latin1") === "HOME=";
      expect(out.filter((e) => !isHome(e)).map((e) => [...e])).toEqual(
        env.filter((e) => !isHome(e)).map((e) => [...e]),
      );
      expect(envValues(out, "HOME").map((v) => Buffer.from(v).toString())).toEqual(["/opt/data"]);
    }
  });
});
