/**
 * doctor's findings about a home and everything under it, from what its walk counted, and whether the runtime
 * user can reach and write the CLI's homes (contract §7), as the drop checks.
 */

import { mayAccess, SEARCH, WRITE } from "../../core/access.ts";
import type { ShimConfig } from "../../core/config.ts";
import type { Failure } from "../../core/failure.ts";
import { blockText, type Homes, homeRemedies, passRemedies, whoText } from "../../core/homes.ts";
import { adminName } from "../../core/name.ts";
import type { Account } from "../../core/passwd.ts";
import { listNames } from "../../core/words.ts";
import { describeNode, type Finding, failureItem, findingFor, plural, unexaminedFinding } from "./finding.ts";
import { groupChecks, type SharedGroup, sharedScope } from "./groupChecks.ts";
import { type Tree, treeName } from "./homeTrees.ts";
import { fixedGid } from "./verdict.ts";
import { aboutTally, them, type WalkResult } from "./walkResult.ts";

/** "3 entries under /opt/data are", "1 entry under /opt/data is". */
function subject(count: number, home: string): string {
  return `${plural(count, "entry", "entries")} under ${home} ${count === 1 ? "is" : "are"}`;
}

const finding = findingFor("tree");
const homeFinding = findingFor("home");
const reachFinding = findingFor("reach");

/**
 * What works where the filesystem refuses to change an owner even for root: doctor --fix cannot help there,
 * so it is never offered again. `owner` is the home's, the volume's owner as the container sees it.
 */
export function refusedRemedy(home: string, account: Account, owner: { uid: number; gid: number }): string {
  return (
    `change the owner where the filesystem lives (on the host or NAS: chown -R ${account.uid}:${account.gid} the directory behind ${home}), ` +
    `or run the container as the volume's owner (docker run --user ${owner.uid}:${owner.gid})`
  );
}

/** The home as --fix left it; `homes` says whether its filesystem takes a write at all, which no owner changes. */
export function homeCheck(config: ShimConfig, account: Account, walk: WalkResult, homes: Homes): Finding {
  const { home, user } = config;
  const fixIt = `run \`${adminName(config.name)} doctor --fix\` as root`;
  if (walk.home.kind === "unexamined") return homeUnexamined("home", `the home ${home}`, walk.home.failure);
  if (walk.home.kind === "unusable") {
    const remedy = walk.home.missing ? `mkdir -p ${home} && chown ${user}: ${home}` : `make ${home} a real directory`;
    const message = `the home ${home} ${walk.home.reason}`;
    // One that exists but could not be walked holds what doctor did not examine; a missing one holds nothing.
    return homeFinding("problem", message, remedy, [], walk.home.missing ? {} : { unexamined: 1 });
  }
  const readOnly = homes.checks.find((c) => c.path === home && !c.reach.ok && c.reach.blocks === "readonly");
  if (readOnly) {
    const remedy = homeRemedies(config, readOnly).join(", or ");
    return homeFinding("problem", `${whoText(homes)} ${blockText(readOnly)}`, remedy);
  }
  const { node, changed, refused } = walk.home;
  const now = changed ? { ...node, uid: account.uid, gid: fixedGid(node, account) } : node;
  if (mayAccess(now, account, WRITE | SEARCH)) {
    return homeFinding("ok", `the home ${home} exists and ${user} can write to it`);
  }
  return homeFinding(
    "problem",
    `${user} cannot write to its home ${home} (${describeNode(now)})`,
    now.uid === account.uid ? `chmod u+rwx ${home}` : refused ? refusedRemedy(home, account, now) : fixIt,
  );
}

/** A home a failed call kept doctor from examining: neither it nor anything under it was. */
function homeUnexamined(check: Finding["check"], name: string, failure: Failure): Finding {
  return unexaminedFinding(check, `${name} could not be examined, nor anything under it`, [
    failureItem(failure.on, failure),
  ]);
}

