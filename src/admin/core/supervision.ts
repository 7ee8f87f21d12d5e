/**
 * doctor's findings about the supervision tree (s6-svscan, as root, over the
 * scan directory): whether the runtime user can control its services, and
 * whether anyone but root can change what s6 runs as root. And the rules of
 * its look at the tree: which directories are root-only, which links it
 * follows, what is a way to act as root, and what it does not examine and why.
 * src/admin/sys/supervisionWalk.ts only opens, reads and changes what these
 * rules say.
 */

import { mayAccess, READ, SEARCH } from "../../core/access.ts";
import type { ShimConfig } from "../../core/config.ts";
import type { Failure } from "../../core/failure.ts";
import { adminName } from "../../core/name.ts";
import { type NodeStat, octal } from "../../core/node.ts";
import type { Account } from "../../core/passwd.ts";
import type { Lstat } from "../../core/pathLookup.ts";
import { checkTrust, rewritable, type Trust, weakness } from "../../core/trust.ts";
import { isFifo, NEEDS, type Repair, type Role, repair } from "./controlSurface.ts";
import {
  byPath,
  describeNode,
  type Finding,
  failureItem,
  findingFor,
  type Item,
  plural,
  unexaminedFinding,
} from "./finding.ts";

/** One node of a service's or the scanner's control surface, or a directory on the way to it. */
export interface SurfaceNode {
  /** As s6's tools name it: through the scan directory. */
  path: string;
  role: Role;
  /** As found (before --fix changed it); undefined when it does not exist or could not be examined. */
  node?: NodeStat;
  /** Why it could not be examined or changed. */
  error?: string;
  /** What --fix does to it, or would do. */
  repair?: Repair;
  changed: boolean;
}

/** What doctor gathered from the tree (src/admin/sys/supervisionWalk.ts). */
export interface TreeFacts {
  scanDir: string;
  /** Services found there, log services included, as named there. */
  services: string[];
  /** What s6 runs as root, or reads to learn what to run, that someone but root could rewrite. */
  rewritableByOthers: Item[];
  /** The scan directory, services or scripts doctor neither examined nor changed, and why. */
  unreached: Item[];
  /** The nodes, listings and ways a failed call kept doctor from examining (contract §13), each with the failure. */
  failures: Item[];
  /** Service directories root owns in a scan directory that is not root-only: the runtime user cannot remove or replace them. */
  rootSlots: { path: string; node: NodeStat }[];
  /** Service directories in such a scan directory that are not root-only, each with the event/ s6-supervise made in it. */
  ownSlots: { path: string; node: NodeStat; event: NodeStat }[];
  /** Whether the scan directory is on a tmpfs, which a restart of the container empties. */
  tmpfs: boolean;
  /** s6-overlay's own services (overlayOwned): root's by design, never examined for control nor changed. */
  overlay: string[];
  /** What of the runtime user's lies where s6-supervise, as root, writes (rootWritesInto, plantedLink). */
  rootWrites: Item[];
  surface: SurfaceNode[];
}

/** The tree as its walk starts it: nothing found yet under `scanDir`. */
export function emptyTree(scanDir: string): TreeFacts {
  return {
    scanDir,
    services: [],
    rewritableByOthers: [],
    unreached: [],
    failures: [],
    rootSlots: [],
    ownSlots: [],
    tmpfs: false,
    overlay: [],
    rootWrites: [],
    surface: [],
  };
}

/** Why doctor neither checks nor changes a node: it is a symlink. */
export const THROUGH_SYMLINK = "is a symlink: doctor neither checks nor changes anything through one";
/** Why a service is not examined where the way to it is not root-only. */
export const WAY_NOT_ROOTS = "the way to it is not root-only";

/** A directory looked up on the way, as it was found. */
export type Step = { path: string; node: NodeStat };

/** Why a directory on `chain` is not root-only: the first node someone but root could rewrite. */
export function notRootsAlone(chain: readonly Step[]): string | undefined {
  return chain.map((step) => weakness(step.path, step.node)).find((why) => why !== undefined);
}

/** The names s6-svscan takes as services, in order: every one but those that start with a dot. */
export function serviceNames(names: readonly string[]): string[] {
  return names.filter((n) => !n.startsWith(".")).sort();
}

/**
 * Whether doctor examines what is under the scan directory, `chain` the way to it from / (the scan directory
 * last): only where the way is root-only. `shared`: the scan directory itself is not (upstream's image gives
 * it to the runtime user), so what is in it may be anyone's.
 */
