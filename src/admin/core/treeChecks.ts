/** doctor's findings about the home and everything under it, from the walk's outcomes. */

import { mayAccess, SEARCH, WRITE } from "../../core/access.ts";
import type { ShimConfig } from "../../core/config.ts";
import { adminName } from "../../core/name.ts";
import type { Account } from "../../core/passwd.ts";
import { byPath, describeNode, type Finding, findingFor, type Item, plural } from "./finding.ts";
import type { WalkResult } from "./walkResult.ts";

/** "3 entries under /opt/data are", "1 entry under /opt/data is". */
function subject(items: readonly Item[], home: string): string {
  return `${plural(items.length, "entry", "entries")} under ${home} ${items.length === 1 ? "is" : "are"}`;
}

const finding = findingFor("tree");

/**
 * What works where the filesystem refuses to change an owner even for root: doctor --fix cannot help there,
 * so it is never offered again. `owner` is the home's, the volume's owner as the container sees it.
 */
export function refusedRemedy(config: ShimConfig, account: Account, owner: { uid: number; gid: number }): string {
  return (
    `change the owner where the filesystem lives (on the host or NAS: chown -R ${account.uid}:${account.gid} the directory behind ${config.home}), ` +
    `or run the container as the volume's owner (docker run --user ${owner.uid}:${owner.gid})`
  );
}

const wasRefused = (walk: WalkResult, path: string) =>
  walk.outcomes.some((o) => o.path === path && "error" in o && o.refused);

export function homeCheck(config: ShimConfig, account: Account, walk: WalkResult): Finding {
  const { home, user } = config;
  const fixIt = `run \`${adminName(config.name)} doctor --fix\` as root`;
  if (walk.home.kind === "unusable") {
    const remedy = walk.home.missing ? `mkdir -p ${home} && chown ${user}: ${home}` : `make ${home} a real directory`;
    return { check: "home", status: "problem", message: `the home ${home} ${walk.home.reason}`, remedy, items: [] };
  }
  const { node, changed } = walk.home;
  const now = changed ? { ...node, uid: account.uid, gid: account.gid } : node;
  if (mayAccess(now, account, WRITE | SEARCH)) {
    return {
      check: "home",
      status: "ok",
      message: `the home ${home} exists and ${user} can write to it`,
      remedy: null,
      items: [],
    };
  }
  return {
    check: "home",
    status: "problem",
    message: `${user} cannot write to its home ${home} (${describeNode(now)})`,
    remedy:
      now.uid === account.uid
        ? `chmod u+rwx ${home}`
        : wasRefused(walk, home)
          ? refusedRemedy(config, account, now)
          : fixIt,
    items: [],
  };
}

export function treeChecks(config: ShimConfig, account: Account, walk: WalkResult): Finding[] {
  const { home, user } = config;
  const unreadable: Item[] = [];
  const readable: Item[] = [];
  const changed: Item[] = [];
  const linked: Item[] = [];
  const mounts: Item[] = [];
  const special: Item[] = [];
  const errors: Item[] = [];
  const refused: Item[] = [];
  let linkedUnreadable = false;
  for (const outcome of walk.outcomes) {
    if ("error" in outcome) {
      (outcome.refused ? refused : errors).push({ path: outcome.path, detail: outcome.error });
      continue;
    }
    const item = { path: outcome.path, detail: describeNode(outcome.node, outcome.changed) };
    const { verdict } = outcome;
    if (verdict.kind === "foreign") (outcome.changed ? changed : verdict.readable ? readable : unreadable).push(item);
    else if (verdict.kind === "linked") {
      linked.push(item);
      linkedUnreadable ||= !verdict.readable;
    } else (verdict.kind === "mount" ? mounts : special).push(item);
  }

  // The walk's order is the directories' hash order: useless for reading or diffing.
  for (const items of [unreadable, readable, changed, linked, mounts, special, errors, refused]) items.sort(byPath);
  const admin = adminName(config.name);
  const them = (items: readonly Item[]) => (items.length === 1 ? "it" : "them");
  const findings: Finding[] = [];
  if (changed.length > 0) {
    const what = `gave ${plural(changed.length, "entry", "entries")} under ${home} to ${user} (${account.uid}:${account.gid})`;
    findings.push(finding("fixed", what, null, changed));
  }
  if (unreadable.length > 0) {
    const what = `${subject(unreadable, home)} not ${user}'s and ${user} cannot read ${them(unreadable)}`;
    findings.push(finding("problem", what, `run \`${admin} doctor --fix\` as root`, unreadable));
  }
  if (readable.length > 0) {
    const what = `${subject(readable, home)} someone else's: ${user} can read but not change ${them(readable)}`;
    findings.push(finding("note", what, `\`${admin} doctor --fix\` gives ${them(readable)} to ${user}`, readable));
  }
  if (linked.length > 0) {
    const what = `${subject(linked, home)} someone else's with more hard links, maybe outside ${home}: doctor never changes ${them(linked)}`;
    const remedy =
      "see where else each is linked (find / -xdev -samefile PATH); if it belongs here only, replace it with a copy (cp -p PATH PATH.new && mv PATH.new PATH) and run doctor --fix again";
    findings.push(finding(linkedUnreadable ? "problem" : "note", what, remedy, linked));
  }
  if (mounts.length > 0) {
    const what = `${subject(mounts, home)} another filesystem: not checked or changed`;
    findings.push(
      finding("note", what, `check ${them(mounts)} on ${mounts.length === 1 ? "its" : "their"} own`, mounts),
    );
  }
  if (special.length > 0) {
    const what = `${subject(special, home)} someone else's device, FIFO or socket: left alone`;
    findings.push(finding("note", what, null, special));
  }
  if (refused.length > 0 && walk.home.kind === "dir") {
    const what =
      `the filesystem of ${home} refused to change the owner of ${plural(refused.length, "entry", "entries")}, even for root ` +
      "(a NAS share, an ACL'd or user-namespaced mount): doctor --fix cannot repair it";
    findings.push(finding("problem", what, refusedRemedy(config, account, walk.home.node), refused));
  }
  if (errors.length > 0) {
    const what = `${plural(errors.length, "entry", "entries")} under ${home} could not be checked or changed`;
    findings.push(finding("problem", what, "look at each, then run doctor again", errors));
  }
  if (!findings.some((f) => f.status === "problem")) {
    findings.push(finding("ok", `everything under ${home} is ${user}'s or readable by ${user}`, null));
  }
  return findings;
}
