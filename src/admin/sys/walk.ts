/**
 * doctor's walk of the home, and with --fix its repair. Every step is
 * relative to a directory descriptor already held, every directory is opened
 * with O_NOFOLLOW|O_DIRECTORY, and every node is changed through a handle on
 * the node itself after it was judged again (src/admin/core/verdict.ts) through
 * that handle. Whatever is renamed, swapped for a symlink or hard-linked
 * meanwhile, what gets chowned was reached from the home without following a
 * symlink or leaving its filesystem, and had no other name when chowned.
 */

import { nameText } from "../../core/bytes.ts";
import { ELOOP, ENOENT, ENOTDIR, type Failure, failed, refusedByFilesystem } from "../../core/failure.ts";
import type { NodeStat } from "../../core/node.ts";
import type { Account } from "../../core/passwd.ts";
import { type Sharing, sharingOf } from "../../core/sharing.ts";
import { readNames } from "../../sys/files.ts";
import { AT_FDCWD, AT_SYMLINK_NOFOLLOW, failure, libc } from "../../sys/libc.ts";
import { statAt } from "../../sys/statx.ts";
import { type GroupLack, groupLacks, restored } from "../core/groupVerdict.ts";
import { fixedGid, keepsOwner, type Verdict, verdictFor } from "../core/verdict.ts";
import { type Found, type HomeState, nothingFound, record, type WalkResult } from "../core/walkResult.ts";
import { chmodHeld, chownHeld, KEEP_OWNER, OPEN_DIR, OPEN_NODE, openIn } from "./dirfd.ts";
import { refusedAsSymlink, statFd } from "./stat.ts";

export interface WalkOptions {
  fix: boolean;
  /** Called now and then with the number of nodes examined so far. */
  onProgress?: (entries: number) => void;
  /** Given the home once opened: why it must not be walked at all, the failure that keeps that from being known, or undefined. */
  whyNotWalk?: (fd: number) => string | Failure | undefined;
}

interface Frame {
  fd: number;
  path: string;
  /** Its mode as --fix left it: whether it grants the group write decides a repaired file's. */
  mode: number;
  names: Uint8Array[];
  next: number;
}

const NOTHING_LACKS: GroupLack[] = [];

/** The home as `call` on it failed with `error`: what the kernel says is there, else the failure itself. */
function homeUnusable(home: string, call: string, error: number): HomeState {
  if (error === ENOENT) return { kind: "unusable", reason: "does not exist", missing: true };
  const link = refusedAsSymlink(home, error);
  if (failed(link)) return { kind: "unexamined", failure: link };
  if (link)
    return {
      kind: "unusable",
      reason: "is a symlink: doctor neither checks nor changes anything through one",
      missing: false,
    };
  if (error === ENOTDIR) return { kind: "unusable", reason: "is not a directory", missing: false };
  return { kind: "unexamined", failure: failure(call, home, error) };
}

function enters(verdict: Verdict): boolean {
  return (verdict.kind === "owned" || verdict.kind === "foreign") && verdict.enter;
}

/** The runtime user's, or someone else's it may be given: what a shared home judges for the group too. */
function shareable(verdict: Verdict): boolean {
  return verdict.kind === "owned" || verdict.kind === "foreign";
}

/** One walk's state in one record: whom it judges for, what it may change, and what it has found so far. */
interface Walk {
  account: Account;
  fix: boolean;
  /** The home's filesystem: a directory on another is a mount, never entered. */
  dev: string;
  /** The group the home is shared with (contract §14), whose needs every entry is judged for too. */
  sharing: Sharing | undefined;
  found: Found;
}