export function scanVerdict(chain: readonly Step[]): { unexamined: string } | { shared: boolean } {
  const way = notRootsAlone(chain.slice(0, -1));
  return way === undefined ? { shared: notRootsAlone(chain) !== undefined } : { unexamined: way };
}

/** Why doctor does not examine a service, and, where that is a node someone but root could rewrite, its Trust. */
export type Unreached = { unreached: string; trust?: Trust };

/**
 * What the entry `node` at `path` is, looked at without following it, in a scan directory or a service (its
 * log/): no service; a directory root-only, to enter; a symlink to read and follow; or not examined.
 * `shared`: the directory it is in is not root-only.
 */
export function serviceEntry(path: string, node: NodeStat, shared: boolean): "none" | "enter" | "follow" | Unreached {
  if (node.kind === "dir") {
    const weak = rewritable(path, node);
    return weak === undefined ? "enter" : { unreached: weak.reason, trust: weak };
  }
  if (node.kind !== "symlink") return "none";
  // The runtime user can move root's links about in a directory it owns, never write one.
  if (node.uid !== 0 && shared)
    return { unreached: `a symlink of uid ${node.uid} in a directory that is not root-only: not followed` };
  return "follow";
}

/**
 * Where a service's symlink leads: `target` as read through a handle on the very link (undefined where it could
 * not be read), looked up from `base`, the directory it is in; and, given `trustOf` (the trust walk of a
 * directory, contract §4), none where nothing is there, the resolved path to open, or why not examined.
 */
export function linkDestination(
  target: string | undefined,
  base: string,
  trustOf: (path: string) => Trust,
): "none" | { resolved: string } | Unreached | Failure {
  if (target === undefined) return { unreached: "a symlink doctor could not read" };
  const trust = trustOf(target.startsWith("/") ? target : `${base}/${target}`);
  if (trust.ok) return { resolved: trust.resolved };
  // A call on the way failed: where the link leads is not known, which is never taken for nothing there.
  if (trust.unexamined) return trust.unexamined;
  return trust.missing ? "none" : { unreached: trust.reason, trust };
}

/** Why a destination the trust walk passed, opened again from / one name at a time, is not examined now. */
export function changedSince(chain: readonly Step[]): string | undefined {
  const weak = notRootsAlone(chain);
  return weak === undefined ? undefined : `${weak}, which it was not a moment before`;
}

/**
 * What s6 runs as root and someone but root could rewrite, each reason once (a directory on the way of many
 * services is named once): the recorder adds a Trust to `rewritableByOthers` if someone but root could rewrite
 * it, and to `failures` if a failed call kept it from being known.
 */
export function trustRecorder(rewritableByOthers: Item[], failures: Item[]): (path: string, trust: Trust) => void {
  const reasons = new Set<string>();
  return (path, trust) => {
    if (trust.ok || reasons.has(trust.reason)) return;
    if (trust.unexamined) failures.push(failureItem(path, trust.unexamined));
    else if (trust.rewritable) rewritableByOthers.push({ path, detail: trust.reason });
    else return;
    reasons.add(trust.reason);
  };
}

/** The scripts of a service s6 runs as root. */
export const SCRIPTS = ["run", "finish"] as const;

/**
 * A script of a service reached through a way not root-only, seen without following it: a symlink is not
 * followed, so what it runs is not examined; anything else is reported where someone but root could rewrite it.
 */
export function scriptSeen(path: string, node: NodeStat): { rewritable: Trust } | Unreached | undefined {
  if (node.kind === "symlink")
    return {
      unreached: "a symlink in a directory that is not root-only: not followed, so what s6 runs there was not examined",
    };
  const weak = rewritable(path, node);
  return weak === undefined ? undefined : { rewritable: weak };
}

/**
 * A service doctor does not examine, named with why: s6 runs it as root all the same, so the service directory
 * (and `trust`, what was found of it) and its scripts are judged by path as rewritableByOthers.
 */
export function unexaminedService(
  tree: TreeFacts,
  recordTrust: (path: string, trust: Trust) => void,
  lstat: Lstat,
  named: string,
  why: Unreached,
): void {
  tree.services.push(named);
  recordTrust(named, checkTrust(named, lstat, "dir"));
  if (why.trust) recordTrust(named, why.trust);
  for (const script of SCRIPTS) recordTrust(`${named}/${script}`, checkTrust(`${named}/${script}`, lstat));
  tree.unreached.push({ path: named, detail: why.unreached });
}

/**
 * A node of the control surface `role` at `path` as found, and what --fix would do to it: nothing through a
 * symlink.
 */
