/**
 * The Bun runtime raises the soft RLIMIT_NOFILE to the hard limit before any
 * shim code runs and keeps no record of the old value. The caller normally
 * inherited its limits unchanged from its parent, so the parent's soft limit
 * is the best evidence left of what the caller had.
 */
export interface Limit {
  soft: bigint;
  hard: bigint;
}

export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

function value(text: string): bigint | undefined {
  if (text === "unlimited") return RLIM_INFINITY;
  return /^\d+$/.test(text) ? BigInt(text) : undefined;
}

/** The "Max open files" row of /proc/PID/limits. */
export function parseNofile(limits: string): Limit | undefined {
  const row = limits.split("\n").find((line) => line.startsWith("Max open files"));
  const [soft, hard] = (row?.slice("Max open files".length).trim().split(/\s+/) ?? []).map(value);
  return soft !== undefined && hard !== undefined ? { soft, hard } : undefined;
}

/**
 * The soft limit to restore before execve, or undefined to leave it. Only
 * when the runtime's raise is visible (soft == hard) and the parent shares
 * the hard limit but had a lower soft one.
 */
export function softLimitToRestore(current: Limit, parent: Limit | undefined): bigint | undefined {
  if (!parent || current.soft !== current.hard || parent.hard !== current.hard) return undefined;
  return parent.soft < current.soft ? parent.soft : undefined;
}
