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
import { EINVAL, ELOOP, ENOENT, ENOTDIR, EPERM } from "../../core/failure.ts";
import type { NodeStat } from "../../core/node.ts";
import type { Account } from "../../core/passwd.ts";
import { readNames } from "../../sys/files.ts";
import { AT_FDCWD, AT_SYMLINK_NOFOLLOW, libc, strerror } from "../../sys/libc.ts";
import { statAt } from "../../sys/statx.ts";
import { fixedGid, judge, type Verdict } from "../core/verdict.ts";
import { type HomeState, nothingFound, type Outcome, record, type WalkResult } from "../core/walkResult.ts";
import { chownHeld, OPEN_DIR, OPEN_NODE, openIn } from "./dirfd.ts";
import { refusedAsSymlink, statFd } from "./stat.ts";

export interface WalkOptions {
  fix: boolean;
  /** Called now and then with the number of nodes examined so far. */
  onProgress?: (entries: number) => void;
  /** Given the home once opened: why it must not be walked at all, or undefined. */
  refuse?: (fd: number) => string | undefined;
}

interface Frame {
  fd: number;
  path: string;
  names: Uint8Array[];
  next: number;
}

function homeUnusable(home: string, error: number): HomeState {
  const link = refusedAsSymlink(home, error);
  const reason =
    error === ENOENT
      ? "does not exist"
      : link
        ? "is a symlink: doctor neither checks nor changes anything through one"
        : error === ENOTDIR
          ? "is not a directory"
          : `cannot be opened: ${strerror(error)}`;
  return { kind: "unusable", reason, missing: error === ENOENT };
}

function enters(verdict: Verdict): boolean {
  return (verdict.kind === "owned" || verdict.kind === "foreign") && verdict.enter;
}

export function walkHome(home: string, account: Account, { fix, onProgress, refuse }: WalkOptions): WalkResult {
  const found = nothingFound();
  const note = (outcome: Outcome) => record(found, outcome);
  let entries = 0;

  const rootFd = openIn(AT_FDCWD, home, OPEN_DIR);
  if (rootFd < 0) return { path: home, home: homeUnusable(home, -rootFd), entries, found };
  const rootStat = statFd(rootFd);
  if (!rootStat.ok) {
    libc.close(rootFd);
    return { path: home, home: homeUnusable(home, rootStat.errno), entries, found };
  }
  const refusal = refuse?.(rootFd);
  if (refusal !== undefined) {
    libc.close(rootFd);
    return { path: home, home: { kind: "unusable", reason: refusal, missing: false }, entries, found };
  }
  const { dev } = rootStat.node;

  /** What `fd`, just opened, refers to now. */
  const examine = (fd: number, path: string): NodeStat | undefined => {
    const st = statFd(fd);
    if (st.ok) return st.node;
    note({ path, error: `cannot examine it: ${strerror(st.errno)}` });
    return undefined;
  };

  /** Records `node`, open as `fd`, and with --fix gives it to the runtime user if it is someone else's. */
  const settle = (
    fd: number,
    path: string,
    node: NodeStat,
  ): { verdict: Verdict; changed: boolean; refused: boolean } => {
    const verdict = judge(node, account, dev);
    if (verdict.kind === "owned") return { verdict, changed: false, refused: false };
    const code = fix && verdict.kind === "foreign" ? chownHeld(fd, account.uid, fixedGid(node, account)) : 0;
    if (code !== 0) {
      // The filesystem's own refusal, even to root: a NAS share, an ACL'd or user-namespaced mount.
      const refused = code === EPERM || code === EINVAL;
      note({ path, error: `cannot change its owner: ${strerror(code)}`, ...(refused ? { refused } : {}) });
      return { verdict, changed: false, refused };
    }
    const changed = fix && verdict.kind === "foreign";
    note({ path, node, verdict, changed });
    return { verdict, changed, refused: false };
  };

  /** Opens `name` in `dir` without following it; a node gone or swapped since it was examined is skipped. */
  const open = (dir: Frame, name: Uint8Array, path: string, flags: number): number | undefined => {
    const fd = openIn(dir.fd, name, flags);
    if (fd >= 0) return fd;
    const error = -fd;
    if (error === ELOOP || error === ENOTDIR) note({ path, error: "replaced while doctor ran: skipped" });
    else if (error !== ENOENT) note({ path, error: `cannot open it: ${strerror(error)}` });
    return undefined;
  };

  const frame = (fd: number, path: string): Frame => ({ fd, path, names: readNames(fd), next: 0 });

  entries++;
  // The home is often a volume's mount root: only what lies below it must stay on its filesystem.
  const homeNode = { ...rootStat.node, mountRoot: false };
  const { changed, refused } = settle(rootFd, home, homeNode);
  const homeState: HomeState = { kind: "dir", node: homeNode, changed, refused };
  const stack: Frame[] = [frame(rootFd, home)];

  while (stack.length > 0) {
    const dir = stack[stack.length - 1] as Frame;
    const name = dir.names[dir.next++];
    if (name === undefined) {
      libc.close(dir.fd);
      stack.pop();
      continue;
    }
    if (++entries % 1024 === 0) onProgress?.(entries);
    const seen = statAt(dir.fd, name, AT_SYMLINK_NOFOLLOW);
    const pathOf = () => `${dir.path}/${nameText(name)}`;
    if (!seen.ok) {
      if (seen.errno !== ENOENT) note({ path: pathOf(), error: `cannot examine it: ${strerror(seen.errno)}` });
      continue;
    }
    const verdict = judge(seen.node, account, dev);
    // The runtime user's own files, nearly all of a healthy tree, cost no path.
    if (verdict.kind === "owned" && !verdict.enter) continue;
    const path = pathOf();
    if (enters(verdict)) {
      const fd = open(dir, name, path, OPEN_DIR);
      if (fd === undefined) continue;
      const node = examine(fd, path);
      if (node && enters(settle(fd, path, node).verdict)) stack.push(frame(fd, path));
      else libc.close(fd);
    } else if (fix && verdict.kind === "foreign") {
      const fd = open(dir, name, path, OPEN_NODE);
      if (fd === undefined) continue;
      const node = examine(fd, path);
      if (node) settle(fd, path, node);
      libc.close(fd);
    } else if (verdict.kind !== "owned") {
      note({ path, node: seen.node, verdict, changed: false });
    }
  }
  return { path: home, home: homeState, entries, found };
}
