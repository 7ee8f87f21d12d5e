/**
 * Whether root may execute a path (contract §4): every directory looked up on
 * the way, through every symlink, and the file itself must be owned by root
 * and writable by nobody else; otherwise whoever can write there could
 * replace what root runs.
 */
import { type NodeKind, type NodeStat, octal } from "./node.ts";

/** What the walk needs of a node: its kind, and who could rewrite it. */
export type Node =
  | { kind: "missing" }
  | { kind: "symlink"; target: string }
  | ({ kind: Exclude<NodeKind, "symlink"> } & Pick<NodeStat, "uid" | "gid" | "mode">);

/** lstat-like view of the filesystem (never follows the last symlink). */
export type Lstat = (path: string) => Node;

/** `rewritable`: the reason is that someone but root could rewrite a node on the way. */
export type Trust = { ok: true; resolved: string } | { ok: false; missing: boolean; reason: string; rewritable?: true };

const MAX_SYMLINKS = 40;

function join(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

function parent(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

/** Why a root-run node at `path` could be rewritten by someone else, if it could. */
function weakness(path: string, node: { uid: number; mode: number }): string | undefined {
  if (node.uid !== 0) return `${path} is owned by uid ${node.uid}, not root`;
  const writers = [node.mode & 0o020 ? "its group" : "", node.mode & 0o002 ? "others" : ""].filter(Boolean);
  return writers.length > 0 ? `${path} is writable by ${writers.join(" and ")} (mode ${octal(node.mode)})` : undefined;
}

/**
/**
 * `want` is what the path must name: a program root runs; a directory whose contents root runs (s6's scan and
 * service directories); or a directory root looks programs up in (PATH), where one that does not exist yet is
 * fine when only root could create it.
 */
export function checkTrust(path: string, lstat: Lstat, want: "program" | "dir" | "lookup-dir" = "program"): Trust {
  const fail = (reason: string, missing = false): Trust => ({ ok: false, missing, reason });
  const rewritable = (reason: string): Trust => ({ ok: false, missing: false, reason, rewritable: true });
  if (!path.startsWith("/")) return fail(`${path} is not an absolute path`);
  const slash = lstat("/");
  if (slash.kind !== "dir") return fail("/ is not a directory");
  const slashWeak = weakness("/", slash);
  if (slashWeak) return rewritable(slashWeak);

  let at = "/";
  let pending = path.split("/").filter((c) => c !== "" && c !== ".");
  let hops = 0;
  while (pending.length > 0) {
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (name === "..") {
      at = parent(at);
      continue;
    }
    const here = join(at, name);
    const node = lstat(here);
    if (node.kind === "missing")
      return want === "lookup-dir" ? { ok: true, resolved: here } : fail(`${here} does not exist`, true);
    if (node.kind === "symlink") {
      if (++hops > MAX_SYMLINKS) return fail(`${path}: too many levels of symbolic links`);
      if (node.target.startsWith("/")) at = "/";
      pending = [...node.target.split("/").filter((c) => c !== "" && c !== "."), ...pending];
      continue;
    }
    const weak = weakness(here, node);
    if (weak) return rewritable(weak);
    if (pending.length > 0 || want !== "program") {
      if (node.kind !== "dir") return fail(`${here} is not a directory`, true);
      if (pending.length === 0) return { ok: true, resolved: here };
      at = here;
      continue;
    }
    if (node.kind !== "file") return fail(`${here} is not a regular file`);
    if ((node.mode & 0o111) === 0) return fail(`${here} is not executable`, true);
    return { ok: true, resolved: here };
  }
  return want === "program" ? fail(`${path} names a directory, not a program`) : { ok: true, resolved: at };
}
