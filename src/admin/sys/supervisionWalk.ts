/**
 * doctor's look at the supervision tree, and with --fix its repair: the
 * opening, reading and changing; what to follow, what is root's alone, what
 * is a door and what is not examined is decided in src/admin/core/supervision.ts. A
 * service's control surface is examined, and changed, only through a handle
 * on a service directory that is root's alone, reached without following
 * anything someone else can change: the way to the scan directory is root's
 * alone, and every name is opened from a descriptor already held, one at a
 * time, without following it. Upstream's image gives the scan directory
 * itself to the runtime user, so there a service link is followed only if
 * root owns it (the runtime user can move root's links about, never write
 * one), read once through a handle on the very link examined, and its target
 * is opened from / the same way, every directory on the way root's alone.
 * Every change goes through a handle on the node just examined.
 */
import { nameText, text } from "../../core/bytes.ts";
import { ELOOP, ENOENT, ENOTDIR } from "../../core/failure.ts";
import type { Account } from "../../core/passwd.ts";
import { checkTrust, type Trust } from "../../core/trust.ts";
import { lstat, readNames } from "../../sys/files.ts";
import { AT_FDCWD, AT_SYMLINK_NOFOLLOW, cstr, libc, moreLibc, SELF, strerror } from "../../sys/libc.ts";
import { statAt } from "../../sys/statx.ts";
import { type Role, repair } from "../core/controlSurface.ts";
import {
  changedSince,
  doorKeeper,
  linkDestination,
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
  type Unreached,
  unexaminedService,
  WAY_NOT_ROOTS,
} from "../core/supervision.ts";
import { chmodHeld, chownHeld, KEEP_OWNER, OPEN_DIR, OPEN_NODE, openIn } from "./dirfd.ts";
import { statFd } from "./stat.ts";

const TMPFS_MAGIC = 0x01021994n;

/** A directory held open, and the directories looked up on the way to it as s6's tools look them up. */
type Held = { fd: number; chain: Step[] };
type Opened = Held | { error: string };

/** The directory at `path`, which has no symlink in it, opened from / one name at a time; the stat of each on the way. */
function openCanonical(path: string): Opened {
  let fd = openIn(AT_FDCWD, "/", OPEN_DIR);
  let here = "";
  const chain: Step[] = [];
  for (const name of ["", ...path.split("/").filter(Boolean)]) {
    if (name !== "") {
      const next = openIn(fd, name, OPEN_DIR);
      libc.close(fd);
      here = `${here}/${name}`;
      if (next < 0)
        return { error: `${here} ${next === -ELOOP ? THROUGH_SYMLINK : `cannot be opened: ${strerror(-next)}`}` };
      fd = next;
    }
    const st = statFd(fd);
    if (!st.ok) {
      libc.close(fd);
      return { error: `${here || "/"} cannot be examined: ${strerror(st.errno)}` };
    }
    chain.push({ path: here || "/", node: st.node });
  }
  return { fd, chain };
}

/** Judges `node`, open as `fd`, in `role`, and with --fix gives the runtime user what it needs of it. */
function settle(fd: number, path: string, role: Role, account: Account, fix: boolean): SurfaceNode {
  const st = statFd(fd);
  if (!st.ok) return { path, role, error: `cannot examine it: ${strerror(st.errno)}`, changed: false };
  const found = surfaceNode(path, role, st.node, account);
  const plan = found.repair;
  if (!fix || plan?.kind !== "change") return found;
  // The owner stays root's; the mode is set on the very node held, even a FIFO open only as O_PATH.
  const failed = chownHeld(fd, KEEP_OWNER, plan.gid) || chmodHeld(fd, plan.mode);
  if (failed !== 0) return { ...found, error: `cannot change it: ${strerror(failed)}` };
  return { ...found, changed: true };
}

