/** Whether a bare command name reaches this very binary through PATH, and what else in the venv it reaches. */

import { type Bytes, envValues, nameText, text } from "../../core/bytes.ts";
import type { ShimConfig } from "../../core/config.ts";
import { dirname } from "../../core/paths.ts";
import { executableStatus, readlink, readNames } from "../../sys/files.ts";
import { AT_FDCWD, libc, strerror } from "../../sys/libc.ts";
import { resolveCommand, targetDirs, type VenvExecutable } from "../core/entryPoints.ts";
import type { Item } from "../core/finding.ts";
import { OPEN_DIR, openIn } from "./dirfd.ts";
import { dirIdentity, fileIdentity, refusedAsSymlink } from "./stat.ts";

export interface OnPath {
  /** The bare command name looked up. */
  name: string;
  /** What PATH resolves the name to, if anything. */
  found: string | undefined;
  isShim: boolean;
  /** This binary, as the kernel resolved it. */
  shim: string;
}

const isProgram = (p: string) => fileIdentity(p) !== undefined && executableStatus(p) === "ok";

/** PATH as text, as the environment gives it. */
export function pathOf(env: readonly Bytes[]): string | undefined {
  const value = envValues(env, "PATH")[0];
  return value && text(value);
}

function onPath(name: string, env: readonly Bytes[]): string | undefined {
  const path = pathOf(env);
  return path === undefined ? undefined : resolveCommand(path, name, isProgram);
}

/** Where PATH takes each name, and whether that is this very binary. */
export function commandsOnPath(names: readonly string[], env: readonly Bytes[]): OnPath[] {
  const self = fileIdentity("/proc/self/exe");
  const shim = readlink("/proc/self/exe") ?? "/proc/self/exe";
  return names.map((name) => {
    const found = onPath(name, env);
    return { name, found, isShim: found !== undefined && self !== undefined && fileIdentity(found) === self, shim };
  });
}

/**
 * Every executable in the directories of the commands' targets, and whether
 * PATH reaches it there: through the same directory, however PATH spells it;
 * and each directory that could not be listed, with why.
 */
export function venvExecutables(
  config: ShimConfig,
  env: readonly Bytes[],
): { executables: VenvExecutable[]; unlisted: Item[] } {
  const dirs = targetDirs(config);
  const executables: VenvExecutable[] = [];
  const unlisted: Item[] = [];
  for (const dir of dirs) {
    const fd = openIn(AT_FDCWD, dir, OPEN_DIR);
    if (fd < 0) {
      const error = -fd;
      unlisted.push({
        path: dir,
        detail: refusedAsSymlink(dir, error)
          ? "is a symlink: doctor does not list a directory through one"
          : strerror(error),
      });
      continue;
    }
    const names = readNames(fd).map(nameText);
    libc.close(fd);
    const self = dirIdentity(dir);
    for (const name of names.sort()) {
      if (!isProgram(`${dir}/${name}`)) continue;
      const where = onPath(name, env);
      const reached = where !== undefined && dirIdentity(dirname(where)) === self;
      executables.push({ dir, name, reached });
    }
  }
  return { executables, unlisted };
}
