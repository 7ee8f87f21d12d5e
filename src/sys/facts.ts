/** What the shim sees before deciding: shared by the shim itself and `explain`, so the two cannot disagree. */
import type { Bytes } from "../bytes.ts";
import type { ShimConfig } from "../config.ts";
import type { Facts } from "../decide.ts";
import { checkTrust } from "../trust.ts";
import { executableStatus, lstat } from "./files.ts";

export function gatherFacts(config: ShimConfig, euid: number, env: readonly Bytes[]): Facts {
  return {
    euid,
    env,
    target: executableStatus(config.target),
    ...(euid === 0
      ? { root: { helper: checkTrust(config.helper, lstat), target: checkTrust(config.target, lstat) } }
      : {}),
  };
}
