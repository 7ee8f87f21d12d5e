/**
 * What the capabilities of this container allow root's calls, the relay and `doctor --fix`, and what each one
 * missing stops. Root's own effective set is what a root call gets; run as another user, doctor judges by the
 * bounding set, the most any process in the container can hold.
 */
import type { ShimConfig } from "../../core/config.ts";
import { type Failure, failed } from "../../core/failure.ts";
import { adminName } from "../../core/name.ts";
import { hasCap } from "../../core/privilege.ts";
import { listNames } from "../../core/words.ts";
import { type Finding, failureItem, findingFor, unexaminedFinding } from "./finding.ts";

const CAP = { CHOWN: 0, DAC_OVERRIDE: 1, DAC_READ_SEARCH: 2, FOWNER: 3, SETGID: 6, SETUID: 7 } as const;
type Cap = keyof typeof CAP;

/** The least a pod's securityContext adds back after `drop: [ALL]`: the drop and the relay, then `--fix`. */
export const DROP_CAPS: readonly Cap[] = ["SETUID", "SETGID"];
export const FIX_CAPS: readonly Cap[] = ["CHOWN", "FOWNER", "DAC_READ_SEARCH"];
export const MINIMAL_CAPS_TEXT =
  `securityContext.capabilities: drop [ALL], add [${DROP_CAPS.join(", ")}] for the drop and the relay, ` +
  `and [${FIX_CAPS.join(", ")}] as well for doctor --fix`;

export interface Capabilities {
  euid: number;
  /** CapEff and CapBnd from /proc/self/status; undefined where a row is missing. */
  effective: bigint | undefined;
  bounding: bigint | undefined;
}

/** What root here lacks of what `--fix` needs to hand a file over (CHOWN, FOWNER), for its refusals' cause. */
export function fixLacking(caps: Capabilities): Cap[] {
  if (caps.euid !== 0 || caps.effective === undefined) return [];
  const mask = caps.effective;
  return (["CHOWN", "FOWNER"] as const).filter((c) => !hasCap(mask, CAP[c]));
}

const names = (caps: Cap[]) => listNames(caps.map((c) => `CAP_${c}`));

/** The findings about capabilities: only what is missing is said; nothing where the container holds them all. */
export function capabilityChecks(config: ShimConfig, caps: Capabilities): Finding[] {
  const asRoot = caps.euid === 0;
  const mask = asRoot ? caps.effective : caps.bounding;
  if (mask === undefined) return [];
  const who = asRoot ? "root here" : "this container (its bounding set)";
  const lacking = (list: readonly Cap[]) => list.filter((c) => !hasCap(mask, CAP[c]));
  const finding = findingFor("capabilities");
  const admin = adminName(config.name);
  const found: Finding[] = [];
  const drop = lacking(DROP_CAPS);
  if (drop.length > 0)
    found.push(
      finding(
        "problem",
        `${who} lacks ${names(drop)}: every call of ${config.name} as root refuses (exit 126); as ${config.user} it runs`,
        `add ${drop.join(" and ")} (docker run ${drop.map((c) => `--cap-add ${c}`).join(" ")}; ${MINIMAL_CAPS_TEXT}), ` +
          `or run the container as ${config.user} (runAsUser)`,
      ),
    );
  const fix: Cap[] = lacking(["CHOWN", "FOWNER"]);
  if (fix.length > 0)
    found.push(
      finding(
        "note",
        `${who} lacks ${names(fix)}: doctor --fix cannot hand files over to ${config.user}`,
        `add ${fix.join(" and ")} where --fix must run (${MINIMAL_CAPS_TEXT})`,
      ),
    );
  // Only root's walk needs them: another user's reads were never going to pass a directory not theirs.
  if (asRoot && lacking(["DAC_OVERRIDE", "DAC_READ_SEARCH"]).length === 2)
    found.push(
      finding(
        "note",
        `${who} lacks CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: doctor cannot look inside ${config.user}'s private ` +
          "directories, and counts each it could not enter as not examined, for that reason",
        `run doctor as ${config.user} for those (${
          drop.length === 0
            ? `\`${config.helper} ${config.user} ${admin} doctor\`, which works under kubectl exec too`
            : `docker exec --user ${config.user} … ${admin} doctor`
        }), or add DAC_READ_SEARCH (${MINIMAL_CAPS_TEXT})`,
      ),
    );
  return found;
}

/**
 * One line where PID 1 is not s6's scanner (tini, `docker run --init`, the main program itself): the drop needs
 * no supervision tree, but the CLI's service commands need one. `comm` is /proc/1/comm.
 */
export function initCheck(comm: string | Failure): Finding[] {
  const finding = findingFor("supervision");
  // Not known, so not examined (contract §13): a problem, never a note that lets doctor say healthy.
  if (failed(comm))
    return [unexaminedFinding("supervision", "cannot tell what runs as PID 1", [failureItem(comm.on, comm)])];
  const name = comm.trimEnd();
  if (name === "s6-svscan") return [];
  return [
    finding(
      "note",
      `PID 1 is ${name}, not s6-svscan: no supervision tree here; the drop works, and services cannot be managed from the CLI`,
    ),
  ];
}
