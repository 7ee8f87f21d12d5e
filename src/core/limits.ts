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

/*
 * Parsed by hand: on the shim's every call, compiling a regular expression or
 * loading an array builtin costs more than the whole parse.
 */
const ROW = "Max open files";

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return text.length > 0;
}

function value(text: string | undefined): bigint | undefined {
  if (text === "unlimited") return RLIM_INFINITY;
  return text !== undefined && isDigits(text) ? BigInt(text) : undefined;
}

/** The words of a line, split on spaces and tabs. */
function words(line: string): string[] {
  const found: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = line.charCodeAt(i);
    const blank = i === line.length || c === 0x20 || c === 0x09;
    if (!blank && start < 0) start = i;
    if (blank && start >= 0) {
      found.push(line.slice(start, i));
      start = -1;
    }
  }
  return found;
}

/** The "Max open files" row of /proc/PID/limits. */
export function parseNofile(limits: string): Limit | undefined {
  const at = limits.startsWith(ROW) ? 0 : limits.indexOf(`\n${ROW}`) + 1;
  if (at === 0 && !limits.startsWith(ROW)) return undefined;
  const end = limits.indexOf("\n", at);
  const [soft, hard] = words(limits.slice(at + ROW.length, end < 0 ? limits.length : end));
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
