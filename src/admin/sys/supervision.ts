/**
 * doctor's look at the supervision tree, and with --fix its repair. A
 * service's control surface is examined, and changed, only when the way to
 * it, through every symlink, is root's alone (checkTrust): a symlink there
 * can only be root's, and nobody but root can swap a node between its
 * examination and its change. Even so, the way is opened from / one name at a
 * time without following any symlink, and every change goes through a handle
 * on the node just examined.
 */
import type { NodeStat } from "../../core/node.ts";
import type { Account } from "../../core/passwd.ts";
import { checkTrust, type Trust } from "../../core/trust.ts";
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

const decoder = new TextDecoder();
/** fchownat's "leave the owner as it is". */
const KEEP_OWNER = 0xffffffff;
const THROUGH_SYMLINK = "is a symlink: doctor neither checks nor changes anything through one";

type Opened = { fd: number; chain: { path: string; node: NodeStat }[] } | { error: string };

/** The directory at `path`, which has no symlink in it, opened from / one name at a time; the stat of each on the way. */
function openCanonical(path: string): Opened {
  let fd = moreLibc().openat(AT_FDCWD, cstr("/"), OPEN_DIR, 0);
  let here = "";
  const chain: { path: string; node: NodeStat }[] = [];
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

/** Opens `name` in `dir` without following it and settles it; the descriptor stays open for a directory to enter. */
function visit(
  dir: number,
  name: string,
  path: string,
  role: Role,
  flags: number,
  context: { account: Account; fix: boolean; out: SurfaceNode[] },
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

function examine(
  named: string,
  resolved: string,
  parts: { role: Role; name: string; flags: number; inside?: { role: Role; name: string }[] }[],
  context: { account: Account; fix: boolean; out: SurfaceNode[] },
): void {
  const opened = openCanonical(resolved);
  if ("error" in opened) {
    context.out.push({ path: named, role: "path", error: opened.error, changed: false });
    return;
  }
  for (const { path, node } of opened.chain)
    context.out.push({ path, role: "path", node, repair: repair("path", node, context.account), changed: false });
  for (const part of parts) {
    const fd = visit(opened.fd, part.name, `${named}/${part.name}`, part.role, part.flags, context);
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
  libc.close(opened.fd);
}

const SERVICE = [
  {
    role: "supervise" as const,
    name: "supervise",
    flags: OPEN_DIR,
    inside: [
      { role: "control" as const, name: "control" },
      { role: "status" as const, name: "status" },
    ],
  },
  { role: "event" as const, name: "event", flags: OPEN_DIR },
];
const SCANNER = [
  {
    role: "scanner" as const,
    name: ".s6-svscan",
    flags: OPEN_DIR,
    inside: [{ role: "scanner-control" as const, name: "control" }],
  },
];

const isDir = (path: string) => {
  const st = statAt(AT_FDCWD, cstr(path), 0);
  return st.ok && st.node.kind === "dir";
};

/** The tree at `scanDir`, or undefined when there is none. */
export function gatherTree(scanDir: string, account: Account, fix: boolean): TreeFacts | undefined {
  const scanTrust = checkTrust(scanDir, lstat, "dir");
  if (!scanTrust.ok && scanTrust.missing) return undefined;
  const tree: TreeFacts = { scanDir, services: [], doors: [], unreached: [], surface: [] };
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
  if (scanTrust.ok) examine(scanDir, scanTrust.resolved, SCANNER, context);
  else tree.unreached.push({ path: scanDir, detail: scanTrust.reason });

  const service = (named: string) => {
    tree.services.push(named);
    const trust = checkTrust(named, lstat, "dir");
    door(named, trust);
    for (const script of ["run", "finish"]) door(`${named}/${script}`, checkTrust(`${named}/${script}`, lstat));
    if (trust.ok) examine(named, trust.resolved, SERVICE, context);
    else tree.unreached.push({ path: named, detail: trust.reason });
  };
  const list = moreLibc().openat(AT_FDCWD, cstr(scanTrust.ok ? scanTrust.resolved : scanDir), OPEN_DIR, 0);
  if (list < 0) return tree;
  const names = readNames(list).map((n) => decoder.decode(n.subarray(0, -1)));
  libc.close(list);
  // s6-svscan skips names that start with a dot, and takes a symlink to a directory as a service.
  for (const name of names.filter((n) => !n.startsWith(".")).sort()) {
    const named = `${scanDir}/${name}`;
    if (!isDir(named)) continue;
    service(named);
    if (isDir(`${named}/log`)) service(`${named}/log`);
  }
  return tree;
}