/**
 * What the walk of one home found under it. `home` names the tree in the messages: the build's home by its
 * path, another one by the variable that names it ("HERMES_HOME /srv/state"). `group` is the one the home is
 * shared with, where it is (contract §14).
 */
export function treeChecks(
  config: ShimConfig,
  account: Account,
  walk: WalkResult,
  home = walk.path,
  group?: SharedGroup,
  lacking: readonly string[] = [],
): Finding[] {
  // Whose access the walk judged: the runtime user, or the uid doctor runs as where that is another.
  const user = account.name;
  const { unreadable, readable, changed, linked, mounts, special, errors, refused, unexamined } = walk.found;
  const admin = adminName(config.name);
  // --fix gives entries to the runtime user, which is no help to a uid the pod runs the CLI as: only the tree's
  // group can change for it, as OpenShift's guidelines say.
  const giveBack =
    user === config.user
      ? undefined
      : `give ${walk.path} to group 0 with the owner's rights, in the image (chgrp -R 0 ${walk.path} && chmod -R g=u ${walk.path})`;
  const findings: Finding[] = [];
  if (changed.count > 0) {
    // With more groups than its primary one, an entry may have kept a group the user holds (fixedGid); in a
    // shared home every one gets the tree's group.
    const ids = walk.sharing
      ? `${account.uid}:${walk.sharing.gid}, the tree's group`
      : account.groups.length > 1
        ? `uid ${account.uid}, each keeping its group where ${user} holds it, else gid ${account.gid}`
        : `${account.uid}:${account.gid}`;
    const what = `gave ${plural(changed.count, "entry", "entries")} under ${home} to ${user} (${ids})`;
    findings.push(aboutTally("fixed", what, null, changed));
  }
  if (unreadable.count > 0) {
    const what = `${subject(unreadable.count, home)} not ${user}'s and ${user} cannot read ${them(unreadable)}`;
    findings.push(aboutTally("problem", what, giveBack ?? `run \`${admin} doctor --fix\` as root`, unreadable));
  }
  if (readable.count > 0) {
    const what = `${subject(readable.count, home)} someone else's: ${user} can read but not change ${them(readable)}`;
    const remedy = giveBack ?? `\`${admin} doctor --fix\` gives ${them(readable)} to ${user}`;
    findings.push(aboutTally("note", what, remedy, readable));
  }
  if (linked.count > 0) {
    const what = `${subject(linked.count, home)} someone else's with more hard links, maybe outside ${walk.path}: doctor never changes ${them(linked)}`;
    const remedy =
      "see where else each is linked (find / -xdev -samefile PATH); if it belongs here only, replace it with a copy (cp -p PATH PATH.new && mv PATH.new PATH) and run doctor --fix again";
    findings.push(aboutTally(walk.found.linkedUnreadable ? "problem" : "note", what, remedy, linked));
  }
  if (mounts.count > 0) {
    const what = `${subject(mounts.count, home)} another filesystem: not checked or changed`;
    const remedy = `check ${them(mounts)} on ${mounts.count === 1 ? "its" : "their"} own`;
    findings.push(aboutTally("note", what, remedy, mounts, { unexamined: mounts.count }));
  }
  if (special.count > 0) {
    const what = `${subject(special.count, home)} someone else's device, FIFO or socket: left alone`;
    findings.push(aboutTally("note", what, null, special));
  }
  if (refused.count > 0 && walk.home.kind === "dir" && lacking.length > 0) {
    // The kernel refuses root an owner change without CAP_CHOWN (or a mode change without CAP_FOWNER) on every
    // filesystem: the cause is the container's capabilities, not the filesystem.
    const what = `${plural(refused.count, "entry", "entries")} under ${home} kept ${refused.count === 1 ? "its" : "their"} owner: root here lacks ${listNames(lacking.map((c) => `CAP_${c}`))}, so doctor --fix cannot hand files over`;
    findings.push(
      aboutTally(
        "problem",
        what,
        `add ${lacking.join(" and ")} to the container's capabilities (docker run ${lacking.map((c) => `--cap-add ${c}`).join(" ")}), then run doctor --fix again`,
        refused,
      ),
    );
  } else if (refused.count > 0 && walk.home.kind === "dir") {
    const what =
      `the filesystem of ${home} refused to change the owner of ${plural(refused.count, "entry", "entries")}, even for root ` +
      "(a NAS share, an ACL'd or user-namespaced mount): doctor --fix cannot repair it";
    findings.push(aboutTally("problem", what, refusedRemedy(walk.path, account, walk.home.node), refused));
  }
  if (errors.count > 0) {
    const what = `${plural(errors.count, "entry", "entries")} under ${home} could not be checked or changed`;
    findings.push(aboutTally("problem", what, "look at each, then run doctor again", errors));
  }
  if (unexamined.count > 0) {
    const why = unexamined.examples.every((i) => i.permission) ? "a permission refused doctor" : "a call failed";
    const what = `${plural(unexamined.count, "part", "parts")} of the tree under ${home} could not be examined: ${why}`;
    findings.push(unexaminedFinding("tree", what, unexamined.examples, unexamined.count));
  }
  if (group) findings.push(...groupChecks(config, walk, group, home));
  if (!findings.some((f) => f.status === "problem")) {
    // What is on another filesystem was not examined, so the line claims nothing about it.
    const scope = mounts.count > 0 ? `everything doctor examined under ${home}` : `everything under ${home}`;
    const rest = mounts.count > 0 ? ", which is all but what is on another filesystem (above)" : "";
    const shared = sharedScope(walk.sharing, group);
    findings.push(finding("ok", `${scope} is ${user}'s or readable by ${user}${shared}${rest}`, null));
  }
  return findings;
}

