/** What the shim sees before deciding: shared by the shim itself and `explain`, so the two cannot disagree. */
import type { Bytes } from "../core/bytes.ts";
import type { ShimConfig } from "../core/config.ts";
import type { Facts } from "../core/decide.ts";
import type { Called } from "../core/name.ts";
import { checkTrust } from "../core/trust.ts";
import { executableStatus, lstat } from "./files.ts";

export function gatherFacts(config: ShimConfig, command: Called, euid: number, env: readonly Bytes[]): Facts {
  // A name the build does not know has no target: decide() refuses it before looking at anything else.
  if ("unknown" in command) return { command, euid, env, cli: "missing" };
  return {
    command,
    euid,
    env,
    cli: executableStatus(command.target),
    ...(euid === 0
      ? { asRoot: { helperTrust: checkTrust(config.helper, lstat), cliTrust: checkTrust(command.target, lstat) } }
      : {}),
  };
}
