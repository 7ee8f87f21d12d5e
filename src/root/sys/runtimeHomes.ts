/** Gathers contract §7's facts on root's drop: the CLI's homes as the runtime user finds them. */
import type { Bytes } from "../../core/bytes.ts";
import type { ShimConfig } from "../../core/config.ts";
import { type HomeCheck, type Homes, homeVar } from "../../core/homes.ts";
import type { Account } from "../../core/passwd.ts";
import { reach } from "../../core/reach.ts";
import { homeSharing } from "../../core/sharing.ts";
import { unreadableAt } from "../../core/unreadable.ts";
import { absolute, readOnlyBy } from "../../sys/homeProbe.ts";
import type { Probe } from "../../sys/probe.ts";

/**
 * The runtime user's homes on the drop path: the variable's `value` when the environment sets it, and the drop
 * HOME. `account` holds every group the drop gives it. Given `entries`, each home's top is read for what the
 * runtime user cannot read there: one directory read per home, and one lstat per entry. Each home's sharing
 * (contract §14) costs one more lookup of its path.
 */
export function runtimeHomes(
  config: ShimConfig,
  account: Account,
  probe: Pick<Probe, "lstat" | "access"> & Partial<Pick<Probe, "entries">>,
  value: Bytes | undefined,
): Homes {
  const variable = homeVar(config.name);
  const paths: [string | null, string | undefined][] = [
    [variable, value && absolute(value)],
    [null, config.home],
  ];
  const checks: HomeCheck[] = [];
  for (const [name, path] of paths) {
    if (path === undefined || checks.some((c) => c.path === path)) continue;
    const listing = probe.entries?.(path);
    const top = listing === undefined ? undefined : unreadableAt(path, listing, probe.lstat, account);
    const unreadable = top === undefined ? {} : { unreadable: top };
    const sharing = homeSharing(path, probe.lstat);
    checks.push({
      variable: name,
      path,
      reach: reach(path, account, probe.lstat, readOnlyBy(probe)),
      ...unreadable,
      ...(sharing ? { sharing } : {}),
    });
  }
  return { who: { uid: account.uid, user: account.name }, checks };
}
