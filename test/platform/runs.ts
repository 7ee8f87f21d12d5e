/**
 * A run of the suite, named by its id, `${Date.now().toString(36)}-${pid}` of the vitest process that set
 * the platform up, and whether that process still lives. What a run makes carries its id (a label, a
 * user's or a namespace's name, its folder under the temporary directory), so what a run killed outright
 * left behind can be told from what a live run is using. A pid alone says little here (pid_max is 32,768
 * on this machine: a busy suite goes round it in minutes), so a run's folder records the process's start
 * time, which a recycled pid cannot share.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A run's folder, the TMPDIR of everything it runs: mkdtemp's folders, the shared release, build contexts. */
export const RUN_DIR_PREFIX = "hermes-run-";

/** Where the runs' folders are: the temporary directory the suite was started with. */
export const runsRoot = (): string => process.env.HERMES_TEST_TMPDIR ?? tmpdir();

export const runDir = (runId: string): string => join(runsRoot(), `${RUN_DIR_PREFIX}${runId}`);

/** What the run's folder records of the process that owns it: `/proc/PID/stat`'s start time, and the boot. */
export interface RunRecord {
  pid: number;
  /** Clock ticks after boot; with the boot's id, no other process ever had it. */
  startTicks: number;
  bootId: string;
}

/** What /proc says of the pid a run id names, now. */
export interface ProcessNow {
  /** The process that holds the pid, or null when none does. */
  startTicks: number | null;
  /** That process's start, as wall time estimated from the uptime; for runs without a record. */
  startedMs: number | null;
  bootId: string;
}

/** A run id's time and pid, or null for any other label value ("manual": a container made by hand). */
export function parseRunId(runId: string): { ms: number; pid: number } | null {
  const m = /^([0-9a-z]{6,12})-([1-9][0-9]{0,9})$/.exec(runId);
  if (!m) return null;
  const ms = Number.parseInt(m[1] as string, 36);
  return { ms, pid: Number(m[2]) };
}

/**
 * How much later than its id a process may seem to have started and still be the run's, when the run left
 * no record (a run of a suite from before records): the id is taken a moment after the process starts, and
 * the estimate of its start moves with the wall clock.
 */
export const UNRECORDED_SLACK_MS = 60_000;

/**
 * Whether the run is still alive: its pid is held by the very process that took the id. Anything that cannot
 * be judged (not a run id) counts as alive, so it is never removed.
 */
export function runIsAlive(runId: string, record: RunRecord | null, now: ProcessNow): boolean {
  const id = parseRunId(runId);
  if (!id) return true;
  if (now.startTicks === null) return false;
  if (record) return record.pid === id.pid && record.bootId === now.bootId && record.startTicks === now.startTicks;
  return now.startedMs === null || now.startedMs <= id.ms + UNRECORDED_SLACK_MS;
}

/** Field 22 of /proc/PID/stat, counted after the command name, which may hold spaces and parentheses. */
export function startTicksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[19]);
}

/** Linux reports times in /proc in USER_HZ, 100 a second on every architecture the suite runs on. */
const TICKS_PER_SECOND = 100;

const bootId = () => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

export function processNow(pid: number): ProcessNow {
  let startTicks: number | null = null;
  try {
    startTicks = startTicksOf(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    // No such process.
  }
  const uptimeS = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  const startedMs = startTicks === null ? null : Date.now() - (uptimeS - startTicks / TICKS_PER_SECOND) * 1000;
  return { startTicks, startedMs, bootId: bootId() };
}

export function readRecord(runId: string): RunRecord | null {
  try {
    return JSON.parse(readFileSync(join(runDir(runId), "run.json"), "utf8")) as RunRecord;
  } catch {
    return null;
  }
}

export const isAlive = (runId: string): boolean => {
  const id = parseRunId(runId);
  return id === null || runIsAlive(runId, readRecord(runId), processNow(id.pid));
};

/**
 * Makes this process's run: its folder (open to all as /tmp is, for the rootless user and the containers'
 * bind mounts), with the record that says whose it is. Returns the run's id.
 */
export function startRun(): string {
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const dir = runDir(runId);
  mkdirSync(dir);
  // mkdir's mode would pass through the umask.
  chmodSync(dir, 0o1777);
  const startTicks = processNow(process.pid).startTicks as number;
  const record: RunRecord = { pid: process.pid, startTicks, bootId: bootId() };
  writeFileSync(join(dir, "run.json"), `${JSON.stringify(record)}\n`);
  return runId;
}
