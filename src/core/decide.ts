/**
 * The whole policy (contract §2) as pure functions: facts in, plan out. `decide` plans from what every call
 * gathers; where root drops, `planDrop` plans from root's drop facts, gathered in one step after it.
 * Everything that touches the system lives in src/sys and only gathers facts or carries out the plan.
 */
import { type BootFacts, type BootImport, bootImports, bootWarnings } from "./bootEnv.ts";
import { type Bytes, envValues, text } from "./bytes.ts";
import type { CliHome } from "./cliHome.ts";
import type { ShimConfig } from "./config.ts";
import { type Failure, failed, failureText } from "./failure.ts";
import type { Gateway } from "./gateway.ts";
import { addedGids, type DropGroup } from "./groups.ts";
import { type Homes, homeWarnings } from "./homes.ts";
import { adminName, type Called } from "./name.ts";
import type { RuntimeUser } from "./passwd.ts";
import { missingDropCaps, privilegedStart, type Started } from "./privilege.ts";
import { dropUmask } from "./sharing.ts";
import type { Terminal } from "./terminal.ts";
import { type ProgramStatus, programStatusText, type Trust } from "./trust.ts";
import { dropUserEnv, type EnvChange, homeChange, type RuntimeDir, runtimeDirFailure } from "./userEnv.ts";
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

/**
 * What root's drop needs beyond what every call has, gathered in one step once `decide` asks for the drop: each a
 * fact or the failure that kept it from being known. Absent is not examined.
 */
