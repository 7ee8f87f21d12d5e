/** The ways operators deploy the image, each a container started with those `docker run` flags. */
import { describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";
import { perDescribe } from "../container/perDescribe.ts";

/**
 * A container for one describe block, with the flags of the deployment shape. `booted`, a file the boot
 * command makes once it is done, is waited for inside the container before any test runs.
 */
function shape(runArgs: string[], extra: { cli?: "probe"; command?: string[]; booted?: string } = {}) {
  return perDescribe(async () => {
    const { booted, ...options } = extra;
    const ct = await Container.create({ runArgs, ...options });
    if (booted) await ct.ok(`until [ -e ${booted} ]; do sleep 0.1; done`);
    return ct;
  });
}

/** The drop works: the CLI runs as hermes and what it writes is hermes's. */
function drops(ct: () => Container, uid = 10000) {
  it("root drops to hermes and writes hermes-owned files", async () => {
    expect(await ct().exec(["hermes", "config", "set", "model", "opus"])).toMatchObject({ code: 0, stderr: "" });
    expect(await ct().ok("stat -c '%u:%g %a' /opt/data/config.yaml")).toBe(`${uid}:${uid} 600\n`);
    expect((await ct().exec(["hermes", "whoami"])).stdout).toBe(`uid=${uid} gid=${uid} home=/opt/data umask=0002\n`);
  });
}

describe("--read-only root filesystem, a tmpfs /tmp and the volume", () => {
  const ct = shape(["--read-only", "--tmpfs", "/tmp"]);
  drops(ct);
  it("the root filesystem is really read-only", async () => {
    expect((await ct().run("touch /etc/probe")).stderr).toContain("Read-only file system");
  });
});

describe("--security-opt no-new-privileges", () => {
  const ct = shape(["--security-opt", "no-new-privileges"]);
  drops(ct);
  it("the CLI runs with no_new_privs set", async () => {
    expect(await ct().ok("hermes --version && grep NoNewPrivs /proc/self/status")).toMatch(/NoNewPrivs:\s+1\n$/);
  });
});

describe("Kubernetes-hardened: --cap-drop ALL plus SETUID, SETGID, CHOWN, DAC_OVERRIDE", () => {
  const ct = shape([
    "--cap-drop",
    "ALL",
    ...["SETUID", "SETGID", "CHOWN", "DAC_OVERRIDE"].flatMap((cap) => ["--cap-add", cap]),
  ]);
  drops(ct);
});

describe("--user 10000:10000 --group-add 4242: pass-through keeps the groups", () => {
  const ct = shape(["--user", "10000:10000", "--group-add", "4242"], { cli: "probe" });
  it("the CLI sees the same uid, gids and supplementary groups as the caller", async () => {
    const sorted = (list: string | undefined) => (list ?? "").split(/[ ,]/).sort();
    const out = await ct().ok("id -G; hermes");
    const caller = sorted(out.split("\n")[0]);
    expect(caller).toEqual(["10000", "4242"]);
    expect(out).toContain("uids=10000:10000:10000\n");
    expect(sorted(out.match(/^groups=(.*)$/m)?.[1])).toEqual(caller);
  });
});

describe("the hermes user remapped at boot (usermod/groupmod to 10500 before the entrypoint)", () => {
  const remap = "usermod -u 10500 hermes && groupmod -g 10500 hermes && chown -R hermes:hermes /opt/data";
  // Ready once the entrypoint has dropped to the new uid: before that, a docker exec would meet the old one.
  const boot = `${remap} && exec entrypoint sh -c 'touch /tmp/booted && exec sleep infinity'`;
  const ct = shape(["--entrypoint", "/bin/sh"], { command: ["-c", boot], booted: "/tmp/booted" });
  drops(ct, 10500);
  it("the entrypoint's own drop went to the new uid too", async () => {
    expect((await ct().ok("ps -o uid= -p 1")).trim()).toBe("10500");
  });
});

describe("--ulimit nofile=1024:8192", () => {
  const ct = shape(["--ulimit", "nofile=1024:8192"], { cli: "probe" });
  /**
   * RLIMIT_NOFILE of the CLI exec'd by a shell inside the container that holds the container's soft limit.
   * What soft limit the engine hands a `docker exec` process is the engine's own (Debian's docker.io 20.10
   * gives soft = hard, 8192, though PID 1 has 1024), so the shell sets its own first: the caller here is a
   * process inside the container with the configured limits, whatever the engine did.
   */
  const nofile = async (command: string, asRuntimeUser: boolean) => {
    const out = await ct().ok(`ulimit -Sn 1024 && exec ${command}`, { asRuntimeUser });
    return out.match(/^rlimits=(.*)$/m)?.[1]?.split(",")[7];
  };

  it("a direct exec of the CLI gets soft 1024, hard 8192", async () => {
    expect(await nofile("/opt/hermes/.venv/bin/hermes", true)).toBe("1024:8192");
    expect(await nofile("/opt/hermes/.venv/bin/hermes", false)).toBe("1024:8192");
  });

  // The runtime raises the soft limit (§3); the shell exec'd the shim, whose parent is then outside the
  // container, so the container's PID 1 is the evidence restored (a parent of its own: limits.test.ts).
  it("through the shim the CLI gets the same, as hermes and as root", async () => {
    expect(await nofile("hermes", true)).toBe("1024:8192");
    expect(await nofile("hermes", false)).toBe("1024:8192");
  });
});
