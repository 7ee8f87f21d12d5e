/**
 * contract §7 in the shapes operators deploy, each on the real engine: the drop (or the pass-through) is
 * correct and the CLI still cannot write its home. Each test asserts what the operator sees: one warning line
 * naming the path, what blocks and a remedy that works there; no root-owned file left behind; the CLI's exit
 * status as it would be without the shim. And the healthy shapes stay silent.
 */
import { chmodSync, chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container, type Result } from "../container/container.ts";
import { runImage } from "../platform/docker.ts";
import { imageTags, variantKey } from "../platform/images.ts";
import { persist } from "../platform/persist.ts";
import { outcome } from "../platform/spawn.ts";

const CLI = "/opt/hermes/.venv/bin/hermes";
const HELPER = "/command/s6-setuidgid";

/** Everything made on the host, undone in reverse order whatever happened: containers, then mounts, then dirs. */
const undo: (() => unknown)[] = [];
afterAll(async () => {
  for (const step of undo.reverse()) await step();
});

function hostDir(prefix: string, uid = 1000): string {
  const dir = mkdtempSync(join(tmpdir(), `hermes-${prefix}-`));
  undo.push(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  chownSync(dir, uid, uid);
  return dir;
}

async function container(runArgs: string[] = []): Promise<Container> {
  const ct = await Container.create({ runArgs });
  undo.push(() => ct.destroy());
  // The admin name, as install.sh --admin-link makes it.
  await ct.exec(["ln", "-s", "hermes", "/opt/hermes/bin/hermes-exec-shim"], { flags: ["--user", "0"] });
  return ct;
}

const firstLine = (r: Result) => r.stderr.split("\n")[0];
/** Every line the shim printed (its own name first), apart from what the CLI itself printed. */
const shimLines = (r: Result) => r.stderr.split("\n").filter((l) => l.startsWith("hermes: "));
const rootOwned = (ct: Container, paths: string) => ct.ok(`find ${paths} -user root -mindepth 1`);

/** The same command run straight through the helper, as the shim would run it, without the shim: its exit status. */
const direct = async (ct: Container, args: string, env: Record<string, string> = {}) =>
  (await ct.run(`HOME=/opt/data ${HELPER} hermes ${CLI} ${args}`, { env: { ...ct.baseEnv(), ...env } })).code;

/** A remedy at work: the CLI writes without a word from the shim, and its file is `owner`'s (uid:gid). */
async function writesSilently(ct: Container, owner: string): Promise<void> {
  const r = await ct.run("hermes config set model opus");
  expect(r).toMatchObject({ code: 0, stderr: "" });
  expect(await ct.ok("stat -c '%u:%g' /opt/data/config.yaml")).toBe(`${owner}\n`);
}

describe("a bind mount owned by a host uid (1000)", () => {
  let ct: Container;
  let dir: string;
  beforeAll(async () => {
    dir = hostDir("bind");
    ct = await container(["--volume", `${dir}:/opt/data`]);
  });

  it("root: one warning naming the path, its owner and mode, doctor --fix and the volume's owner; the CLI's status", async () => {
    const r = await ct.run("hermes config set model opus");
    expect(firstLine(r)).toBe(
      "hermes: warning: hermes (uid 10000) cannot write HERMES_HOME /opt/data: it is owned by uid 1000 gid 1000, mode 0755, " +
        "so the hermes CLI may fail; as root, run hermes-exec-shim doctor --fix, or run the container as the volume's owner " +
        "(docker run --user 1000:1000), or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root",
    );
    expect(shimLines(r)).toHaveLength(1);
    expect(r.stderr).toContain("PermissionError");
    expect(r.code).toBe(await direct(ct, "config set model opus"));
    expect(await rootOwned(ct, "/opt/data")).toBe("");
  });

  it("a command that only reads still works, with the same line", async () => {
    const r = await ct.run("hermes --version");
    expect(r).toMatchObject({ code: 0, stdout: "hermes-standin 1.0\n" });
    expect(shimLines(r)).toEqual([firstLine(r)]);
    expect(firstLine(r)).toContain("cannot write HERMES_HOME /opt/data");
  });

  it("the remedy it names works: after doctor --fix the drop is silent and writes hermes's files", async () => {
    expect((await ct.run("hermes-exec-shim doctor --fix")).stdout).toContain(
      "fixed    gave 1 entry under /opt/data to hermes",
    );
    await writesSilently(ct, "10000:10000");
  });
});

describe("HERMES_HOME outside the volume, root-owned", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await container();
    await ct.ok("mkdir -p /srv/hermes");
  });

  it("root: one line for HERMES_HOME, chown -R as the remedy; the drop HOME is fine and not named", async () => {
    const r = await ct.run("hermes config set model opus", { env: { ...ct.baseEnv(), HERMES_HOME: "/srv/hermes" } });
    expect(shimLines(r)).toEqual([
      "hermes: warning: hermes (uid 10000) cannot write HERMES_HOME /srv/hermes: it is owned by uid 0 gid 0, mode 0755, " +
        "so the hermes CLI may fail; chown -R hermes:hermes /srv/hermes, or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root",
    ]);
    expect(r.code).toBe(await direct(ct, "config set model opus", { HERMES_HOME: "/srv/hermes" }));
    expect(r.code).not.toBe(0);
    expect(await rootOwned(ct, "/srv/hermes /opt/data")).toBe("");
  });

  it("after the remedy, silent", async () => {
    await ct.altered("chown -R hermes:hermes /srv/hermes", "chown -R root:root /srv/hermes", async () => {
      const r = await ct.run("hermes config set model opus", { env: { ...ct.baseEnv(), HERMES_HOME: "/srv/hermes" } });
      expect(r).toMatchObject({ code: 0, stderr: "" });
    });
  });
});

