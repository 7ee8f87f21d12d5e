/**
 * Vitest's global setup: the engine side of the test platform (the Debian
 * packages come first, from packages.sh). Starts a Docker engine if none
 * answers, removes what dead runs left (reap.ts), makes sure the local base
 * images exist, builds this run's test images and loads them into Podman
 * (rootful and rootless) and containerd (engines.ts), and at the end, or on
 * SIGINT, SIGTERM or SIGHUP, removes every container, image, user, namespace
 * and folder the run made and stops the engine if it started it. Says how long
 * each phase took, one line, so that a slow first run names what was slow.
 */
import { readdirSync, readFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDockerd } from "./dockerd.ts";
import { setupEngines } from "./engines.ts";
import { buildVariants, REPO } from "./images.ts";
import { describeRemoved, reapDeadRuns, removeRun } from "./reap.ts";
import { runDir, startRun } from "./runs.ts";
import { outcome } from "./spawn.ts";

async function baseImage(kind: "base" | "node"): Promise<string> {
  const r = await outcome(["bash", join(REPO, "test/platform/base-image.sh"), kind]);
  if (r.code !== 0) throw new Error(r.stderr.trim() || `base-image.sh ${kind} failed`);
  return r.stdout.trim();
}

/** Each phase's wall time, in the order they end. */
const phases: string[] = [];
async function timed<T>(name: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
  const start = performance.now();
  const value = await (typeof work === "function" ? work() : work);
  phases.push(`${name} ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return value;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** This process's children: the test workers, and whatever the setup is running. */
function children(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

interface Task {
  name: string;
  result?: { state?: string };
  tasks?: Task[];
}

/** The tests still running, "file > describe > test", or "" when none is (or not under vitest). */
function runningTests(project: TestProject | undefined): string {
  const walk = (task: Task, path: string[]): string[] => {
    const here = [...path, task.name];
    if (task.result?.state !== "run") return [];
    const inner = (task.tasks ?? []).flatMap((t) => walk(t, here));
    return inner.length ? inner : [here.join(" > ")];
  };
  const files = (project?.vitest.state.getFiles() ?? []) as unknown as Task[];
  return files.flatMap((file) => walk(file, [])).join("; ");
}

/**
 * On SIGINT, SIGTERM or SIGHUP: no file starts any more, the workers are stopped, the run is torn down as at its
 * end, and the process then dies of the signal, as the shell or CI that sent it expects. Vitest's own handler
 * would exit a millisecond later, with everything left behind, so it is replaced; a signal that arrives again
 * meanwhile (npm passes the terminal's Ctrl-C on, after the whole group got it) is ignored.
 */
function onSignals(project: TestProject | undefined, teardown: () => Promise<void>): void {
  const handle = (signal: (typeof SIGNALS)[number]) => {
    for (const s of SIGNALS) process.removeAllListeners(s).on(s, () => {});
    // A hangup may have taken the terminal: what cannot be written is dropped.
    process.stderr.on("error", () => {});
    process.stdout.on("error", () => {});
    process.exitCode = 128 + constants.signals[signal];
    // No test has a time limit: a hang is ended by such a signal, and this names what hung.
    const running = runningTests(project);
    console.error(`test platform: ${signal}: tearing the run down${running ? `; running: ${running}` : ""}`);
    project?.vitest.cancelCurrentRun("keyboard-input").catch(() => {});
    for (const pid of children()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
    teardown()
      .catch((error) => console.error(`test platform: teardown after ${signal}: ${error}`))
      .finally(() => {
        for (const s of SIGNALS) process.removeAllListeners(s);
        process.kill(process.pid, signal);
      });
  };
  for (const s of SIGNALS) process.removeAllListeners(s).on(s, handle);
}

/** Under vitest, `project` is the run's; the bench and the demo call it without. */
export default async function setup(project?: TestProject): Promise<() => Promise<void>> {
  // Where every run's folder is; the run's own is the TMPDIR of everything it starts from here on.
  process.env.HERMES_TEST_TMPDIR = tmpdir();
  const runId = startRun();
  process.env.HERMES_TEST_RUN = runId;
  process.env.TMPDIR = runDir(runId);
  let stopDockerd: (() => Promise<void>) | null = null;
  let tornDown: Promise<void> | null = null;
  // Once, whether the end of the run or a signal asks first.
  const teardown = () =>
    (tornDown ??= (async () => {
      try {
        const removed = await removeRun(runId);
        console.error(`test platform: removed the run's ${describeRemoved(removed)}`);
      } finally {
        await stopDockerd?.();
      }
    })());
  onSignals(project, teardown);
  try {
    stopDockerd = await timed("docker engine", ensureDockerd());
    const reaped = timed("reaping dead runs", reapDeadRuns(runId));
    reaped.catch(() => {}); // Reported where it is awaited, unless an earlier phase failed first.
    const base = await timed("base image", baseImage("base"));
    // The README's build stage needs the node image only in its own tests; it is made while the rest is built.
    const node = timed("node image", baseImage("node"));
    node.catch(() => {});
    const variants = await timed("test images", buildVariants(base, runId));
    const engines = await timed("podman and containerd", setupEngines(runId, variants));
    process.env.HERMES_TEST_IMAGES = JSON.stringify({ ...variants, base, node: await node });
    process.env.HERMES_TEST_ENGINES = JSON.stringify(engines);
    const line = await reaped;
    if (line) console.error(line);
  } catch (error) {
    await teardown();
    throw error;
  }
  console.error(`test platform: ready (${phases.join(", ")})`);
  return async () => {
    await timed("teardown", teardown);
    console.error(`test platform: ${phases.at(-1)}`);
  };
}
