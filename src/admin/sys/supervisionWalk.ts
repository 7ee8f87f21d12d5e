/**
 * doctor's look at the supervision tree, and with --fix its repair: the
 * opening, reading and changing; what to follow, what is root-only, what
 * root runs that someone else could rewrite, and what is not examined is decided in src/admin/core/supervision.ts. A
 * service's control surface is examined, and changed, only through a handle
 * on a service directory that is root-only, reached without following
 * anything someone else can change: the way to the scan directory is root's
 * alone, and every name is opened from a descriptor already held, one at a
 * time, without following it. Upstream's image gives the scan directory
 * itself to the runtime user, so there a service link is followed only if
 * root owns it (the runtime user can move root's links about, never write
 * one), read once through a handle on the very link examined, and its target
 * is opened from / the same way, every directory on the way root-only.
 * Every change goes through a handle on the node just examined.
 */
import { nameText, text } from "../../core/bytes.ts";
import { ELOOP, ENOENT, ENOTDIR, type Failure, failed, failureText } from "../../core/failure.ts";
import type { Account } from "../../core/passwd.ts";
import { checkTrust, type Trust } from "../../core/trust.ts";
import { lstat, readNames } from "../../sys/files.ts";
import { AT_FDCWD, AT_SYMLINK_NOFOLLOW, cstr, failure, libc, moreLibc, SELF } from "../../sys/libc.ts";
import { statAt } from "../../sys/statx.ts";
import { type Role, repair } from "../core/controlSurface.ts";
import { failureItem, type Item } from "../core/finding.ts";
import {
  changedSince,
  emptyTree,
  linkDestination,
  notRootsAlone,
  OVERLAY_RUN_IMAGE,
  overlayOwned,
  plantedLink,
  rootWritesInto,
  SCRIPTS,
  type Step,
  type SurfaceNode,
  scanVerdict,
  scriptSeen,
  serviceEntry,
  serviceNames,
  slotOf,
  surfaceNode,
  THROUGH_SYMLINK,
  type TreeFacts,
  trustRecorder,
  type Unreached,
  unexaminedService,
  WAY_NOT_ROOTS,
} from "../core/supervision.ts";
import { chmodHeld, chownHeld, KEEP_OWNER, OPEN_DIR, OPEN_NODE, openIn } from "./dirfd.ts";
import { statFd } from "./stat.ts";

const TMPFS_MAGIC = 0x01021994n;

/** A directory held open, and the directories looked up on the way to it as s6's tools look them up. */
type Held = { fd: number; chain: Step[] };
/** Held; or not examined, and why: a symlink on the way, or the failure of a call. */
type Opened = Held | { error: string } | Failure;

/** The directory at `path`, which has no symlink in it, opened from / one name at a time; the stat of each on the way. */
function openCanonical(path: string): Opened {
  let fd = openIn(AT_FDCWD, "/", OPEN_DIR);
  if (fd < 0) return failure("openat", "/", -fd);
  let here = "";
  const chain: Step[] = [];
  for (const name of ["", ...path.split("/").filter(Boolean)]) {
    if (name !== "") {
      const next = openIn(fd, name, OPEN_DIR);
      libc.close(fd);
      here = `${here}/${name}`;
      if (next === -ELOOP) return { error: `${here} ${THROUGH_SYMLINK}` };
      if (next < 0) return failure("openat", here, -next);
      fd = next;
    }
    const st = statFd(fd);
    if (!st.ok) {
      libc.close(fd);
      return failure("statx", here || "/", st.errno);
    }
    chain.push({ path: here || "/", node: st.node });
  }
  return { fd, chain };
}

/**
 * Judges `node`, open as `fd`, in `role`, and with --fix gives the runtime user what it needs of it: a change
 * that fails is named with its call and errno, and the rest goes on. The failure where it could not be examined.
 */
function judgeAndRepair(fd: number, path: string, role: Role, account: Account, fix: boolean): SurfaceNode | Failure {
  const st = statFd(fd);
  if (!st.ok) return failure("statx", path, st.errno);
  const found = surfaceNode(path, role, st.node, account);
  const plan = found.repair;
  if (!fix || plan?.kind !== "change") return found;
  // The owner stays root's; the mode is set on the very node held, even a FIFO open only as O_PATH.
  const chown = chownHeld(fd, KEEP_OWNER, plan.gid);
  const lost = chown !== 0 ? failure("fchownat", path, chown) : chmodFailure(fd, path, plan.mode);
  if (lost) return { ...found, error: `cannot change it: ${failureText(lost)}` };
  return { ...found, changed: true };
}

