/**
 * A throwaway container without Docker: an overlay of the host's / (writes
 * go to a tmpfs), its own mount and PID namespaces, entered with chroot.
 * When its holder process ends, every mount and file of it is gone.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defaultsFor, type ShimConfig } from "../../src/core/config.ts";

const HERE = import.meta.dirname;
export const REPO = resolve(HERE, "../..");
export const RUNTIME_UID = 10000;

/** PID 1 of the container: mounts its world, then waits for stdin to close. */
const HOLDER = `
set -e
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /mnt
mkdir /mnt/upper /mnt/work /mnt/root /mnt/stage
mount -t overlay overlay -o lowerdir=/,upperdir=/mnt/upper,workdir=/mnt/work /mnt/root
mount -t proc proc /mnt/root/proc
mount --rbind /dev /mnt/root/dev
mount -t tmpfs -o mode=1777 tmpfs /mnt/root/tmp
mount --bind /mnt/stage /mnt/root/mnt
echo ready
read -r _ || true
`;

export interface ContainerOptions {
  /** The layout the image uses; the shim must have been built for the same. */
  config?: ShimConfig;
  /** Host path of the compiled shim. */
  shim?: string;
  /** What stands at every command's target: console scripts of the Python stand-in CLI, or the exec-state probe. */
  cli?: "standin" | "probe";
  /** Host path of the program installed as config.helper, or null for none. */
  helperSource?: string | null;
}

