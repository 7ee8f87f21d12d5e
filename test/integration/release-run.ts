/** Runs `npm run release`'s script into a fresh directory, as an image maintainer would get it. */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../container/container.ts";

/**
 * Each run leaves about 500 MB: remove the directory when done. Not spawnSync: a release takes a minute or
 * more on a busy machine, and a worker blocked that long misses vitest's progress calls (an unhandled
 * "Timeout calling onTaskUpdate" fails the run).
 */
export function release(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), "hermes-release-"));
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO, "node_modules/.bin/bun"), ["scripts/release.ts", "--outdir", outdir], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) =>
      code === 0 ? resolve(outdir) : reject(new Error(`release failed (exit ${code ?? signal}):\n${output}`)),
    );
  });
}
