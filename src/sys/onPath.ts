/** Whether a bare command name reaches this very binary through PATH. */

import { resolveCommand } from "../admin/pathLookup.ts";
import { type Bytes, envValues } from "../bytes.ts";
import { executableStatus } from "./files.ts";
import { cstr, libc } from "./libc.ts";
import { fileIdentity } from "./statx.ts";

export interface OnPath {
  /** What PATH resolves the name to, if anything. */
  found: string | undefined;
  isShim: boolean;
  /** This binary, as the kernel resolved it. */
  shim: string;
}

const decoder = new TextDecoder();

function selfPath(): string {
  const buf = new Uint8Array(4096);
  const n = Number(libc.readlink(cstr("/proc/self/exe"), buf, buf.length));
  return n < 0 ? "/proc/self/exe" : decoder.decode(buf.subarray(0, n));
}

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
  return { found, isShim: found !== undefined && self !== undefined && fileIdentity(found) === self, shim: selfPath() };
}