/**
 * The home the environment names besides the build's: its reach finding says whether the runtime user can use
 * it, so here only what lies under it, or why doctor could not look. One it has yet to make has nothing under it.
 */
export function otherTreeChecks(
  config: ShimConfig,
  account: Account,
  walk: WalkResult,
  tree: Tree,
  group?: SharedGroup,
  lacking: readonly string[] = [],
): Finding[] {
  const name = treeName(tree);
  if (walk.home.kind === "dir") return treeChecks(config, account, walk, name, group, lacking);
  if (walk.home.kind === "unexamined") return [homeUnexamined("tree", name, walk.home.failure)];
  if (walk.home.missing) return [];
  const remedy = `point ${tree.variable} at a directory of its own that ${config.user} owns`;
  return [finding("problem", `${name} ${walk.home.reason}`, remedy, [], { unexamined: 1 })];
}

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
    if (!reach.ok && reach.blocks === "unexamined") {
      found.push(
        unexaminedFinding("reach", `${whoText(homes)} ${blockText(check)}`, [failureItem(check.path, reach.failure)]),
      );
      continue;
    }
    found.push(
      reachFinding(
        reach.ok ? "ok" : "problem",
        `${whoText(homes)} ${blockText(check)}${reach.ok ? "" : `: the ${config.name} CLI fails there as ${config.user}`}`,
        reach.ok ? null : homeRemedies(config, check).join(", or "),
      ),
    );
  }
  return found;
}

/**
 * Run as a user who is neither root nor the runtime user (an arbitrary uid, OpenShift's): the CLI runs as that
 * user, so its home is judged for it and its groups too, with the remedies that work where it is the pod's own.
 */
export function callerReachChecks(config: ShimConfig, homes: Homes): Finding[] {
  return homes.checks.map((check) => {
    const { reach } = check;
    const who = `${whoText(homes)}, which doctor runs as and the ${config.name} CLI would too,`;
    if (!reach.ok && reach.blocks === "unexamined")
      return unexaminedFinding("reach", `${who} ${blockText(check)}`, [failureItem(check.path, reach.failure)]);
    if (reach.ok) return reachFinding("ok", `${who} ${blockText(check)}`, null);
    return reachFinding("problem", `${who} ${blockText(check)}`, passRemedies(config, homes, check).join(", or "));
  });
}
