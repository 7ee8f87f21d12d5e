/** What the Dockerfile tests look at in an image they built: what a shell in it sees, and the bytes it adds. */
import { spawnSync } from "node:child_process";
import { expect } from "vitest";
import { docker } from "../platform/docker.ts";

export const imageSize = async (tag: string) =>
  Number((await docker(["image", "inspect", "--format", "{{.Size}}", tag])).trim());

/** `docker run --rm --entrypoint /bin/sh TAG -c SCRIPT`: stdout, or the failure. */
export function sh(tag: string, script: string): string {
  const r = spawnSync("docker", ["run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", tag, "-c", script], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${script}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The image adds one binary's worth of bytes over `base`: no second copy in another layer. */
export async function addsTheBinaryOnce(tag: string, base: string, binary: number) {
  const added = (await imageSize(tag)) - (await imageSize(base));
  expect(added).toBeGreaterThan(binary * 0.95);
  expect(added).toBeLessThan(binary * 1.05);
}
