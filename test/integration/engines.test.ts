/**
 * What an operator does, on every engine besides Docker (docs/engines.md): `podman exec` rootful and
 * rootless, and containerd's `ctr tasks exec`, where `kubectl exec` arrives on a Kubernetes node. Each
 * engine gets one container per image, the engines run side by side, and so do the cases on each: no
 * case changes what another sees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CtrContainer, type EngineContainer, PodmanContainer } from "../container/engineContainer.ts";
import { DROPPED, EXIT_STATUSES } from "../container/standin.ts";
import { type EngineImages, engines } from "../platform/engines.ts";

type Image = keyof Omit<EngineImages, "nonroot">;

interface Engine {
  start(image: Image): Promise<EngineContainer>;
  /** RLIMIT_NOFILE of the probe container, soft:hard: given to Podman, containerd's own default. */
  nofile: string;
}

const podman = (rootless: boolean): Engine => ({
  start: (image) => PodmanContainer.create({ rootless, image, ...(image === "probe" ? { nofile: "1024:4096" } : {}) }),
  nofile: "1024:4096",
});

const ENGINES: [string, Engine][] = [
  ["podman, rootful", podman(false)],
  ["podman, rootless", podman(true)],
  ["containerd (ctr)", { start: (image) => CtrContainer.create({ image }), nofile: "1024:1024" }],
];

const RLIMIT_NOFILE = 7;

describe.concurrent.each(ENGINES)("%s", (_, engine) => {
  const cts: Partial<Record<Image, EngineContainer>> = {};
  beforeAll(async () => {
    await Promise.all((["hermes", "bare", "probe"] as const).map(async (i) => (cts[i] = await engine.start(i))));
  });
  afterAll(() => Promise.all(Object.values(cts).map((ct) => ct.destroy())));
  const ct = (image: Image = "hermes") => cts[image] as EngineContainer;

  it("root drops: the CLI runs as hermes and the file it writes is hermes:hermes", async () => {
    expect(await ct().exec(["hermes", "config", "set", "model", "opus"])).toMatchObject({
      code: 0,
      stdout: "set model\n",
      stderr: "",
    });
    expect(await ct().ok("stat -c '%U:%G %a' /opt/data/config.yaml")).toBe("hermes:hermes 600\n");
    expect((await ct().exec(["hermes", "whoami"])).stdout).toBe(DROPPED);
  });

  it("--user hermes passes straight through", async () => {
    const r = await ct().exec(["hermes", "whoami"], { user: "hermes" });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^uid=10000 gid=10000 home=\/opt\/data umask=0022\n$/);
  });

  it("HERMES_DOCKER_EXEC_AS_ROOT=1 keeps root, silently since the venv is root's; near misses drop", async () => {
    const kept = await ct().exec(["hermes", "whoami"], { env: { HERMES_DOCKER_EXEC_AS_ROOT: "1" } });
    expect(kept.stdout).toMatch(/^uid=0 gid=0 /);
    expect(kept.stderr).toBe("");
    for (const value of ["0", "on", " 1", ""]) {
      const r = await ct().exec(["hermes", "whoami"], { env: { HERMES_DOCKER_EXEC_AS_ROOT: value } });
      expect(r.stdout, JSON.stringify(value)).toBe(DROPPED);
    }
  });

  it("an image without the helper: 126 and the shim's refusal, the CLI never ran", async () => {
    const r = await ct("bare").exec(["hermes", "config", "set", "should", "not"]);
    expect(r).toMatchObject({ code: 126, stdout: "" });
    expect(r.stderr).toContain("refusing to run hermes as root");
    expect((await ct("bare").run("test -e /opt/data/config.yaml")).code).not.toBe(0);
  });

  // Each engine reports a death by signal N as 128 + N, as docker exec and a shell do.
  it.each(EXIT_STATUSES)("hermes %j: the exec exits %i, as root and as hermes", async (args, code) => {
    expect((await ct().exec(["hermes", ...args])).code).toBe(code);
    expect((await ct().exec(["hermes", ...args], { user: "hermes" })).code).toBe(code);
  });

  it("stdin reaches the CLI, no terminal", async () => {
    expect(await ct().exec(["hermes", "prompt"], { input: "Ada\n" })).toMatchObject({
      code: 0,
      stdout: "Your name? hello Ada (tty=000)\n",
    });
  });

  it("with a terminal (exec -t, the engine's CLI under script's pty) the CLI gets it", async () => {
    const r = await ct().execTty(["hermes", "prompt"], "Ada\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Your name? ");
    expect(r.stdout).toContain("hello Ada (tty=111)");
  });

  it(`the container's RLIMIT_NOFILE (${engine.nofile}) reaches the CLI through the shim, as root and as hermes`, async () => {
    const nofile = async (command: string, user?: string) => {
      const r = await ct("probe").exec([command], user ? { user } : {});
      expect(r.code).toBe(0);
      return r.stdout.match(/^rlimits=(.*)$/m)?.[1]?.split(",")[RLIMIT_NOFILE];
    };
    for (const user of [undefined, "hermes"]) {
      // A direct exec's soft limit is the engine's and runc's affair (runc exec hands the soft limit on only
      // some of the time, as Docker's does); the hard one and the shim's answer are the container's.
      expect(await nofile("/opt/hermes/.venv/bin/hermes", user)).toMatch(
        new RegExp(`^\\d+:${engine.nofile.split(":")[1]}$`),
      );
      expect(await nofile("hermes", user)).toBe(engine.nofile);
    }
  });

  // Last and alone: containerd 1.6's shim starts one exec at a time and holds back every exit until that
  // start is done, so 50 of them keep a case beside them from hearing its exit for a minute (seen in CI).
  // Each exec waits as long as the case may: one killed while queued leaves the shim stuck for good.
  it.sequential("20 concurrent execs: every call drops, every file is hermes's", async () => {
    const note = (i: number) => ct().exec(["hermes", "note", `n${i}`]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => note(i)));
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
    const summary = await ct().ok(
      "ls /opt/data/notes | wc -l; find /opt/data/notes ! -user hermes | wc -l; cat /opt/data/notes/* | sort | uniq -c",
    );
    expect(summary.split("\n").map((l) => l.trim())).toEqual(["20", "0", "20 10000", ""]);
  });
});

