/**
 * Issue 18: the release's other ways in, each used as an image maintainer would. The image archive is loaded
 * by Podman into a storage of its own (as released, tag and all) and by Docker under this run's tag (its
 * manifest retagged, layer and config untouched, so no run moves a tag another uses), then README.md's
 * `COPY --from` recipe builds a Hermes test image from it. Each .deb is installed with dpkg in a Debian
 * container, called, and removed; README.md's `RUN --mount` recipe installs the amd64 one in a build.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";
import { docker } from "../platform/docker.ts";
import { build, imageTags, variantKey } from "../platform/images.ts";
import { DOCKERFILES, readmeBlock } from "../platform/readme.ts";
import { outcome } from "../platform/spawn.ts";
import { addsTheBinaryOnce, imageSize, sh } from "./image-checks.ts";
import { sharedRelease } from "./release-run.ts";

const runId = process.env.HERMES_TEST_RUN ?? "manual";
const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as {
  version: string;
};
const ARCHIVE = "hermes-exec-shim-image.tar";
const git = (...args: string[]) => execFileSync("git", args, { cwd: import.meta.dirname, encoding: "utf8" }).trim();

/** The OCI labels an engine read back from the loaded image: what they say, and licenses as the SBOM has them. */
function expectLabels(labels: Record<string, string>) {
  const { description } = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8"));
  const oci = "org.opencontainers.image";
  const { [`${oci}.licenses`]: licenses, [`${oci}.source`]: source, ...rest } = labels;
  expect(rest).toEqual({
    [`${oci}.title`]: "hermes-exec-shim",
    [`${oci}.version`]: version,
    [`${oci}.revision`]: git("rev-parse", "HEAD"),
    [`${oci}.description`]: description,
    [`${oci}.created`]: new Date(Number(git("log", "-1", "--format=%ct")) * 1000).toISOString(),
  });
  const sbom = JSON.parse(readFileSync(join(dir, "hermes-exec-shim.cdx.json"), "utf8"));
  expect(source).toBe(sbom.metadata.component.externalReferences[0].url);
  const bun = sbom.components.find((c: { name: string }) => c.name === "bun");
  for (const c of [sbom.metadata.component, ...sbom.components, ...bun.components]) {
    const expression: string = c.licenses[0].expression;
    expect(licenses, c.name).toContain(/ OR /.test(expression) ? `(${expression})` : expression);
  }
}
const hermesBase = () => imageTags()[variantKey("hermes", "standin", "s6")] as string;

let dir = "";
const work = mkdtempSync(join(tmpdir(), "hermes-ways-"));
const tags: string[] = [];
beforeAll(async () => {
  dir = (await sharedRelease()).dir;
});
afterAll(async () => {
  if (tags.length) await outcome(["docker", "rmi", "--force", ...tags]);
  rmSync(work, { recursive: true, force: true });
});

const tar = (args: string[], cwd = work) => execFileSync("tar", args, { cwd, encoding: "utf8", maxBuffer: 1 << 20 });
/** Builds README.md's recipe `marker` from a context holding `files`, with `replace` applied. */
async function buildRecipe(name: string, marker: string, files: string[], replace: [string, string][], kit = false) {
  const context = mkdtempSync(join(work, `${name}-`));
  for (const file of files) copyFileSync(join(dir, file), join(context, file));
  let dockerfile = readmeBlock("dockerfile", marker);
  for (const [from, to] of replace) dockerfile = dockerfile.replaceAll(from, to);
  writeFileSync(join(context, "Dockerfile"), dockerfile);
  const tag = `hermes-exec-shim-test/ways-${name}:${runId}`;
  tags.push(tag);
  await build(tag, runId, join(context, "Dockerfile"), context, {}, [], kit);
  return tag;
}

