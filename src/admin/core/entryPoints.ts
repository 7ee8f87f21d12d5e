/**
 * doctor's search for ways around the shim: executables in the
 * venv's bin directory (where the commands' targets live) that a bare name
 * reaches through PATH, so that `docker exec C NAME` runs them as root.
 */
import type { ShimConfig } from "../../core/config.ts";
import { type Failure, failed } from "../../core/failure.ts";
import { adminName } from "../../core/name.ts";
import { dirname } from "../../core/paths.ts";
import { type Finding, findingFor, type Item, plural, unexaminedFinding } from "./finding.ts";

export interface VenvExecutable {
  /** Its directory: the directory of one or more commands' targets. */
  dir: string;
  name: string;
  /** Whether PATH resolves `name` to this very file in `dir`, ahead of any shim of that name. */
  reached: boolean;
}

/**
 * The venv's own interpreter, installer and activation scripts. They run as
 * root when called by name too, but they are tools an operator calls on
 * purpose, not the product's entry points: guarding `python3` would drop
 * every root use of it, so doctor notes them instead of flagging them.
 */
export function isVenvTool(name: string): boolean {
  return /^(python|pip)(w|\d+(\.\d+)*)?$|^activate(\..+)?$|^Activate\.ps1$|^deactivate$/.test(name);
}

/**
 * Which file a shell would run for a bare command name, the way execvp searches PATH. `isProgram` says whether a
 * path names an executable regular file (following symlinks), or the failure that kept that from being known: the
 * search stops there, since what comes after it may never be reached.
 */
export function resolveCommand(
  pathVar: string,
  name: string,
  isProgram: (path: string) => boolean | Failure,
): string | undefined | Failure {
  for (const dir of pathVar.split(":")) {
    // POSIX: an empty entry means the current directory.
    const candidate = dir === "" ? `./${name}` : `${dir.replace(/\/+$/, "")}/${name}`;
    const program = isProgram(candidate);
    if (failed(program)) return program;
    if (program) return candidate;
  }
  return undefined;
}

const finding = findingFor("entry-points");

const listed = (names: readonly string[]) => names.join(", ");

/** The directories the commands' targets are in, each once: where the venv's entry points live. */
export const targetDirs = (config: ShimConfig) => [...new Set(config.commands.map((c) => dirname(c.target)))];

/**
 * `executables` lists every executable found in the commands' target directories; `unlisted` names those
 * directories doctor does not list (a symlink), `failures` the directories and files a failed call kept it from
 * examining: it claims nothing about the entry points there.
 */
export function entryPointChecks(
  config: ShimConfig,
  executables: readonly VenvExecutable[],
  unlisted: readonly Item[] = [],
  failures: readonly Item[] = [],
): Finding[] {
  const guarded = new Set([...config.commands.map((c) => c.name), adminName(config.name)]);
  const open = executables.filter((e) => e.reached && !guarded.has(e.name));
  const scripts = open.filter((e) => !isVenvTool(e.name));
  const tools = open.filter((e) => isVenvTool(e.name));
  const skipped = new Set([...unlisted, ...failures].flatMap((u) => [u.path, dirname(u.path)]));
  const dirs = targetDirs(config).filter((dir) => !skipped.has(dir));
  const item = (e: VenvExecutable): Item => ({
    path: `${e.dir}/${e.name}`,
    detail: `\`${e.name}\` on PATH runs it`,
  });
  const findings: Finding[] = [];
  if (scripts.length === 0 && dirs.length > 0) {
    findings.push(finding("ok", `every entry point in ${listed(dirs)} that PATH reaches is guarded by the shim`));
  } else if (scripts.length > 0) {
    const current = config.commands.map((c) => `--command ${c.name}`).join(" ");
    const added = scripts.map((e) => `--command ${e.name}`).join(" ");
    findings.push(
      finding(
        "problem",
        `${scripts.length === 1 ? "1 unguarded entry point" : `${scripts.length} unguarded entry points`}: ` +
          `PATH reaches ${scripts.length === 1 ? "it" : "them"} and no shim name shadows ${scripts.length === 1 ? "it" : "them"}, ` +
          `so docker exec runs ${scripts.length === 1 ? "it" : "them"} as root`,
        `guard ${scripts.length === 1 ? "it" : "them"}: rebuild the shim with every name (install.sh ${current} ${added}), ` +
          `which links each to the shim, or take ${listed([...new Set(scripts.map((e) => e.dir))])} off PATH`,
        scripts.map(item),
      ),
    );
  }
  if (tools.length > 0) {
    findings.push(
      finding(
        "note",
        `the venv's interpreter and tools run as root when called by name (${listed(tools.map((e) => e.name))}); ` +
          `they are not ${config.name}'s entry points, but what they write as root stays root's`,
        `run them as ${config.user} (docker exec --user ${config.user} …) when they write files`,
      ),
    );
  }
  if (unlisted.length > 0) {
    findings.push(
      finding(
        "note",
        `doctor could not list ${listed(unlisted.map((u) => u.path))}, so it did not examine the entry points there`,
        "make each a directory doctor can list (a real directory, not a symlink to one), then run doctor again",
        [...unlisted],
        { unexamined: unlisted.length },
      ),
    );
  }
  if (failures.length > 0) {
    const what = `${plural(failures.length, "part", "parts")} of ${listed(targetDirs(config))} could not be examined: doctor cannot tell whether PATH reaches an unguarded entry point there`;
    findings.push(unexaminedFinding("entry-points", what, [...failures]));
  }
  return findings;
}