function chmodFailure(fd: number, path: string, mode: number): Failure | undefined {
  const code = chmodHeld(fd, mode);
  return code === 0 ? undefined : failure("chmod", path, code);
}

type Context = { account: Account; fix: boolean; out: SurfaceNode[]; failures: Item[]; rootWrites: Item[] };

/** Opens `name` in `dir` without following it and settles it; the descriptor stays open for a directory to enter. */
function visit(
  dir: number,
  name: string,
  path: string,
  role: Role,
  flags: number,
  context: Context,
): number | undefined {
  const fd = openIn(dir, name, flags);
  if (fd < 0) {
    const error = -fd;
    if (error === ENOENT) context.out.push({ path, role, changed: false });
    else if (error === ELOOP || error === ENOTDIR) {
      const why = error === ELOOP ? THROUGH_SYMLINK : "is not a directory";
      context.out.push({ path, role, error: why, changed: false });
    } else context.failures.push(failureItem(path, failure("openat", path, error)));
    return undefined;
  }
  const examined = judgeAndRepair(fd, path, role, context.account, context.fix);
  if (failed(examined)) {
    context.failures.push(failureItem(path, examined));
    libc.close(fd);
    return undefined;
  }
  context.out.push(examined);
  const rootWrite = examined.node && rootWritesInto(path, role, examined.node);
  if (rootWrite) {
    context.rootWrites.push(rootWrite);
    plantedLinks(fd, path, context);
  }
  if (flags === OPEN_DIR && !examined.error) return fd;
  libc.close(fd);
  return undefined;
}

/** The symlinks in the directory held as `dir`, which someone but root owns and root's s6-supervise writes in. */
function plantedLinks(dir: number, path: string, context: Context): void {
  const listed = readNames(dir, path);
  if (failed(listed)) {
    context.failures.push(failureItem(path, listed));
    return;
  }
  for (const name of listed.map(nameText)) {
    const at = `${path}/${name}`;
    const st = statAt(dir, cstr(name), AT_SYMLINK_NOFOLLOW);
    if (!st.ok) {
      if (st.errno !== ENOENT) context.failures.push(failureItem(at, failure("statx", at, st.errno)));
      continue;
    }
    const planted = plantedLink(at, st.node);
    if (planted) context.rootWrites.push(planted);
  }
}

type Part = { role: Role; name: string; flags: number; inside?: { role: Role; name: string }[] };

/** The control surface `parts` of the directory held, named `named` as s6's tools name it. */
function examine(named: string, held: Held, parts: Part[], context: Context): void {
  for (const { path, node } of held.chain)
    context.out.push({ path, role: "path", node, repair: repair("path", node, context.account), changed: false });
  for (const part of parts) {
    const fd = visit(held.fd, part.name, `${named}/${part.name}`, part.role, part.flags, context);
    if (fd === undefined) continue;
    for (const inner of part.inside ?? []) {
      const path = `${named}/${part.name}/${inner.name}`;
      if (inner.role !== "status") {
        visit(fd, inner.name, path, inner.role, OPEN_NODE, context);
        continue;
      }
      // Only read, never changed: a stat is enough.
      const st = statAt(fd, cstr(inner.name), AT_SYMLINK_NOFOLLOW);
      if (!st.ok && st.errno !== ENOENT) context.failures.push(failureItem(path, failure("statx", path, st.errno)));
      else
        context.out.push({
          path,
          role: "status",
          ...(st.ok ? { node: st.node, repair: repair("status", st.node, context.account) } : {}),
          changed: false,
        });
    }
    libc.close(fd);
  }
}

const SERVICE: Part[] = [
  {
    role: "supervise",
    name: "supervise",
    flags: OPEN_DIR,
    inside: [
      { role: "control", name: "control" },
      { role: "status", name: "status" },
    ],
  },
  { role: "event", name: "event", flags: OPEN_DIR },
];
const SCANNER: Part[] = [
  { role: "scanner", name: ".s6-svscan", flags: OPEN_DIR, inside: [{ role: "scanner-control", name: "control" }] },
];