/** The home opened and examined, or what it is where it cannot be walked (the walk then found nothing). */
function openHome(home: string, whyNotWalk: WalkOptions["whyNotWalk"]): { fd: number; node: NodeStat } | HomeState {
  const fd = openIn(AT_FDCWD, home, OPEN_DIR);
  if (fd < 0) return homeUnusable(home, "openat", -fd);
  const st = statFd(fd);
  if (!st.ok) {
    libc.close(fd);
    return { kind: "unexamined", failure: failure("statx", home, st.errno) };
  }
  const why = whyNotWalk?.(fd);
  if (why === undefined) return { fd, node: st.node };
  libc.close(fd);
  return failed(why) ? { kind: "unexamined", failure: why } : { kind: "unusable", reason: why, missing: false };
}

export function walkHome(home: string, account: Account, { fix, onProgress, whyNotWalk }: WalkOptions): WalkResult {
  const found = nothingFound();
  const opened = openHome(home, whyNotWalk);
  if ("kind" in opened) return { path: home, home: opened, entries: 0, found };
  const { fd: rootFd, node: rootNode } = opened;
  // Every entry of a home shared with a group is judged for the group too (contract §14).
  const sharing = sharingOf(rootNode);
  const walk: Walk = { account, fix, dev: rootNode.dev, sharing, found };
  // The home is often a volume's mount root: only what lies below it must stay on its filesystem.
  const homeNode = { ...rootNode, mountRoot: false };
  // The top of a shared home defines the sharing: it is never judged for the group, and stays its owner's
  // where the group grants the runtime user what it needs.
  const { changed, refused } = judgeAndGive(walk, rootFd, home, homeNode, keepsOwner(homeNode, account, sharing));
  const homeState: HomeState = { kind: "dir", node: homeNode, changed, refused };
  const stack: Frame[] = [frame(walk, rootFd, home, homeNode.mode)];
  let entries = 1;
  while (stack.length > 0) {
    const dir = stack[stack.length - 1] as Frame;
    const name = dir.names[dir.next++];
    if (name === undefined) {
      libc.close(dir.fd);
      stack.pop();
      continue;
    }
    if (++entries % 1024 === 0) onProgress?.(entries);
    const child = visit(walk, dir, name);
    if (child) stack.push(child);
  }
  return { path: home, home: homeState, entries, found, ...(sharing ? { sharing } : {}) };
}

/** One entry of `dir`: judged, and with --fix repaired; a directory to walk next is returned. */
function visit(walk: Walk, dir: Frame, name: Uint8Array): Frame | undefined {
  const { account, fix, dev, sharing, found } = walk;
  const seen = statAt(dir.fd, name, AT_SYMLINK_NOFOLLOW);
  const pathOf = () => `${dir.path}/${nameText(name)}`;
  if (!seen.ok) {
    // Gone since it was listed: nothing there to examine. Any other failure is said as it is.
    if (seen.errno !== ENOENT) record(found, { path: pathOf(), unexamined: failure("statx", pathOf(), seen.errno) });
    return undefined;
  }
  const verdict = verdictFor(seen.node, account, dev);
  const lacks = sharing && shareable(verdict) ? groupLacks(seen.node, nameText(name), sharing) : NOTHING_LACKS;
  // The runtime user's own files, nearly all of a healthy tree, cost no path.
  if (verdict.kind === "owned" && !verdict.enter && lacks.length === 0) return undefined;
  const path = pathOf();
  if (enters(verdict)) {
    const fd = openEntry(walk, dir, name, path, OPEN_DIR);
    if (fd === undefined) return undefined;
    const node = examine(walk, fd, path);
    const given = node && judgeAndGive(walk, fd, path, node);
    if (given && enters(given.verdict))
      return frame(walk, fd, path, share(walk, fd, path, nameText(name), given.now, dir.mode));
    libc.close(fd);
  } else if (fix && (verdict.kind === "foreign" || lacks.length > 0)) {
    const fd = openEntry(walk, dir, name, path, OPEN_NODE);
    if (fd === undefined) return undefined;
    const node = examine(walk, fd, path);
    const given = node && judgeAndGive(walk, fd, path, node);
    if (given && shareable(given.verdict)) share(walk, fd, path, nameText(name), given.now, dir.mode);
    libc.close(fd);
  } else {
    if (verdict.kind !== "owned") record(found, { path, node: seen.node, verdict, changed: false });
    if (lacks.length > 0) record(found, { path, node: seen.node, lacks, restored: false });
  }
  return undefined;
}

