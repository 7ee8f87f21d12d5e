/** Whether a bare command name reaches this very binary through PATH, and what else in the venv it reaches. */

import { type Bytes, envValues, nameText, text } from "../../core/bytes.ts";
import type { ShimConfig } from "../../core/config.ts";
import { absent, ENOENT, type Failure, failed } from "../../core/failure.ts";
import { dirname } from "../../core/paths.ts";
import { executableStatus, readlink, readNames } from "../../sys/files.ts";
import { AT_FDCWD, cstr, failure, libc } from "../../sys/libc.ts";
import { statAt } from "../../sys/statx.ts";
import { resolveCommand, targetDirs, type VenvExecutable } from "../core/entryPoints.ts";
import { failureItem, type Item } from "../core/finding.ts";
import { OPEN_DIR, openIn } from "./dirfd.ts";
import { identity, refusedAsSymlink } from "./stat.ts";

export interface OnPath {
  /** The bare command name looked up. */
  name: string;
  /** What PATH resolves the name to, if anything; each of these three a failure where a call kept it unknown. */
  found: string | undefined | Failure;
  isShim: boolean | Failure;
  /** This binary, as the kernel resolved it. */
  shim: string | Failure;
}

/**
 * An executable regular file, as execvp finds one. One without an execute bit is passed by, as execvp passes it
 * by on EACCES; one with a bit that access(2) still refuses is a failure reported as it is, never passed by unsaid.
 */
function isProgram(path: string): boolean | Failure {
  const st = statAt(AT_FDCWD, cstr(path), 0);
  if (!st.ok) return absent(st) ? false : failure("statx", path, st.errno);
  if (st.node.kind !== "file" || (st.node.mode & 0o111) === 0) return false;
  const status = executableStatus(path);
  return status === "missing" ? false : failed(status) ? status : true;
}

/** PATH as text, as the environment gives it. */
export function pathOf(env: readonly Bytes[]): string | undefined {
  const value = envValues(env, "PATH")[0];
  return value && text(value);
}

function onPath(name: string, env: readonly Bytes[]): string | undefined | Failure {
  const path = pathOf(env);
  return path === undefined ? undefined : resolveCommand(path, name, isProgram);
}

/** Where PATH takes each name, and whether that is this very binary. */
export function commandsOnPath(names: readonly string[], env: readonly Bytes[]): OnPath[] {
  const self = identity("/proc/self/exe", "file");
  const shim = readlink("/proc/self/exe");
  return names.map((name) => {
    const found = onPath(name, env);
    if (failed(found) || found === undefined) return { name, found, isShim: false, shim };
    const there = identity(found, "file");
    const isShim = failed(self) ? self : failed(there) ? there : self !== undefined && there === self;
    return { name, found, isShim, shim };
  });
}

/**
 * Every executable in the directories of the commands' targets, and whether
 * PATH reaches it there: through the same directory, however PATH spells it;
 * each directory not listed (a symlink), with why; and each directory or file
 * a failed call kept doctor from examining, with the failure.
 */
export function venvExecutables(
  config: ShimConfig,
  env: readonly Bytes[],
): { executables: VenvExecutable[]; unlisted: Item[]; failures: Item[] } {
  const dirs = targetDirs(config);
  const executables: VenvExecutable[] = [];
  const unlisted: Item[] = [];
  const failures: Item[] = [];
  const lost = (path: string, why: Failure) => failures.push(failureItem(path, why));
  for (const dir of dirs) {
    const fd = openIn(AT_FDCWD, dir, OPEN_DIR);
    if (fd < 0) {
      const why = failure("openat", dir, -fd);
      const link = refusedAsSymlink(dir, -fd);
      if (failed(link)) lost(dir, link);
      else if (link) unlisted.push({ path: dir, detail: "is a symlink: doctor does not list a directory through one" });
      else if (absent(why))
        unlisted.push({ path: dir, detail: why.errno === ENOENT ? "does not exist" : "is not a directory" });
      else lost(dir, why);
      continue;
    }
    const names = readNames(fd, dir);
    libc.close(fd);
    const self = identity(dir, "dir");
    if (failed(names)) {
      lost(dir, names);
      continue;
    }
    if (failed(self)) {
      lost(dir, self);
      continue;
    }
    for (const name of names.map(nameText).sort()) {
      const path = `${dir}/${name}`;
      const program = isProgram(path);
      if (failed(program)) lost(path, program);
      if (program !== true) continue;
      const where = onPath(name, env);
      const there = failed(where) || where === undefined ? where : identity(dirname(where), "dir");
      if (failed(there)) lost(path, there);
      else executables.push({ dir, name, reached: there !== undefined && there === self });
    }
  }
  return { executables, unlisted, failures };
}
