/** The docker CLI, called alongside other work: never blocking the test worker. */
import { setTimeout as sleep } from "node:timers/promises";
import { type Outcome, outcome } from "./spawn.ts";

/** Every container and image the tests create carries this label, valued with the run's id. */
export const LABEL = "hermes-exec-shim-test";

/**
 * The classic builder: docker.io 20.10's CLI uses it by default and a newer CLI without the buildx
 * plugin falls back to it, so saying so makes every machine build the same way.
 */
const ENV = { ...process.env, DOCKER_BUILDKIT: "0" };

const failure = (args: readonly string[], r: Pick<Outcome, "code" | "stdout" | "stderr">) =>
  new Error(`docker ${args.slice(0, 2).join(" ")} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);

/**
 * BuildKit as Debian's docker.io 20.10 client reaches it: DOCKER_BUILDKIT=1 builds through the engine's
 * embedded BuildKit (`COPY --chmod`, `RUN --mount`), without the buildx plugin a newer client would want.
 */
export const BUILDKIT = { client: "/usr/bin/docker", env: { ...process.env, DOCKER_BUILDKIT: "1" } };

/**
 * Runs docker, without blocking the event loop, and returns its stdout, throwing with its stderr when it
 * fails; `via` another client or environment (BUILDKIT).
 */
export async function docker(
  args: readonly string[],
  via: { client: string; env: NodeJS.ProcessEnv } = { client: "docker", env: ENV },
): Promise<string> {
  const r = await outcome([via.client, ...args], { env: via.env });
  if (r.code !== 0) throw failure(args, r);
  return r.stdout;
}

/**
 * `docker run --rm IMAGE ARGS…` without a network, labelled with the run's id: the image's entrypoint and CMD
 * path, once, as an operator's `docker run` takes it.
 */
export function runImage(image: string, args: readonly string[]): Promise<Outcome> {
  const label = `${LABEL}=${process.env.HERMES_TEST_RUN ?? "manual"}`;
  return outcome(["docker", "run", "--rm", "--network", "none", "--label", label, image, ...args]);
}

const list = async (args: string[]) => (await docker(args)).split("\n").filter(Boolean);
const tryDocker = (args: string[]) => outcome(["docker", ...args], { env: ENV });

/** Removes what a run labelled, ignoring what is already gone; counts what there was. */
export async function removeLabelled(runId: string): Promise<Record<string, number>> {
  const filter = `label=${LABEL}=${runId}`;
  const containers = () => list(["ps", "-aq", "--filter", filter]);
  const removed = new Set<string>();
  // A container still being created when the run was stopped appears after the first listing; one that stays
  // however often it is removed is reported, not tried for ever.
  for (let left = await containers(), before = ""; left.length; left = await containers()) {
    if (left.join() === before) throw failure(["rm", "-fv", ...left], await tryDocker(["rm", "-fv", ...left]));
    before = left.join();
    for (const id of left) removed.add(id);
    await tryDocker(["rm", "-fv", ...left]);
    await sleep(200);
  }
  const volumes = await list(["volume", "ls", "-q", "--filter", filter]);
  if (volumes.length) await tryDocker(["volume", "rm", "-f", ...volumes]);
  const networks = await list(["network", "ls", "-q", "--filter", filter]);
  if (networks.length) await tryDocker(["network", "rm", ...networks]);
  const images = [...new Set(await list(["images", "-q", "--filter", filter]))];
  if (images.length) await tryDocker(["rmi", "-f", ...images]);
  return {
    "Docker container": removed.size,
    "Docker volume": volumes.length,
    "Docker network": networks.length,
    "Docker image": images.length,
  };
}
