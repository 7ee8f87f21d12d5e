/** Whether a bare command name reaches this very binary through PATH. */

import { type Bytes, envValues } from "../../core/bytes.ts";
import { executableStatus, readlink } from "../../sys/files.ts";
import { resolveCommand } from "../core/pathLookup.ts";
import { fileIdentity } from "./stat.ts";

export interface OnPath {
  /** What PATH resolves the name to, if anything. */
  found: string | undefined;
  isShim: boolean;
  /** This binary, as the kernel resolved it. */
  shim: string;
}

const decoder = new TextDecoder();

export function commandOnPath(name: string, env: readonly Bytes[]): OnPath {
  const path = envValues(env, "PATH")[0];
  const found =
    path === undefined
      ? undefined
      : resolveCommand(
          decoder.decode(path),
          name,
          (p) => fileIdentity(p) !== undefined && executableStatus(p) === "ok",
        );
  const self = fileIdentity("/proc/self/exe");
  return {
    found,
    isShim: found !== undefined && self !== undefined && fileIdentity(found) === self,
    shim: readlink("/proc/self/exe") ?? "/proc/self/exe",
  };
}
