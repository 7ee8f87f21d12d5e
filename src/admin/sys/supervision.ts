/**
 * doctor's look at the supervision tree, and with --fix its repair. A
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
import type { NodeStat } from "../../core/node.ts";
import type { Account } from "../../core/passwd.ts";
import { checkTrust, rewritable, type Trust, weakness } from "../../core/trust.ts";
import { lstat, readNames } from "../../sys/files.ts";
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  cstr,
  ENOENT,
  errno,
  libc,
  moreLibc,
  SELF,
  strerror,
} from "../../sys/libc.ts";
import { statAt } from "../../sys/statx.ts";
import { type Role, repair } from "../core/controlSurface.ts";
import type { SurfaceNode, TreeFacts } from "../core/supervision.ts";
import { ELOOP, ENOTDIR, OPEN_DIR, OPEN_NODE } from "./dirfd.ts";
import { statFd } from "./stat.ts";

/** fchownat's "leave the owner as it is". */
const KEEP_OWNER = 0xffffffff;
const THROUGH_SYMLINK = "is a symlink: doctor neither checks nor changes anything through one";
const TMPFS_MAGIC = 0x01021994n;

type Step = { path: string; node: NodeStat };
/** A directory held open, and the directories looked up on the way to it as s6's tools look them up. */
type Held = { fd: number; chain: Step[] };
type Opened = Held | { error: string };

