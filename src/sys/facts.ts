/** What the shim sees before deciding: shared by the shim itself and `explain`, so the two cannot disagree. */
import type { Bytes } from "../core/bytes.ts";
import type { ShimConfig } from "../core/config.ts";
import type { Facts } from "../core/decide.ts";
import { checkTrust } from "../core/trust.ts";
import { executableStatus, lstat } from "./files.ts";

export function gatherFacts(config: ShimConfig, euid: number, env: readonly Bytes[]): Facts {
  return {
    euid,
    env,
    cli: executableStatus(config.target),
    ...(euid === 0
      ? { asRoot: { helperTrust: checkTrust(config.helper, lstat), cliTrust: checkTrust(config.target, lstat) } }
      : {}),
  };
}