describe(`${ARCHIVE}: hermes-exec-shim:${version}`, () => {
  let manifest: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  beforeAll(() => {
    mkdirSync(join(work, "image"));
    tar(["-xf", join(dir, ARCHIVE), "-C", "image"]);
    manifest = JSON.parse(readFileSync(join(work, "image/manifest.json"), "utf8"));
  });

  it("is one image, tagged hermes-exec-shim:VERSION, of one layer: the binary, root's, 0755, and two links", () => {
    expect(manifest.map((m) => [m.RepoTags, m.Layers.length])).toEqual([[[`hermes-exec-shim:${version}`], 1]]);
    const layer = join(work, "image", manifest[0]?.Layers[0] as string);
    const listing = tar(["-tvf", layer, "--numeric-owner"])
      .trimEnd()
      .split("\n")
      .map((line) => line.replace(/ +\d{4}-\d\d-\d\d \d\d:\d\d/, "").replace(/ +/g, " "));
    const size = statSync(join(dir, "hermes-linux-x64")).size;
    expect(listing).toEqual([
      `-rwxr-xr-x 0/0 ${size} hermes`,
      "lrwxrwxrwx 0/0 0 hermes-acp -> hermes",
      "lrwxrwxrwx 0/0 0 hermes-agent -> hermes",
    ]);
    const binary = execFileSync("tar", ["-xOf", layer, "hermes"], { maxBuffer: 1 << 30 });
    expect(binary.equals(readFileSync(join(dir, "hermes-linux-x64")))).toBe(true);
  });

  it("podman load accepts it as released, tag and ID, and reads its labels back", async () => {
    const storage = join(work, "podman");
    // podman refuses a --runroot longer than 50 characters: a short name in the run's folder.
    const runroot = mkdtempSync(join(tmpdir(), "r"));
    const podman = async (...args: string[]) => {
      const argv = ["--root", `${storage}/root`, "--runroot", runroot, "--storage-driver", "vfs", ...args];
      const r = await outcome(["podman", ...argv]);
      if (r.code !== 0) throw new Error(`podman ${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
      return r.stdout;
    };
    try {
      await podman("--events-backend", "none", "load", "--quiet", "--input", join(dir, ARCHIVE));
      expect(await podman("images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}")).toBe(
        `localhost/hermes-exec-shim:${version} sha256:${manifest[0]?.Config.replace(/\.json$/, "")}\n`,
      );
      expectLabels(
        JSON.parse(await podman("image", "inspect", "--format", "{{json .Labels}}", `hermes-exec-shim:${version}`)),
      );
    } finally {
      await podman("rmi", "--all", "--force");
      rmSync(runroot, { recursive: true, force: true });
    }
  });

  describe("docker load, then README.md's COPY --from recipe", () => {
    const own = `hermes-exec-shim-test/image:${runId}`;
    let tag = "";
    beforeAll(async () => {
      const m = manifest[0] as (typeof manifest)[0];
      writeFileSync(join(work, "image/manifest.json"), JSON.stringify([{ ...m, RepoTags: [own] }]));
      tar(["-cf", "retagged.tar", "-C", "image", "manifest.json", m.Config, m.Layers[0]?.split("/")[0] as string]);
      tags.push(own);
      expect(await docker(["load", "--input", join(work, "retagged.tar")])).toBe(`Loaded image: ${own}\n`);
      tag = await buildRecipe(
        "copy-from",
        DOCKERFILES.image,
        [],
        [
          [`hermes-exec-shim:${version}`, own],
          ["your-hermes-base", hermesBase()],
        ],
      );
    });

    it("has the OCI labels: title, version, revision, source, description, licenses, created", async () => {
      expectLabels(JSON.parse(await docker(["image", "inspect", "--format", "{{json .Config.Labels}}", own])));
    });

    it("loads under the ID the archive promises, the binary's size and no more", async () => {
      const config = readFileSync(join(work, "image", manifest[0]?.Config as string));
      expect((await docker(["image", "inspect", "--format", "{{.Id}}", own])).trim()).toBe(
        `sha256:${createHash("sha256").update(config).digest("hex")}`,
      );
      const binary = statSync(join(dir, "hermes-linux-x64")).size;
      expect((await imageSize(own)) - binary).toBeLessThan(4096);
    });

    it("the image built with it: the binary root's 0755, the links still links, one copy, a root call drops", async () => {
      expect(await sh(tag, "cd /opt/hermes/bin && stat -c '%U %a %F' hermes && readlink hermes-agent hermes-acp")).toBe(
        "root 755 regular file\nhermes\nhermes\n",
      );
      expect(await sh(tag, "hermes whoami && hermes-agent argv0 && hermes-acp argv0")).toBe(
        "uid=10000 gid=10000 home=/opt/data umask=0002\nhermes-agent uid=10000\nhermes-acp uid=10000\n",
      );
      await addsTheBinaryOnce(tag, hermesBase(), statSync(join(dir, "hermes-linux-x64")).size);
    });
  });
});

describe.each([
  ["amd64", ""],
  // No binfmt handler here: the arm64 binary runs under the host's qemu, named on the command line.
  ["arm64", "qemu-aarch64-static "],
])("hermes-exec-shim_VERSION_%s.deb", (arch, runner) => {
  const deb = () => `hermes-exec-shim_${version}_${arch}.deb`;
  let ct: Container;
  beforeAll(async () => {
    const qemu = "/usr/bin/qemu-aarch64-static";
    ct = await Container.create({ runArgs: ["--volume", `${dir}:/release:ro`, "--volume", `${qemu}:${qemu}:ro`] });
    // An image that does not carry the shim yet.
    await ct.ok("rm -r /opt/hermes/bin");
  });
  afterAll(() => ct?.destroy());

  it("holds the binary and its links under /opt/hermes/bin, root's, its docs, and declares no conflict", () => {
    const fields = execFileSync("dpkg-deb", ["--field", join(dir, deb())], { encoding: "utf8" });
    expect(fields).toContain(`Package: hermes-exec-shim\nVersion: ${version}\nArchitecture: ${arch}\n`);
    expect(fields).not.toMatch(/^(Conflicts|Breaks|Replaces|Provides|Pre-Depends):/m);
    const listing = execFileSync("dpkg-deb", ["--contents", join(dir, deb())], { encoding: "utf8" })
      .trimEnd()
      .split("\n")
      .map((line) => line.split(/ +/))
      .map((f) => `${f[0]} ${f[1]} ${f.slice(5).join(" ")}`);
    expect(listing).toEqual([
      "drwxr-xr-x root/root ./",
      "drwxr-xr-x root/root ./opt/",
      "drwxr-xr-x root/root ./opt/hermes/",
      "drwxr-xr-x root/root ./opt/hermes/bin/",
      "-rwxr-xr-x root/root ./opt/hermes/bin/hermes",
      "drwxr-xr-x root/root ./usr/",
      "drwxr-xr-x root/root ./usr/share/",
      "drwxr-xr-x root/root ./usr/share/doc/",
      "drwxr-xr-x root/root ./usr/share/doc/hermes-exec-shim/",
      "-rw-r--r-- root/root ./usr/share/doc/hermes-exec-shim/changelog.gz",
      "-rw-r--r-- root/root ./usr/share/doc/hermes-exec-shim/copyright",
      "drwxr-xr-x root/root ./usr/share/lintian/",
      "drwxr-xr-x root/root ./usr/share/lintian/overrides/",
      "-rw-r--r-- root/root ./usr/share/lintian/overrides/hermes-exec-shim",
      // dpkg-deb writes symlinks last.
      "lrwxrwxrwx root/root ./opt/hermes/bin/hermes-acp -> hermes",
      "lrwxrwxrwx root/root ./opt/hermes/bin/hermes-agent -> hermes",
    ]);
  });

  it("dpkg -i installs it, a root call drops to hermes, and dpkg -r removes every file it brought", async () => {
    // The whole file system but dpkg's log and the stand-in CLI's venv (Python leaves its __pycache__ there).
    const files = () =>
      ct.ok(
        "find / -xdev \\( -path /proc -o -path /sys -o -path /var/log -o -path /opt/hermes/.venv \\) -prune -o -print | sort",
      );
    const before = await files();
    await ct.ok(`dpkg -i /release/${deb()}`);
    expect(await ct.ok("cd /opt/hermes/bin && stat -c '%U:%G %a' hermes && readlink hermes-agent hermes-acp")).toBe(
      "root:root 755\nhermes\nhermes\n",
    );
    expect(await ct.ok(`${runner}/opt/hermes/bin/hermes whoami`)).toBe(
      "uid=10000 gid=10000 home=/opt/data umask=0002\n",
    );
    await ct.ok("dpkg -r hermes-exec-shim");
    expect(await files()).toBe(before);
    expect((await ct.run("dpkg-query --show hermes-exec-shim")).stdout).not.toContain(version);
  });
});

it("README.md's RUN --mount recipe installs the amd64 package with the binary in the image once", async () => {
  const deb = `hermes-exec-shim_${version}_amd64.deb`;
  const tag = await buildRecipe("deb", DOCKERFILES.deb, [deb], [["your-hermes-base", hermesBase()]], true);
  expect(
    await sh(tag, "stat -c '%U %a' /opt/hermes/bin/hermes && hermes whoami && dpkg-query -W hermes-exec-shim"),
  ).toBe(`root 755\nuid=10000 gid=10000 home=/opt/data umask=0002\nhermes-exec-shim\t${version}\n`);
  await addsTheBinaryOnce(tag, hermesBase(), statSync(join(dir, "hermes-linux-x64")).size);
});
