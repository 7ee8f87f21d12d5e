/** Root's drop (contract §11–§14): the way it takes, and its plan from root's drop facts. Pure. */
import type { ShimConfig } from "../../core/config.ts";
import {
  asUserText,
  type Drop,
  type DropAsked,
  type Facts,
  keepRootText,
  type Plan,
  refuseRoot,
  type Way,
} from "../../core/decide.ts";
import { type Failure, failed, failureText } from "../../core/failure.ts";
import { addedGids } from "../../core/groups.ts";
import { type Homes, homeWarnings } from "../../core/homes.ts";
import type { RuntimeUser } from "../../core/passwd.ts";
import { dropUmask } from "../../core/sharing.ts";
import type { Terminal } from "../../core/terminal.ts";
import type { Trust } from "../../core/trust.ts";
import { dropUserEnv, type RuntimeDir, runtimeDirFailure } from "../../core/userEnv.ts";

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

const NOT_EXAMINED: Trust = { ok: false, missing: false, reason: "the helper was not examined" };

/** The warning for a drop through the helper that leaves out the groups the runtime granted, if it leaves any. */
function grantedLost(config: ShimConfig, name: string, drop: Drop, why: string): string {
  const lost = addedGids(drop.groups);
  return lost.length === 0
    ? ""
    : `${name}: warning: cannot use ${config.groupsHelper} (${why}), so ${name} runs as ${config.user} ` +
        `without the groups the container runtime granted (${lost.join(", ")}); install s6-applyuidgid at ` +
        `${config.groupsHelper} (s6-overlay has it), or rebuild the shim with --groups-helper PATH\n`;
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
  | { way: "refuse"; problem: string }
  | { way: "refuse"; unable: Failure };

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
    if (groupsTrust.unexamined) return { way: "refuse", unable: groupsTrust.unexamined };
    // What root would run: a groups helper someone else could have replaced is refused as the helper is.
    if (!groupsTrust.missing)
      return { way: "refuse", problem: `will not trust ${groupsHelper}: ${groupsTrust.reason}` };
    lost = { drop, why: groupsTrust.reason };
  }
  if (helperTrust.ok) return { way: "drop-name", ...(lost ? { lost } : {}) };
  // Neither program can drop: name both when the identity was known and the groups helper was looked at too.
  if (helperTrust.unexamined) return { way: "refuse", unable: helperTrust.unexamined };
  const both = lost && lost.why !== helperTrust.reason ? `${lost.why}, and ` : "";
  return {
    way: "refuse",
    problem: helperTrust.missing
      ? `cannot drop to ${user}: ${both}${helperTrust.reason}`
      : `will not trust ${helper}: ${helperTrust.reason}`,
  };
}
