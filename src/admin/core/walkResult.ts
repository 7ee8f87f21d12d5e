/**
 * What the walk of a home (src/admin/sys/walk.ts) keeps for doctor's findings: per kind of finding, how many
 * entries and the first few by path, never a record per entry, so that a million entries cost the memory
 * of a few (contract §10). The walk hands each entry that is not simply the runtime user's to `record`.
 */
import { type Failure, failureText, refusedByFilesystem, refusedPermission } from "../../core/failure.ts";
import type { NodeStat } from "../../core/node.ts";
import type { Sharing } from "../../core/sharing.ts";
import { describeNode, type Finding, findingFor, type Item, type Status } from "./finding.ts";
import type { GroupLack } from "./groupVerdict.ts";
import type { Verdict } from "./verdict.ts";

export type Outcome =
  /** A node that is not simply the runtime user's, as it was when last examined. */
  | { path: string; node: NodeStat; verdict: Exclude<Verdict, { kind: "owned" }>; changed: boolean }
  /** A node, or a directory's listing, that a failed call kept the walk from examining (contract §13). */
  | { path: string; unexamined: Failure }
  /** A node --fix could not give to the runtime user: the failure of its fchownat. */
  | { path: string; unchanged: Failure }
  /** A node gone or swapped for another kind since it was listed: skipped, and said. */
  | { path: string; skipped: string }
  /** In a shared home, a node the group lacks something at (contract §14); `restored` by --fix. */
  | { path: string; node: NodeStat; lacks: GroupLack[]; restored: boolean };

export type HomeState =
  /** `refused`: with --fix, its filesystem would not give the home itself to the runtime user. */
  | { kind: "dir"; node: NodeStat; changed: boolean; refused: boolean }
  | { kind: "unusable"; reason: string; missing: boolean }
  /** A call on the home itself failed: nothing under it was examined. */
  | { kind: "unexamined"; failure: Failure };

/** Enough to act on; `count` says how many there are in all. */
export const EXAMPLES = 20;

export interface Tally {
  count: number;
  /** The first EXAMPLES by path, in path order: the walk's own order is the directories' hash order. */
  examples: Item[];
}

/** "it" or "them": the entries a tally counted, as a finding's words name them. */
export const them = (tally: Tally) => (tally.count === 1 ? "it" : "them");

const treeFinding = findingFor("tree");

/** A finding about the entries a tally counted under a home: its first few as items, and how many in all. */
export function aboutTally(
  status: Status,
  message: string,
  remedy: string | null,
  tally: Tally,
  more: Pick<Finding, "unexamined"> = {},
): Finding {
  return treeFinding(status, message, remedy, tally.examples, { count: tally.count, ...more });
}

export type Kind =
  | "unreadable"
  | "readable"
  | "changed"
  | "linked"
  | "mounts"
  | "special"
  | "errors"
  | "refused"
  | "unexamined"
  /** In a shared home: files the group cannot read, directories closed to it, entries not of its group. */
  | "groupUnreadable"
  | "groupClosed"
  | "groupLost"
  /** In a shared home, what --fix gave back to the group. */
  | "groupRestored";

export type Found = Record<Kind, Tally> & {
  /** Some hard-linked entry the runtime user cannot read. */
  linkedUnreadable: boolean;
};

export interface WalkResult {
  /** The directory walked, as named. */
  path: string;
  home: HomeState;
  /** Nodes examined, the home included. */
  entries: number;
  found: Found;
  /** The group the home is shared with (contract §14), which every entry was judged for too. */
  sharing?: Sharing;
}

export function nothingFound(): Found {
  const tally = (): Tally => ({ count: 0, examples: [] });
  return {
    unreadable: tally(),
    readable: tally(),
    changed: tally(),
    linked: tally(),
    mounts: tally(),
    special: tally(),
    errors: tally(),
    refused: tally(),
    unexamined: tally(),
    groupUnreadable: tally(),
    groupClosed: tally(),
    groupLost: tally(),
    groupRestored: tally(),
    linkedUnreadable: false,
  };
}

/** Counts the item; keeps it only while it is among the first EXAMPLES by path. */
export function add(tally: Tally, path: string, detail: () => string, permission = false): void {
  tally.count++;
  const { examples } = tally;
  const last = examples[examples.length - 1];
  if (examples.length === EXAMPLES && last !== undefined && path >= last.path) return;
  let lo = 0;
  let hi = examples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((examples[mid] as Item).path < path) lo = mid + 1;
    else hi = mid;
  }
  examples.splice(lo, 0, permission ? { path, detail: detail(), permission } : { path, detail: detail() });
  if (examples.length > EXAMPLES) examples.pop();
}

/** What the group lacks at a node, by the finding that names it; a directory closed to it and without setgid once. */
const GROUP_KINDS: Record<GroupLack, Kind> = {
  unreadable: "groupUnreadable",
  closed: "groupClosed",
  unset: "groupClosed",
  regrouped: "groupLost",
};

export function record(found: Found, outcome: Outcome): void {
  if ("unexamined" in outcome) {
    add(found.unexamined, outcome.path, () => failureText(outcome.unexamined), refusedPermission(outcome.unexamined));
    return;
  }
  if ("unchanged" in outcome) {
    const failure = outcome.unchanged;
    const what = failure.call === "chmod" ? "mode" : "owner";
    const detail = () => `cannot change its ${what}: ${failure.words.toLowerCase()}`;
    add(refusedByFilesystem(failure) ? found.refused : found.errors, outcome.path, detail);
    return;
  }
  if ("skipped" in outcome) {
    add(found.errors, outcome.path, () => outcome.skipped);
    return;
  }
  if ("lacks" in outcome) {
    const { node, restored } = outcome;
    const kinds = restored ? ["groupRestored" as const] : [...new Set(outcome.lacks.map((lack) => GROUP_KINDS[lack]))];
    for (const kind of kinds) add(found[kind], outcome.path, () => describeNode(node, restored));
    return;
  }
  const { verdict, node, changed } = outcome;
  // Shared through a group the runtime user holds (null): used as it is meant to be, nothing to say until --fix.
  const kind: Kind | null =
    verdict.kind === "foreign"
      ? changed
        ? "changed"
        : verdict.shared
          ? null
          : verdict.readable
            ? "readable"
            : "unreadable"
      : verdict.kind === "mount"
        ? "mounts"
        : verdict.kind;
  if (verdict.kind === "linked") found.linkedUnreadable ||= !verdict.readable;
  if (kind !== null) add(found[kind], outcome.path, () => describeNode(node, changed));
}
