/** What an operator types: `docker exec` and `docker run` straight at the image, no shell in between. */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";
import { EXIT_STATUSES } from "../container/standin.ts";
import { runImage } from "../platform/docker.ts";
import { imageTags, variantKey } from "../platform/images.ts";
import { outcome } from "../platform/spawn.ts";

let ct: Container;
beforeAll(async () => {
  ct = await Container.create();
});
afterAll(() => ct.destroy());

const owner = async (path: string) => (await ct.ok(`stat -c '%U:%G %a' ${path}`)).trim();
const opt = (value: string) => ({ flags: ["--env", `HERMES_DOCKER_EXEC_AS_ROOT=${value}`] });

describe("docker exec C hermes …", () => {
  it("as root drops: the file written is hermes:hermes", async () => {
    await ct.ok("rm -f /opt/data/config.yaml");
    expect(await ct.exec(["hermes", "config", "set", "model", "opus"])).toMatchObject({
      code: 0,
      stdout: "set model\n",
    });
    expect(await owner("/opt/data/config.yaml")).toBe("hermes:hermes 600");
    expect((await ct.exec(["hermes", "whoami"])).stdout).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
  });

  it("--user hermes passes straight through", async () => {
    const r = await ct.exec(["hermes", "whoami"], { flags: ["--user", "hermes"] });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^uid=10000 gid=10000 home=\/opt\/data /);
  });

  it("-e HERMES_DOCKER_EXEC_AS_ROOT=1 keeps root; silent on a root-owned venv, warned on one hermes owns", async () => {
    const r = await ct.exec(["hermes", "whoami"], opt("1"));
    expect(r).toMatchObject({ stdout: expect.stringMatching(/^uid=0 gid=0 home=\/root /), stderr: "" });
    await ct.altered("chown -R hermes:hermes /opt/hermes/.venv", "chown -R root:root /opt/hermes/.venv", async () => {
      expect((await ct.exec(["hermes", "whoami"], opt("1"))).stderr).toContain(
        "hermes: warning: HERMES_DOCKER_EXEC_AS_ROOT keeps root",
      );
    });
  });

  it.each(["0", "false", "no", "", "garbage", "2", " 1", "on", "1 "])(
    "-e HERMES_DOCKER_EXEC_AS_ROOT=%j drops",
    async (v) => {
      expect(await ct.exec(["hermes", "whoami"], opt(v))).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^uid=10000 /),
      });
    },
  );

  it("login as root, then the gateway's user reads auth.json", async () => {
    await ct.ok("rm -f /opt/data/auth.json");
    expect((await ct.exec(["hermes", "login", "nous"])).stdout).toBe("logged in to nous\n");
    expect(await owner("/opt/data/auth.json")).toBe("hermes:hermes 600");
    expect(await ct.exec(["hermes", "auth", "list"], { flags: ["--user", "hermes"] })).toMatchObject({
      code: 0,
      stdout: "nous\n",
    });
  });

  it("126 when the drop programs are missing, 127 when the CLI is: the shim's message, not docker's", async () => {
    await ct.withoutDropPrograms(async () => {
      const r = await ct.exec(["hermes", "whoami"]);
      expect(r.code).toBe(126);
      expect(r.stderr).toContain("refusing to run hermes as root");
    });
    await ct.without("/opt/hermes/.venv/bin/hermes", async () => {
      const r = await ct.exec(["hermes", "whoami"]);
      expect(r.code).toBe(127);
      expect(r.stderr).toContain("/opt/hermes/.venv/bin/hermes");
    });
  });

  // docker exec reports a death by signal N as 128 + N.
  it.each(EXIT_STATUSES)("hermes %j: docker exec exits %i, as root and as hermes", async (args, code) => {
    expect((await ct.exec(["hermes", ...args])).code).toBe(code);
    expect((await ct.exec(["hermes", ...args], { asRuntimeUser: true })).code).toBe(code);
  });

  it("docker exec -i: stdin reaches the CLI, no terminal", async () => {
    const r = await ct.exec(["hermes", "prompt"], { input: "Ada\n" });
    expect(r).toMatchObject({ code: 0, stdout: "Your name? hello Ada (tty=000)\n" });
  });

  it("docker exec -it: the CLI gets the terminal (the docker CLI run under script's pty)", async () => {
    const r = await outcome(["script", "-qec", `docker exec -it ${ct.id} hermes prompt`, "/dev/null"], {
      input: "Ada\n",
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Your name? ");
    expect(r.stdout).toContain("hello Ada (tty=111)");
  });

  it("100 concurrent docker exec: every call drops, every file is hermes's", async () => {
    await ct.ok("rm -rf /opt/data/notes");
    const one = (i: number) =>
      new Promise<number | null>((resolve) => {
        const child = spawn("docker", ["exec", ct.id, "hermes", "note", `n${i}`], { stdio: "ignore" });
        child.on("close", resolve);
      });
    const codes = await Promise.all(Array.from({ length: 100 }, (_, i) => one(i)));
    expect(codes.filter((c) => c !== 0)).toEqual([]);
    const summary = await ct.ok(
      "ls /opt/data/notes | wc -l; find /opt/data/notes ! -user hermes | wc -l; cat /opt/data/notes/* | sort | uniq -c",
    );
    expect(summary.split("\n").map((l) => l.trim())).toEqual(["100", "0", "100 10000", ""]);
  });
});

describe("docker run --rm IMAGE …: the entrypoint drops, then routes", () => {
  const run = async (image: string, args: string[]) => {
    const { code, stdout, stderr } = await runImage(image, args);
    return { code, stdout, stderr };
  };
  const image = () => imageTags()[variantKey("hermes", "standin", "s6")] as string;

  it("chat --help: the CLI's own arguments", async () => {
    expect(await run(image(), ["chat", "--help"])).toEqual({
      code: 0,
      stdout: "usage: hermes chat [-q MESSAGE]\n",
      stderr: "",
    });
  });

  it("no arguments: the CLI itself", async () => {
    expect((await run(image(), [])).stdout).toMatch(/^usage: hermes \[--version\]/);
  });

  it("hermes whoami: the CLI runs as hermes (a bare `whoami` is coreutils', a program on PATH)", async () => {
    // The entrypoint dropped already, so the shim passes through with docker's umask.
    expect((await run(image(), ["hermes", "whoami"])).stdout).toBe("uid=10000 gid=10000 home=/opt/data umask=0022\n");
    expect((await run(image(), ["whoami"])).stdout).toBe("hermes\n");
  });

  it("a program on PATH runs that program, as hermes", async () => {
    expect((await run(image(), ["id", "-u"])).stdout).toBe("10000\n");
  });

  it("an image without the helper refuses at the entrypoint: 126, never a silent root run", async () => {
    const r = await run(imageTags()[variantKey("hermes", "standin", "none")] as string, ["hermes", "whoami"]);
    expect(r.code).toBe(126);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("refusing to run hermes as root");
  });
});