/** Whether `path` names a directory, through symlinks; the failure where statx could not tell. */
function isDir(path: string): boolean | Failure {
  const st = statAt(AT_FDCWD, cstr(path), 0);
  if (st.ok) return st.node.kind === "dir";
  return st.errno === ENOENT || st.errno === ENOTDIR ? false : failure("statx", path, st.errno);
}

/** What a symlink open as the O_PATH handle `fd` holds: the very link examined, read once; undefined if too long. */
function readLink(fd: number, path: string): string | undefined | Failure {
  const buf = new Uint8Array(4096);
  const n = Number(moreLibc().readlinkat(fd, SELF, buf, BigInt(buf.length)));
  if (n < 0) return failure("readlinkat", path);
  return n >= buf.length ? undefined : text(buf.subarray(0, n));
}

function onTmpfs(fd: number): boolean {
  const buf = new BigInt64Array(16);
  return moreLibc().fstatfs(fd, buf) === 0 && BigInt.asUintN(64, buf[0] ?? 0n) === TMPFS_MAGIC;
}

/** A service held open, with the path it resolves to where the way to it is root-only. */
type HeldService = { held: Held; resolved: string | undefined };
/** Where a service leads: held, not examined and why, no service there, or the failure that kept it from being known. */
type ServiceWay = HeldService | Unreached | "none" | Failure;

/**
 * The service `name` in the directory held as `parent` (the scan directory, or a service for its log/),
 * opened without following it. `shared`: `parent` is not root-only, so what is in it may be anyone's.
 */
function openService(parent: Held, parentPath: string | undefined, name: string, shared: boolean): ServiceWay {
  const at = `${parent.chain.at(-1)?.path}/${name}`;
  const fd = openIn(parent.fd, name, OPEN_NODE);
  if (fd < 0) return fd === -ENOENT ? "none" : failure("openat", at, -fd);
  const st = statFd(fd);
  if (!st.ok) {
    libc.close(fd);
    return failure("statx", at, st.errno);
  }
  const step = { path: at, node: st.node };
  const entry = serviceEntry(step.path, step.node, shared);
  if (entry === "enter")
    return { held: { fd, chain: [...parent.chain, step] }, resolved: parentPath && `${parentPath}/${name}` };
  const target = entry === "follow" ? readLink(fd, at) : undefined;
  libc.close(fd);
  if (entry !== "follow") return entry;
  if (failed(target)) return target;
  const base = parentPath ?? (parent.chain.at(-1)?.path as string);
  const way = linkDestination(target, base, (path) => checkTrust(path, lstat, "dir"));
  if (way === "none" || failed(way) || "unreached" in way) return way;
  const opened = openCanonical(way.resolved);
  if (failed(opened)) return opened;
  if ("error" in opened) return { unreached: opened.error };
  const changed = changedSince(opened.chain);
  if (changed !== undefined) {
    libc.close(opened.fd);
    return { unreached: changed };
  }
  return { held: opened, resolved: way.resolved };
}

/** One gathering of s6's tree in one record: what it has found, how it judges and repairs, how it records a Trust. */
interface Gathering {
  tree: TreeFacts;
  context: Context;
  recordTrust: (path: string, trust: Trust) => void;
}

/** A call that kept part of the tree from being examined: named, and the gathering goes on. */
function lose(tree: TreeFacts, path: string, why: Failure): void {
  tree.failures.push(failureItem(path, why));
}

/** Whether `path` is a directory; a failure to tell is named, and taken as no directory to go on with. */
function dirAt(tree: TreeFacts, path: string): boolean {
  const dir = isDir(path);
  if (failed(dir)) lose(tree, path, dir);
  return dir === true;
}