describe.concurrent("podman, rootless, --userns keep-id: the exec runs as the host user", () => {
  let ct: PodmanContainer;
  beforeAll(async () => {
    ct = await PodmanContainer.create({ rootless: true, runArgs: ["--userns", "keep-id"] });
  });
  afterAll(() => ct.destroy());

  it("not root, so the shim passes straight through as the host user's uid", async () => {
    const { uid, gid } = engines().rootless;
    const r = await ct.exec(["hermes", "whoami"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^uid=${uid} gid=${gid} `));
    // The host user does not own the volume: one line says so before the CLI runs (contract §7).
    expect(r.stderr).toBe(
      `hermes: warning: uid ${uid} cannot write HERMES_HOME /opt/data: it is owned by uid 10000 gid 10000, ` +
        "mode 0755, so the hermes CLI may fail; run it as root (docker exec without --user: the shim drops to " +
        "hermes), or as hermes (docker exec --user hermes)\n",
    );
  });

  it("what the host user cannot write fails with the CLI's own exit status, and nothing runs as root", async () => {
    const r = await ct.exec(["hermes", "config", "set", "model", "opus"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hermes: warning: uid \d+ cannot write HERMES_HOME \/opt\/data: [^\n]*\n/);
    expect(r.stderr).toContain("PermissionError");
    expect((await ct.run("test -e /opt/data/config.yaml")).code).not.toBe(0);
  });

  it("--user root there still drops to hermes", async () => {
    expect(await ct.exec(["hermes", "login", "nous"], { user: "root" })).toMatchObject({ code: 0 });
    expect(await ct.ok("stat -c '%U:%G %a' /opt/data/auth.json")).toBe("hermes:hermes 600\n");
    expect((await ct.exec(["hermes", "whoami"], { user: "root" })).stdout).toBe(DROPPED);
  });
});