export function surfaceNode(path: string, role: Role, node: NodeStat, account: Account): SurfaceNode {
  if (node.kind === "symlink") return { path, role, node, error: THROUGH_SYMLINK, changed: false };
  return { path, role, node, repair: repair(role, node, account), changed: false };
}

/** Where s6-linux-init keeps the run image it copies to /run at boot: s6-overlay's base directory is fixed. */
export const OVERLAY_RUN_IMAGE = "/run/s6/basedir/run-image/service";

/**
 * Whether the service `name`, held open at `held` (the directory entered, as resolved from /), is one that
 * s6-overlay itself lays in the scan directory `scanPath`, known by where it lies: s6-rc's own, a link to
 * s6-rc's live `servicedirs/` under the prefix s6-rc reserves (`s6rc-`); or s6-linux-init's, a directory in
 * the scan directory itself that s6-linux-init copied from its run image (`runImage`, the names there).
 */
export function overlayOwned(name: string, held: string, scanPath: string, runImage: ReadonlySet<string>): boolean {
  const parent = held.slice(0, held.lastIndexOf("/"));
  if (parent === scanPath) return runImage.has(name);
  return name.startsWith("s6rc-") && held.endsWith(`/servicedirs/${name}`);
}

/** What s6-supervise, running as root, writes in each directory of a service's control surface. */
const ROOT_WRITES: Partial<Record<Role, string>> = {
  supervise: "status.new, lock and death_tally",
  event: "an event into each FIFO",
};

/**
 * A supervise/ or event/ that someone but root owns: s6-supervise, as root, writes there, so its owner can
 * plant a link (status.new -> a file of root's) that root then writes through. Undefined where root owns it.
 */
export function rootWritesInto(path: string, role: Role, node: NodeStat): Item | undefined {
  const writes = ROOT_WRITES[role];
  if (writes === undefined || node.kind !== "dir" || node.uid === 0) return undefined;
  return { path, detail: `${describeNode(node)}: s6-supervise, as root, writes ${writes} in it` };
}

/** An entry of such a directory that is a symlink: root's next write there goes wherever it points. */
export function plantedLink(path: string, node: NodeStat): Item | undefined {
  if (node.kind !== "symlink") return undefined;
  return { path, detail: `a symlink of uid ${node.uid}: s6-supervise, as root, writes through it` };
}

/** A service directory in a scan directory that is not root-only, and which the runtime user may own. */
export type Slot = "own" | "root" | undefined;

/**
 * What a service at `way` is in a `shared` scan directory: one not examined may be the runtime user's own;
 * one entered there without a link is root's, which the runtime user cannot remove.
 */
export function slotOf(shared: boolean, way: Unreached | { resolved: string | undefined }): Slot {
  if (!shared) return undefined;
  if ("unreached" in way) return "own";
  return way.resolved === undefined ? "root" : undefined;
}

/** s6's control files are FIFOs, and named so. */
const describe = (node: NodeStat, before = false) => describeNode(node, before, isFifo(node) ? "FIFO" : undefined);

const VERB: Record<Role, string> = {
  path: "search it",
  supervise: "search it",
  control: "write to it",
  status: "read it",
  event: "subscribe in it (write and search)",
  scanner: "search it",
  "scanner-control": "write to it",
};

function fails(config: ShimConfig, role: Role): string {
  const restart = `s6-svc fails (\`${config.name} gateway restart\`)`;
  const rescan = `s6-svscanctl fails (\`${config.name} profile create\` adds a service that nothing starts)`;
  return {
    path: "s6-svc, s6-svstat and s6-svscanctl cannot reach past it",
    supervise: `s6-svc and s6-svstat fail (\`${config.name} gateway restart\`)`,
    control: restart,
    status: "s6-svstat fails: the CLI cannot tell whether the service runs",
    event: "s6-svc -w and s6-svwait fail: nothing can wait for the service to come up",
    scanner: rescan,
    "scanner-control": rescan,
  }[role];
}

/** Remedies for what --fix does not change, by role. */
const UNFIXED: Partial<Record<Role, string>> = {
  path: "make each directory on the way searchable (chmod o+x DIR)",
  status: "start s6-svscan under umask 022: s6-supervise writes status anew, with its umask, on every change",
};

const finding = findingFor("supervision");

