/**
 * Everything a run made, found by its id alone, as testcontainers' Ryuk finds a session's objects by label:
 * removeRun() is the teardown at a run's end (also after a signal), and reapDeadRuns() is the start of the
 * next one, for whatever a run killed outright (SIGKILL, a crash, a power cut) could not remove. Only runs
 * whose process is gone are reaped (runs.ts); a live run's objects, other developers' too, are never touched.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { CONTAINERD_SOCKET, namespaceFor, removeNamespace } from "./containerd.ts";
import { LABEL, removeLabelled } from "./docker.ts";
import { removeRootfulLabelled, removeRootlessUser, rootlessUserOf } from "./podman.ts";
import { isAlive, RUN_DIR_PREFIX, runDir, runsRoot } from "./runs.ts";
import { outcome } from "./spawn.ts";

/** How many of each kind of thing were removed, by kind ("Docker image"). */
export type Removed = Record<string, number>;

export const addRemoved = (into: Removed, more: Removed): Removed => {
  for (const [what, n] of Object.entries(more)) if (n) into[what] = (into[what] ?? 0) + n;
  return into;
};

/** "3 Docker containers, 8 Docker images, 1 user": what was removed, one line. */
export function describeRemoved(removed: Removed): string {
  const parts = Object.entries(removed)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${what}${n === 1 ? "" : "s"}`);
  return parts.join(", ") || "nothing";
}

/**
 * A folder and all in it, not crossing into a mount (a FUSE mount a killed test left would lead into the
 * folder it mirrors): mounts under it are detached first.
 */
async function removeTree(dir: string): Promise<number> {
  try {
    statSync(dir);
  } catch {
    return 0;
  }
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    // mountinfo escapes a space, a tab, a newline and a backslash as octal.
    .map((point) => point.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))))
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await outcome(["umount", "--lazy", point]);
  const r = await outcome(["rm", "-rf", "--one-file-system", dir]);
  if (r.code !== 0) throw new Error(`test platform: rm -rf ${dir} failed: ${r.stderr.trim()}`);
  return 1;
}

/** Everything of the run `runId`, in every engine, its user and its folder; what was there, counted. */
export async function removeRun(runId: string): Promise<Removed> {
  const removed: Removed = {};
  // Every step is tried; the first failure is reported after all of them ran.
  const steps: (() => Promise<Removed>)[] = [
    () => removeLabelled(runId),
    () => removeRootfulLabelled(runId),
    async () => {
      const rootless = rootlessUserOf(runId);
      if (!rootless) return {};
      await removeRootlessUser(rootless);
      return { user: 1 };
    },
    async () => ((await removeNamespace(namespaceFor(runId))) ? { "containerd namespace": 1 } : {}),
  ];
  const failures: unknown[] = [];
  for (const r of await Promise.allSettled(steps.map((step) => step())))
    if (r.status === "fulfilled") addRemoved(removed, r.value);
    else failures.push(r.reason);
  // Last: the rootless user's runtime directory and the containerd FIFOs are in it.
  try {
    addRemoved(removed, { "temporary folder": await removeTree(runDir(runId)) });
  } catch (error) {
    failures.push(error);
  }
  if (failures.length) throw failures[0];
  return removed;
}

const lines = (text: string) => text.split("\n").filter(Boolean);
/** What a listing printed, also when it failed for some of what it was given (an image removed meanwhile). */
const run = async (argv: string[]) => {
  try {
    return (await outcome(argv, { cwd: "/" })).stdout;
  } catch {
    return ""; // An engine that is not installed.
  }
};

/** The run ids anything on this machine is labelled or named with; a missing engine lists none. */
export async function runIdsFound(): Promise<Set<string>> {
  const label = `label=${LABEL}`;
  const value = `{{.Label "${LABEL}"}}`;
  const podman = ["podman", "--log-level", "error", "--cgroup-manager", "cgroupfs", "--events-backend", "file"];
  const podmanLabels = async (args: string[]) => {
    type Item = { Labels?: Record<string, string>; labels?: Record<string, string> };
    let items: Item[] = [];
    try {
      items = JSON.parse(await run([...podman, ...args, "--filter", label, "--format", "json"])) as Item[];
    } catch {
      // Nothing listed: a podman that failed.
    }
    return (items ?? []).map((item) => (item.Labels ?? item.labels)?.[LABEL] ?? "");
  };
  const dockerImages = async () => {
    const ids = lines(await run(["docker", "images", "-q", "--filter", label]));
    if (!ids.length) return [];
    return lines(await run(["docker", "image", "inspect", "--format", `{{index .Config.Labels "${LABEL}"}}`, ...ids]));
  };
  const namespaces = async () =>
    lines(await run(["ctr", "--address", CONTAINERD_SOCKET, "namespaces", "ls", "-q"]))
      .filter((name) => name.startsWith(namespaceFor("")))
      .map((name) => name.slice(namespaceFor("").length));
  const users = async () =>
    lines(readFileSync("/etc/passwd", "utf8"))
      .map((line) => line.split(":")[0] ?? "")
      .filter((name) => name.startsWith("hermes-test-"))
      .map((name) => name.slice("hermes-test-".length));
  const folders = async () =>
    readdirSync(runsRoot())
      .filter((name) => name.startsWith(RUN_DIR_PREFIX))
      .map((name) => name.slice(RUN_DIR_PREFIX.length));
  const found = await Promise.all([
    run(["docker", "ps", "-a", "--filter", label, "--format", value]).then(lines),
    run(["docker", "volume", "ls", "--filter", label, "--format", value]).then(lines),
    run(["docker", "network", "ls", "--filter", label, "--format", value]).then(lines),
    dockerImages(),
    podmanLabels(["ps", "-a"]),
    podmanLabels(["images"]),
    podmanLabels(["volume", "ls"]),
    podmanLabels(["network", "ls"]),
    namespaces(),
    users(),
    folders(),
  ]);
  return new Set(found.flat().filter(Boolean));
}

/**
 * Removes what every run whose process is gone left behind, other than `ownRunId`; returns one line saying what
 * it removed, or null when there was nothing. A failure to remove is part of the line, never the run's failure.
 */
export async function reapDeadRuns(ownRunId: string): Promise<string | null> {
  const dead = [...(await runIdsFound())].filter((runId) => runId !== ownRunId && !isAlive(runId)).sort();
  if (!dead.length) return null;
  const removed: Removed = {};
  const failed: string[] = [];
  for (const runId of dead) {
    try {
      addRemoved(removed, await removeRun(runId));
    } catch (error) {
      failed.push(`${runId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const what = `${describeRemoved(removed)} of ${dead.length} dead run${dead.length === 1 ? "" : "s"} (${dead.join(", ")})`;
  return `test platform: removed ${what}${failed.length ? `; could not finish: ${failed.join("; ")}` : ""}`;
}