/** The tree at `scanDir`, or undefined when there is none. */
export function gatherTree(scanDir: string, account: Account, fix: boolean): TreeFacts | undefined {
  const scanTrust = checkTrust(scanDir, lstat, "dir");
  if (!scanTrust.ok && scanTrust.missing) return undefined;
  const tree = emptyTree(scanDir);
  const context = { account, fix, out: tree.surface, failures: tree.failures, rootWrites: tree.rootWrites };
  const gathering: Gathering = { tree, context, recordTrust: trustRecorder(tree.rewritableByOthers, tree.failures) };
  gathering.recordTrust(scanDir, scanTrust);
  // s6-svscan runs the scripts it finds in .s6-svscan/ (finish, crash, SIGTERM…) as root too.
  if (dirAt(tree, `${scanDir}/.s6-svscan`))
    gathering.recordTrust(`${scanDir}/.s6-svscan`, checkTrust(`${scanDir}/.s6-svscan`, lstat, "dir"));
  // The scan directory's way must be root-only; the directory itself may be the runtime user's.
  const scan = openCanonical(scanTrust.ok ? scanTrust.resolved : scanDir);
  if (failed(scan)) {
    lose(tree, scan.on, scan);
    return tree;
  }
  if ("error" in scan) return unexaminedScan(gathering, scan.error);
  const verdict = scanVerdict(scan.chain);
  if ("unexamined" in verdict) {
    libc.close(scan.fd);
    return unexaminedScan(gathering, verdict.unexamined);
  }
  tree.tmpfs = onTmpfs(scan.fd);
  examine(scanDir, scan, SCANNER, context);
  gatherServices(gathering, scan, verdict.shared);
  libc.close(scan.fd);
  return tree;
}

/** A scan directory whose way is not root-only: named as not examined, its services only listed. */
function unexaminedScan({ tree, recordTrust }: Gathering, why: string): TreeFacts {
  tree.unreached.push({ path: tree.scanDir, detail: why });
  listWithout(tree, recordTrust);
  return tree;
}

/** Every service in the scan directory held as `scan`; `shared`: the scan directory is not root-only itself. */
function gatherServices(gathering: Gathering, scan: Held, shared: boolean): void {
  const { tree } = gathering;
  const { scanDir } = tree;
  const scanPath = scan.chain.at(-1)?.path as string;
  const runImage = runImageNames(tree);
  // s6-svscan skips names that start with a dot, and takes a symlink to a directory as a service.
  const listed = readNames(scan.fd, scanDir);
  if (failed(listed)) lose(tree, scanDir, listed);
  for (const name of serviceNames(failed(listed) ? [] : listed.map(nameText))) {
    const named = `${scanDir}/${name}`;
    const way = openService(scan, shared ? undefined : scanPath, name, shared);
    if (way === "none") continue;
    if (
      !failed(way) &&
      "held" in way &&
      overlayOwned(name, way.held.chain.at(-1)?.path as string, scanPath, runImage)
    ) {
      // Root's by design: what s6 runs there is still judged, its control surface neither examined nor changed.
      tree.overlay.push(named);
      gathering.recordTrust(named, checkTrust(named, lstat, "dir"));
      scripts(gathering, named, way.held, way.resolved);
      libc.close(way.held.fd);
      continue;
    }
    if (!failed(way) && "unreached" in way && !dirAt(tree, named)) continue;
    const slot = failed(way) ? undefined : slotOf(shared, way);
    if (slot === "own") ownSlot(scan.fd, name, named, tree);
    if (slot === "root" && !failed(way) && "held" in way)
      tree.rootSlots.push({ path: named, node: (way.held.chain.at(-1) as Step).node });
    service(gathering, named, way);
  }
}

/** A service where its way led: examined and, with --fix, repaired; named as not examined, and why; or lost. */
function service(gathering: Gathering, named: string, way: Exclude<ServiceWay, "none">): void {
  const { tree, recordTrust } = gathering;
  if (failed(way)) {
    lose(tree, named, way);
    return;
  }
  if ("unreached" in way) {
    unexaminedService(tree, recordTrust, lstat, named, way);
    // s6 supervises its log/ too: named as not examined, never reached through what was not.
    if (dirAt(tree, `${named}/log`)) service(gathering, `${named}/log`, { unreached: WAY_NOT_ROOTS });
    return;
  }
  tree.services.push(named);
  recordTrust(named, checkTrust(named, lstat, "dir"));
  scripts(gathering, named, way.held, way.resolved);
  examine(named, way.held, SERVICE, gathering.context);
  const log = openService(way.held, way.resolved, "log", false);
  if (log !== "none") service(gathering, `${named}/log`, log);
  libc.close(way.held.fd);
}

