/**
 * The boot's environment (contract §15). Under s6-overlay a supervised process starts through with-contenv,
 * which gives it the variables the boot left in /run/s6/container_environment; a `docker exec` starts from the
 * image's static environment. The shim hands the variables the build names to every caller that lacks them,
 * taken only from a file root alone could have written, and only a value upstream's own shim would take.
 */
import { type Bytes, text, utf8 } from "./bytes.ts";
import { type Failure, failureText } from "./failure.ts";
import type { Lazy } from "./lazy.ts";
import type { NodeStat } from "./node.ts";
import type { Node, Reached } from "./pathLookup.ts";
import { type Trust, weakness } from "./trust.ts";

/** Where s6-overlay's boot writes the container environment, one file a variable. */
export const BOOT_ENV_DIR = "/run/s6/container_environment";

/** A variable the build imports; a `program` one only when its value names an executable file. */
export interface BootVar {
  name: string;
  program: boolean;
}

/** Upstream's shim imports this one, for the browser tool, and only when it names an executable. */
export const DEFAULT_BOOT_ENV: readonly BootVar[] = [{ name: "AGENT_BROWSER_EXECUTABLE_PATH", program: true }];

/** One variable's file as a single open that follows no link found it: a regular file with what it holds, or what is there instead. */
export type BootFile =
  | Exclude<Node, Reached>
  | (Pick<NodeStat, "uid" | "gid" | "mode"> & ({ kind: "dir" | "other" } | { kind: "file"; data: Bytes }));

/** What the shim sees of the boot's environment; gathered only for the variables the caller lacks. */
export interface BootFacts {
  /** Each variable the build names, with its file; `file` is absent where the caller's environment has the variable. */
  vars: readonly (BootVar & { file?: BootFile })[];
  /**
   * The CLI's home variable (contract §16): the caller's value, and the boot's file where that value is blank
   * (cliHome.ts isBlank), and only there.
   */
  home?: { given: Bytes } | { given: Bytes | undefined; file: BootFile };
  /** Whether only root can write BOOT_ENV_DIR and every directory above it; examined only for a file that could be taken. */
  dirTrust: Lazy<Trust>;
  /** What a program value names, through links as exec follows them. */
  target(path: string): Node;
}

/** The verdict on one variable: imported with its value, kept as the caller set it, or why not (`warned`: warned of on stderr). */
export type BootImport =
  | { name: string; value: Bytes; from: string }
  | { name: string; kept: true }
  | { name: string; not: string; warned: boolean; unexamined?: Failure };

/**
 * The value with-contenv (`s6-envdir -Lfn`) gives the supervised processes: the whole file, nothing trimmed, NUL
 * bytes as newlines. An empty file unsets the variable there, so it is no value here.
 */
export function bootValue(data: Bytes): Bytes | undefined {
  if (data.length === 0) return undefined;
  return data.includes(0) ? data.map((b) => (b === 0 ? 0x0a : b)) : data;
}

/** Why a value that must name a program does not, if it does not: a regular file, through links, with an execute bit. */
function notProgram(node: Exclude<Node, { kind: "unexamined" }>): string | undefined {
  if (node.kind === "missing") return "which does not exist";
  if (node.kind !== "file") return "which is not a regular file";
  return node.mode & 0o111 ? undefined : "which is not executable";
}

/** One variable's verdict: kept where the caller set it (`file` absent), else imported from its file or why not. */
export function judgeBootVar(
  v: BootVar & { file?: BootFile },
  facts: Pick<BootFacts, "dirTrust" | "target">,
): BootImport {
  const { name, file } = v;
  if (file === undefined) return { name, kept: true };
  const path = `${BOOT_ENV_DIR}/${name}`;
  // Only what someone but root could have put there, or a call that failed, is warned of: the rest is the boot's own say.
  const quietly = (not: string): BootImport => ({ name, not, warned: false });
  const withWarning = (not: string): BootImport => ({ name, not, warned: true });
  const unable = (failure: Failure): BootImport => ({
    name,
    not: failureText(failure),
    warned: true,
    unexamined: failure,
  });
  if (file.kind === "missing") return quietly(`the boot did not set it (no ${path})`);
  if (file.kind === "unexamined") return unable(file.failure);
  if (file.kind === "symlink") return withWarning(`${path} is a symbolic link`);
  if (file.kind !== "file") return withWarning(`${path} is not a regular file`);
  const weak = weakness(path, file);
  if (weak) return withWarning(weak);
  const dir = facts.dirTrust();
  if (!dir.ok) return dir.unexamined ? unable(dir.unexamined) : withWarning(dir.reason);
  const value = bootValue(file.data);
  if (value === undefined) return quietly(`${path} is empty, which unsets it`);
  if (v.program) {
    const target = utf8(value);
    const node = target === undefined ? undefined : facts.target(target);
    if (node?.kind === "unexamined") return unable(node.failure);
    const why = node === undefined ? "which is not UTF-8 text" : notProgram(node);
    if (why) return quietly(`its value ${JSON.stringify(text(value))} does not name an executable file, ${why}`);
  }
  return { name, value, from: path };
}

/** Every variable the build names, judged in the build's order. */
export function bootImports(facts: BootFacts | undefined): BootImport[] {
  const judged: BootImport[] = [];
  // A loop, not map(): an array builtin costs tens of microseconds on its first call, on every call of the shim.
  for (const v of facts?.vars ?? []) judged.push(judgeBootVar(v, facts as BootFacts));
  return judged;
}

/**
 * The warning lines for the imports a failure or a file someone else could have written kept out; `instead` is
 * what the CLI runs with in their place, where not "without it" (the home, which has the build's).
 */
export function bootWarnings(name: string, imports: readonly BootImport[], instead = "without it"): string {
  let lines = "";
  for (const i of imports)
    if ("warned" in i && i.warned)
      lines += `${name}: warning: not taking ${i.name} from the boot's environment: ${i.not}; ${name} runs ${instead}\n`;
  return lines;
}
