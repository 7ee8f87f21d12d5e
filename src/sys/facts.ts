/** What the shim sees before deciding: shared by the shim itself and `explain`, so the two cannot disagree. */
import type { Bytes } from "../core/bytes.ts";
import type { ShimConfig } from "../core/config.ts";
import type { Facts } from "../core/decide.ts";
import type { Called } from "../core/name.ts";
import { parseCapEff } from "../core/privilege.ts";
import type { ProgramStatus } from "../core/program.ts";
import { checkTrust, type Lstat } from "../core/trust.ts";

/** How facts are read: through libc (src/sys/files.ts) or, where bun:ffi is unavailable, src/sys/portable.ts. */
export interface Probe {
  started(): Facts["started"];
  executableStatus(path: string): ProgramStatus;
  lstat: Lstat;
  /** The shim's own file. */
  self(): string | undefined;
  readText(path: string): string | undefined;
}

export function gatherFacts(
  config: ShimConfig,
  probe: Probe,
  command: Called,
  euid: number,
  env: readonly Bytes[],
): Facts {
  const started = probe.started();
  const privileged = euid === 0 || started.ruid !== euid || started.rgid !== started.egid || started.secure !== false;
  const self = privileged ? probe.self() : undefined;
  // A name the build does not know has no target: decide() refuses it once it knows the start is not steered.
  if ("unknown" in command)
    return { command, euid, started, ...(self !== undefined ? { self } : {}), env, cli: "missing" };
  const status = euid === 0 ? probe.readText("/proc/self/status") : undefined;
  return {
    command,
    euid,
    started,
    ...(self !== undefined ? { self } : {}),
    env,
    cli: probe.executableStatus(command.target),
    ...(euid === 0
      ? {
          asRoot: {
            helperTrust: checkTrust(config.helper, probe.lstat),
            cliTrust: checkTrust(command.target, probe.lstat),
            selfTrust: self
              ? checkTrust(self, probe.lstat)
              : { ok: false, missing: true, reason: "its own file is unknown" },
            capEff: status === undefined ? undefined : parseCapEff(status),
          },
        }
      : {}),
  };
}
