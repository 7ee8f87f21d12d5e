/**
 * doctor's check of PATH itself (contract §7): whatever is put in a directory
 * on it runs as root under `docker exec C COMMAND`, the shell included, so
 * anyone but root who can write one of them (or a directory on the way there)
 * can plant a command that root runs.
 */
import type { Trust } from "../../core/trust.ts";
import { type Finding, failureItem, findingFor, unexaminedFinding } from "./finding.ts";

const finding = findingFor("path-dirs");

/** The directories on `path`, each once, in order. */
export function pathDirList(path: string): string[] {
  return [...new Set(path.split(":"))];
}

/** `trustOf` judges one absolute directory as root would (src/core/trust.ts, for a directory). */
export function pathDirChecks(path: string | undefined, trustOf: (dir: string) => Trust): Finding[] {
  if (path === undefined)
    return [finding("note", "PATH is not set: docker exec looks commands up in the engine's default")];
  const dirs = pathDirList(path);
  const found: Finding[] = [];
  for (const dir of dirs) {
    if (!dir.startsWith("/")) {
      found.push(
        finding(
          "problem",
          `PATH holds ${JSON.stringify(dir)}, which is relative: root looks commands up in whatever directory it is in`,
          "take it off PATH in the image's ENV PATH",
        ),
      );
      continue;
    }
    const trust = trustOf(dir);
    if (trust.ok) continue;
    if (trust.unexamined) {
      const what = `cannot tell whether ${dir} on PATH is root-only`;
      found.push(unexaminedFinding("path-dirs", what, [failureItem(trust.unexamined.on, trust.unexamined)]));
      continue;
    }
    found.push(
      finding(
        "problem",
        `${dir} on PATH is not root-only: ${trust.reason}; whoever can write there can plant a command that runs as root under docker exec, the shell included`,
        `take ${dir} off PATH in the image's ENV PATH, or make it and every directory above it root's and not writable by others (chown root:root, chmod go-w)`,
      ),
    );
  }
  return found.length > 0 ? found : [finding("ok", `every directory on PATH is root-only (${dirs.length} checked)`)];
}
