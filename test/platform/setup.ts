/**
 * Vitest's global setup: the engine side of the test platform (the Debian
 * packages come first, from packages.sh). Starts a Docker engine if none
 * answers, makes sure the local base images exist, builds this run's test
 * images and loads them into Podman (rootful and rootless) and containerd
 * (engines.ts), and at the end removes every container, image, user and
 * namespace the run made and stops the engine if it started it.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { removeSharedRelease } from "../integration/release-run.ts";
import { removeLabelled } from "./docker.ts";
import { ensureDockerd } from "./dockerd.ts";
import { setupEngines } from "./engines.ts";
import { buildVariants, REPO } from "./images.ts";

function baseImage(kind: "base" | "node"): string {
  const r = spawnSync("bash", [join(REPO, "test/platform/base-image.sh"), kind], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr.trim() || `base-image.sh ${kind} failed`);
  return r.stdout.trim();
}

export default async function setup(): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const stopDockerd = await ensureDockerd();
  let removeEngines = () => {};
  const teardown = async () => {
    try {
      removeEngines();
    } finally {
      await removeLabelled(runId);
      removeSharedRelease(runId);
      await stopDockerd?.();
    }
  };
  try {
    const base = baseImage("base");
    const node = baseImage("node");
    const variants = await buildVariants(base, runId);
    const engines = await setupEngines(runId, variants);
    removeEngines = engines.teardown;
    process.env.HERMES_TEST_RUN = runId;
    process.env.HERMES_TEST_IMAGES = JSON.stringify({ ...variants, base, node });
    process.env.HERMES_TEST_ENGINES = JSON.stringify(engines.engines);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