function controlFindings(config: ShimConfig, account: Account, tree: TreeFacts, fix: boolean): Finding[] {
  const { scanDir } = tree;
  const { user } = config;
  const changed: Item[] = [];
  const closed: Item[] = [];
  const unsupervised: Item[] = [];
  const remedies = new Set<string>();
  let fixable = false;
  const seen = new Set<string>();
  for (const s of tree.surface) {
    // Directories on the way are shared by every service below them.
    if (seen.has(s.path)) continue;
    seen.add(s.path);
    if (s.changed && s.node && s.repair?.kind === "change") {
      const now = `now gid ${s.repair.gid}, mode ${octal(s.repair.mode)}`;
      changed.push({ path: s.path, detail: `${describe(s.node, true)}; ${now}` });
      continue;
    }
    if (s.error) {
      closed.push({ path: s.path, detail: s.error });
      remedies.add("look at each, then run doctor again");
      continue;
    }
    if (!s.node) {
      unsupervised.push({ path: s.path, detail: "does not exist yet" });
      continue;
    }
    if (mayAccess(s.node, account, NEEDS[s.role])) continue;
    const refused = s.repair?.kind === "refused" ? `; --fix: ${s.repair.reason}` : "";
    closed.push({
      path: s.path,
      detail: `${describe(s.node)}: ${user} cannot ${VERB[s.role]}, so ${fails(config, s.role)}${refused}`,
    });
    if (s.repair?.kind === "change") fixable = true;
    else remedies.add(UNFIXED[s.role] ?? "make it as s6 does (root's), then run doctor --fix again");
  }
  for (const items of [changed, closed, unsupervised]) items.sort(byPath);

  const found: Finding[] = [];
  if (changed.length > 0)
    found.push(
      finding(
        "fixed",
        `gave group ${user} (${account.gid}) the control of the services under ${scanDir}: ${plural(changed.length, "node", "nodes")}`,
        null,
        changed,
      ),
    );
  if (closed.length > 0) {
    const all = [
      ...(fixable && !fix
        ? [
            `run \`${adminName(config.name)} doctor --fix\` as root: it gives group ${user} what \`s6-svperms -G ${user} -E ${user}\` and the same for .s6-svscan/ would, and nothing else`,
          ]
        : []),
      ...remedies,
    ];
    found.push(
      finding(
        "problem",
        `${user} cannot control the services under ${scanDir} or ask s6-svscan to rescan: ${plural(closed.length, "node is", "nodes are")} closed to it`,
        all.join("; "),
        closed,
      ),
    );
  }
  if (unsupervised.length > 0)
    found.push(
      finding(
        "note",
        `${plural(unsupervised.length, "part", "parts")} of the control surface under ${scanDir} s6 has not made yet: when it does, they are root-only`,
        `once s6 supervises them, run \`${adminName(config.name)} doctor --fix\` as root again`,
        unsupervised,
      ),
    );
  if (closed.length === 0 && unsupervised.length === 0 && tree.failures.length === 0) {
    const ok = examinedText(tree);
    if (ok !== undefined) found.push(finding("ok", `${user} can ${ok}`, null));
  }
  return found;
}

/**
 * What the ok line may claim: only the services, and the scanner, whose control surface doctor examined.
 * Where the scan directory itself was not examined, nothing under it was, and nothing is claimed.
 */
function examinedText(tree: TreeFacts): string | undefined {
  const { scanDir, services, overlay } = tree;
  const unreached = new Set(tree.unreached.map((u) => u.path));
  if (unreached.has(scanDir)) return undefined;
  const examined = services.filter((s) => !unreached.has(s)).length;
  const own =
    overlay.length === 0
      ? ""
      : `; s6-overlay's own ${plural(overlay.length, "service", "services")} (${[...overlay].sort().join(", ")}) ${overlay.length === 1 ? "is" : "are"} root's by design, left alone`;
  if (examined === services.length)
    return `control every service under ${scanDir} (${plural(examined, "service", "services")}, logs included) and ask s6-svscan to rescan${own}`;
  if (examined === 0)
    return `ask s6-svscan to rescan ${scanDir}; doctor examined none of its ${plural(services.length, "service", "services")} (below)`;
  return `control the ${plural(examined, "service", "services")} doctor examined under ${scanDir} (of ${services.length}, logs included) and ask s6-svscan to rescan; the rest were not examined (below)`;
}

/** The remedy for slots the runtime user cannot remove: take them down and remove them as root, or let a restart empty the tmpfs. */
function slotRemedy(config: ShimConfig, tree: TreeFacts, paths: string[]): string {
  const tools = config.helper.endsWith("/s6-setuidgid") ? config.helper.slice(0, -"s6-setuidgid".length) : "";
  const them = paths.length === 1 ? "it" : "them";
  const slots = paths.join(" ");
  const remove = `as root, take ${them} down and remove ${them} (${tools}s6-svc -d ${slots} && rm -rf ${slots} && ${tools}s6-svscanctl -an ${tree.scanDir})`;
  const restart = tree.tmpfs
    ? `, or restart the container: ${tree.scanDir} is on a tmpfs, which a restart empties`
    : "";
  return `${remove}${restart}; doctor --fix never gives ${them} to ${config.user}`;
}

