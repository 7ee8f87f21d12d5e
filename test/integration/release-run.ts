/** Runs `npm run release`'s script into a fresh directory, as an image maintainer would get it. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../container/container.ts";

/** Each run leaves about 500 MB: remove the directory when done. */
export function release(): string {
  const outdir = mkdtempSync(join(tmpdir(), "hermes-release-"));
  const r = spawnSync(join(REPO, "node_modules/.bin/bun"), ["scripts/release.ts", "--outdir", outdir], {
    cwd: REPO,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`release failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return outdir;
}
