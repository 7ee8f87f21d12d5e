/**
 * The whole policy (contract §2) as pure functions: facts in, plan out. `decide` plans from what every call
 * gathers; where root drops, src/root/core/drop.ts plans from root's drop facts, gathered in one step after it.
 * Everything that touches the system lives in a sys folder and only gathers facts or carries out the plan.
 */
import { type BootFacts, type BootImport, bootImports, bootWarnings } from "./bootEnv.ts";
import { type Bytes, envValues, text } from "./bytes.ts";
import type { CliHome } from "./cliHome.ts";
import type { ShimConfig } from "./config.ts";
import { type Failure, failed, failureText } from "./failure.ts";
import type { Gateway } from "./gateway.ts";
import type { DropGroup } from "./groups.ts";
import { type Homes, homeWarnings } from "./homes.ts";
import { adminName, type Called } from "./name.ts";
import { missingDropCaps, privilegedStart, type Started } from "./privilege.ts";
import { type ProgramStatus, programStatusText, type Trust } from "./trust.ts";
import { type EnvChange, homeChange } from "./userEnv.ts";
import { isStrictlyTruthy, listNames } from "./words.ts";

export interface Facts {
  /** The command argv[0] names (name.ts calledCommand): the plan runs that command's own target. */
  command: Called;
  euid: number;
  /** Real ids and AT_SECURE beside the effective uid: how the kernel started this process. */
  started: Omit<Started, "euid"> | Failure;
  /** The shim's own file (readlink /proc/self/exe); read only when a rule needs it (root, or a privileged start). */
  self?: string | Failure;
  env: readonly Bytes[];
  /** Whether the command's target is there to execute; not examined for a name the build does not know. */
  cli: ProgramStatus;
  /** The caller's homes as the caller finds them (contract §7), with the CLI's `home`: not root's, whose CLI drops. */
  homes?: Homes;
  /**
   * The boot's environment (contract §15) for the variables the build names and the CLI's home variable
   * (contract §16); undefined when nothing will run.
   */
  boot?: BootFacts;
  /** The home the CLI will use (cliHome.ts, contract §16), from `boot`; undefined when nothing will run. */
  home?: CliHome | undefined;
  /** Examined only when euid is 0: the hot path never pays for it. */
  asRoot?: {
    helperTrust: Trust;
    cliTrust: Trust;
    /** Whether root may run the shim itself: whoever could replace it runs code at the next root call. */
    selfTrust: Trust;
    /** CapEff from /proc/self/status, undefined where it has no such line. */
    capEff: bigint | undefined | Failure;
    /** /proc/self/status's text, where it could be read: root's drop facts take the runtime's granted groups from it. */
    status?: string;
  };
}

/** The runtime user as the drop makes it: it then execs the groups helper with these ids, so its trust goes with them. */
export interface Drop {
  uid: number;
  gid: number;
  groups: DropGroup[];
  /** The running gateway `groups` were matched with (contract §15); absent where the runtime granted no group. */
  gateway?: Gateway;
  /** The groups helper's trust: what root runs to drop to an identity it knows. Not examined is not trusted. */
  groupsHelperTrust?: Trust;
}

/** Whether the caller keeps root on purpose: the one place the opt-out's value is judged, for decide and explain. */
export function optedOut(config: ShimConfig, env: readonly Bytes[]): boolean {
  return isStrictlyTruthy(envValues(env, config.optOutVar));
}

/**
 * How an exec plan runs the CLI: as the caller (`pass-through`), as root on purpose (`opt-out`), or dropped to the
 * runtime user by s6-applyuidgid with the ids and groups the shim checked (`drop-ids`) or by the helper, which looks
 * the name up itself (`drop-name`). Either drop may be relayed on a pty of its own (`relay`).
 */
export type Way = { way: "pass-through" } | { way: "opt-out" } | { way: "drop-ids"; drop: Drop } | { way: "drop-name" };

export type Plan =
  | (Way & {
      kind: "exec";
      /** Program to execve; argv is `prefix` followed by the caller's arguments. */
      path: string;
      prefix: string[];
      /** The CLI's home (contract §16): where it came from; absent where nothing of it was gathered. */
      home?: CliHome;
      /** What the CLI's environment gets beside the caller's, in order: the home variable, the drop's user. */
      env?: EnvChange[];
      /** The build's variables from the boot's environment (contract §15): each imported, kept, or why not. */
      boot?: BootImport[];
      umask?: number;
      /**
       * Run on a pty of its own and relayed (contract §12): `fds` are those of 0–2 that are terminals; the pty's
       * owner is `uid`, when the shim knows it.
       */
      relay?: { fds: number[]; uid?: number; gid?: number };
      warning?: string;
    })
  | { kind: "refuse"; code: 126 | 127; message: string; warning?: string };

/**
 * Root's drop, asked for: every check before root's drop facts passed, and what the plan keeps of them. The caller
 * gathers RootFacts, then `planDrop` plans.
 */
export interface DropAsked {
  kind: "drop";
  name: string;
  target: string;
  /** What every way that runs the CLI gets: the boot's imports and the CLI's home. */
  given: { boot?: BootImport[]; home?: CliHome };
  homeEnv: EnvChange[];
  /** The boot's warning lines, and root's own about the shim's file. */
  bootWarning: string;
  selfWarning: string;
}

/**
 * The refusal for a start a caller could steer (src/core/privilege.ts), or undefined. Also what the admin
 * commands check before anything else: they too would run with the privileges of such a start.
 */
