/** Downstream forks: one build, baked settings, no source edits (issue: forks). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import type { ShimConfig } from "../../src/core/config.ts";
import { Container, REPO } from "../container/container.ts";
import { outcome } from "../platform/spawn.ts";

const out = mkdtempSync(join(tmpdir(), "shim-forks-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("a rabbit image: own name, commands, user, paths and opt-out variable", () => {
  const rabbit: ShimConfig = {
    ...defaultsFor("rabbit"),
    commands: [
      { name: "rabbit", target: "/opt/rabbit/.venv/bin/rabbit" },
      { name: "rabbit-agent", target: "/opt/rabbit/.venv/bin/rabbit-agent" },
    ],
  };
  let ct: Container;
  beforeAll(async () => {
    // The image's shim is built with --name rabbit --command rabbit --command rabbit-agent (test/platform/images.ts).
    ct = await Container.create({ config: rabbit });
  });
  afterAll(() => ct.destroy());

  it("root drops to rabbit, HOME and umask as configured", async () => {
    expect(await ct.ok("rabbit whoami")).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
    expect(await ct.ok("id -un 10000")).toBe("rabbit\n");
  });

  it("rabbit-agent is guarded too: root drops and runs its own script; as rabbit it passes through", async () => {
    expect(await ct.ok("rabbit-agent argv0")).toBe("rabbit-agent uid=10000\n");
    expect(await ct.ok("rabbit argv0")).toBe("rabbit uid=10000\n");
    expect(await ct.ok("rabbit-agent argv0", { asRuntimeUser: true })).toBe("rabbit-agent uid=10000\n");
    expect(await ct.ok("RABBIT_DOCKER_EXEC_AS_ROOT=1 rabbit-agent argv0")).toBe("rabbit-agent uid=0\n");
  });

  it("a name this build was not given runs nothing, even when its script exists", async () => {
    await ct.altered(
      "cp /opt/rabbit/.venv/bin/rabbit /opt/rabbit/.venv/bin/rabbit-acp && ln -s rabbit /opt/rabbit/bin/rabbit-acp",
      "rm /opt/rabbit/.venv/bin/rabbit-acp /opt/rabbit/bin/rabbit-acp",
      async () => {
        const r = await ct.run("rabbit-acp argv0");
        expect(r).toMatchObject({ code: 127, stdout: "" });
        expect(r.stderr).toBe(
          'rabbit-exec-shim: called as "rabbit-acp", which is not one of its commands; nothing was run.\n' +
            "rabbit-exec-shim: it runs rabbit and rabbit-agent, each by the name it is called as.\n",
        );
      },
    );
  });

  it("rabbit itself passes through", async () => {
    expect(await ct.ok("umask 022; rabbit whoami", { asRuntimeUser: true })).toBe(
      "uid=10000 gid=10000 home=/opt/data umask=0022\n",
    );
  });

  it("RABBIT_DOCKER_EXEC_AS_ROOT opts out; Hermes's variable does not", async () => {
    expect(await ct.ok("RABBIT_DOCKER_EXEC_AS_ROOT=yes rabbit whoami")).toMatch(/^uid=0 /);
    expect(await ct.ok("HERMES_DOCKER_EXEC_AS_ROOT=1 rabbit whoami")).toMatch(/^uid=10000 /);
  });

  it("missing drop programs: 126 naming them and the fork's own variable", async () => {
    await ct.withoutDropPrograms(async () => {
      const r = await ct.run("rabbit whoami");
      expect(r.code).toBe(126);
      expect(r.stderr).toBe(
        "rabbit: cannot drop to rabbit: /command/s6-applyuidgid does not exist, and /command/s6-setuidgid does not exist; " +
          "refusing to run rabbit as root.\n" +
          "rabbit: run it as rabbit (docker exec --user rabbit …) or, to keep root on purpose, set RABBIT_DOCKER_EXEC_AS_ROOT=1.\n",
      );
    });
  });

  it("missing CLI: 127 naming the fork's path", async () => {
    await ct.without("/opt/rabbit/.venv/bin/rabbit", async () => {
      const r = await ct.run("rabbit whoami");
      expect(r.code).toBe(127);
      expect(r.stderr).toContain("/opt/rabbit/.venv/bin/rabbit");
    });
  });
});

describe("an image without s6-overlay: gosu as the helper", () => {
  const config: ShimConfig = { ...defaultsFor("hermes"), helper: "/usr/sbin/gosu" };
  let ct: Container;
  beforeAll(async () => {
    // The image's shim is built with --helper /usr/sbin/gosu, and the image has no /command.
    ct = await Container.create({ config, helperSource: "/usr/sbin/gosu" });
  });
  afterAll(() => ct.destroy());

  it("drops root to hermes and writes hermes-owned files", async () => {
    await ct.ok("hermes config set model opus");
    expect(await ct.ok("stat -c '%U:%G %a' /opt/data/config.yaml")).toBe("hermes:hermes 600\n");
    expect(await ct.ok("hermes whoami")).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
  });

  it("refuses when the image has no gosu, with the same remedies", async () => {
    await ct.without("/usr/sbin/gosu", async () => {
      const r = await ct.run("hermes whoami");
      expect(r.code).toBe(126);
      expect(r.stderr).toContain("/usr/sbin/gosu does not exist");
      expect(r.stderr).toContain("HERMES_DOCKER_EXEC_AS_ROOT=1");
    });
  });
});

describe("build settings", () => {
  it.each([
    [["--name", ""], "name"],
    [["--command", "x=venv/bin/x"], "must be a clean absolute path"],
    [["--command", "x", "--command", "x"], "x is given more than once"],
    [["--name", "rabbit", "--command", "rabbit-exec-shim"], "rabbit-exec-shim is the admin name of this build"],
    [["--target", "/opt/x"], "--target is gone: use --command NAME=PATH"],
    [["--user", "bad user"], "not a portable user name"],
    [["--umask", "8"], "three octal digits"],
    [["--frobnicate", "1"], "unknown option --frobnicate"],
  ])("%j is rejected at build time with a clear message", async (flags, message) => {
    const bun = join(REPO, "node_modules/.bin/bun");
    const r = await outcome([bun, "scripts/build.ts", ...flags, "--outfile", join(out, "x")], { cwd: REPO });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
