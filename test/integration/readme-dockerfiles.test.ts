/**
 * Every Dockerfile in README.md and docs/, built as written on the real engine (the BuildKit one through
 * Debian's own client with DOCKER_BUILDKIT=1; the release's image, package and signed sums are built by
 * release.test.ts and release-ways.test.ts, which make a release): only
 * the placeholders are filled in (the base images, the checksum, and
 * NODE_IMAGE pointed at the local base image plus Debian's nodejs and npm).
 * Each must add the shim to the image once: the bytes the recipe adds are
 * about one binary's worth.
 */
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, imageTags, REPO, variantKey } from "../platform/images.ts";
import { DOCKERFILES, readmeBlock, readmeBlocks } from "../platform/readme.ts";
import { outcome } from "../platform/spawn.ts";
import { addsTheBinaryOnce, sh } from "./image-checks.ts";

const runId = process.env.HERMES_TEST_RUN ?? "manual";
const recipe = (marker: string) => readmeBlock("dockerfile", marker);

const context = mkdtempSync(join(tmpdir(), "hermes-readme-"));
const tags: string[] = [];
afterAll(async () => {
  if (tags.length) await outcome(["docker", "rmi", "--force", ...tags]);
  rmSync(context, { recursive: true, force: true });
});

/** The repository as an image builder checks it out beside the Dockerfile, dependencies included. */
beforeAll(async () => {
  const files = await outcome(["git", "ls-files", "-co", "--exclude-standard", "-z"], { cwd: REPO });
  const copy = await outcome(
    [
      "sh",
      "-c",
      `mkdir "$1" && xargs -0 cp --parents -a -t "$1" && cp -a node_modules "$1/"`,
      "sh",
      join(context, "hermes-exec-shim"),
    ],
    { cwd: REPO, input: files.stdout },
  );
  if (copy.code !== 0) throw new Error(`copying the repository: ${copy.stderr}`);
});

/** Builds `dockerfile` (every named stage first, under its own tag, so none is left behind untagged). */
async function buildRecipe(name: string, dockerfile: string, flags: string[] = [], buildKit = false): Promise<string> {
  const file = join(context, `${name}.Dockerfile`);
  writeFileSync(file, dockerfile);
  const tag = `hermes-exec-shim-test/readme-${name}:${runId}`;
  const args = { NODE_IMAGE: imageTags().node as string };
  for (const [, stage] of dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)) {
    tags.push(`${tag}-${stage}`);
    await build(`${tag}-${stage}`, runId, file, context, args, [...flags, "--target", stage as string], buildKit);
  }
  tags.push(tag);
  await build(tag, runId, file, context, args, flags, buildKit);
  return tag;
}

describe("Install: the multi-stage build from source", () => {
  const hermesBase = () => imageTags()[variantKey("hermes", "standin", "s6")] as string;
  let tag = "";
  beforeAll(async () => {
    const dockerfile = recipe(DOCKERFILES.install).replace("your-hermes-base", hermesBase());
    tag = await buildRecipe("install", dockerfile);
  });

  it("installs a root-owned 0755 shim that drops root to hermes", async () => {
    expect(await sh(tag, "stat -c '%U %a' /opt/hermes/bin/hermes && hermes whoami")).toBe(
      "root 755\nuid=10000 gid=10000 home=/opt/data umask=0002\n",
    );
  });

  it("copies every command as a relative symlink, and each drops to hermes and runs its own script", async () => {
    expect(await sh(tag, "cd /opt/hermes/bin && readlink hermes-agent hermes-acp")).toBe("hermes\nhermes\n");
    expect(await sh(tag, "hermes argv0 && hermes-agent argv0 && hermes-acp argv0")).toBe(
      "hermes uid=10000\nhermes-agent uid=10000\nhermes-acp uid=10000\n",
    );
  });

  it("adds about one binary's worth of bytes", async () => {
    const binary = Number(await sh(tag, "stat -c %s /opt/hermes/bin/hermes"));
    await addsTheBinaryOnce(tag, hermesBase(), binary);
  });
});

describe.each([
  ["the classic builder, in a throwaway stage", DOCKERFILES.artifact, false],
  ["BuildKit's COPY --chmod, through Debian's own docker client", DOCKERFILES.buildKit, true],
])("Prebuilt artifacts, checked with sha256sum -c: %s", (_, marker, buildKit) => {
  const hermesBase = () => imageTags()[variantKey("hermes", "standin", "s6")] as string;
  const artifact = join(REPO, "dist/hermes");
  const sha = () => createHash("sha256").update(readFileSync(artifact)).digest("hex");
  const dockerfile = (sum: string) =>
    recipe(marker).replaceAll("your-hermes-base", hermesBase()).replace("<sha256 from SHA256SUMS>", sum);
  const name = buildKit ? "buildkit" : "artifact";
  beforeAll(() => {
    // As downloaded: not executable. The default build stands in for hermes-linux-x64: same target, same bytes.
    copyFileSync(artifact, join(context, "hermes-linux-x64"));
    chmodSync(join(context, "hermes-linux-x64"), 0o644);
  });

  it("with the right checksum: one layer of one binary, root's, 0755, the links made, and it drops", async () => {
    const tag = await buildRecipe(name, dockerfile(sha()), [], buildKit);
    expect(await sh(tag, "stat -c '%U %a' /opt/hermes/bin/hermes && hermes whoami && hermes-agent argv0")).toBe(
      "root 755\nuid=10000 gid=10000 home=/opt/data umask=0002\nhermes-agent uid=10000\n",
    );
    expect(await sh(tag, "cd /opt/hermes/bin && readlink hermes-agent hermes-acp")).toBe("hermes\nhermes\n");
    await addsTheBinaryOnce(tag, hermesBase(), statSync(artifact).size);
  });

  it("with a wrong checksum the build fails", async () => {
    await expect(buildRecipe(`bad-${name}`, dockerfile("0".repeat(64)), [], buildKit)).rejects.toThrow(
      /FAILED|did NOT match/,
    );
  });
});

describe("For forks: a rabbit image with gosu", () => {
  it("builds (apt-get needs the network: the host's) and drops root to rabbit through gosu", async () => {
    const rabbitBase = imageTags()[variantKey("rabbit", "standin", "s6")] as string;
    const tag = await buildRecipe("rabbit", recipe(DOCKERFILES.rabbit).replace("your-rabbit-base", rabbitBase), [
      "--network",
      "host",
    ]);
    // Without /command the rabbit image has only gosu to drop with: the shim was built for it.
    expect(await sh(tag, "mv /command /command.aside && rabbit whoami && rabbit-agent argv0")).toBe(
      "uid=10000 gid=10000 home=/opt/data umask=0002\nrabbit-agent uid=10000\n",
    );
  });
});

it("README.md and docs/ have no other Dockerfile (boot-repair.test.ts and the release tests build the rest)", () => {
  const known = Object.values(DOCKERFILES);
  expect(readmeBlocks("dockerfile").map((block) => known.filter((marker) => block.includes(marker)))).toEqual(
    known.map((marker) => [marker]),
  );
});
