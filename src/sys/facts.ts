/** What the shim sees before deciding: shared by the shim itself and `explain`, so the two cannot disagree. */
import type { Bytes } from "../bytes.ts";
import type { ShimConfig } from "../config.ts";
import type { Facts } from "../decide.ts";
import { checkTrust } from "../trust.ts";
import { executableStatus, lstat } from "./files.ts";
import { libc } from "./libc.ts";

export function gatherFacts(config: ShimConfig, env: readonly Bytes[]): Facts {
  const euid = libc.geteuid();
  return {
    euid,
    env,
    target: executableStatus(config.target),
    ...(euid === 0
      ? { root: { helper: checkTrust(config.helper, lstat), target: checkTrust(config.target, lstat) } }
      : {}),
  };
}
