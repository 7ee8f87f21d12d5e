/**
 * A throwaway container of a test image (test/platform/hermes.Dockerfile) on
 * the real Docker engine: started detached with `docker run`, driven with
 * `docker exec` exactly as an operator reaches into a Hermes container, and
 * removed with its anonymous volume by destroy().
 */
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import type { ShimConfig } from "../../src/core/config.ts";
import { adminName } from "../../src/core/name.ts";
import { docker, LABEL } from "../platform/docker.ts";
import { build, type Helper, imageTags, variantKey } from "../platform/images.ts";
import { outcome } from "../platform/spawn.ts";

export const REPO = resolve(import.meta.dirname, "../..");
export const RUNTIME_UID = 10000;

export interface ContainerOptions {
  /** The layout the image uses; the shim must have been built for the same. */
  config?: ShimConfig;
  /** Host path of a compiled shim to put in place of the image's own. */
  shim?: string;
  /** What stands at every command's target: console scripts of the Python stand-in CLI, or the exec-state probe. */
  cli?: "standin" | "probe";
  /** The helper the image carries: s6-setuidgid by default, /usr/sbin/gosu, or null for none. */
  helperSource?: string | null;
  /** The image on genuine s6-overlay (test/platform/overlay.Dockerfile); boot it with test/container/overlay.ts. */
  overlay?: boolean;
  /** Extra `docker run` flags: --read-only, --cap-drop ALL, --user 10000:10000, --ulimit … */
  runArgs?: string[];
  /** What the entrypoint runs as PID 1; anything that keeps running. */
  command?: string[];
}

export interface RunOptions {
  /** Run as the runtime user (`docker exec --user 10000:10000`), not as the container's user. */
  asRuntimeUser?: boolean;
  /** Variables to set with `docker exec -e`, over the container's own. */
  env?: Record<string, string>;
  /** Given on stdin (`docker exec -i`). */
  input?: string | Buffer;
  /** None by default: an exec takes its time from its work, however busy the machine. */
  timeoutMs?: number;
}

export interface Result {
  /**
   * The exit status `docker exec` reports. A death by signal N arrives as 128 + N, the way a shell
   * reports it: the docker CLI cannot tell the two apart, so neither can this.
   */
  code: number | null;
  /** Only when the docker CLI itself was killed (the timeout). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const helperOf = (source: string | null | undefined): Helper =>
  source === null ? "none" : source === "/usr/sbin/gosu" ? "gosu" : "s6";

/**
 * The runtime's own report of an uncaught JavaScript error: numbered source lines ("155 |   let result = …")
 * and stack frames ("at dlopen (bun:ffi:155:28)"). The shim must never print one, whatever happens.
 */
export const JS_ERROR_REPORT = /^ *\d+ \| |^\s+at .*:\d+:\d+\)?$/m;

