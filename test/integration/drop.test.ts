/** contract §1–§2, §8 through the compiled shim in a throwaway container. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";

let ct: Container;
beforeAll(async () => {
  ct = await Container.create();
});
afterAll(() => ct.destroy());

const owner = async (path: string) => (await ct.ok(`stat -c '%U:%G %a' ${path}`)).trim();

describe("root docker exec", () => {
  it("drops to hermes: config.yaml is written hermes:hermes", async () => {
    await ct.ok("rm -f /opt/data/config.yaml");
    expect(await ct.ok("hermes config set model opus")).toBe("set model\n");
    expect(await owner("/opt/data/config.yaml")).toBe("hermes:hermes 600");
  });

  it("runs the CLI as hermes with HOME=/opt/data and umask 002", async () => {
    expect(await ct.ok("umask 077; hermes whoami")).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
  });

  it("end to end: after root config and login, the gateway's user reads everything", async () => {
    await ct.ok("hermes config set provider nous && hermes login nous");
    const unreadable = await ct.ok("find /opt/data ! -user hermes -o -type f ! -perm -u=r -o -type d ! -perm -u=rx", {
      asRuntimeUser: true,
    });
    expect(unreadable).toBe("");
    expect(await ct.ok("hermes auth list", { asRuntimeUser: true })).toBe("nous\n");
    expect(await ct.ok("find /opt/data -user root")).toBe("");
  });
});

/**
 * The programs a command execs, in order, as `strace -f` sees them succeed: every exec, the shim's own first. Once
 * the drop has changed ids strace can name the program only with CAP_SYS_PTRACE; without, it is "?".
 */