export interface RootFacts {
  /** Whether the user to drop to exists (passwd.ts). */
  runtimeUser?: RuntimeUser | Failure;
  /** Who the drop makes the CLI (contract §11), when /etc/passwd has the runtime user. */
  drop?: Drop | undefined | Failure;
  /** The caller's terminal (contract §12), or the failure that kept it from being examined. */
  terminal?: Terminal | Failure;
  /** The CLI's homes as the runtime user finds them (contract §7), with the CLI's home; none without its account. */
  homes?: Homes | undefined;
  /** The caller's XDG_RUNTIME_DIR, which the drop hands on only where it is the runtime user's (contract §16). */
  runtimeDir?: RuntimeDir | undefined;
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

const NOT_EXAMINED: Trust = { ok: false, missing: false, reason: "the helper was not examined" };

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

/** The warning for a drop through the helper that leaves out the groups the runtime granted, if it leaves any. */
function grantedLost(config: ShimConfig, name: string, drop: Drop, why: string): string {
  const lost = addedGids(drop.groups);
  return lost.length === 0
    ? ""
    : `${name}: warning: cannot use ${config.groupsHelper} (${why}), so ${name} runs as ${config.user} ` +
        `without the groups the container runtime granted (${lost.join(", ")}); install s6-applyuidgid at ` +
        `${config.groupsHelper} (s6-overlay has it), or rebuild the shim with --groups-helper PATH\n`;
}

/** Root's refusal to run the CLI: the problem, then the remedy, after the warning about the shim's own file. */
function refuseRoot(name: string, selfWarning: string, problem: string, remedy: string): Plan {
  return {
    kind: "refuse",
    code: 126,
    message: `${name}: ${problem}; refusing to run ${name} as root.\n${name}: ${remedy}\n`,
    ...(selfWarning ? { warning: selfWarning } : {}),
  };
}

/** The remedies of root's refusals: run as the runtime user, or keep root on purpose. */
const asUserText = (user: string) => `run it as ${user} (docker exec --user ${user} …)`;
const keepRootText = (optOutVar: string) => `to keep root on purpose, set ${optOutVar}=1`;

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
    const env = homeEnv.length > 0 ? { env: homeEnv } : {};
    return {
      kind: "exec",
      way: "pass-through",
      path: target,
      prefix: [target],
      ...given,
      ...env,
      ...(warning ? { warning } : {}),
    };
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
    const env = homeEnv.length > 0 ? { env: homeEnv } : {};
    return {
      kind: "exec",
      way: "opt-out",
      path: target,
      prefix: [target],
      ...given,
      ...env,
      ...(warning ? { warning } : {}),
    };
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

/** Root's drop (contract §11–§14), planned from what every call gathered and root's drop facts. */
export function planDrop(config: ShimConfig, facts: Facts, root: RootFacts, asked: DropAsked): Plan {
  const { helper, user, optOutVar } = config;
  const { name, target, given, homeEnv, bootWarning, selfWarning } = asked;
  const refuse = (problem: string, remedy: string): Plan => refuseRoot(name, selfWarning, problem, remedy);
  const asUser = asUserText(user);
  const keepRoot = keepRootText(optOutVar);
  // A call the drop's facts needed failed: nothing is guessed in its place, and nothing runs (contract §13).
  const unable = (failure: Failure) =>
    refuse(`cannot drop to ${user}: ${failureText(failure)}`, `${asUser} or, ${keepRoot}.`);

  // The helper's own "unknown user" would come after it ran, in its words, with its exit status.
  const known = root.runtimeUser;
  if (failed(known)) return unable(known);
  if (known === "absent") {
    return {
      kind: "refuse",
      code: 126,
      message:
        `${name}: this image has no user ${user} to drop to (not in /etc/passwd), so ${name} will not run as root: ` +
        `run it as a user the image has (docker exec --user UID …), rebuild the shim with --user NAME, or, ${keepRoot}.\n`,
      ...(selfWarning ? { warning: selfWarning } : {}),
    };
  }

  const found = root.drop;
  if (failed(found)) return unable(found);
  const drop = found;
  // s6-applyuidgid skips setuid for uid 0: a runtime user remapped to root would run the CLI as root, unsaid.
  if (drop && drop.uid === 0)
    return refuse(
      `cannot drop to ${user}: ${user} has uid 0 in /etc/passwd, which is root`,
      `give ${user} a uid other than 0 in the image, rebuild the shim with --user NAME for a user that is not root, or, ${keepRoot}.`,
    );
  const chosen = dropWay(config, drop, facts.asRoot?.helperTrust ?? NOT_EXAMINED);
  if ("unable" in chosen) return unable(chosen.unable);
  if ("problem" in chosen) return refuse(chosen.problem, `${asUser} or, ${keepRoot}.`);
  // Without a groups helper the drop still works, only without what the runtime granted: said, never a reason for root.
  const lostWarning = "lost" in chosen ? grantedLost(config, name, chosen.lost.drop, chosen.lost.why) : "";
  // Never the caller's terminal for the runtime user: a terminal that cannot be examined is taken as shared.
  const terminal = root.terminal;
  if (failed(terminal))
    return refuse(`cannot tell whose terminal this is: ${failureText(terminal)}`, `${asUser} or, ${keepRoot}.`);
  // Never a refusal on this alone: a command that only reads works without a writable home.
  const homes = root.homes;
  // The umask follows the CLI's home (contract §14): a home whose sharing could not be examined is not taken as
  // unshared, and the drop does not run on a guess (contract §13).
  const cliHomeCheck = homes?.checks[0];
  const sharing = cliHomeCheck?.sharing;
  if (failed(sharing))
    return refuse(
      // Stryker disable next-line OptionalChaining: a sharing that failed is a check's, so the check is there.
      `cannot tell whether ${cliHomeCheck?.path} is shared with a group, which the drop's umask follows: ${failureText(sharing)}`,
      `${asUser} or, ${keepRoot}.`,
    );
  // A runtime directory that could not be examined is not handed on, and the failure is told (contract §13).
  const runtimeDir = root.runtimeDir;
  const dirFailure = runtimeDirFailure(runtimeDir);
  const dirWarning = dirFailure
    ? `${name}: warning: not handing on XDG_RUNTIME_DIR: ${failureText(dirFailure)}; ${name} runs without it\n`
    : "";
  const warning = selfWarning + lostWarning + homeWarnings(config, name, homes, true) + bootWarning + dirWarning;
  // s6-applyuidgid's -G: every group of the drop, the runtime user's own first.
  const via: Way & { path: string; prefix: string[] } =
    chosen.way === "drop-ids"
      ? {
          way: "drop-ids",
          drop: chosen.drop,
          path: config.groupsHelper,
          prefix: [
            config.groupsHelper,
            "-u",
            `${chosen.drop.uid}`,
            "-g",
            `${chosen.drop.gid}`,
            "-G",
            chosen.drop.groups.map((g) => g.gid).join(","),
            target,
          ],
        }
      : { way: "drop-name", path: helper, prefix: [helper, user, target] };
  const relay =
    terminal?.kind === "shared" ? { fds: terminal.fds, ...(drop ? { uid: drop.uid, gid: drop.gid } : {}) } : undefined;
  return {
    kind: "exec",
    ...via,
    ...given,
    env: [...dropUserEnv(config, drop?.uid, runtimeDir), ...homeEnv],
    // The CLI's home is the first the drop checks: the variable's when set, else the drop HOME.
    umask: dropUmask(config.umask, sharing),
    ...(relay ? { relay } : {}),
    ...(warning ? { warning } : {}),
  };
}

/** The way a drop takes (contract §11), or why it cannot drop: a problem for the refusal's words, or a failure. */
export type DropWay =
  | { way: "drop-ids"; drop: Drop }
  | { way: "drop-name"; lost?: { drop: Drop; why: string } }
  | { problem: string }
  | { unable: Failure };

/**
 * Which program root's drop runs, from the identity /etc/passwd gave (undefined where it has none) and the two
 * programs' trust: decide's choice, and doctor's verdicts on the helpers. Where the shim knows the identity, one
 * exec of s6-applyuidgid with the ids it checked; the helper, which looks the name up again, only for a user known
 * through NSS alone, or where there is no groups helper.
 */
export function dropWay(config: ShimConfig, drop: Drop | undefined, helperTrust: Trust): DropWay {
  const { user, helper, groupsHelper } = config;
  /** The groups helper missing for a user the shim knows: why the helper drops instead, and what that loses. */
  let lost: { drop: Drop; why: string } | undefined;
  if (drop) {
    const groupsTrust = drop.groupsHelperTrust ?? NOT_EXAMINED;
    if (groupsTrust.ok) return { way: "drop-ids", drop };
    if (groupsTrust.unexamined) return { unable: groupsTrust.unexamined };
    // What root would run: a groups helper someone else could have replaced is refused as the helper is.
    if (!groupsTrust.missing) return { problem: `will not trust ${groupsHelper}: ${groupsTrust.reason}` };
    lost = { drop, why: groupsTrust.reason };
  }
  if (helperTrust.ok) return { way: "drop-name", ...(lost ? { lost } : {}) };
  // Neither program can drop: name both when the identity was known and the groups helper was looked at too.
  if (helperTrust.unexamined) return { unable: helperTrust.unexamined };
  const both = lost && lost.why !== helperTrust.reason ? `${lost.why}, and ` : "";
  return {
    problem: helperTrust.missing
      ? `cannot drop to ${user}: ${both}${helperTrust.reason}`
      : `will not trust ${helper}: ${helperTrust.reason}`,
  };
}
