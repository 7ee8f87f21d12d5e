/**
 * The engines besides Docker that operators run the image under: Podman rootful and rootless, and
 * containerd. For the run: a rootless user, a containerd namespace, and the test images loaded into root's
 * Podman, the user's Podman and the namespace, all removed at the run's end with the rest of it (reap.ts).
 * Containers find them through HERMES_TEST_ENGINES.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ctrArgv, namespaceFor } from "./containerd.ts";
import { build, type ImageTags, variantKey } from "./images.ts";
import { makeRootlessUser, podmanArgv, type Rootless } from "./podman.ts";

/** The images every engine holds, by the docker tag they were saved under. */
export interface EngineImages {
  hermes: string;
  /** No helper: the refusal. */
  bare: string;
  /** The exec-state probe as the CLI: the limits it was given. */
  probe: string;
  /** The hermes image with USER 10000:10000, as a pod with runAsUser: 10000 runs it. */
  nonroot: string;
}

export interface Engines {
  rootless: Rootless;
  namespace: string;
  /** Where `ctr tasks exec` makes its FIFOs. */
  ctrFifoDir: string;
  images: EngineImages;
}

export function engines(): Engines {
  const json = process.env.HERMES_TEST_ENGINES;
  if (!json) throw new Error("no test engines: run under `npm test`, whose global setup brings them up");
  return JSON.parse(json) as Engines;
}

async function nonrootImage(hermes: string, runId: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "hermes-nonroot-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), `FROM ${hermes}\nUSER 10000:10000\n`);
    const tag = `hermes-exec-shim-test/nonroot:${runId}`;
    await build(tag, runId, join(dir, "Dockerfile"), dir, {});
    return tag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const exited = (child: ReturnType<typeof spawn>, what: string) =>
  new Promise<void>((resolve, reject) => {
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed: ${stderr.trim()}`))));
  });

/** One `docker save` of the images, streamed into every loader at once: the layers they share go once. */
async function load(tags: string[], loaders: string[][]): Promise<void> {
  const save = spawn("docker", ["save", ...tags], { stdio: ["ignore", "pipe", "pipe"] });
  const done = loaders.map((argv) => {
    // In /: the rootless user's loader cannot enter a clone under a folder only root can enter.
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: "/", stdio: ["pipe", "ignore", "pipe"] });
    // A loader that fails closes its end early; its exit status says so.
    child.stdin?.on("error", () => {});
    save.stdout.pipe(child.stdin as NodeJS.WritableStream);
    return exited(child, `test platform: loading the test images (${argv.join(" ")})`);
  });
  await Promise.all([exited(save, "test platform: docker save"), ...done]);
}

/**
 * Brings the engines up. What of them a failure leaves, the run's teardown removes with the rest of the run
 * (reap.ts): the user, the namespace and the images carry the run's id.
 */
export async function setupEngines(runId: string, tags: ImageTags): Promise<Engines> {
  const namespace = namespaceFor(runId);
  const ctrFifoDir = mkdtempSync(join(tmpdir(), "hermes-ctr-io-"));
  const hermes = tags[variantKey("hermes", "standin", "s6")] as string;
  // The user is made while the image is built: neither waits for the other.
  const [nonroot, rootless] = await Promise.all([nonrootImage(hermes, runId), makeRootlessUser(runId)]);
  const images: EngineImages = {
    hermes,
    bare: tags[variantKey("hermes", "standin", "none")] as string,
    probe: tags[variantKey("hermes", "probe", "s6")] as string,
    nonroot,
  };
  await load(Object.values(images), [
    [...podmanArgv(null), "load", "--quiet"],
    [...podmanArgv(rootless), "load", "--quiet"],
    [...ctrArgv(namespace), "images", "import", "-"],
  ]);
  return { rootless, namespace, ctrFifoDir, images };
}