async function execs(c: Container, command: string): Promise<{ code: number | null; programs: string[] }> {
  const r = await c.run(`strace -f -qq -e trace=execve -e status=successful -o /tmp/execs ${command}`);
  const trace = await c.ok("cat /tmp/execs && rm -f /tmp/execs");
  return { code: r.code, programs: [...trace.matchAll(/execve\((?:"([^"]+)"|0x)/g)].map((m) => m[1] ?? "?") };
}

describe("the drop is one exec with the identity the shim read (contract §11)", () => {
  // CAP_SYS_PTRACE lets strace read the CLI's path once it runs as hermes; the shim needs only SETUID and SETGID.
  let traced: Container;
  beforeAll(async () => {
    traced = await Container.create({ runArgs: ["--cap-add", "SYS_PTRACE"] });
  });
  afterAll(() => traced.destroy());

  it("root's hermes execs s6-applyuidgid once, then the CLI: s6-setuidgid and s6-envuidgid never run", async () => {
    expect(await execs(traced, "hermes whoami")).toEqual({
      code: 0,
      programs: ["/opt/hermes/bin/hermes", "/command/s6-applyuidgid", "/opt/hermes/.venv/bin/hermes"],
    });
    expect(await traced.ok("hermes whoami")).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
  });

  it("without s6-applyuidgid, the helper as before: s6-setuidgid hermes, which runs s6-envuidgid and s6-applyuidgid", async () => {
    await traced.without("/command/s6-applyuidgid", async () => {
      const { code, programs } = await execs(traced, "hermes whoami");
      expect(code).toBe(0);
      expect(programs.slice(0, 2)).toEqual(["/opt/hermes/bin/hermes", "/command/s6-setuidgid"]);
      expect(programs.map((p) => p.slice(p.lastIndexOf("/") + 1))).toContain("s6-envuidgid");
      expect(programs.at(-1)).toBe("/opt/hermes/.venv/bin/hermes");
    });
  });
});

describe("an image that remaps hermes to uid 0 (usermod -o -u 0 hermes)", () => {
  let root0: Container;
  beforeAll(async () => {
    root0 = await Container.create();
    await root0.ok("usermod -o -u 0 hermes && ln -sf hermes /opt/hermes/bin/hermes-exec-shim");
  });
  afterAll(() => root0.destroy());

  it("docker exec C hermes whoami: 126 with the shim's lines, and nothing but the shim ran", async () => {
    const r = await root0.exec(["hermes", "whoami"]);
    expect(r).toMatchObject({ code: 126, stdout: "" });
    expect(r.stderr).toBe(
      "hermes: cannot drop to hermes: hermes has uid 0 in /etc/passwd, which is root; refusing to run hermes as root.\n" +
        "hermes: give hermes a uid other than 0 in the image, rebuild the shim with --user NAME for a user that is not root, " +
        "or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    );
    expect(await execs(root0, "hermes whoami")).toEqual({ code: 126, programs: ["/opt/hermes/bin/hermes"] });
  });

  it("explain says why, doctor reports it, and the opt-out still keeps root on purpose", async () => {
    expect(await root0.ok("hermes-exec-shim explain -- whoami")).toContain(
      "  identity       hermes in /etc/passwd: uid 0, gid 10000: uid 0 is root, so the drop refuses\n",
    );
    const doctor = await root0.run("hermes-exec-shim doctor");
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(
      "PROBLEM  the runtime user hermes has uid 0 in /etc/passwd, which is root: root calls exit 126 rather than run as root\n",
    );
    expect(await root0.ok("HERMES_DOCKER_EXEC_AS_ROOT=1 hermes whoami")).toMatch(/^uid=0 gid=0 /);
  });
});

describe("an image whose runtime user's primary group is 0 (OpenShift-style: usermod -g 0 hermes)", () => {
  let gid0: Container;
  beforeAll(async () => {
    gid0 = await Container.create();
    await gid0.ok("usermod -g 0 hermes && ln -sf hermes /opt/hermes/bin/hermes-exec-shim");
  });
  afterAll(() => gid0.destroy());

  it("drops with gid 0 as hermes's own, and explain and doctor say so", async () => {
    expect(await gid0.ok("hermes whoami")).toBe("uid=10000 gid=0 home=/opt/data umask=0002\n");
    const text = await gid0.ok("hermes-exec-shim explain -- whoami");
    expect(text).toContain(
      "  identity       hermes in /etc/passwd: uid 10000, gid 0 (root's group, as its own primary group: the drop keeps it)\n",
    );
    expect(text).toContain("  groups         0 (primary group)\n");
    expect(text).toContain('"/command/s6-applyuidgid" "-u" "10000" "-g" "0" "-G" "0" ');
    const doctor = await gid0.run("hermes-exec-shim doctor");
    expect(doctor.stdout.split("\n")[1]).toBe("judged as hermes (uid 10000) with groups 0 (primary group)");
    expect(doctor.stdout).toContain(
      "ok       the runtime user hermes exists (uid 10000, gid 0, root's group, as its own primary group, which the drop keeps)\n",
    );
  });
});

describe("non-root callers pass straight through", () => {
  it("docker exec --user hermes: runs as hermes, files stay hermes:hermes", async () => {
    await ct.ok("rm -f /opt/data/config.yaml");
    const out = await ct.ok("umask 022; hermes config set a b && hermes whoami", { asRuntimeUser: true });
    expect(out).toBe("set a\nuid=10000 gid=10000 home=/opt/data umask=0022\n");
    expect(await owner("/opt/data/config.yaml")).toBe("hermes:hermes 600");
  });

  it("main-wrapper.sh's s6-setuidgid hermes hermes chat --help behaves like the bare CLI", async () => {
    const r = await ct.run("/command/s6-setuidgid hermes hermes chat --help");
    expect(r).toMatchObject({ code: 0, stdout: "usage: hermes chat [-q MESSAGE]\n", stderr: "" });
  });
});

describe("the opt-out", () => {
  it("HERMES_DOCKER_EXEC_AS_ROOT=1 keeps root: the file is root:root", async () => {
    await ct.ok("rm -f /opt/data/config.yaml");
    await ct.ok("HERMES_DOCKER_EXEC_AS_ROOT=1 hermes config set x y");
    expect(await owner("/opt/data/config.yaml")).toBe("root:root 600");
    await ct.ok("rm -f /opt/data/config.yaml");
  });

  it.each(["0", "false", "no", "", "garbage", "2", " 1", "on"])("%j does not opt out", async (value) => {
    expect(await ct.ok(`HERMES_DOCKER_EXEC_AS_ROOT='${value}' hermes whoami`)).toMatch(/^uid=10000 /);
  });

  it.each(["1", "TRUE", "Yes", "true", "yes"])("%j opts out", async (value) => {
    expect(await ct.ok(`HERMES_DOCKER_EXEC_AS_ROOT='${value}' hermes whoami`)).toMatch(/^uid=0 gid=0 home=\/root /);
  });
});

describe("refusals", () => {
  it("neither s6-applyuidgid nor the helper: 126 naming both, both remedies, and the CLI did not run", async () => {
    await ct.ok("rm -f /opt/data/config.yaml");
    await ct.withoutDropPrograms(async () => {
      const r = await ct.run("hermes config set should not");
      expect(r.code).toBe(126);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(
        "hermes: cannot drop to hermes: /command/s6-applyuidgid does not exist, and /command/s6-setuidgid does not exist; " +
          "refusing to run hermes as root.",
      );
      expect(lines[0]).toContain("refusing to run hermes as root");
      expect(lines[1]).toContain("docker exec --user hermes");
      expect(lines[1]).toContain("HERMES_DOCKER_EXEC_AS_ROOT=1");
      expect((await ct.run("test -e /opt/data/config.yaml")).code).not.toBe(0);
    });
  });

  it("CLI missing: 127 naming its path, for root and non-root alike", async () => {
    await ct.without("/opt/hermes/.venv/bin/hermes", async () => {
      for (const asRuntimeUser of [false, true]) {
        const r = await ct.run("hermes --version", { asRuntimeUser });
        expect(r.code).toBe(127);
        expect(r.stderr).toContain("/opt/hermes/.venv/bin/hermes");
        expect(r.stdout).toBe("");
      }
    });
  });

  it("CLI not executable: 127", async () => {
    await ct.altered("chmod 0644 /opt/hermes/.venv/bin/hermes", "chmod 0755 /opt/hermes/.venv/bin/hermes", async () => {
      expect((await ct.run("hermes --version")).code).toBe(127);
    });
  });

  it("never re-enters itself, whatever PATH says", async () => {
    const env = { ...ct.baseEnv(), PATH: "/opt/hermes/bin:/opt/hermes/bin" };
    expect(await ct.run("hermes --version", { env })).toMatchObject({ code: 0, stdout: "hermes-standin 1.0\n" });
  });
});