/** A service's run and finish scripts, which s6 runs as root. */
function scripts({ tree, recordTrust }: Gathering, named: string, held: Held, resolved: string | undefined): void {
  for (const script of SCRIPTS) {
    // Reached through a way that is root-only, a script is judged as §4 judges what root runs.
    if (resolved !== undefined) {
      recordTrust(`${named}/${script}`, checkTrust(`${resolved}/${script}`, lstat));
      continue;
    }
    const st = statAt(held.fd, cstr(script), AT_SYMLINK_NOFOLLOW);
    if (!st.ok && st.errno !== ENOENT)
      lose(tree, `${named}/${script}`, failure("statx", `${named}/${script}`, st.errno));
    const seen = st.ok ? scriptSeen(`${named}/${script}`, st.node) : undefined;
    if (seen === undefined) continue;
    if ("rewritable" in seen) recordTrust(`${named}/${script}`, seen.rewritable);
    else tree.unreached.push({ path: `${named}/${script}`, detail: seen.unreached });
  }
}

/**
 * The services in s6-linux-init's run image, read only where the way to it is root-only (else none: a
 * directory someone else could fill names nothing as s6-overlay's).
 */
function runImageNames(tree: TreeFacts): Set<string> {
  const opened = openCanonical(OVERLAY_RUN_IMAGE);
  if (failed(opened)) {
    if (opened.errno !== ENOENT) lose(tree, OVERLAY_RUN_IMAGE, opened);
    return new Set();
  }
  if ("error" in opened) return new Set();
  const listed = notRootsAlone(opened.chain) === undefined ? readNames(opened.fd, OVERLAY_RUN_IMAGE) : [];
  libc.close(opened.fd);
  if (failed(listed)) {
    lose(tree, OVERLAY_RUN_IMAGE, listed);
    return new Set();
  }
  return new Set(listed.map(nameText));
}

/**
 * A service directory in a scan directory the runtime user owns that is not root-only: only looked at,
 * never examined for control nor changed. Its event/, if s6-supervise made one, decides whether the runtime
 * user can remove it.
 */
function ownSlot(scan: number, name: string, named: string, tree: TreeFacts): void {
  const fd = openIn(scan, name, OPEN_DIR);
  // Gone, or not a directory (a symlink): no slot of its own to remove.
  if (fd < 0) {
    if (fd !== -ENOENT && fd !== -ENOTDIR && fd !== -ELOOP) lose(tree, named, failure("openat", named, -fd));
    return;
  }
  const slot = statFd(fd);
  const event = statAt(fd, cstr("event"), AT_SYMLINK_NOFOLLOW);
  libc.close(fd);
  if (!slot.ok) lose(tree, named, failure("statx", named, slot.errno));
  else if (!event.ok && event.errno !== ENOENT)
    lose(tree, `${named}/event`, failure("statx", `${named}/event`, event.errno));
  else if (event.ok && event.node.kind === "dir")
    tree.ownSlots.push({ path: named, node: slot.node, event: event.node });
}

/** Where the way to the scan directory is not root-only: its services are named, and none is examined. */
function listWithout(tree: TreeFacts, recordTrust: (path: string, trust: Trust) => void): void {
  const { scanDir } = tree;
  const list = openIn(AT_FDCWD, scanDir, OPEN_DIR);
  if (list < 0) {
    if (list !== -ENOENT) tree.failures.push(failureItem(scanDir, failure("openat", scanDir, -list)));
    return;
  }
  const listed = readNames(list, scanDir);
  libc.close(list);
  if (failed(listed)) {
    tree.failures.push(failureItem(scanDir, listed));
    return;
  }
  for (const name of serviceNames(listed.map(nameText))) {
    const named = `${scanDir}/${name}`;
    if (!dirAt(tree, named)) continue;
    unexaminedService(tree, recordTrust, lstat, named, { unreached: WAY_NOT_ROOTS });
    if (dirAt(tree, `${named}/log`))
      unexaminedService(tree, recordTrust, lstat, `${named}/log`, { unreached: WAY_NOT_ROOTS });
  }
}