type Context = { account: Account; fix: boolean; out: SurfaceNode[] };

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
    else {
      const why = error === ELOOP ? THROUGH_SYMLINK : error === ENOTDIR ? "is not a directory" : strerror(error);
      context.out.push({ path, role, error: why, changed: false });
    }
    return undefined;
  }
  const settled = settle(fd, path, role, context.account, context.fix);
  context.out.push(settled);
  if (flags === OPEN_DIR && !settled.error) return fd;
  libc.close(fd);
  return undefined;
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
      if (!st.ok && st.errno !== ENOENT)
        context.out.push({ path, role: "status", error: strerror(st.errno), changed: false });
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

const isDir = (path: string) => {
  const st = statAt(AT_FDCWD, cstr(path), 0);
  return st.ok && st.node.kind === "dir";
};

/** What a symlink open as the O_PATH handle `fd` holds: the very link examined, read once. */
function readLink(fd: number): string | undefined {
  const buf = new Uint8Array(4096);
  const n = Number(moreLibc().readlinkat(fd, SELF, buf, BigInt(buf.length)));
  return n < 0 || n >= buf.length ? undefined : text(buf.subarray(0, n));
}

function onTmpfs(fd: number): boolean {
  const buf = new BigInt64Array(16);
  return moreLibc().fstatfs(fd, buf) === 0 && BigInt.asUintN(64, buf[0] ?? 0n) === TMPFS_MAGIC;
}

/** A service held open, with the path it resolves to where the way to it is root's alone. */
type HeldService = { held: Held; resolved: string | undefined };
/** Where a service leads: held, not examined and why, or no service there. */
type ServiceWay = HeldService | Unreached | "none";

/**
 * The service `name` in the directory held as `parent` (the scan directory, or a service for its log/),
 * opened without following it. `shared`: `parent` is not root's alone, so what is in it may be anyone's.
 */
function openService(parent: Held, parentPath: string | undefined, name: string, shared: boolean): ServiceWay {
  const fd = openIn(parent.fd, name, OPEN_NODE);
  if (fd < 0) return "none";
  const st = statFd(fd);
  if (!st.ok) {
    libc.close(fd);
    return "none";
  }
  const step = { path: `${parent.chain.at(-1)?.path}/${name}`, node: st.node };
  const entry = serviceEntry(step.path, step.node, shared);
  if (entry === "enter")
    return { held: { fd, chain: [...parent.chain, step] }, resolved: parentPath && `${parentPath}/${name}` };
  const target = entry === "follow" ? readLink(fd) : undefined;
  libc.close(fd);
  if (entry !== "follow") return entry;
  const base = parentPath ?? (parent.chain.at(-1)?.path as string);
  const way = linkDestination(target, base, (path) => checkTrust(path, lstat, "dir"));
  if (way === "none" || "unreached" in way) return way;
  const opened = openCanonical(way.resolved);
  if ("error" in opened) return { unreached: opened.error };
  const changed = changedSince(opened.chain);
  if (changed !== undefined) {
    libc.close(opened.fd);
    return { unreached: changed };
  }
  return { held: opened, resolved: way.resolved };
}

