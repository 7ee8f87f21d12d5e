/**
 * The whole policy (README §2) as one pure function: facts in, plan out.
 * Everything that touches the system lives in src/sys and only gathers facts
 * or carries out the plan.
 */
import { type Bytes, envValues } from "./bytes.ts";
import type { ShimConfig } from "./config.ts";
import { adminName, type Called } from "./name.ts";
import { PROGRAM_STATUS_TEXT, type ProgramStatus } from "./program.ts";
import type { Trust } from "./trust.ts";

export interface Facts {
  /** The command argv[0] names (name.ts calledCommand): the plan runs that command's own target. */
  command: Called;
  euid: number;
  env: readonly Bytes[];
  /** Whether the command's target is there to execute; not examined for a name the build does not know. */
  cli: ProgramStatus;
  /** Examined only when euid is 0: the hot path never pays for it. */
  asRoot?: { helperTrust: Trust; cliTrust: Trust };
}

export type Plan =
  | {
      kind: "exec";
      /** Program to execve; argv is `prefix` followed by the caller's arguments. */
      path: string;
      prefix: string[];
      setEnv?: { name: string; value: string };
      umask?: number;
      warning?: string;
    }
  | { kind: "refuse"; code: 126 | 127; message: string };

const TRUTHY = new Set(["1", "true", "yes"]);

function asciiLower(value: Bytes): string {
  let out = "";
  for (const b of value) out += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
  return out;
}

/**
 * Exactly 1, true or yes, any case, nothing trimmed. With duplicate entries
 * every one must agree: an ambiguous environment never keeps root.
 */
export function isStrictlyTruthy(values: readonly Bytes[]): boolean {
  return values.length > 0 && values.every((v) => TRUTHY.has(asciiLower(v)));
}

const NOT_EXAMINED: Trust = { ok: false, missing: false, reason: "the helper was not examined" };

/** "a, b and c": the known commands, as the refusal of an unknown name lists them. */
export function listNames(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

export function decide(config: ShimConfig, facts: Facts): Plan {
  const { helper, user, optOutVar } = config;
  const called = facts.command;
  if ("unknown" in called) {
    const known = listNames(config.commands.map((c) => c.name));
    return {
      kind: "refuse",
      code: 127,
      message:
        `${adminName(config.name)}: called as ${JSON.stringify(called.unknown)}, which is not one of its commands; nothing was run.\n` +
        `${adminName(config.name)}: it runs ${known}, each by the name it is called as.\n`,
    };
  }
  const { name, target } = called;
  if (facts.cli !== "ok") {
    const why = PROGRAM_STATUS_TEXT[facts.cli];
    return { kind: "refuse", code: 127, message: `${name}: cannot run the ${name} CLI at ${target}: it ${why}\n` };
  }
  if (facts.euid !== 0) return { kind: "exec", path: target, prefix: [target] };

  if (isStrictlyTruthy(envValues(facts.env, optOutVar))) {
    const trust = facts.asRoot?.cliTrust;
    const warning =
      trust && !trust.ok
        ? `${name}: warning: ${optOutVar} keeps root, but ${trust.reason}: whoever can write there can run code as root\n`
        : undefined;
    return { kind: "exec", path: target, prefix: [target], ...(warning ? { warning } : {}) };
  }

  const trust = facts.asRoot?.helperTrust ?? NOT_EXAMINED;
  if (trust.ok) {
    return {
      kind: "exec",
      path: helper,
      prefix: [helper, user, target],
      setEnv: { name: "HOME", value: config.home },
      umask: config.umask,
    };
  }
  const problem = trust.missing
    ? `cannot drop to ${user}: ${trust.reason}`
    : `will not trust ${helper}: ${trust.reason}`;
  return {
    kind: "refuse",
    code: 126,
    message:
      `${name}: ${problem}; refusing to run ${name} as root.\n` +
      `${name}: run it as ${user} (docker exec --user ${user} …) or, to keep root on purpose, set ${optOutVar}=1.\n`,
  };
}
