/**
 * The test images: test/platform/hermes.Dockerfile built once per run for
 * each variant the tests use, and overlay.Dockerfile for the one on genuine
 * s6-overlay, from the local base image, under tags unique to the run.
 * Containers find them through HERMES_TEST_IMAGES.
 */
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BUILDKIT, docker, LABEL } from "./docker.ts";
import { outcome } from "./spawn.ts";

const HERE = import.meta.dirname;
export const REPO = resolve(HERE, "../..");
const CONTAINER = resolve(REPO, "test/container");

export type Cli = "standin" | "probe";
/** s6: Debian's s6 programs at /command; overlay: genuine s6-overlay from its release tarballs, /init as PID 1. */
export type Helper = "s6" | "overlay" | "gosu" | "none";

export interface Variant {
  name: string;
  /** The commands the shim guards: a console script and a link to the shim for each. */
  commands: string[];
  cli: Cli;
  helper: Helper;
  /** scripts/build.ts flags for this variant's shim; none means the default build in dist/. */
  build: string[];
}

const HERMES = ["hermes", "hermes-agent", "hermes-acp"];

export const VARIANTS: Record<string, Variant> = {
  hermes: { name: "hermes", commands: HERMES, cli: "standin", helper: "s6", build: [] },
  probe: { name: "hermes", commands: HERMES, cli: "probe", helper: "s6", build: [] },
  bare: { name: "hermes", commands: HERMES, cli: "standin", helper: "none", build: [] },
  gosu: { name: "hermes", commands: HERMES, cli: "standin", helper: "gosu", build: ["--helper", "/usr/sbin/gosu"] },
  overlay: { name: "hermes", commands: HERMES, cli: "standin", helper: "overlay", build: [] },
  // A fork that guards two commands of its own.
  rabbit: {
    name: "rabbit",
    commands: ["rabbit", "rabbit-agent"],
    cli: "standin",
    helper: "s6",
    build: ["--name", "rabbit", "--command", "rabbit", "--command", "rabbit-agent"],
  },
};

export const variantKey = (name: string, cli: Cli, helper: Helper) => `${name}/${cli}/${helper}`;

/** Tags by variant key, plus `base` and `node`: what the run built, as the tests see it. */
export type ImageTags = Record<string, string>;

export function imageTags(): ImageTags {
  const json = process.env.HERMES_TEST_IMAGES;
  if (!json) throw new Error("no test images: run under `npm test`, whose global setup builds them");
  return JSON.parse(json) as ImageTags;
}

async function run(command: string, args: string[]): Promise<void> {
  const r = await outcome([command, ...args], { cwd: REPO });
  if (r.code !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${r.stderr.trim()}`);
}

/** Compiles the shim a variant needs into dir/shim, root's and mode 0755 as the image must hold it. */
async function shimFor(variant: Variant, dir: string): Promise<void> {
  const shim = join(dir, "shim");
  if (variant.build.length === 0) copyFileSync(join(REPO, "dist", variant.name), shim);
  else await run(join(REPO, "node_modules/.bin/bun"), ["scripts/build.ts", ...variant.build, "--outfile", shim]);
  chmodSync(shim, 0o755);
}

/** A build context: the shim, and under layout/ what layout.sh installs around it. */
async function context(variant: Variant, work: string, probe: string): Promise<string> {
  const dir = mkdtempSync(join(work, "context-"));
  const layout = join(dir, "layout");
  mkdirSync(layout);
  for (const file of ["layout.sh", "entrypoint.sh", "overlay.sh"]) copyFileSync(join(HERE, file), join(layout, file));
  if (variant.helper === "overlay")
    cpSync(join(HERE, "s6-overlay/3.1.6.2"), join(dir, "s6-overlay/3.1.6.2"), { recursive: true });
  cpSync(join(CONTAINER, "standin/hermes_standin"), join(layout, "hermes_standin"), { recursive: true });
  copyFileSync(probe, join(layout, "execstate"));
  chmodSync(join(layout, "execstate"), 0o755);
  await shimFor(variant, dir);
  return dir;
}

/**
 * Builds an image from `dockerfile` and `dir`, labelled for the run, leaving no intermediate containers, with
 * the classic builder unless `buildKit`. `flags` go before the defaults: a later --network wins.
 */
export function build(
  tag: string,
  runId: string,
  dockerfile: string,
  dir: string,
  args: Record<string, string>,
  flags: string[] = [],
  buildKit = false,
): Promise<string> {
  const buildArgs = Object.entries(args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  return docker(
    [
      "build",
      "--quiet",
      "--force-rm",
      "--network",
      "none",
      ...flags,
      "--label",
      `${LABEL}=${runId}`,
      ...buildArgs,
      "-f",
      dockerfile,
      "-t",
      tag,
      dir,
    ],
    buildKit ? BUILDKIT : undefined,
  );
}

/** Builds every variant; returns their tags by variant key. */
export async function buildVariants(base: string, runId: string): Promise<ImageTags> {
  const work = mkdtempSync(join(tmpdir(), "hermes-images-"));
  try {
    const probe = join(work, "execstate");
    const cc = await outcome(["gcc", "-O2", "-o", probe, join(CONTAINER, "execstate.c")]);
    if (cc.code !== 0) throw new Error(`test platform: compiling the exec-state probe failed: ${cc.stderr}`);
    const entries = await Promise.all(
      Object.entries(VARIANTS).map(async ([id, v]) => {
        const tag = `hermes-exec-shim-test/${id}:${runId}`;
        const dir = await context(v, work, probe);
        const dockerfile = v.helper === "overlay" ? "overlay.Dockerfile" : "hermes.Dockerfile";
        await build(tag, runId, join(HERE, dockerfile), dir, {
          BASE: base,
          NAME: v.name,
          CLI: v.cli,
          HELPER: v.helper,
          COMMANDS: v.commands.join(" "),
        });
        return [variantKey(v.name, v.cli, v.helper), tag] as const;
      }),
    );
    return Object.fromEntries(entries);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