describe("HERMES_HOME under a 0700 parent (/root/.hermes)", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await container();
    await ct.ok("mkdir -p /root/.hermes && chown hermes:hermes /root/.hermes");
  });

  it("root: names /root and its mode, even though hermes owns the home itself", async () => {
    const env = { ...ct.baseEnv(), HERMES_HOME: "/root/.hermes" };
    const r = await ct.run("hermes config set model opus", { env });
    expect(shimLines(r)).toEqual([
      "hermes: warning: hermes (uid 10000) cannot reach HERMES_HOME /root/.hermes: /root is owned by uid 0 gid 0, mode 0700, " +
        "and not searchable by it, so the hermes CLI may fail; move HERMES_HOME where hermes can reach it (under /opt/data), " +
        "or set HERMES_DOCKER_EXEC_AS_ROOT=1 to keep root",
    ]);
    expect(r.code).toBe(await direct(ct, "config set model opus", { HERMES_HOME: "/root/.hermes" }));
    expect(await rootOwned(ct, "/root/.hermes /opt/data")).toBe("");
    expect(await ct.run("hermes --version", { env })).toMatchObject({ code: 0, stdout: "hermes-standin 1.0\n" });
  });
});

describe("docker exec --user 1000: the pass-through as a caller that is not the volume's owner", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await container();
  });

  it("names the caller's uid, the path and its owner, and who can use it; the CLI's status unchanged", async () => {
    const r = await ct.exec(["hermes", "config", "set", "model", "opus"], { flags: ["--user", "1000"] });
    expect(firstLine(r)).toBe(
      "hermes: warning: uid 1000 cannot write HERMES_HOME /opt/data: it is owned by uid 10000 gid 10000, mode 0755, so the " +
        "hermes CLI may fail; run it as root (docker exec without --user: the shim drops to hermes), or as hermes (docker exec --user hermes)",
    );
    expect(shimLines(r)).toHaveLength(1);
    const straight = await ct.exec([CLI, "config", "set", "model", "opus"], { flags: ["--user", "1000"] });
    expect(r.code).toBe(straight.code);
    expect(r.code).not.toBe(0);
    expect(await rootOwned(ct, "/opt/data")).toBe("");
  });

  it("a command that only reads still works", async () => {
    const r = await ct.exec(["hermes", "--version"], { flags: ["--user", "1000"] });
    expect(r).toMatchObject({ code: 0, stdout: "hermes-standin 1.0\n" });
    expect(shimLines(r)).toHaveLength(1);
  });

  it("explain shows the same facts for the caller", async () => {
    const out = await ct.exec(["hermes-exec-shim", "explain"], { flags: ["--user", "1000"] });
    expect(out.stdout).toContain(
      "home           uid 1000 cannot write HERMES_HOME /opt/data: it is owned by uid 10000",
    );
    expect(out.stdout).toContain("warning: hermes: warning: uid 1000 cannot write HERMES_HOME /opt/data");
  });
});

