/**
 * Vitest's global setup: the engine side of the test platform (the Debian
 * packages come first, from packages.sh). Starts a Docker engine if none
 * answers, makes sure the local base images exist, builds this run's test
 * images and loads them into Podman (rootful and rootless) and containerd
 * (engines.ts), and at the end removes every container, image, user and
 * namespace the run made and stops the engine if it started it. Says how long
 * each phase took, one line, so that a slow first run names what was slow.
 */
import { join } from "node:path";
import { removeSharedRelease } from "../integration/release-run.ts";
import { removeLabelled } from "./docker.ts";
import { ensureDockerd } from "./dockerd.ts";
import { setupEngines } from "./engines.ts";
import { buildVariants, REPO } from "./images.ts";
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

export default async function setup(): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const stopDockerd = await timed("docker engine", ensureDockerd());
  let removeEngines = async () => {};
  const teardown = async () => {
    try {
      await removeEngines();
    } finally {
      await removeLabelled(runId);
      removeSharedRelease(runId);
      await stopDockerd?.();
    }
  };
  try {
    const base = await timed("base image", baseImage("base"));
    // The README's build stage needs the node image only in its own tests; it is made while the rest is built.
    const node = timed("node image", baseImage("node"));
    node.catch(() => {}); // Reported where it is awaited, unless an earlier phase failed first.
    const variants = await timed("test images", buildVariants(base, runId));
    const engines = await timed("podman and containerd", setupEngines(runId, variants));
    removeEngines = engines.teardown;
    process.env.HERMES_TEST_RUN = runId;
    process.env.HERMES_TEST_IMAGES = JSON.stringify({ ...variants, base, node: await node });
    process.env.HERMES_TEST_ENGINES = JSON.stringify(engines.engines);
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
