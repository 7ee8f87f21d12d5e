/** Runs `npm run release`'s script into a fresh directory, as an image maintainer would get it. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO } from "../container/container.ts";
import { outcome } from "../platform/spawn.ts";

/** Each run leaves about 500 MB: remove the directory when done. */
export async function releaseWith(env: Record<string, string>): Promise<{ dir: string; output: string }> {
  const outdir = mkdtempSync(join(tmpdir(), "hermes-release-"));
  const r = await outcome([join(REPO, "node_modules/.bin/bun"), "scripts/release.ts", "--outdir", outdir], {
    cwd: REPO,
    env: { ...process.env, ...env },
  });
  const output = r.stdout + r.stderr;
  if (r.code !== 0) throw new Error(`release failed (exit ${r.code ?? r.signal}):\n${output}`);
  return { dir: outdir, output };
}

/** Where the run's shared release is announced: its lock, its marker (naming its directory), its failure. */
const sharedReleasePrefix = (runId: string) => join(tmpdir(), `hermes-release-${runId}`);

/**
 * One unsigned release of the commit checked out, shared by the run's test files: each release takes 40 s
 * or more of both cores, and most files only read one. The first file to ask builds it (mkdir is the lock);
 * the others wait for its marker. Read it, never change it; it is in the run's folder, removed at its end.
 */
export async function sharedRelease(): Promise<{ dir: string; output: string }> {
  const prefix = sharedReleasePrefix(process.env.HERMES_TEST_RUN ?? "manual");
  const done = `${prefix}.json`;
  const failed = `${prefix}.failed`;
  try {
    mkdirSync(`${prefix}.lock`);
  } catch {
    // However long the release takes on a busy machine: the file making it says when it is done or failed.
    for (;;) {
      if (existsSync(done)) return JSON.parse(readFileSync(done, "utf8"));
      if (existsSync(failed)) throw new Error(readFileSync(failed, "utf8"));
      await sleep(500);
    }
  }
  // The commit it is from, pinned: one committed here meanwhile must not count as another.
  const git = spawnSync("git", ["log", "-1", "--format=%ct"], { cwd: REPO, encoding: "utf8" });
  try {
    const made = await releaseWith({ SOURCE_DATE_EPOCH: git.stdout.trim(), HERMES_SIGNING_KEY: "" });
    writeFileSync(`${done}.tmp`, JSON.stringify(made));
    renameSync(`${done}.tmp`, done);
    return made;
  } catch (error) {
    writeFileSync(failed, String(error));
    throw error;
  }
}