/** Runs `docker` with the exec's stdin, stdout and stderr; the output may be any bytes. */
async function dockerRaw(args: string[], options: RunOptions): Promise<Result> {
  const result = await outcome(["docker", ...args], {
    input: options.input ?? "",
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  // Every invocation in every test: a JavaScript stack trace or source excerpt fails it.
  if (JS_ERROR_REPORT.test(result.stderr) || JS_ERROR_REPORT.test(result.stdout))
    throw new Error(`docker ${args.join(" ")} printed a JavaScript error report:\n${result.stderr}${result.stdout}`);
  return result;
}

export class Container {
  readonly config: ShimConfig;
  readonly shimPath: string;

  private constructor(
    readonly id: string,
    readonly image: string,
    config: ShimConfig,
    /** An image made for this container alone, removed with it. */
    private readonly ownImage: string | null,
  ) {
    this.config = config;
    this.shimPath = `/opt/${config.name}/bin/${config.name}`;
  }

  static async create(options: ContainerOptions = {}): Promise<Container> {
    const config = options.config ?? defaultsFor("hermes");
    const helper = options.overlay ? "overlay" : helperOf(options.helperSource);
    const key = variantKey(config.name, options.cli ?? "standin", helper);
    const runId = process.env.HERMES_TEST_RUN ?? "manual";
    const variant = imageTags()[key];
    if (!variant) throw new Error(`no test image for ${key}`);
    const ownImage = options.shim ? await Container.withShim(variant, options.shim, config, runId) : null;
    const image = ownImage ?? variant;
    const id = (
      await docker([
        "run",
        "--detach",
        "--network",
        "none",
        "--hostname",
        "hermes-test",
        "--label",
        `${LABEL}=${runId}`,
        ...(options.runArgs ?? []),
        image,
        ...(options.command ?? ["sleep", "infinity"]),
      ])
    ).trim();
    // Without --rm: destroy() alone removes it, and a stopped one stays to be read or restarted (`docker restart`
    // of a --rm container races the engine's own removal of it). One a failed file leaves is still removed by the
    // global teardown, with everything else of the run's label.
    return new Container(id, image, config, ownImage);
  }

  /** The variant's image with `shim` in place of its own shim. */
  private static async withShim(variant: string, shim: string, config: ShimConfig, runId: string): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), "hermes-shim-image-"));
    try {
      copyFileSync(shim, join(dir, "shim"));
      chmodSync(join(dir, "shim"), 0o755);
      writeFileSync(join(dir, "Dockerfile"), `FROM ${variant}\nCOPY shim /opt/${config.name}/bin/${config.name}\n`);
      const tag = `hermes-exec-shim-test/own-${Math.random().toString(36).slice(2)}:${runId}`;
      await build(tag, runId, join(dir, "Dockerfile"), dir, {});
      return tag;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Environment of `docker exec` into the image as root: the image's ENV, the hostname, root's HOME. */
  baseEnv(): Record<string, string> {
    return {
      // As in the Hermes image (test/platform/hermes.Dockerfile): the shim first, the venv right after.
      PATH: `/opt/${this.config.name}/bin:/opt/${this.config.name}/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOSTNAME: "hermes-test",
      HERMES_HOME: "/opt/data",
      HOME: "/root",
    };
  }

  /** Runs a /bin/sh script with `docker exec`, as the container's user (root) unless asked otherwise. */
  run(script: string, options: RunOptions = {}): Promise<Result> {
    return this.exec(["/bin/sh", "-c", script], options);
  }

  /** `docker exec [FLAGS] C COMMAND…`: what an operator types, no shell in between. */
  exec(command: string[], options: RunOptions & { flags?: string[] } = {}): Promise<Result> {
    const args = ["exec", ...(options.flags ?? [])];
    if (options.input !== undefined) args.push("--interactive");
    if (options.asRuntimeUser) args.push("--user", `${RUNTIME_UID}:${RUNTIME_UID}`);
    for (const [name, value] of Object.entries(options.env ?? {})) args.push("--env", `${name}=${value}`);
    return dockerRaw([...args, this.id, ...command], options);
  }

  /** Like run(), but fails the test with the output when the script fails. */
  async ok(script: string, options: RunOptions = {}): Promise<string> {
    const r = await this.run(script, options);
    if (r.code !== 0) throw new Error(`exit ${r.code ?? r.signal}: ${script}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /**
   * `hermes-exec-shim doctor FLAGS` as root, its report printed to the run's log beside what the test asserts of
   * it (the admin name follows the build's).
   */
  async doctor(flags = "", options: RunOptions = {}): Promise<Result> {
    const r = await this.run(`${adminName(this.config.name)} doctor ${flags}`, options);
    console.log(`doctor ${flags}: exit ${r.code}\n${r.stdout}${r.stderr}`);
    return r;
  }

  /**
   * Waits until the script `check` succeeds, trying every 0.1 s inside the container: one docker exec however
   * long it takes, with no limit of its own (a busy machine may take minutes to boot a service tree). Fails the
   * test naming what it waited for, `what`, if the container goes away meanwhile.
   */
  async until(check: string, what: string): Promise<void> {
    const r = await this.run(`until (${check}) >/dev/null 2>&1; do sleep 0.1; done`);
    if (r.code !== 0) throw new Error(`the wait for ${what} ended without it (exit ${r.code ?? r.signal})`);
  }

  /** Runs `body` after the script `change`, and the script `undo` afterwards, whatever happens. */
  async altered<T>(change: string, undo: string, body: () => T | Promise<T>): Promise<T> {
    await this.ok(change);
    try {
      return await body();
    } finally {
      await this.ok(undo);
    }
  }

  /** Runs `body` with `path` moved aside, putting it back whatever happens. */
  without<T>(path: string, body: () => T | Promise<T>): Promise<T> {
    return this.altered(`mv ${path} ${path}.aside`, `mv ${path}.aside ${path}`, body);
  }

  /**
   * Runs `body` with neither program the drop can exec (contract §11): s6-applyuidgid, which it runs for a user in
   * /etc/passwd, and s6-setuidgid, the helper it falls back on without one.
   */
  withoutDropPrograms<T>(body: () => T | Promise<T>): Promise<T> {
    return this.without("/command/s6-applyuidgid", () => this.without("/command/s6-setuidgid", body));
  }

  /** Removes the container with its anonymous volume, and the image made for it if any. */
  async destroy(): Promise<void> {
    await outcome(["docker", "rm", "--force", "--volumes", this.id]);
    if (this.ownImage) await outcome(["docker", "rmi", "--force", this.ownImage]);
  }
}
