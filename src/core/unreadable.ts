/**
 * State at the top of a home that the runtime user cannot read (contract §11): root left it there (before the
 * shim, a plain `docker exec` of another tool, a sibling container), and the CLI, once dropped, would read an
 * unreadable auth.json as an empty store and replace it, or fail at start on an unreadable .env. Named on the
 * drop path before the CLI runs; the CLI still runs, since a command that only reads must still work.
 */
import { mayAccess, type Principal, READ, SEARCH } from "./access.ts";
import type { ShimConfig } from "./config.ts";
import { absent, type Failure, failed, failureText } from "./failure.ts";
import { adminName } from "./name.ts";
import { octal } from "./node.ts";
import type { Node } from "./pathLookup.ts";

/** How many entries a home's lines name; the rest are counted. */
export const NAMED = 3;

export interface UnreadableEntry {
  path: string;
  kind: "dir" | "file";
  uid: number;
  gid: number;
  mode: number;
}

export interface Unreadable {
  count: number;
  /** The first NAMED by name. */
  examples: UnreadableEntry[];
  /** The calls that failed, so that what they would have shown is not known: the listing, or an entry's statx. */
  unexamined: Failure[];
}

/** A top that could not be listed: nothing in it is known, which is said, never taken as nothing there. */
export function unlisted(failure: Failure): Unreadable {
  return { count: 0, examples: [], unexamined: [failure] };
}

/**
 * What `who` cannot read at the top of `dir`, given its listing or the failure to list it. A home that is not
 * there yet (ENOENT, ENOTDIR) has no top: undefined, and its reach says what is wrong with it.
 */
export function unreadableAt(
  dir: string,
  listing: readonly string[] | Failure,
  lstat: (path: string) => Node,
  who: Principal,
): Unreadable | undefined {
  if (!failed(listing)) return unreadableIn(dir, listing, lstat, who);
  return absent(listing) ? undefined : unlisted(listing);
}

/**
 * The entries `names` of the directory `dir` that are someone else's and that `who` cannot read (a directory:
 * list and enter). Its own files it can always chmod; a symlink is judged by its target, a device or FIFO is
 * not state: neither is named.
 */
export function unreadableIn(dir: string, names: readonly string[], lstat: (path: string) => Node, who: Principal) {
  const found: Unreadable = { count: 0, examples: [], unexamined: [] };
  for (const name of [...names].sort()) {
    const path = `${dir === "/" ? "" : dir}/${name}`;
    const node = lstat(path);
    if (node.kind === "unexamined") found.unexamined.push(node.failure);
    if ((node.kind !== "file" && node.kind !== "dir") || node.uid === who.uid) continue;
    if (mayAccess(node, who, node.kind === "dir" ? READ | SEARCH : READ)) continue;
    if (found.count++ < NAMED)
      found.examples.push({ path, kind: node.kind, uid: node.uid, gid: node.gid, mode: node.mode });
  }
  return found;
}

/** One line per entry named, and one for the rest; `who` is "hermes (uid 10000)". */
export function unreadableLines(
  config: ShimConfig,
  command: string,
  who: string,
  dir: string,
  found: Unreadable,
): string {
  const admin = adminName(config.name);
  let out = "";
  for (const failure of found.unexamined)
    out += `${command}: warning: cannot tell what ${who} can read in ${dir}: ${failureText(failure)}\n`;
  for (const e of found.examples) {
    out +=
      `${command}: warning: ${who} cannot read ${e.path} (${e.kind === "dir" ? "directory" : "file"}, uid ${e.uid} gid ${e.gid}, mode ${octal(e.mode)}), ` +
      `so the ${command} CLI may take it as missing and replace it, or fail; as root, run ${admin} doctor --fix\n`;
  }
  const rest = found.count - found.examples.length;
  if (rest > 0)
    out += `${command}: warning: and ${rest} more ${rest === 1 ? "entry" : "entries"} in ${dir} that ${config.user} cannot read: ${admin} doctor lists them\n`;
  return out;
}
