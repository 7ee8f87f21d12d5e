/** One binary for every entry point (issue #12): hermes, hermes-agent and hermes-acp, picked by the name it runs as. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";

const VENV = "/opt/hermes/.venv/bin";
const COMMANDS = ["hermes", "hermes-agent", "hermes-acp"];

let ct: Container;
beforeAll(async () => {
  ct = await Container.create();
});
afterAll(() => ct.destroy());

describe("the image: one binary, a relative symlink per command, the venv next on PATH", () => {
  it("has every name, and without the shim root would run the venv's scripts as root", async () => {
    expect(await ct.ok("readlink /opt/hermes/bin/hermes-agent /opt/hermes/bin/hermes-acp")).toBe("hermes\nhermes\n");
    // The way around the shim the issue is about: the venv's own script, reached directly, runs as root.
    expect(await ct.ok(`${VENV}/hermes-agent argv0`)).toBe("hermes-agent uid=0\n");
  });
});

describe.each(COMMANDS)("%s", (name) => {
  it("root drops to hermes and runs that command's own script", async () => {
    expect(await ct.ok(`${name} argv0`)).toBe(`${name} uid=10000\n`);
    expect(await ct.ok(`/opt/hermes/bin/${name} argv0`)).toBe(`${name} uid=10000\n`);
    expect(await ct.ok(`${name} whoami`)).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
  });

  it("what it writes under /opt/data is hermes's", async () => {
    await ct.ok("rm -f /opt/data/config.yaml");
    await ct.ok(`${name} config set model opus`);
    expect(await ct.ok("stat -c '%U:%G' /opt/data/config.yaml")).toBe("hermes:hermes\n");
  });

  it("not root: passes straight through to its own script", async () => {
    expect(await ct.ok(`${name} argv0`, { asRuntimeUser: true })).toBe(`${name} uid=10000\n`);
  });

  it("the opt-out keeps root", async () => {
    expect(await ct.ok(`HERMES_DOCKER_EXEC_AS_ROOT=1 ${name} argv0`)).toBe(`${name} uid=0\n`);
  });

  it("its own script missing: 127 naming that path; the other commands still run", async () => {
    await ct.without(`${VENV}/${name}`, async () => {
      const r = await ct.run(`${name} argv0`);
      expect(r).toMatchObject({ code: 127, stdout: "" });
      expect(r.stderr).toBe(`${name}: cannot run the ${name} CLI at ${VENV}/${name}: it does not exist\n`);
      const other = COMMANDS.find((c) => c !== name) as string;
      expect(await ct.ok(`${other} argv0`)).toBe(`${other} uid=10000\n`);
    });
  });

  it("no drop program: refuses (126) under its own name, never runs as root", async () => {
    await ct.withoutDropPrograms(async () => {
      const r = await ct.run(`${name} config set should not`);
      expect(r).toMatchObject({ code: 126, stdout: "" });
      expect(r.stderr).toMatch(
        new RegExp(`^${name}: cannot drop to hermes: .*; refusing to run ${name} as root\\.\\n`),
      );
    });
  });
});

describe("an exec that fails after the checks", () => {
  it("names the command that was run", async () => {
    await ct.altered(
      `cp ${VENV}/hermes-acp /tmp/acp && printf '#!/nonexistent/python\\n' > ${VENV}/hermes-acp`,
      `cp /tmp/acp ${VENV}/hermes-acp`,
      async () => {
        const r = await ct.run("hermes-acp argv0", { asRuntimeUser: true });
        expect(r).toMatchObject({ code: 127, stdout: "" });
        expect(r.stderr).toBe(`hermes-acp: cannot execute ${VENV}/hermes-acp: no such file or directory\n`);
      },
    );
  });
});

describe("a name the build does not know", () => {
  it("runs nothing, as root or not, and exits 127 naming the known commands", async () => {
    await ct.altered("ln -s hermes /opt/hermes/bin/other", "rm /opt/hermes/bin/other", async () => {
      await ct.ok("rm -f /opt/data/config.yaml");
      for (const asRuntimeUser of [false, true]) {
        for (const env of ["", "HERMES_DOCKER_EXEC_AS_ROOT=1 "]) {
          const r = await ct.run(`${env}other config set x y`, { asRuntimeUser });
          expect(r).toMatchObject({ code: 127, stdout: "" });
          expect(r.stderr).toBe(
            'hermes-exec-shim: called as "other", which is not one of its commands; nothing was run.\n' +
              "hermes-exec-shim: it runs hermes, hermes-agent and hermes-acp, each by the name it is called as.\n",
          );
        }
      }
      expect((await ct.run("test -e /opt/data/config.yaml")).code).not.toBe(0);
    });
  });

  it("a copy of the binary under another file name is unknown too: the name, not the file, decides", async () => {
    await ct.altered(
      "cp /opt/hermes/bin/hermes /usr/local/bin/hermes-copy",
      "rm /usr/local/bin/hermes-copy",
      async () => {
        expect(await ct.run("hermes-copy argv0")).toMatchObject({ code: 127, stdout: "" });
      },
    );
  });
});
