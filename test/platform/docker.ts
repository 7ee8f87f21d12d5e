/** The docker CLI, called the two ways the tests need: blocking, and alongside other work. */
import { spawnSync } from "node:child_process";
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

/** Runs docker and returns its stdout, throwing with its stderr when it fails. */
export function docker(args: readonly string[], input?: string | Buffer): string {
  const r = spawnSync("docker", args, { env: ENV, input: input ?? "", maxBuffer: 256 << 20, encoding: "utf8" });
  if (r.error) throw r.error;
  if (r.status !== 0) throw failure(args, { code: r.status, stdout: r.stdout, stderr: r.stderr });
  return r.stdout;
}

/**
 * BuildKit as Debian's docker.io 20.10 client reaches it: DOCKER_BUILDKIT=1 builds through the engine's
 * embedded BuildKit (`COPY --chmod`, `RUN --mount`), without the buildx plugin a newer client would want.
 */
export const BUILDKIT = { client: "/usr/bin/docker", env: { ...process.env, DOCKER_BUILDKIT: "1" } };

/** Like docker(), without blocking the event loop; `via` another client or environment (BUILDKIT). */
export async function dockerAsync(
  args: readonly string[],
  via: { client: string; env: NodeJS.ProcessEnv } = { client: "docker", env: ENV },
): Promise<string> {
  const r = await outcome([via.client, ...args], { env: via.env });
  if (r.code !== 0) throw failure(args, r);
  return r.stdout;
}

/** Removes what a run labelled, ignoring what is already gone. */
export function removeLabelled(runId: string): void {
  const filter = `label=${LABEL}=${runId}`;
  const containers = () => docker(["ps", "-aq", "--filter", filter]).split("\n").filter(Boolean);
  // A --rm container the engine is already removing makes `docker rm` return before it is gone.
  for (let left = containers(); left.length; left = containers()) {
    spawnSync("docker", ["rm", "-fv", ...left], { env: ENV });
    spawnSync("sleep", ["0.2"]);
  }
  const volumes = docker(["volume", "ls", "-q", "--filter", filter]).split("\n").filter(Boolean);
  if (volumes.length) spawnSync("docker", ["volume", "rm", "-f", ...volumes], { env: ENV });
  const images = docker(["images", "-q", "--filter", filter]).split("\n").filter(Boolean);
  if (images.length) spawnSync("docker", ["rmi", "-f", ...new Set(images)], { env: ENV });
}