/** The tree at `scanDir`, or undefined when there is none. */
export function gatherTree(scanDir: string, account: Account, fix: boolean): TreeFacts | undefined {
  const scanTrust = checkTrust(scanDir, lstat, "dir");
  if (!scanTrust.ok && scanTrust.missing) return undefined;
  const tree: TreeFacts = {
    scanDir,
    services: [],
    doors: [],
    unreached: [],
    rootSlots: [],
    ownSlots: [],
    tmpfs: false,
    surface: [],
  };
  const context = { account, fix, out: tree.surface };
  const door = doorKeeper(tree.doors);
  door(scanDir, scanTrust);
  // s6-svscan runs the scripts it finds in .s6-svscan/ (finish, crash, SIGTERM…) as root too.
  if (isDir(`${scanDir}/.s6-svscan`)) door(`${scanDir}/.s6-svscan`, checkTrust(`${scanDir}/.s6-svscan`, lstat, "dir"));

  // The scan directory's way must be root's alone; the directory itself may be the runtime user's.
  const unexamined = (why: string) => {
    tree.unreached.push({ path: scanDir, detail: why });
    listWithout(scanDir, tree, door);
    return tree;
  };
  const scan = openCanonical(scanTrust.ok ? scanTrust.resolved : scanDir);
  if ("error" in scan) return unexamined(scan.error);
  const verdict = scanVerdict(scan.chain);
  if ("unexamined" in verdict) {
    libc.close(scan.fd);
    return unexamined(verdict.unexamined);
  }
  const scanPath = scan.chain.at(-1)?.path as string;
  const { shared } = verdict;
  tree.tmpfs = onTmpfs(scan.fd);
  examine(scanDir, scan, SCANNER, context);

  const scripts = (named: string, held: Held, resolved: string | undefined) => {
    for (const script of SCRIPTS) {
      // Reached through a way that is root's alone, a script is judged as §4 judges what root runs.
      if (resolved !== undefined) {
        door(`${named}/${script}`, checkTrust(`${resolved}/${script}`, lstat));
        continue;
      }
      const st = statAt(held.fd, cstr(script), AT_SYMLINK_NOFOLLOW);
      const seen = st.ok ? scriptSeen(`${named}/${script}`, st.node) : undefined;
      if (seen === undefined) continue;
      if ("door" in seen) door(`${named}/${script}`, seen.door);
      else tree.unreached.push({ path: `${named}/${script}`, detail: seen.unreached });
    }
  };
  const service = (named: string, way: Exclude<ServiceWay, "none">) => {
    if ("unreached" in way) {
      unexaminedService(tree, door, lstat, named, way);
      // s6 supervises its log/ too: named as not examined, never reached through what was not.
      if (isDir(`${named}/log`)) service(`${named}/log`, { unreached: WAY_NOT_ROOTS });
      return;
    }
    tree.services.push(named);
    door(named, checkTrust(named, lstat, "dir"));
    scripts(named, way.held, way.resolved);
    examine(named, way.held, SERVICE, context);
    const log = openService(way.held, way.resolved, "log", false);
    if (log !== "none") service(`${named}/log`, log);
    libc.close(way.held.fd);
  };

  // s6-svscan skips names that start with a dot, and takes a symlink to a directory as a service.
  for (const name of serviceNames(readNames(scan.fd).map(nameText))) {
    const named = `${scanDir}/${name}`;
    const way = openService(scan, shared ? undefined : scanPath, name, shared);
    if (way === "none") continue;
    if ("unreached" in way && !isDir(named)) continue;
    const slot = slotOf(shared, way);
    if (slot === "own") ownSlot(scan.fd, name, named, tree);
    if (slot === "root" && "held" in way)
      tree.rootSlots.push({ path: named, node: (way.held.chain.at(-1) as Step).node });
    service(named, way);
  }
  libc.close(scan.fd);
  return tree;
}

/**
 * A service directory in a scan directory the runtime user owns that is not root's alone: only looked at,
 * never examined for control nor changed. Its event/, if s6-supervise made one, decides whether the runtime
 * user can remove it.
 */
function ownSlot(scan: number, name: string, named: string, tree: TreeFacts): void {
  const fd = openIn(scan, name, OPEN_DIR);
  if (fd < 0) return;
  const slot = statFd(fd);
  const event = statAt(fd, cstr("event"), AT_SYMLINK_NOFOLLOW);
  libc.close(fd);
  if (slot.ok && event.ok && event.node.kind === "dir")
    tree.ownSlots.push({ path: named, node: slot.node, event: event.node });
}

/** Where the way to the scan directory is not root's alone: its services are named, and none is examined. */
function listWithout(scanDir: string, tree: TreeFacts, door: (path: string, trust: Trust) => void): void {
  const list = openIn(AT_FDCWD, scanDir, OPEN_DIR);
  if (list < 0) return;
  const names = serviceNames(readNames(list).map(nameText));
  libc.close(list);
  for (const name of names) {
    const named = `${scanDir}/${name}`;
    if (!isDir(named)) continue;
    unexaminedService(tree, door, lstat, named, { unreached: WAY_NOT_ROOTS });
    if (isDir(`${named}/log`)) unexaminedService(tree, door, lstat, `${named}/log`, { unreached: WAY_NOT_ROOTS });
  }
}
