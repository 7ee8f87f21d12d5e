/**
 * doctor's findings about a home shared with a group (contract §14): what the group can no longer reach under it,
 * who loses it, and what --fix gave back.
 */
import type { ShimConfig } from "../../core/config.ts";
import { type Failure, failed, failureText } from "../../core/failure.ts";
import { homeVar } from "../../core/homes.ts";
import { adminName } from "../../core/name.ts";
import { octal } from "../../core/node.ts";
import type { GroupEntry } from "../../core/passwd.ts";
import type { Sharing } from "../../core/sharing.ts";
import { listNames } from "../../core/words.ts";
import { type Finding, plural } from "./finding.ts";
import { PRIVATE_FILES } from "./groupVerdict.ts";
import { aboutTally, type Tally, them, type WalkResult } from "./walkResult.ts";

/** The group a home is shared with, and what /etc/group says of it, if it lists it. */
export interface SharedGroup {
  gid: number;
  /** Undefined where /etc/group does not list it; the failure that kept /etc/group from being read. */
  entry: GroupEntry | undefined | Failure;
}

/** "group hermes (gid 10000, members alice and bob)", "group 2000 (not in /etc/group)". */
export function groupText(group: SharedGroup): string {
  const { gid, entry } = group;
  if (failed(entry)) return `group ${gid} (name and members unknown: ${failureText(entry)})`;
  if (!entry) return `group ${gid} (not in /etc/group)`;
  const members = entry.members;
  const who =
    members.length === 0
      ? "no members listed in /etc/group"
      : `${members.length === 1 ? "member" : "members"} ${listNames(members)}`;
  return `group ${entry.name} (gid ${gid}, ${who})`;
}

const are = (t: Tally) => (t.count === 1 ? "is" : "are");

/** The findings about what the group lacks under the walked home `home`, or none where it is not shared. */
export function groupChecks(config: ShimConfig, walk: WalkResult, group: SharedGroup, home = walk.path): Finding[] {
  const { sharing } = walk;
  if (!sharing) return [];
  const { groupUnreadable, groupClosed, groupLost, groupRestored } = walk.found;
  const who = groupText(group);
  const fix = `run \`${adminName(config.name)} doctor --fix\` as root`;
  const findings: Finding[] = [];
  if (groupRestored.count > 0) {
    const what =
      `gave ${who} back what it lacked at ${plural(groupRestored.count, "entry", "entries")} under ${home}: ` +
      "the tree's group, read on files (and write where their directory grants the group write), the home's group bits and setgid on directories";
    findings.push(aboutTally("fixed", what, null, groupRestored));
  }
  if (groupUnreadable.count > 0) {
    const what = `${plural(groupUnreadable.count, "file", "files")} under ${home} ${are(groupUnreadable)} closed to ${who}, which the home is shared with: the group cannot read ${them(groupUnreadable)}`;
    findings.push(
      aboutTally(
        "problem",
        what,
        `${fix}: it gives the group read, and write where the directory grants it`,
        groupUnreadable,
      ),
    );
  }
  if (groupClosed.count > 0) {
    const what = `${plural(groupClosed.count, "directory", "directories")} under ${home} ${are(groupClosed)} closed to ${who}, or without the setgid bit of the tree: the group cannot use ${them(groupClosed)}, or loses what is made in ${them(groupClosed)}`;
    const remedy = `${fix}; and set ${homeVar(config.name)}_MODE=${octal(sharing.mode)} where the CLI runs, so that it stops making its directories 0700`;
    findings.push(aboutTally("problem", what, remedy, groupClosed));
  }
  if (groupLost.count > 0) {
    const what = `${plural(groupLost.count, "entry", "entries")} under ${home} lost the tree's group ${sharing.gid}: ${who} reaches ${them(groupLost)} only as others do`;
    findings.push(aboutTally("problem", what, fix, groupLost));
  }
  return findings;
}

/** What the ok line adds for a shared home: the group it was judged for, and the files it leaves private. */
export function sharedScope(sharing: Sharing | undefined, group: SharedGroup | undefined): string {
  if (!sharing || !group) return "";
  return `, and open to ${groupText(group)} as the home shares it (${PRIVATE_FILES.join(" and ")} stay private)`;
}