describe("a hermes-writable directory on PATH, with a planted command", () => {
  let ct: Container;
  const planted = "/opt/data/.local/bin";
  beforeAll(async () => {
    ct = await container();
    // What the agent, as hermes, can do on its own volume.
    await ct.ok(
      `mkdir -p ${planted} && printf '#!/bin/sh\\nid -u > /tmp/planted-ran\\n' > ${planted}/less && chmod 0755 ${planted}/less`,
      {
        asRuntimeUser: true,
      },
    );
  });
  const upstreamPath = (ct: Container) => ({ ...ct.baseEnv(), PATH: `${planted}:${ct.baseEnv().PATH}` });

  it("the way in is real: root's next `less` runs the planted file as uid 0", async () => {
    await ct.exec(["less"], { env: upstreamPath(ct) });
    expect(await ct.ok("cat /tmp/planted-ran")).toBe("0\n");
  });

  it("doctor flags it: who can write it and the fix", async () => {
    const r = await ct.run("hermes-exec-shim doctor", { env: upstreamPath(ct) });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `PROBLEM  ${planted} on PATH is not root-only: /opt/data is owned by uid 10000, not root; whoever can write there can plant a command that runs as root under docker exec, the shell included\n`,
    );
    expect(r.stdout).toContain(`remedy: take ${planted} off PATH in the image's ENV PATH, or make it`);
  });

  it("a venv given to hermes, on PATH, is flagged too; the recommended image (root's venv) is not", async () => {
    expect(await ct.ok("hermes-exec-shim doctor")).toMatch(/^ok {7}every directory on PATH is root-only/m);
    await ct.altered("chown -R hermes:hermes /opt/hermes/.venv", "chown -R root:root /opt/hermes/.venv", async () => {
      const r = await ct.run("hermes-exec-shim doctor");
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        "PROBLEM  /opt/hermes/.venv/bin on PATH is not root-only: /opt/hermes/.venv is owned by uid 10000, not root;",
      );
    });
  });
});

describe("a volume whose filesystem refuses chown (bindfs --chown-deny, FUSE)", () => {
  let mount: string;
  beforeAll(async () => {
    const source = hostDir("chown-deny-src");
    mount = mkdtempSync(join(tmpdir(), "hermes-chown-deny-"));
    undo.push(() => rmSync(mount, { recursive: true, force: true }));
    const r = await outcome(["bindfs", "--chown-deny", "-o", "allow_other", source, mount]);
    if (r.code !== 0) throw new Error(`bindfs failed: ${r.stderr}`);
    // The containers that used it are gone by then; FUSE may still be letting go of it for a moment.
    undo.push(() => persist(["umount", mount]));
  });

  it("the drop warns; doctor --fix says the filesystem refused and never offers itself again", async () => {
    const ct = await container(["--volume", `${mount}:/opt/data`]);
    const r = await ct.run("hermes config set model opus");
    expect(firstLine(r)).toContain(
      "hermes (uid 10000) cannot write HERMES_HOME /opt/data: it is owned by uid 1000 gid 1000",
    );
    expect(r.code).toBe(await direct(ct, "config set model opus"));

    const fix = await ct.run("hermes-exec-shim doctor --fix");
    expect(fix.code).toBe(1);
    expect(fix.stdout).toContain(
      "PROBLEM  the filesystem of /opt/data refused to change the owner of 1 entry, even for root (a NAS share, an ACL'd or user-namespaced mount): doctor --fix cannot repair it",
    );
    expect(fix.stdout).toContain("/opt/data (cannot change its owner: operation not permitted)");
    const remedies = fix.stdout.split("\n").filter((l) => l.includes("remedy:"));
    expect(remedies.join("\n")).toContain(
      "change the owner where the filesystem lives (on the host or NAS: chown -R 10000:10000",
    );
    expect(remedies.join("\n")).toContain("run the container as the volume's owner (docker run --user 1000:1000)");
    expect(remedies.join("\n")).not.toContain("doctor --fix");
    expect(await rootOwned(ct, "/opt/data")).toBe("");
  });

  it("the remedy it names works: the container run as the volume's owner writes there, silently", async () => {
    const ct = await container(["--volume", `${mount}:/opt/data`, "--user", "1000:1000"]);
    await writesSilently(ct, "1000:1000");
  });
});

describe("healthy shapes say nothing new", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await container();
  });

  it.each([
    ["root drop", []],
    ["--user hermes", ["--user", "hermes"]],
    ["--user 10000:10000", ["--user", "10000:10000"]],
  ])("%s: writes, silently", async (_, flags) => {
    const r = await ct.exec(["hermes", "config", "set", "model", "opus"], { flags });
    expect(r).toMatchObject({ code: 0, stdout: "set model\n", stderr: "" });
  });

  it("HERMES_HOME unset, as root and as hermes", async () => {
    for (const flags of [[], ["--user", "hermes"]]) {
      expect(await ct.exec(["env", "-u", "HERMES_HOME", "hermes", "config", "set", "a", "b"], { flags })).toMatchObject(
        {
          code: 0,
          stderr: "",
        },
      );
    }
    expect(await rootOwned(ct, "/opt/data")).toBe("");
  });

  it("the CMD path: the entrypoint drops, then runs hermes as hermes", async () => {
    const image = imageTags()[variantKey("hermes", "standin", "s6")] as string;
    const r = await runImage(image, ["hermes", "config", "set", "a", "b"]);
    expect(r).toMatchObject({ code: 0, stdout: "set a\n", stderr: "" });
  });
});
