/**
 * The groups the CLI gets on the drop (contract §11): the runtime user's own, as /etc/passwd and /etc/group
 * give them, and the supplementary groups the container runtime granted every process of the container
 * (`docker run --group-add`, Kubernetes' fsGroup and supplementalGroups). Root holds the granted ones beside
 * its own; copying root's whole list would hand on gid 0 and whatever root holds through its own membership.
 */

import { decimalId } from "./decimal.ts";
import type { Account } from "./passwd.ts";
import { procRow, words } from "./procText.ts";

/** Where a group of the drop comes from: the runtime user's passwd entry, its /etc/group membership, the runtime. */
export type GroupOrigin = "primary" | "member" | "granted";

export interface DropGroup {
  gid: number;
  origin: GroupOrigin;
}

/** The supplementary groups on /proc/self/status's `Groups:` line; undefined if there is none or one is not a number. */
export function statusGroups(status: string): number[] | undefined {
  const row = procRow(status, "Groups:");
  if (row === undefined) return undefined;
  const gids: number[] = [];
  for (const word of words(row)) {
    const gid = decimalId(word);
    if (gid === undefined) return undefined;
    gids.push(gid);
  }
  return gids;
}

/** The caller's groups less root's own (/etc/group) and gid 0, each once: what the container runtime granted. */
export function grantedGroups(held: readonly number[], rootOwn: readonly number[]): number[] {
  const granted: number[] = [];
  for (const gid of held) if (gid !== 0 && !rootOwn.includes(gid) && !granted.includes(gid)) granted.push(gid);
  return granted;
}

/** The runtime user's groups, its primary first, then each granted one it does not hold already. */
export function dropGroups(account: Account, granted: readonly number[]): DropGroup[] {
  const groups: DropGroup[] = account.groups.map((gid) => ({
    gid,
    origin: gid === account.gid ? "primary" : "member",
  }));
  for (const gid of granted) if (!account.groups.includes(gid)) groups.push({ gid, origin: "granted" });
  return groups;
}

/** The gids of the groups the runtime granted that the runtime user did not hold already: what the drop adds. */
export function addedGids(groups: readonly DropGroup[]): number[] {
  return groups.filter((g) => g.origin === "granted").map((g) => g.gid);
}

/** The runtime user as the drop makes it: judged with every group it will hold (reach, doctor's verdicts). */
export function withGroups(account: Account, groups: readonly DropGroup[]): Account {
  return { ...account, groups: groups.map((g) => g.gid) };
}

const ORIGIN_TEXT: Record<GroupOrigin, string> = {
  primary: "primary group",
  member: "member in /etc/group",
  granted: "granted by the container runtime",
};

/** "10000 (primary group), 4242 (granted by the container runtime)": explain's and doctor's line. */
export function groupsText(groups: readonly DropGroup[]): string {
  return groups.map((g) => `${g.gid} (${ORIGIN_TEXT[g.origin]})`).join(", ");
}
