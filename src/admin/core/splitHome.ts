/**
 * A home split off the gateway's (contract §16): the real CLI takes `$HOME/.hermes` when its home variable is
 * blank, so a session that lost the image's environment left its state in a `.hermes` under root's home, or
 * under the gateway's home on a drop. doctor names what is there and how to bring it back; --fix never merges
 * it: which of two `config.yaml` is the right one is the operator's call.
 */
import { homeVar } from "../../core/homes.ts";
import { adminName } from "../../core/name.ts";
import { listNames } from "../../core/words.ts";
import { type Finding, findingFor, type Item, unexaminedFinding } from "./finding.ts";

/** What the CLI keeps in its home that a gateway would miss: its credentials, its settings, its work. */
export const STATE_ENTRIES = ["auth.json", ".env", "config.yaml", "skills", "sessions", "profiles"] as const;

/** Of those, the files: two of one name cannot both be kept, where `cp -an` merges two directories. */
const STATE_FILES: readonly string[] = ["auth.json", ".env", "config.yaml"];

/** The directory the CLI names its home after its variable is blank: `$HOME/.hermes`. */
export function splitHomeName(name: string): string {
  return `.${name}`;
}

/** One place a split home may be, and which of the CLI's state entries it holds. */
export interface SplitCandidate {
  path: string;
  /** Whose home it is under: "root's home /root", "the gateway's home /opt/data". */
  under: string;
  held: string[];
  /** Entries a failed call kept doctor from examining (contract §13). */
  unexamined: Item[];
}

const finding = findingFor("home");

/**
 * One problem a candidate that holds state, with what the gateway's home `home` has of the same, and the way
 * back; one finding of what could not be examined.
 */
export function splitHomeChecks(
  name: string,
  home: string,
  homeHas: readonly string[],
  found: SplitCandidate[],
): Finding[] {
  const findings: Finding[] = [];
  for (const c of found) {
    if (c.unexamined.length > 0)
      findings.push(
        unexaminedFinding("home", `cannot tell whether ${c.path} holds the ${name} CLI's state`, c.unexamined),
      );
    if (c.held.length === 0) continue;
    const both = c.held.filter((e) => homeHas.includes(e));
    const byHand = both.filter((e) => STATE_FILES.includes(e));
    const gatewayToo = both.length > 0 ? `; ${home} has ${listNames(both)} too, which the copy keeps` : "";
    findings.push(
      finding(
        "problem",
        `${c.path}, under ${c.under}, holds the ${name} CLI's state (${listNames(c.held)}), which the gateway ` +
          `never reads: a session without ${homeVar(name)} wrote it there${gatewayToo}`,
        `bring back what ${home} lacks: cp -an ${c.path}/. ${home}/ (never overwrites)` +
          `${byHand.length > 0 ? `, merge ${listNames(byHand)} by hand` : ""}, ` +
          `run ${adminName(name)} doctor --fix as root, then remove ${c.path}; doctor --fix never merges it by itself`,
      ),
    );
  }
  return findings;
}
