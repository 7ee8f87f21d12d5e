/**
 * Issue 18: a fresh clone stays byte-clean. The repository as committed (this work tree's files, so a change
 * not yet committed is tested too) becomes a new git repository with no node_modules; there `./install.sh`
 * (which runs `npm ci`), everything `npm test` runs before vitest, and `npm run release` must each leave
 * `git status --porcelain` empty. A copy, not this tree, so that edits made here meanwhile cannot fail it.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO } from "../container/container.ts";

const execFileAsync = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "hermes-clone-"));
const clone = join(work, "hermes-exec-shim");
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `script` in bash without blocking the worker (npm ci alone takes half a minute). */
async function sh(script: string, cwd = clone): Promise<string> {
  try {
    return (await execFileAsync("bash", ["-c", script], { cwd, encoding: "utf8", maxBuffer: 64 << 20 })).stdout;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`exit ${e.code}: ${script}\n${e.stdout}${e.stderr}`);
  }
}

const porcelain = () => sh("git status --porcelain --untracked-files=all");

beforeAll(async () => {
  mkdirSync(clone);
  await sh(`git ls-files -co --exclude-standard -z | xargs -0 cp --parents -a -t "${clone}"`, REPO);
  await sh("git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm clone");
});

it("./install.sh installs the locked dependencies with npm ci, silently, and leaves the clone clean", async () => {
  const out = join(work, "out");
  // npm 11 warns of every install script package.json's allowScripts does not decide.
  expect(await sh(`./install.sh --prefix "${out}" 2>&1`)).not.toMatch(/npm warn/i);
  expect(readlinkSync(join(out, "hermes-agent"))).toBe("hermes");
  expect(await porcelain()).toBe("");
});

it("npm test's own steps before vitest (typecheck, lint, build) leave it clean", async () => {
  await sh("npm run typecheck && npm run lint && npm run build 2>&1");
  expect(await porcelain()).toBe("");
});

it("npm run release leaves it clean (dist/ is ignored)", async () => {
  await sh("npm run release 2>&1");
  expect(await porcelain()).toBe("");
});