export function refuseSteered(
  config: ShimConfig,
  started: Started,
  self: string | Failure | undefined,
): Extract<Plan, { kind: "refuse" }> | undefined {
  const steered = privilegedStart(started);
  if (!steered) return undefined;
  const { name } = config;
  return {
    kind: "refuse",
    code: 126,
    message:
      `${name}: refusing to run: ${steered}, so whoever runs it could steer a privileged process.\n` +
      `${name}: install it without the setuid and setgid bits: as root, chmod u-s,g-s ${typeof self === "string" ? self : `$(command -v ${name})`}\n`,
  };
}

/** The refusal of a start whose ids could not be read: it may be a steered one, and nothing tells it is not. */
function unknownStart(config: ShimConfig, failure: Failure): Extract<Plan, { kind: "refuse" }> {
  return {
    kind: "refuse",
    code: 126,
    message: `${config.name}: refusing to run: cannot tell how this process started: ${failureText(failure)}; nothing was run.\n`,
  };
}

/** One warning line on every root call when root could not tell that only root can replace the shim's own file. */
function selfTrustWarning(name: string, trust: Trust | undefined): string {
  if (trust === undefined || trust.ok) return "";
  if (trust.unexamined)
    return `${name}: warning: cannot tell whether anyone but root can replace this ${name}: ${trust.reason}\n`;
  return `${name}: warning: ${trust.reason}: whoever can write there can replace this ${name}, which root runs\n`;
}

/** The CLI run by the caller's own ids, root's included on purpose: its target, with what every way gets. */
function asCalled(
  way: "pass-through" | "opt-out",
  target: string,
  given: DropAsked["given"],
  homeEnv: EnvChange[],
  warning: string,
): Plan {
  return {
    kind: "exec",
    way,
    path: target,
    prefix: [target],
    ...given,
    ...(homeEnv.length > 0 ? { env: homeEnv } : {}),
    ...(warning ? { warning } : {}),
  };
}

/** Root's refusal to run the CLI: the problem, then the remedy, after the warning about the shim's own file. */
export function refuseRoot(name: string, selfWarning: string, problem: string, remedy: string): Plan {
  return {
    kind: "refuse",
    code: 126,
    message: `${name}: ${problem}; refusing to run ${name} as root.\n${name}: ${remedy}\n`,
    ...(selfWarning ? { warning: selfWarning } : {}),
  };
}

/** The remedies of root's refusals: run as the runtime user, or keep root on purpose. */
export const asUserText = (user: string) => `run it as ${user} (docker exec --user ${user} …)`;
export const keepRootText = (optOutVar: string) => `to keep root on purpose, set ${optOutVar}=1`;

/**
 * The plan from what every call gathers, or, where root drops, the drop asked for: the caller then gathers root's
 * drop facts and `planDrop` plans.
 */
export function decide(config: ShimConfig, facts: Facts): Plan | DropAsked {
  const { user, optOutVar } = config;
  // Nothing is known of how this process started: it is refused like a steered start, naming what failed.
  if (failed(facts.started)) return unknownStart(config, facts.started);
  // First of all: a process a caller could start with privileges the caller lacks (a setuid or setgid install)
  // must run nothing, not even the opt-out's root exec, and a setgid one must not pass through with gid 0.
  const steered = refuseSteered(config, { ...facts.started, euid: facts.euid }, facts.self);
  if (steered) return steered;
  // Then the name it was run as: one of the build's commands, each with its own target, or nothing at all.
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
    const why = programStatusText(facts.cli);
    return { kind: "refuse", code: 127, message: `${name}: cannot run the ${name} CLI at ${target}: it ${why}\n` };
  }
  // Every way that runs the CLI gets them (contract §15): the pass-through, the opt-out and the drop alike.
  const imports = bootImports(facts.boot);
  const boot = imports.length > 0 ? { boot: imports } : {};
  // One home whatever the caller's environment (contract §16): every way gets it, and it is the home judged.
  const home = facts.home;
  const homeEnv = home ? homeChange(home) : [];
  const bootWarning =
    bootWarnings(name, imports) +
    (home?.boot ? bootWarnings(name, [home.boot], `with ${home.variable}=${text(home.value)}, the build's home`) : "");
  const given = { ...boot, ...(home ? { home } : {}) };
  if (facts.euid !== 0) {
    const warning = homeWarnings(config, name, facts.homes, false) + bootWarning;
    return asCalled("pass-through", target, given, homeEnv, warning);
  }

  const selfWarning = selfTrustWarning(name, facts.asRoot?.selfTrust);

  if (optedOut(config, facts.env)) {
    const trust = facts.asRoot?.cliTrust;
    const warning =
      selfWarning +
      (trust && !trust.ok
        ? `${name}: warning: ${optOutVar} keeps root, but ${trust.reason}: whoever can write there can run code as root\n`
        : "") +
      bootWarning;
    return asCalled("opt-out", target, given, homeEnv, warning);
  }

  const asUser = asUserText(user);
  const keepRoot = keepRootText(optOutVar);
  const capEff = facts.asRoot?.capEff;
  // A call the drop's facts needed failed: nothing is guessed in its place, and nothing runs (contract §13).
  if (failed(capEff))
    return refuseRoot(
      name,
      selfWarning,
      `cannot drop to ${user}: ${failureText(capEff)}`,
      `${asUser} or, ${keepRoot}.`,
    );
  // Unknown capabilities go on to the helper: without them it fails on its own, and never runs anything as root.
  const lacking = missingDropCaps(capEff);
  if (lacking && lacking.length > 0) {
    return refuseRoot(
      name,
      selfWarning,
      `cannot drop to ${user}: root here lacks ${listNames(lacking)} (the container runs with capabilities dropped)`,
      `${asUser}, give the container --cap-add SETUID --cap-add SETGID, or, ${keepRoot}.`,
    );
  }
  return { kind: "drop", name, target, given, homeEnv, bootWarning, selfWarning };
}
