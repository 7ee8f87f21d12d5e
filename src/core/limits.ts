/**
 * The Bun runtime raises the soft RLIMIT_NOFILE to the hard limit before any
 * shim code runs and keeps no record of the old value. The caller normally
 * inherited its limits unchanged from its parent, so the parent's soft limit
 * is the best evidence left of what the caller had.
 */
import { decimal } from "./decimal.ts";
import { procRow, words } from "./procText.ts";

export interface Limit {
  soft: bigint;
  hard: bigint;
}

export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

/** The row of /proc/PID/limits that holds RLIMIT_NOFILE. */
const ROW = "Max open files";

function value(text: string | undefined): bigint | undefined {
  if (text === "unlimited") return RLIM_INFINITY;
  // decimal() checks the digits; BigInt reads them, exact past 2⁵³.
  return text !== undefined && decimal(text) >= 0 ? BigInt(text) : undefined;
}

/** The "Max open files" row of /proc/PID/limits. */
export function parseNofile(limits: string): Limit | undefined {
  const row = procRow(limits, ROW);
  if (row === undefined) return undefined;
  const [soft, hard] = words(row);
  const limit = { soft: value(soft), hard: value(hard) };
  return limit.soft !== undefined && limit.hard !== undefined ? { soft: limit.soft, hard: limit.hard } : undefined;
}

/**
 * The soft limit to restore before execve, or undefined to leave it. Only
 * when the runtime's raise is visible (soft == hard) and the evidence shares
 * the hard limit but had a lower soft one. The evidence is the parent's
 * limit; when the parent is not visible (`docker exec`: it is outside the
 * container's PID namespace), the limit the container gave its processes,
 * which its PID 1 runs with (`docker run --ulimit`).
 */
export function softLimitToRestore(
  current: Limit,
  parent: Limit | undefined,
  container?: Limit | undefined,
): bigint | undefined {
  const evidence = parent ?? container;
  if (!evidence || current.soft !== current.hard || evidence.hard !== current.hard) return undefined;
  return evidence.soft < current.soft ? evidence.soft : undefined;
}