/** What `fd`, just opened, refers to now. */
function examine(walk: Walk, fd: number, path: string): NodeStat | undefined {
  const st = statFd(fd);
  if (st.ok) return st.node;
  record(walk.found, { path, unexamined: failure("statx", path, st.errno) });
  return undefined;
}

/**
 * Records `node`, open as `fd`, and with --fix gives it to the runtime user if it is someone else's, unless
 * `keep`; `now` is the node as it is then.
 */
function judgeAndGive(
  walk: Walk,
  fd: number,
  path: string,
  node: NodeStat,
  keep = false,
): { verdict: Verdict; now: NodeStat; changed: boolean; refused: boolean } {
  const { account, found } = walk;
  const verdict = verdictFor(node, account, walk.dev);
  if (verdict.kind === "owned") return { verdict, now: node, changed: false, refused: false };
  const gid = fixedGid(node, account, walk.sharing);
  const give = walk.fix && verdict.kind === "foreign" && !keep;
  const code = give ? chownHeld(fd, account.uid, gid) : 0;
  if (code !== 0) {
    // Named with its errno; the walk goes on, into it too if it is a directory.
    const unchanged = failure("fchownat", path, code);
    record(found, { path, unchanged });
    return { verdict, now: node, changed: false, refused: refusedByFilesystem(unchanged) };
  }
  record(found, { path, node, verdict, changed: give });
  return { verdict, now: give ? { ...node, uid: account.uid, gid } : node, changed: give, refused: false };
}

/**
 * In a shared home, records what the group lacks at `node`, open as `fd` and called `name`, and with --fix
 * gives it back through the handle. Returns its mode as it is then.
 */
function share(walk: Walk, fd: number, path: string, name: string, node: NodeStat, parentMode: number): number {
  const { sharing, found } = walk;
  const lacks = sharing ? groupLacks(node, name, sharing) : NOTHING_LACKS;
  if (!sharing || lacks.length === 0) return node.mode;
  if (!walk.fix) {
    record(found, { path, node, lacks, restored: false });
    return node.mode;
  }
  // Only what is the runtime user's by now: a node --fix could not give it stays as it is, that failure said.
  if (node.uid !== walk.account.uid) return node.mode;
  const want = restored(node, parentMode, sharing);
  const chown = want.gid === node.gid ? 0 : chownHeld(fd, KEEP_OWNER, want.gid);
  const chmod = chown !== 0 || want.mode === (node.mode & 0o7777) ? 0 : chmodHeld(fd, want.mode);
  if (chown !== 0 || chmod !== 0) {
    record(found, { path, unchanged: chown !== 0 ? failure("fchownat", path, chown) : failure("chmod", path, chmod) });
    return node.mode;
  }
  record(found, { path, node, lacks, restored: true });
  return want.mode;
}

/** Opens `name` in `dir` without following it; a node gone or swapped since it was examined is skipped. */
function openEntry(walk: Walk, dir: Frame, name: Uint8Array, path: string, flags: number): number | undefined {
  const fd = openIn(dir.fd, name, flags);
  if (fd >= 0) return fd;
  const error = -fd;
  if (error === ELOOP || error === ENOTDIR) record(walk.found, { path, skipped: "replaced while doctor ran: skipped" });
  else if (error !== ENOENT) record(walk.found, { path, unexamined: failure("openat", path, error) });
  return undefined;
}

/** A directory to walk: its names, all of them, or none and the listing's failure said. */
function frame(walk: Walk, fd: number, path: string, mode: number): Frame {
  const names = readNames(fd, path);
  if (!failed(names)) return { fd, path, mode, names, next: 0 };
  record(walk.found, { path, unexamined: names });
  return { fd, path, mode, names: [], next: 0 };
}
