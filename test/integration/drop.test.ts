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
  it("helper missing: 126, both remedies, and the CLI did not run", async () => {
    await ct.ok("rm -f /opt/data/config.yaml");
    await ct.without("/command/s6-setuidgid", async () => {
      const r = await ct.run("hermes config set should not");
      expect(r.code).toBe(126);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain("/command/s6-setuidgid does not exist");
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
