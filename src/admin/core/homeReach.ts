/** doctor's view of contract §7: whether the runtime user can reach and write the CLI's homes, as the drop checks. */
import type { ShimConfig } from "../../core/config.ts";
import { blockText, type Homes, homeRemedies, whoText } from "../../core/homes.ts";
import type { Finding } from "./finding.ts";

/**
 * One finding for each home but the build's own, which homeCheck judges as --fix leaves it; of that one only
 * what homeCheck cannot see: a directory on the way that the runtime user cannot search, or a name it cannot use.
 */
export function homeReachChecks(config: ShimConfig, homes: Homes): Finding[] {
  const found: Finding[] = [];
  for (const check of homes.checks) {
    const { reach } = check;
    const own = check.path === config.home;
    if (own && (reach.ok || reach.blocks === "write" || reach.blocks === "readonly")) continue;
    found.push({
      check: "reach",
      status: reach.ok ? "ok" : "problem",
      message: `${whoText(homes)} ${blockText(check)}${reach.ok ? "" : `: the ${config.name} CLI fails there as ${config.user}`}`,
      remedy: reach.ok ? null : homeRemedies(config, check).join(", or "),
      items: [],
    });
  }
  return found;
}