export interface RunOptions {
  /** Run as the runtime user (like `docker exec --user`), not root. */
  asRuntimeUser?: boolean;
  env?: Record<string, string>;
  input?: string | Buffer;
  timeoutMs?: number;
}

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class Container {
  readonly config: ShimConfig;
  readonly shimPath: string;

  /** PID 1 of the container, as the host sees it (holder is unshare, its parent). */
  private readonly init: number;

  private constructor(
    private readonly holder: ChildProcess,
    config: ShimConfig,
  ) {
    this.config = config;
    this.init = Number(readFileSync(`/proc/${holder.pid}/task/${holder.pid}/children`, "utf8").trim());
    this.shimPath = `/opt/${config.name}/bin/${config.name}`;
  }

  static async create(options: ContainerOptions = {}): Promise<Container> {
    const config = options.config ?? defaultsFor("hermes");
    const holder = spawn("unshare", ["--mount", "--pid", "--fork", "--kill-child", "sh", "-c", HOLDER], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const [chunk] = (await once(holder.stdout, "data")) as [Buffer];
    if (!chunk.toString().startsWith("ready")) throw new Error(`container holder failed: ${chunk}`);
    const ct = new Container(holder, config);
    process.once("exit", () => ct.destroy());
    ct.setUp(options);
    return ct;
  }

  /** Environment of `docker exec` into the image: PATH with the shim first and, as in the Hermes image, the venv next. */
  baseEnv(): Record<string, string> {
    const venvBins = [...new Set(this.config.commands.map((c) => c.target.replace(/\/[^/]+$/, "")))].join(":");
    return {
      PATH: `/opt/${this.config.name}/bin:${venvBins}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: "/root",
      HOSTNAME: "hermes-test",
    };
  }

  /** Runs a /bin/sh script inside the container, as root unless asked otherwise. */
  run(script: string, options: RunOptions = {}): Result {
    const user = options.asRuntimeUser ? [`--userspec=${RUNTIME_UID}:${RUNTIME_UID}`, `--groups=${RUNTIME_UID}`] : [];
    const env = options.env ?? {
      ...this.baseEnv(),
      ...(options.asRuntimeUser ? { HOME: this.config.home } : {}),
    };
    const r = spawnSync(
      "/usr/bin/nsenter",
      ["-t", String(this.init), "-m", "-p", "--", "/usr/sbin/chroot", ...user, "/mnt/root", "/bin/sh", "-c", script],
      { env, input: options.input ?? "", timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 << 20 },
    );
    if (r.error) throw r.error;
    return { code: r.status, signal: r.signal, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  }

  /** Like run(), but fails the test with the output when the script fails. */
  ok(script: string, options: RunOptions = {}): string {
    const r = this.run(script, options);
    if (r.code !== 0) throw new Error(`exit ${r.code ?? r.signal}: ${script}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** Runs `body` after the script `change`, and the script `undo` afterwards, whatever happens. */
  altered<T>(change: string, undo: string, body: () => T): T {
    this.ok(change);
    try {
      return body();
    } finally {
      this.ok(undo);
    }
  }

  /** Runs `body` with `path` moved aside, putting it back whatever happens. */
  without<T>(path: string, body: () => T): T {
    return this.altered(`mv ${path} ${path}.aside`, `mv ${path}.aside ${path}`, body);
  }

  /** Copies host files into /mnt (outside the overlay) where setup scripts find them. */
  private stage(from: string, name: string): string {
    const r = spawnSync("/usr/bin/nsenter", [
      "-t",
      String(this.init),
      "-m",
      "--",
      "cp",
      "-a",
      from,
      `/mnt/stage/${name}`,
    ]);
    if (r.status !== 0) throw new Error(`staging ${from}: ${r.stderr}`);
    return `/mnt/${name}`;
  }

  private setUp(options: ContainerOptions): void {
    const { name, commands, user, helper, home } = this.config;
    const shim = this.stage(options.shim ?? resolve(REPO, "dist", name), "shim");
    const targets = commands.map((c) => c.target);
    const [first] = targets as [string];
    const venv = first.replace(/\/bin\/[^/]+$/, "");
    const lines = [
      "set -e",
      `groupadd -g ${RUNTIME_UID} ${user}`,
      `useradd -u ${RUNTIME_UID} -g ${RUNTIME_UID} -d ${home} -M -s /usr/sbin/nologin ${user}`,
      `mkdir -p ${home} && chown ${user}:${user} ${home}`,
      `install -D -m 0755 ${shim} ${this.shimPath}`,
      // As install.sh does: one binary, a relative symlink for every other command name.
      ...commands.filter((c) => c.name !== name).map((c) => `ln -s ${name} /opt/${name}/bin/${c.name}`),
    ];
    if (options.cli === "probe") {
      const src = this.stage(resolve(HERE, "execstate.c"), "execstate.c");
      lines.push(`mkdir -p ${venv}/bin`, `cc -O2 -o ${first} ${src}`);
      for (const target of targets.slice(1)) lines.push(`install -D -m 0755 ${first} ${target}`);
    } else {
      const pkg = this.stage(resolve(HERE, "standin/hermes_standin"), "hermes_standin");
      lines.push(
        `python3 -m venv --without-pip ${venv}`,
        `site=$(${venv}/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')`,
        `cp -r ${pkg} "$site/"`,
      );
      // Every command a console script exactly as pip writes one; all run the stand-in, which can say which ran.
      for (const target of targets) {
        lines.push(
          `mkdir -p ${target.replace(/\/[^/]+$/, "")}`,
          `cat > ${target} <<'PY'`,
          `#!${venv}/bin/python`,
          "# -*- coding: utf-8 -*-",
          "import re",
          "import sys",
          "from hermes_standin.cli import main",
          "if __name__ == '__main__':",
          "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])",
          "    sys.exit(main())",
          "PY",
          `chmod 0755 ${target}`,
        );
      }
      // As in the Hermes image, the runtime user owns the venv.
      lines.push(`chown -R ${user}:${user} ${venv}`);
    }
    const helperSource = options.helperSource === undefined ? "/usr/bin/s6-setuidgid" : options.helperSource;
    if (helperSource !== null) lines.push(`install -D -m 0755 ${this.stage(helperSource, "helper")} ${helper}`);
    this.ok(lines.join("\n"));
  }

  destroy(): void {
    if (this.holder.exitCode === null && this.holder.signalCode === null) {
      this.holder.stdin?.end();
      this.holder.kill("SIGKILL");
    }
  }
}
