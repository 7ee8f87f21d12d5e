/**
 * contract §7, a home on a read-only filesystem: a `:ro` volume (a Kubernetes ConfigMap or Secret looks the
 * same from inside), or `docker run --read-only` with the home left on the image. The permission bits allow the
 * write, and the kernel refuses it, even to root. Each shape on the real engine, asserting what the operator
 * sees: one line naming the path and "read-only filesystem", remedies that work there (never the opt-out alone),
 * the CLI's own status, nothing run as root; and doctor's PROBLEM.
 */
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container, type Result } from "../container/container.ts";
import { CtrContainer } from "../container/engineContainer.ts";

const CLI = "/opt/hermes/.venv/bin/hermes";
const HELPER = "/command/s6-setuidgid";

const made: Container[] = [];
const pods: CtrContainer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.allSettled([...made, ...pods].map((ct) => ct.destroy()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function container(runArgs: string[]): Promise<Container> {
  const ct = await Container.create({ runArgs });
  made.push(ct);
  return ct;
}

/** Every line the shim printed, apart from what the CLI itself printed. */
const shimLines = (r: Result) => r.stderr.split("\n").filter((l) => l.startsWith("hermes: "));

const remedies = (dir: string) =>
  `mount ${dir} read-write (no :ro on the volume, readOnly: false in Kubernetes), or point HERMES_HOME at a writable ` +
  "volume (docker run -e HERMES_HOME=/data -v NAME:/data)";

/** The same command straight through the helper, as the shim runs it, without the shim: its exit status. */
const direct = async (ct: Container, args: string) =>
  (await ct.run(`HOME=/opt/data ${HELPER} hermes ${CLI} ${args}`)).code;

describe("a volume mounted read-only (:ro) on the home", () => {
  let ct: Container;
  beforeAll(async () => {
    // hermes's own directory, 0755: the bits say yes, the mount says no.
    const dir = mkdtempSync(join(tmpdir(), "hermes-ro-"));
    dirs.push(dir);
    chownSync(dir, 10000, 10000);
    ct = await container(["--volume", `${dir}:/opt/data:ro`]);
    expect(await ct.ok("stat -c '%u %a' /opt/data")).toBe("10000 700\n");
  });

  it("root: one line naming the home and the read-only filesystem, with what works; the CLI's own failure and status", async () => {
    const r = await ct.run("hermes config set k 1");
    expect(shimLines(r)).toEqual([
      "hermes: warning: hermes (uid 10000) cannot write HERMES_HOME /opt/data: /opt/data is on a read-only filesystem, " +
        `so the hermes CLI may fail; ${remedies("/opt/data")}`,
    ]);
    expect(r.stderr).toContain("Read-only file system");
    expect(r.code).toBe(await direct(ct, "config set k 1"));
    expect(r.code).not.toBe(0);
  });

  it("as root it still drops: the CLI runs as hermes, never as root", async () => {
    const r = await ct.run("hermes whoami");
    expect(r.stdout).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
  });

  it("the opt-out is no way round it: root cannot write there either", async () => {
    const r = await ct.run("hermes config set k 1", { env: { ...ct.baseEnv(), HERMES_DOCKER_EXEC_AS_ROOT: "1" } });
    expect(r.stderr).toContain("Read-only file system");
    expect(r.code).not.toBe(0);
  });

  it("as hermes (the pass-through): the same line in its own words, not 'run it as root'", async () => {
    const r = await ct.run("hermes config set k 1", { asRuntimeUser: true });
    expect(shimLines(r)).toEqual([
      "hermes: warning: uid 10000 cannot write HERMES_HOME /opt/data: /opt/data is on a read-only filesystem, " +
        `so the hermes CLI may fail; ${remedies("/opt/data")}`,
    ]);
  });

  it("doctor: a PROBLEM naming the path and the read-only filesystem, exit 1", async () => {
    const r = await ct.run("ln -sf hermes /opt/hermes/bin/hermes-exec-shim && hermes-exec-shim doctor");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "PROBLEM  hermes (uid 10000) cannot write HERMES_HOME /opt/data: /opt/data is on a read-only filesystem\n" +
        `         remedy: ${remedies("/opt/data")}\n`,
    );
    expect(r.stdout).not.toContain("can write to it");
  });

  it("the remedy at work: HERMES_HOME on a writable volume, where the CLI writes; the drop HOME is still named", async () => {
    const r = await ct.run(
      "mkdir -p /tmp/data && chown hermes: /tmp/data && HERMES_HOME=/tmp/data hermes config set k 1",
    );
    expect(r.code).toBe(0);
    expect(shimLines(r)).toEqual([
      "hermes: warning: hermes (uid 10000) cannot write its home /opt/data: /opt/data is on a read-only filesystem, " +
        "so the hermes CLI may fail; mount a writable volume on /opt/data (docker run -v NAME:/opt/data, an emptyDir in Kubernetes)",
    ]);
    expect(await ct.ok("stat -c '%U' /tmp/data/config.yaml")).toBe("hermes\n");
  });
});

/**
 * readOnlyRootFilesystem with the home left on the image: with ctr on containerd, under the kubelet, since
 * Docker would mount an anonymous volume at /opt/data for the image's VOLUME, and a pod does not.
 */
describe("a read-only root filesystem, the home left on the image (containerd, as in a pod)", () => {
  let ct: CtrContainer;
  beforeAll(async () => {
    ct = await CtrContainer.create({ runArgs: ["--read-only"] });
    pods.push(ct);
  });

  it("root: the image's home is on the read-only root filesystem", async () => {
    const r = await ct.exec(["hermes", "config", "set", "k", "1"]);
    expect(shimLines(r)).toEqual([
      "hermes: warning: hermes (uid 10000) cannot write HERMES_HOME /opt/data: /opt/data is on a read-only filesystem, " +
        `so the hermes CLI may fail; ${remedies("/opt/data")}`,
    ]);
    expect(r.stderr).toContain("Read-only file system");
    expect(r.code).not.toBe(0);
  });

  it("a HERMES_HOME still to be made: the nearest directory that exists, hermes's own, is named", async () => {
    const r = await ct.exec(["hermes", "config", "set", "k", "1"], { env: { HERMES_HOME: "/opt/data/state" } });
    expect(shimLines(r)[0]).toBe(
      "hermes: warning: hermes (uid 10000) cannot create HERMES_HOME /opt/data/state: /opt/data is on a read-only " +
        `filesystem, so the hermes CLI may fail; ${remedies("/opt/data")}`,
    );
  });

  it("as hermes (runAsUser): the pass-through says the same", async () => {
    const r = await ct.exec(["hermes", "config", "set", "k", "1"], { user: "hermes" });
    expect(shimLines(r)).toEqual([
      "hermes: warning: uid 10000 cannot write HERMES_HOME /opt/data: /opt/data is on a read-only filesystem, " +
        `so the hermes CLI may fail; ${remedies("/opt/data")}`,
    ]);
  });
});