/** The directory at `path`, which has no symlink in it, opened from / one name at a time; the stat of each on the way. */
function openCanonical(path: string): Opened {
  let fd = moreLibc().openat(AT_FDCWD, cstr("/"), OPEN_DIR, 0);
  let here = "";
  const chain: Step[] = [];
  for (const name of ["", ...path.split("/").filter(Boolean)]) {
    if (name !== "") {
      const next = moreLibc().openat(fd, cstr(name), OPEN_DIR, 0);
      const error = errno();
      libc.close(fd);
      here = `${here}/${name}`;
      if (next < 0)
        return { error: `${here} ${error === ELOOP ? THROUGH_SYMLINK : `cannot be opened: ${strerror(error)}`}` };
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

/** The first node of `chain` that someone but root could rewrite, and why. */
const weakStep = (chain: Step[]) =>
  chain.map((step) => weakness(step.path, step.node)).find((why) => why !== undefined);

/** Judges `node`, open as `fd`, in `role`, and with --fix gives the runtime user what it needs of it. */
function settle(fd: number, path: string, role: Role, account: Account, fix: boolean): SurfaceNode {
  const st = statFd(fd);
  if (!st.ok) return { path, role, error: `cannot examine it: ${strerror(st.errno)}`, changed: false };
  const node = st.node;
  if (node.kind === "symlink") return { path, role, node, error: THROUGH_SYMLINK, changed: false };
  const plan = repair(role, node, account);
  if (!fix || plan.kind !== "change") return { path, role, node, repair: plan, changed: false };
  // The owner stays root's; chmod through /proc reaches the very node held, even a FIFO open only as O_PATH.
  const ok =
    moreLibc().fchownat(fd, SELF, KEEP_OWNER, plan.gid, AT_EMPTY_PATH) === 0 &&
    moreLibc().chmod(cstr(`/proc/self/fd/${fd}`), plan.mode) === 0;
  if (!ok) return { path, role, node, repair: plan, error: `cannot change it: ${strerror(errno())}`, changed: false };
  return { path, role, node, repair: plan, changed: true };
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
  const fd = moreLibc().openat(dir, cstr(name), flags, 0);
  if (fd < 0) {
    const error = errno();
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

/** Where a service at `named` leads, held, or why doctor does not examine it. */
type Reached = { held: Held; resolved: string | undefined } | { unreached: string; trust?: Trust } | { none: true };

/**
 * The service `name` in the directory held as `parent` (the scan directory, or a service for its log/),
 * opened without following it. `shared`: `parent` is not root's alone, so what is in it may be anyone's.
 */
function reach(parent: Held, parentPath: string | undefined, name: string, shared: boolean): Reached {
  const fd = moreLibc().openat(parent.fd, cstr(name), OPEN_NODE, 0);
  if (fd < 0) return { none: true };
  const st = statFd(fd);
  if (!st.ok || (st.node.kind !== "dir" && st.node.kind !== "symlink")) {
    libc.close(fd);
    return { none: true };
  }
  const node = st.node;
  if (node.kind === "dir") {
    const step = { path: `${parent.chain.at(-1)?.path}/${name}`, node };
    const weak = rewritable(step.path, node);
    if (weak !== undefined) {
      libc.close(fd);
      return { unreached: weak.reason, trust: weak };
    }
    return { held: { fd, chain: [...parent.chain, step] }, resolved: parentPath && `${parentPath}/${name}` };
  }
  const target = node.uid === 0 || !shared ? readLink(fd) : undefined;
  libc.close(fd);
  if (node.uid !== 0 && shared)
    return { unreached: `a symlink of uid ${node.uid} in a directory that is not root's alone: not followed` };
  if (target === undefined) return { unreached: "a symlink doctor could not read" };
  const base = parentPath ?? parent.chain.at(-1)?.path;
  const trust = checkTrust(target.startsWith("/") ? target : `${base}/${target}`, lstat, "dir");
  if (!trust.ok) return trust.missing ? { none: true } : { unreached: trust.reason, trust };
  const opened = openCanonical(trust.resolved);
  if ("error" in opened) return { unreached: opened.error };
  const weak = weakStep(opened.chain);
  if (weak !== undefined) {
    libc.close(opened.fd);
    return { unreached: `${weak}, which it was not a moment before` };
  }
  return { held: opened, resolved: trust.resolved };
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
  const reasons = new Set<string>();
  const door = (path: string, trust: Trust) => {
    if (trust.ok || !trust.rewritable || reasons.has(trust.reason)) return;
    reasons.add(trust.reason);
    tree.doors.push({ path, detail: trust.reason });
  };
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
  const weakWay = weakStep(scan.chain.slice(0, -1));
  if (weakWay !== undefined) {
    libc.close(scan.fd);
    return unexamined(weakWay);
  }
  const scanPath = scan.chain.at(-1)?.path as string;
  const shared = weakStep(scan.chain) !== undefined;
  tree.tmpfs = onTmpfs(scan.fd);
  examine(scanDir, scan, SCANNER, context);

  const scripts = (named: string, held: Held, resolved: string | undefined) => {
    for (const script of ["run", "finish"]) {
      // Reached through a way that is root's alone, a script is judged as §4 judges what root runs.
      if (resolved !== undefined) {
        door(`${named}/${script}`, checkTrust(`${resolved}/${script}`, lstat));
        continue;
      }
      const st = statAt(held.fd, cstr(script), AT_SYMLINK_NOFOLLOW);
      if (!st.ok) continue;
      if (st.node.kind === "symlink")
        tree.unreached.push({
          path: `${named}/${script}`,
          detail:
            "a symlink in a directory that is not root's alone: not followed, so what s6 runs there was not examined",
        });
      else {
        const weak = rewritable(`${named}/${script}`, st.node);
        if (weak !== undefined) door(`${named}/${script}`, weak);
      }
    }
  };
  const service = (named: string, reached: Exclude<Reached, { none: true }>) => {
    tree.services.push(named);
    door(named, checkTrust(named, lstat, "dir"));
    if ("unreached" in reached) {
      // A target someone but root can write is run by s6 as root all the same.
      if (reached.trust) door(named, reached.trust);
      for (const script of ["run", "finish"]) door(`${named}/${script}`, checkTrust(`${named}/${script}`, lstat));
      tree.unreached.push({ path: named, detail: reached.unreached });
      // s6 supervises its log/ too: named as not examined, never reached through what was not.
      if (isDir(`${named}/log`)) service(`${named}/log`, { unreached: "the way to it is not root's alone" });
      return;
    }
    scripts(named, reached.held, reached.resolved);
    examine(named, reached.held, SERVICE, context);
    const log = reach(reached.held, reached.resolved, "log", false);
    if (!("none" in log)) service(`${named}/log`, log);
    libc.close(reached.held.fd);
  };

  const names = readNames(scan.fd).map(nameText);
  // s6-svscan skips names that start with a dot, and takes a symlink to a directory as a service.
  for (const name of names.filter((n) => !n.startsWith(".")).sort()) {
    const named = `${scanDir}/${name}`;
    const reached = reach(scan, shared ? undefined : scanPath, name, shared);
    if ("none" in reached) continue;
    if ("unreached" in reached && !isDir(named)) continue;
    if (shared && "unreached" in reached) ownSlot(scan.fd, name, named, tree);
    if (shared && "held" in reached && reached.resolved === undefined) {
      const slot = reached.held.chain.at(-1) as Step;
      tree.rootSlots.push({ path: named, node: slot.node });
    }
    service(named, reached);
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
  const fd = moreLibc().openat(scan, cstr(name), OPEN_DIR, 0);
  if (fd < 0) return;
  const slot = statFd(fd);
  const event = statAt(fd, cstr("event"), AT_SYMLINK_NOFOLLOW);
  libc.close(fd);
  if (slot.ok && event.ok && event.node.kind === "dir")
    tree.ownSlots.push({ path: named, node: slot.node, event: event.node });
}

/** Where the way to the scan directory is not root's alone: its services are named, and none is examined. */
function listWithout(scanDir: string, tree: TreeFacts, door: (path: string, trust: Trust) => void): void {
  const list = moreLibc().openat(AT_FDCWD, cstr(scanDir), OPEN_DIR, 0);
  if (list < 0) return;
  const names = readNames(list).map(nameText);
  libc.close(list);
  const service = (named: string) => {
    tree.services.push(named);
    door(named, checkTrust(named, lstat, "dir"));
    for (const script of ["run", "finish"]) door(`${named}/${script}`, checkTrust(`${named}/${script}`, lstat));
    tree.unreached.push({ path: named, detail: "the way to it is not root's alone" });
  };
  for (const name of names.filter((n) => !n.startsWith(".")).sort()) {
    const named = `${scanDir}/${name}`;
    if (!isDir(named)) continue;
    service(named);
    if (isDir(`${named}/log`)) service(`${named}/log`);
  }
}
