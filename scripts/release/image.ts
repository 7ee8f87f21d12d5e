/**
 * The image to `COPY --from`: what `docker build` makes of `FROM scratch` plus one COPY of the binary and its
 * links, written as the archive `docker save` writes (manifest.json, the config, one layer tar), which
 * `docker load` and `podman load` accept. Written here rather than built and saved, because an engine stamps
 * every build with the time: this way two releases from the same commit give the same archive, and the
 * image ID (the config's digest) is known before anything is loaded. The notices ride in the archive beside
 * manifest.json, which both engines ignore, and not in the layer: `COPY --from=IMAGE / DIR` copies the whole
 * layer onto PATH, so it must hold the binary and its links only. The OCI labels say the rest.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tar } from "./tar.ts";
import { shimTree } from "./tree.ts";

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

/** The org.opencontainers.image.* labels, by their last word. */
export interface ImageLabels {
  title: string;
  version: string;
  revision: string;
  source: string;
  description: string;
  licenses: string;
}

export async function writeImage(
  binary: string,
  commands: readonly string[],
  tag: string,
  labels: ImageLabels,
  notices: { name: string; text: string },
  epoch: number,
  archive: string,
): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "hermes-image-"));
  try {
    const names = await shimTree(binary, join(work, "root"), commands);
    tar(join(work, "root"), names, join(work, "layer.tar"), epoch);
    const diffId = sha256(await readFile(join(work, "layer.tar")));
    const created = new Date(epoch * 1000).toISOString();
    const config = JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: {
        Labels: Object.fromEntries(
          Object.entries({ ...labels, created }).map(([key, value]) => [`org.opencontainers.image.${key}`, value]),
        ),
      },
      created,
      history: [{ created, created_by: `COPY ${names.join(" ")} / # scripts/release.ts` }],
      rootfs: { type: "layers", diff_ids: [`sha256:${diffId}`] },
    });
    const configId = sha256(config);
    const layerPath = `${diffId}/layer.tar`;
    await writeFile(join(work, `${configId}.json`), config);
    await writeFile(
      join(work, "manifest.json"),
      JSON.stringify([{ Config: `${configId}.json`, RepoTags: [tag], Layers: [layerPath] }]),
    );
    await mkdir(join(work, diffId), { mode: 0o755 });
    await rename(join(work, "layer.tar"), join(work, layerPath));
    await writeFile(join(work, notices.name), notices.text);
    tar(work, ["manifest.json", `${configId}.json`, diffId, notices.name], archive, epoch);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
