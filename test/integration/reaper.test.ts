/**
 * What a run killed outright left behind, removed by the next run's start (test/platform/reap.ts), and nothing
 * of a live run's: a fake dead run's labelled container, image, volume and network in Docker, container and
 * volume in root's Podman, containerd namespace, user and folder, beside a live run's (this worker's, recorded
 * and not) and this run's own.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctrArgv, namespaceFor } from "../platform/containerd.ts";
import { docker, LABEL } from "../platform/docker.ts";
import { engines } from "../platform/engines.ts";
import { build, imageTags } from "../platform/images.ts";
import { persist } from "../platform/persist.ts";
import { podmanArgv, ulimits } from "../platform/podman.ts";
import { reapDeadRuns, removeRun } from "../platform/reap.ts";
import { processNow, type RunRecord, runDir, startTicksOf } from "../platform/runs.ts";
import { outcome } from "../platform/spawn.ts";

/** A pid that was a process's until a moment ago, with that process's start time. */
async function deadProcess(): Promise<{ pid: number; startTicks: number }> {
  const child = spawn("sleep", ["600"], { stdio: "ignore" });
  const pid = child.pid as number;
  const startTicks = startTicksOf(readFileSync(`/proc/${pid}/stat`, "utf8"));
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
  return { pid, startTicks };
}

const bootId = () => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

/** A run's folder as startRun() makes it, recording `record`, with a file in it. */
function folder(runId: string, record: RunRecord): void {
  mkdirSync(runDir(runId), { mode: 0o1777 });
  writeFileSync(join(runDir(runId), "run.json"), JSON.stringify(record));
  writeFileSync(join(mkdtempSync(join(runDir(runId), "hermes-work-")), "file"), "x");
}

const podman = podmanArgv(null);
const label = (runId: string) => ["--label", `${LABEL}=${runId}`];
const exists = async (argv: string[]) => (await outcome(argv, { cwd: "/" })).code === 0;
const ms36 = () => Date.now().toString(36);

describe("the reaper at a run's start", () => {
  const dead = { runId: "", container: "", podmanContainer: "", image: "" };
  const live = { recorded: "", unrecorded: "" };
  let line: string | null = null;

  beforeAll(async () => {
    const gone = await deadProcess();
    dead.runId = `${ms36()}-${gone.pid}`;
    const run = dead.runId;
    folder(run, { pid: gone.pid, startTicks: gone.startTicks, bootId: bootId() });
    const base = imageTags().base as string;
    dead.container = (
      await docker(["run", "--detach", "--network", "none", ...label(run), base, "sleep", "infinity"])
    ).trim();
    const context = join(runDir(run), "context");
    mkdirSync(context);
    writeFileSync(join(context, "Dockerfile"), `FROM ${base}\n`);
    dead.image = `hermes-exec-shim-test/reaper:${run}`;
    await build(dead.image, run, join(context, "Dockerfile"), context, {});
    await docker(["volume", "create", ...label(run), `reaper-${run}`]);
    await docker(["network", "create", "--internal", ...label(run), `reaper-${run}`]);
    const hermes = engines().images.hermes;
    const podmanRun = [...podman, "run", "--detach", "--network", "none", ...label(run), ...ulimits(), hermes];
    dead.podmanContainer = (await outcome([...podmanRun, "sleep", "infinity"], { cwd: "/" })).stdout.trim();
    await outcome([...podman, "volume", "create", ...label(run), `reaper-${run}`], { cwd: "/" });
    await outcome([...ctrArgv(namespaceFor(run)), "namespaces", "create", namespaceFor(run)]);
    await persist(["useradd", "--create-home", "--user-group", "--shell", "/usr/sbin/nologin", `hermes-test-${run}`]);

    // This worker is alive: a run of its pid, taken now, recorded in its folder or not at all.
    const self = processNow(process.pid);
    live.recorded = `${ms36()}-${process.pid}`;
    folder(live.recorded, { pid: process.pid, startTicks: self.startTicks as number, bootId: bootId() });
    live.unrecorded = `${(Date.now() + 1).toString(36)}-${process.pid}`;
    for (const run of [live.recorded, live.unrecorded]) {
      await docker(["volume", "create", ...label(run), `reaper-${run}`]);
      await outcome([...podman, "volume", "create", ...label(run), `reaper-${run}`], { cwd: "/" });
    }

    line = await reapDeadRuns(process.env.HERMES_TEST_RUN as string);
  });

  afterAll(async () => {
    for (const run of [dead.runId, live.recorded, live.unrecorded].filter(Boolean)) await removeRun(run);
  });

  it("says in one line what it removed, of which dead runs", () => {
    console.log(line);
    expect(line).toMatch(/^test platform: removed .* of \d+ dead runs? \(.*\)/);
    expect(line).toContain(dead.runId);
    expect(line).not.toContain(live.recorded);
    expect(line).not.toContain(live.unrecorded);
    expect(line).not.toContain("could not finish");
  });

  it("removes the dead run's container, image, volume and network in Docker", async () => {
    const run = dead.runId;
    expect(await exists(["docker", "container", "inspect", dead.container])).toBe(false);
    expect(await exists(["docker", "image", "inspect", dead.image])).toBe(false);
    expect(await exists(["docker", "volume", "inspect", `reaper-${run}`])).toBe(false);
    expect(await exists(["docker", "network", "inspect", `reaper-${run}`])).toBe(false);
  });

  it("removes its container and volume in root's Podman, its containerd namespace, its user and its folder", async () => {
    const run = dead.runId;
    expect(dead.podmanContainer).not.toBe("");
    expect(await exists([...podman, "container", "exists", dead.podmanContainer])).toBe(false);
    expect(await exists([...podman, "volume", "exists", `reaper-${run}`])).toBe(false);
    const namespaces = (await outcome([...ctrArgv("default"), "namespaces", "ls", "-q"])).stdout.split("\n");
    expect(namespaces).not.toContain(namespaceFor(run));
    expect(await exists(["getent", "passwd", `hermes-test-${run}`])).toBe(false);
    expect(await exists(["test", "-e", runDir(run)])).toBe(false);
    expect(await exists(["test", "-e", `/home/hermes-test-${run}`])).toBe(false);
  });

  it("leaves a live run's objects alone, recorded or not, and this run's own", async () => {
    for (const run of [live.recorded, live.unrecorded]) {
      expect(await exists(["docker", "volume", "inspect", `reaper-${run}`])).toBe(true);
      expect(await exists([...podman, "volume", "exists", `reaper-${run}`])).toBe(true);
    }
    expect(await exists(["test", "-f", join(runDir(live.recorded), "run.json")])).toBe(true);
    const own = process.env.HERMES_TEST_RUN as string;
    expect(await exists(["test", "-f", join(runDir(own), "run.json")])).toBe(true);
    expect(await exists(["docker", "image", "inspect", imageTags()["hermes/standin/s6"] as string])).toBe(true);
    expect(await exists(["getent", "passwd", `hermes-test-${own}`])).toBe(true);
  });
});

describe("a run's own teardown", () => {
  it("removes what is labelled with it and its folder, and counts them", async () => {
    const run = `${ms36()}-${process.pid}`;
    mkdirSync(runDir(run));
    await docker(["volume", "create", ...label(run), `reaper-${run}`]);
    const removed = await removeRun(run);
    expect(removed).toEqual({ "Docker volume": 1, "temporary folder": 1 });
    rmSync(runDir(run), { recursive: true, force: true });
  });
});
