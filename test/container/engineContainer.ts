/**
 * A throwaway container of a test image on an engine besides Docker, driven the way operators reach in:
 * `podman exec` (rootful, or rootless as the run's user) and containerd's `ctr tasks exec`, which is what
 * `kubectl exec` arrives at on a node. Calls do not block, so engines and cases can run side by side.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { chmod, lchown, lstat, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ctrArgv, ctrImage, removeContainer } from "../platform/containerd.ts";
import { LABEL } from "../platform/docker.ts";
import { type EngineImages, engines } from "../platform/engines.ts";
import { podmanArgv, ulimits } from "../platform/podman.ts";
import { outcome as spawnOutcome } from "../platform/spawn.ts";
import { JS_ERROR_REPORT, type Result } from "./container.ts";

export interface EngineExecOptions {
  /** The engine's --user: a name or uid:gid of the container's. */
  user?: string;
  env?: Record<string, string>;
  /** Given on stdin. */
  input?: string | Buffer;
  /** None by default, as in container.ts. */
  timeoutMs?: number;
}

const runId = () => process.env.HERMES_TEST_RUN ?? "manual";

/** Runs argv to its end; a JavaScript error report in the output fails the caller, as in container.ts. */
async function outcome(argv: string[], options: EngineExecOptions = {}): Promise<Result> {
  const { input, timeoutMs } = options;
  // In /: rootless Podman runs as a user who cannot enter a clone under a folder only root can enter.
  const r = await spawnOutcome(argv, {
    cwd: "/",
    ...(input === undefined ? {} : { input }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  if (JS_ERROR_REPORT.test(r.stderr) || JS_ERROR_REPORT.test(r.stdout))
    throw new Error(`${argv.join(" ")} printed a JavaScript error report:\n${r.stderr}${r.stdout}`);
  return r;
}

async function must(argv: string[]): Promise<string> {
  const r = await outcome(argv);
  if (r.code !== 0) throw new Error(`${argv.join(" ")}: exit ${r.code ?? r.signal}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

export abstract class EngineContainer {
  protected constructor(
    readonly id: string,
    /** The engine's CLI. */
    protected readonly cli: string[],
  ) {}

  /** The exec subcommand and its flags, the container and the command. */
  protected abstract execArgs(command: string[], options: EngineExecOptions, tty: boolean): string[];

  exec(command: string[], options: EngineExecOptions = {}): Promise<Result> {
    return outcome([...this.cli, ...this.execArgs(command, options, false)], options);
  }

  /** With a terminal: the engine's CLI run under script's pty, as from an operator's terminal. */
  execTty(command: string[], input: string): Promise<Result> {
    const argv = [...this.cli, ...this.execArgs(command, {}, true)];
    return outcome(["script", "-qec", argv.map(quote).join(" "), "/dev/null"], { input });
  }

  run(script: string, options: EngineExecOptions = {}): Promise<Result> {
    return this.exec(["/bin/sh", "-c", script], options);
  }

  async ok(script: string, options: EngineExecOptions = {}): Promise<string> {
    const r = await this.run(script, options);
    if (r.code !== 0) throw new Error(`exit ${r.code ?? r.signal}: ${script}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** A container a failed file leaves is still removed by the global teardown, with the run's label. */
  abstract destroy(): Promise<void>;
}

export interface PodmanOptions {
  rootless: boolean;
  image?: keyof EngineImages;
  /** Extra `podman run` flags: --userns keep-id, … */
  runArgs?: string[];
  /** The container's RLIMIT_NOFILE, soft:hard. */
  nofile?: string;
}

export class PodmanContainer extends EngineContainer {
  static async create(options: PodmanOptions): Promise<PodmanContainer> {
    const cli = podmanArgv(options.rootless ? engines().rootless : null);
    const id = await must([
      ...cli,
      ...["run", "--detach", "--rm", "--network", "none", "--hostname", "hermes-test"],
      ...["--label", `${LABEL}=${runId()}`, ...ulimits(options.nofile), ...(options.runArgs ?? [])],
      engines().images[options.image ?? "hermes"],
      ...["sleep", "infinity"],
    ]);
    return new PodmanContainer(id.trim(), cli);
  }

  protected execArgs(command: string[], options: EngineExecOptions, tty: boolean): string[] {
    const flags = tty ? ["--interactive", "--tty"] : options.input !== undefined ? ["--interactive"] : [];
    if (options.user) flags.push("--user", options.user);
    for (const [name, value] of Object.entries(options.env ?? {})) flags.push("--env", `${name}=${value}`);
    return ["exec", ...flags, this.id, ...command];
  }

  async destroy(): Promise<void> {
    await outcome([...this.cli, "rm", "--force", "--volumes", "--time", "0", this.id]);
  }
}

export interface CtrOptions {
  image?: keyof EngineImages;
  /** Extra `ctr run` flags: --read-only, --cap-drop CAP_…, --mount … */
  runArgs?: string[];
}

let execs = 0;

/**
 * `ctr tasks exec --user NAME` (or a bare uid) mounts the running container's snapshot a second time to
 * read its /etc/passwd, and that second overlay mount of the same upper and work directories breaks the
 * first: the container's writes then fail with ENOENT (the kernel warns "upperdir is in-use"). uid:gid is
 * taken as given, as Kubernetes takes runAsUser.
 */
const IDS: Record<string, string> = { root: "0:0", hermes: "10000:10000" };

export class CtrContainer extends EngineContainer {
  private rootfs: string | null = null;

  /**
   * `ctr run` replaces the image's ENTRYPOINT and CMD with the command given, as a pod's `command:` does,
   * so PID 1 is `sleep infinity` as the image's user.
   */
  static async create(options: CtrOptions = {}): Promise<CtrContainer> {
    const { namespace, images } = engines();
    const id = `c${Math.random().toString(36).slice(2)}`;
    const ct = new CtrContainer(id, ctrArgv(namespace));
    await must([
      ...ct.cli,
      ...["run", "--detach", "--null-io", "--label", `${LABEL}=${runId()}`, ...(options.runArgs ?? [])],
      ctrImage(images[options.image ?? "hermes"]),
      ...[id, "sleep", "infinity"],
    ]);
    return ct;
  }

  /**
   * A container in a user namespace of its own (a pod with hostUsers: false): its root is the run's first
   * subordinate uid on the host. ctr's --uidmap cannot be used here: it remaps a snapshot under the state
   * directory of docker.io's containerd, in /run/docker (mode 0700), where runc, as the mapped root, cannot
   * reach it. So the image's files are copied to a directory the mapped root can reach, shifted into the
   * range, and run from a spec of its own (fromSpec).
   */
  static createUserNamespaced(): Promise<CtrContainer> {
    return CtrContainer.fromSpec({ userNamespace: true });
  }

  /**
   * A pod with securityContext.supplementalGroups: the kubelet puts them in the container's process spec, so
   * every process holds them, and kubectl exec's too (an exec here without --user takes the container's user).
   * ctr run has no flag for them: the container runs from a spec of its own (fromSpec).
   */
  static createWithGroups(gids: number[]): Promise<CtrContainer> {
    return CtrContainer.fromSpec({ additionalGids: gids });
  }

  /**
   * The image's files copied to a directory of the run's and run from a spec of containerd's defaults
   * (`ctr oci spec`) with what the pod adds; a spec given whole takes nothing from the image config, so its
   * ENV is written in.
   */
  private static async fromSpec(pod: { userNamespace?: boolean; additionalGids?: number[] }): Promise<CtrContainer> {
    const { namespace, images, rootless } = engines();
    const id = `c${Math.random().toString(36).slice(2)}`;
    const ct = new CtrContainer(id, ctrArgv(namespace));
    const dir = mkdtempSync(join(tmpdir(), "hermes-ctr-"));
    chmodSync(dir, 0o755);
    ct.rootfs = join(dir, "rootfs");
    mkdirSync(ct.rootfs);
    const created = (await must(["docker", "create", "--label", `${LABEL}=${runId()}`, images.hermes])).trim();
    try {
      await must(["sh", "-c", 'docker export "$1" | tar -x --numeric-owner -C "$2"', "sh", created, ct.rootfs]);
    } finally {
      // With its anonymous volume: the image declares VOLUME /opt/data, and a plain rm would leave it behind.
      await outcome(["docker", "rm", "--volumes", created]);
    }
    const spec = JSON.parse(await must([...ct.cli, "oci", "spec"]));
    spec.root = { path: ct.rootfs, readonly: false };
    spec.process.args = ["sleep", "infinity"];
    spec.process.env = [
      "PATH=/opt/hermes/bin:/opt/hermes/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "HERMES_HOME=/opt/data",
    ];
    if (pod.additionalGids) spec.process.user.additionalGids = pod.additionalGids;
    if (pod.userNamespace) {
      await shiftOwners(ct.rootfs, rootless.subid);
      const map = [{ containerID: 0, hostID: rootless.subid, size: 65536 }];
      spec.linux.namespaces.push({ type: "user" });
      Object.assign(spec.linux, { uidMappings: map, gidMappings: map });
    }
    spec.linux.cgroupsPath = `/${namespace}/${id}`;
    writeFileSync(join(dir, "config.json"), JSON.stringify(spec));
    await must([
      ...ct.cli,
      "run",
      "--detach",
      "--null-io",
      "--label",
      `${LABEL}=${runId()}`,
      "--config",
      join(dir, "config.json"),
      id,
    ]);
    return ct;
  }

  /** The host path of a file in a container run from a spec of its own. */
  hostPath(path: string): string {
    if (!this.rootfs) throw new Error("only a container run from its own spec has its rootfs on the host");
    return join(this.rootfs, path);
  }

  protected execArgs(command: string[], options: EngineExecOptions, tty: boolean): string[] {
    // Its FIFOs in the run's directory: a ctr that is killed leaves them behind.
    const flags = [
      "--exec-id",
      `e${++execs}-${Math.random().toString(36).slice(2)}`,
      "--fifo-dir",
      engines().ctrFifoDir,
    ];
    if (tty) flags.push("--tty");
    if (options.user) flags.push("--user", IDS[options.user] ?? options.user);
    // ctr tasks exec has no --env, nor has kubectl exec: the caller's environment comes through env(1).
    const env = Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`);
    const argv = [...(env.length ? ["env", ...env] : []), ...command];
    // This ctr stops copying a process's output once it has exited, so under load it can lose the last
    // write of a command that exits right after it (2 of 200 here): a shell around it lingers a moment.
    // The command then has a parent inside the container, as under `kubectl exec -- sh -c`.
    const linger = tty ? [] : ["sh", "-c", '"$@"; s=$?; sleep 0.05; exit $s', "sh"];
    return ["tasks", "exec", ...flags, this.id, ...linger, ...argv];
  }

  async destroy(): Promise<void> {
    await removeContainer(engines().namespace, this.id);
    if (this.rootfs) await rm(join(this.rootfs, ".."), { recursive: true, force: true });
  }
}

/**
 * Adds `base` to every owner and group under `dir`, as a remapped snapshot does; chown's loss of set-id bits
 * undone. A whole Debian tree, so one call at a time alongside the worker.
 */
async function shiftOwners(path: string, base: number): Promise<void> {
  const st = await lstat(path);
  await lchown(path, st.uid + base, st.gid + base);
  if (!st.isSymbolicLink() && st.mode & 0o6000) await chmod(path, st.mode & 0o7777);
  if (st.isDirectory()) for (const name of await readdir(path)) await shiftOwners(join(path, name), base);
}
