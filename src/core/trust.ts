/**
 * Whether root may execute a path (contract §4): every directory looked up on
 * the way, through every symlink, and the file itself must be owned by root
 * and writable by nobody else; otherwise whoever can write there could
 * replace what root runs. And whether a program the shim would execute is
 * there to execute at all.
 */
import { EACCES, type Failure, failed, failureText } from "./failure.ts";
import { octal } from "./node.ts";
import { type Lstat, lookUpPath } from "./pathLookup.ts";

/** Whether a program the shim would execute is there to execute: access(2)'s answer, its failure reported as it is. */
export type ProgramStatus = "ok" | "missing" | Failure;

/** One wording for the shim's refusal, explain and doctor: "does not exist". */
export function programStatusText(status: ProgramStatus): string {
  if (status === "ok") return "exists and is executable";
  if (status === "missing") return "does not exist";
  // EACCES is the kernel's "not executable" (no x bit, or a directory on the way not searchable): said with its words.
  return `${status.errno === EACCES ? "is not executable" : "cannot be examined"} (${failureText(status)})`;
}

/**
 * Absent or unusable (`missing`: nothing there to run, or not what was asked for), replaceable (`rewritable`:
 * someone but root could rewrite a node on the way), or `unexamined`: a call that would have said failed.
 */
export type Trust =
  | { ok: true; resolved: string }
  | { ok: false; missing: boolean; reason: string; rewritable?: true; unexamined?: Failure };

/** Why a root-run node at `path` could be rewritten by someone else, if it could. */
export function weakness(path: string, node: { uid: number; mode: number }): string | undefined {
  if (node.uid !== 0) return `${path} is owned by uid ${node.uid}, not root`;
  const writers = [node.mode & 0o020 ? "its group" : "", node.mode & 0o002 ? "others" : ""].filter(Boolean);
  return writers.length > 0 ? `${path} is writable by ${writers.join(" and ")} (mode ${octal(node.mode)})` : undefined;
}

/** The Trust of a root-run node at `path` that someone else could rewrite, or undefined where only root can. */
export function rewritable(
  path: string,
  node: { uid: number; mode: number },
): Extract<Trust, { ok: false }> | undefined {
  const why = weakness(path, node);
  return why === undefined ? undefined : { ok: false, missing: false, reason: why, rewritable: true };
}

/**
 * `want` is what the path must name: a program root runs; a directory whose contents root runs (s6's scan and
 * service directories); or a directory root looks programs up in (PATH), where one that does not exist yet is
 * fine when only root could create it.
 */
export function checkTrust(path: string, lstat: Lstat, want: "program" | "dir" | "lookup-dir" = "program"): Trust {
  const fail = (reason: string, missing = false): Trust => ({ ok: false, missing, reason });
  if (!path.startsWith("/")) return fail(`${path} is not an absolute path`);
  return lookUpPath<Trust>(path, lstat, {
    through: (here, node) =>
      rewritable(here, node) ?? (node.kind === "dir" ? undefined : fail(`${here} is not a directory`, true)),
    end(here, node) {
      const weakHere = rewritable(here, node);
      if (weakHere) return weakHere;
      if (want !== "program")
        return node.kind === "dir" ? { ok: true, resolved: here } : fail(`${here} is not a directory`, true);
      if (node.kind !== "file") return fail(`${here} is not a regular file`);
      if ((node.mode & 0o111) === 0) return fail(`${here} is not executable`, true);
      return { ok: true, resolved: here };
    },
    missing: (here) => (want === "lookup-dir" ? { ok: true, resolved: here } : fail(`${here} does not exist`, true)),
    broken: (reason) => fail(reason),
    unexamined: unexaminedTrust,
  });
}

/** Not trusted, because a call that would have said failed: the failure is the reason, reported as it is. */
function unexaminedTrust(failure: Failure): Trust {
  return { ok: false, missing: false, reason: failureText(failure), unexamined: failure };
}

/** checkTrust of a path a failed call may have kept unknown (the shim's own file, from /proc/self/exe). */
export function checkTrustOf(path: string | Failure, lstat: Lstat, want?: "program" | "dir" | "lookup-dir"): Trust {
  return failed(path) ? unexaminedTrust(path) : checkTrust(path, lstat, want);
}
