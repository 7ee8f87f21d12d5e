/** What the Dockerfile tests look at in an image they built: what a shell in it sees, and the bytes it adds. */
import { expect } from "vitest";
import { docker } from "../platform/docker.ts";
import { outcome } from "../platform/spawn.ts";

export const imageSize = async (tag: string) =>
  Number((await docker(["image", "inspect", "--format", "{{.Size}}", tag])).trim());

/** `docker run --rm --entrypoint /bin/sh TAG -c SCRIPT`: stdout, or the failure. */
export async function sh(tag: string, script: string): Promise<string> {
  const r = await outcome(["docker", "run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", tag, "-c", script]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${script}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The image adds one binary's worth of bytes over `base`: no second copy in another layer. */
export async function addsTheBinaryOnce(tag: string, base: string, binary: number) {
  const added = (await imageSize(tag)) - (await imageSize(base));
  expect(added).toBeGreaterThan(binary * 0.95);
  expect(added).toBeLessThan(binary * 1.05);
}