/**
 * One problem about `slots` the runtime user cannot remove, and so cannot register again: `what` says which
 * and why ("are root's"), `cannot` what the runtime user cannot do to them, `items` shows each.
 */
function slotFinding(
  config: ShimConfig,
  tree: TreeFacts,
  slots: { what: string; cannot: string; paths: string[]; items: Item[] },
): Finding {
  const { what, cannot, paths, items } = slots;
  const them = paths.length === 1 ? "it" : "them";
  const { user, name } = config;
  return finding(
    "problem",
    `${plural(paths.length, "service directory", "service directories")} in ${tree.scanDir} ${what}: ${user} cannot ${cannot} ${them}, so \`${name} profile delete\` leaves ${them} behind and \`${name} profile create\` cannot register ${them} again`,
    slotRemedy(config, tree, paths),
    items,
  );
}

/** Service directories in a scan directory the runtime user owns that it cannot remove, and so cannot register again. */
function slotFindings(config: ShimConfig, account: Account, tree: TreeFacts): Finding[] {
  const { user } = config;
  const found: Finding[] = [];
  const rooted = [...tree.rootSlots].sort(byPath);
  if (rooted.length > 0) {
    const what = rooted.length === 1 ? "is root's" : "are root's";
    const items = rooted.map((s) => ({ path: s.path, detail: describeNode(s.node) }));
    found.push(
      slotFinding(config, tree, { what, cannot: "remove or replace", paths: rooted.map((s) => s.path), items }),
    );
  }
  // rm -rf must list event/ to empty it: s6-supervise makes it root's, 03730, which its owner alone can list.
  const stuck = tree.ownSlots
    .filter((s) => s.event.uid !== account.uid && !mayAccess(s.event, account, READ | SEARCH))
    .sort(byPath);
  if (stuck.length > 0) {
    const what = `that ${user} owns ${stuck.length === 1 ? "holds" : "hold"} an event/ that s6-supervise made, which ${user} cannot list`;
    const items = stuck.map((s) => ({ path: `${s.path}/event`, detail: describeNode(s.event) }));
    found.push(slotFinding(config, tree, { what, cannot: "remove", paths: stuck.map((s) => s.path), items }));
  }
  return found;
}

export function supervisionChecks(config: ShimConfig, account: Account, tree: TreeFacts, fix: boolean): Finding[] {
  const { scanDir } = tree;
  const found = controlFindings(config, account, tree, fix);
  if (tree.rewritableByOthers.length > 0) {
    found.push(
      finding(
        "problem",
        `s6 runs what is under ${scanDir} as root, and someone but root can change it: a way to act as root`,
        `keep ${scanDir}, every service directory and its run and finish scripts root-only (chown root:root, chmod go-w); register services at runtime through something root runs, never by letting ${config.user} write to ${scanDir}; doctor --fix changes none of this`,
        [...tree.rewritableByOthers].sort(byPath),
      ),
    );
  } else if (tree.failures.length === 0 && tree.rootWrites.length === 0) {
    found.push(
      finding("ok", `${scanDir}, its service directories and their run and finish scripts are root-only`, null),
    );
  }
  if (tree.rootWrites.length > 0)
    found.push(
      finding(
        "problem",
        `s6-supervise writes as root where ${config.user} can plant a link: a way to act as root`,
        `have the boot give group ${config.user} the control surface instead of ownership (\`s6-svperms -G ${config.user} -E ${config.user} SERVICE\`, what doctor --fix gives), then restart the container, whose boot lays the service directories out anew; doctor --fix does not take them back, since what ${config.user} left in them would stay in root's way`,
        [...tree.rootWrites].sort(byPath),
      ),
    );
  found.push(...slotFindings(config, account, tree));
  if (tree.failures.length > 0) {
    const what = `${plural(tree.failures.length, "part", "parts")} of the tree under ${scanDir} could not be examined: a call failed`;
    found.push(unexaminedFinding("supervision", what, [...tree.failures].sort(byPath)));
  }
  if (tree.unreached.length > 0)
    found.push(
      finding(
        "note",
        `doctor neither examined nor changed ${plural(tree.unreached.length, "part", "parts")} of the tree under ${scanDir}: each is named with why`,
        null,
        [...tree.unreached].sort(byPath),
        { unexamined: tree.unreached.length },
      ),
    );
  return found;
}
