/** The admin CLI (hermes-exec-shim explain / doctor) through the compiled shim in a throwaway container. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExplainReport } from "../../src/admin/core/explain.ts";
import type { DoctorReport } from "../../src/admin/core/finding.ts";
import { Container, REPO, type RunOptions } from "../container/container.ts";

const ADMIN = "hermes-exec-shim";
const CLI = "/opt/hermes/.venv/bin/hermes";
const HELPER = "/command/s6-setuidgid";
/** What root's drop execs for hermes, who is in /etc/passwd (contract §11), with its ids. */
const GROUPS_HELPER = "/command/s6-applyuidgid";
const IDS = ["-u", "10000", "-g", "10000", "-G", "10000"];

let ct: Container;
beforeAll(async () => {
  // CAP_SYS_ADMIN (and no AppArmor profile to forbid it): doctor's tests mount a tmpfs and a bind mount inside.
  ct = await Container.create({ runArgs: ["--cap-add", "SYS_ADMIN", "--security-opt", "apparmor=unconfined"] });
  await ct.ok(`ln -s hermes /opt/hermes/bin/${ADMIN}`);
});
afterAll(() => ct.destroy());

const owner = async (path: string) => (await ct.ok(`stat -c '%U:%G' ${path}`)).trim();
const explain = async (args: string, options: RunOptions = {}) =>
  JSON.parse(await ct.ok(`${ADMIN} explain --json -- ${args}`, options)) as ExplainReport;
const doctorJson = async (flags = "") => {
  const r = await ct.run(`${ADMIN} doctor --json ${flags}`);
  return { code: r.code, report: JSON.parse(r.stdout) as DoctorReport };
};
const tree = (report: DoctorReport) => report.findings.filter((f) => f.check === "tree");

describe("dispatch on the admin name", () => {
  it("--version: the package version and the baked configuration", async () => {
    const { version } = JSON.parse(readFileSync(resolve(REPO, "package.json"), "utf8")) as { version: string };
    const out = await ct.ok(`${ADMIN} --version`);
    expect(out.split("\n")[0]).toBe(`${ADMIN} ${version}`);
    expect(out).toContain(`command hermes        ${CLI}\n`);
    expect(out).toContain(`command hermes-agent  ${CLI}-agent\n`);
  });

  it("--help exits 0; unknown flags and commands are usage errors, exit 2", async () => {
    expect(await ct.run(`${ADMIN} --help`)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("doctor [--fix]"),
    });
    for (const args of ["--bogus", "frobnicate", "", "explain auth list", "explain --fix"]) {
      const r = await ct.run(`${ADMIN} ${args}`);
      expect(r).toMatchObject({ code: 2, stdout: "" });
      expect(r.stderr).toContain(`Try '${ADMIN} --help'.`);
    }
  });

  it("under the product name nothing is parsed: `hermes doctor --fix` reaches the CLI", async () => {
    const r = await ct.run("hermes doctor --fix", { asRuntimeUser: true });
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(/^usage: hermes \[--version\]/);
  });
});

describe("explain, row by row of contract §2, agreeing with what the shim then does", () => {
  it("1. CLI missing: refuse, 127", async () => {
    await ct.without(CLI, async () => {
      const report = await explain("--version");
      expect(report.facts.cli?.status).toBe("missing");
      expect(report.plan).toMatchObject({ kind: "refuse", code: 127 });
      expect((await ct.run("hermes --version")).code).toBe(127);
      expect(await ct.ok(`${ADMIN} explain -- --version`)).toContain("plan: refuse, exit 127");
    });
  });

  it("2. not root: pass straight through, helper not examined", async () => {
    const report = await explain("whoami", { asRuntimeUser: true });
    expect(report.facts).toMatchObject({ euid: 10000, helper: { trust: null } });
    expect(report.plan).toEqual({
      kind: "exec",
      way: "pass-through",
      path: CLI,
      argv: [CLI, "whoami"],
      setEnv: {},
      changes: [],
      umask: null,
      relay: null,
      warning: null,
    });
    expect(await ct.ok(`${ADMIN} explain -- whoami`, { asRuntimeUser: true })).toContain(
      "plan: pass straight through as uid 10000",
    );
  });

  it("3. root with the opt-out: the CLI as root", async () => {
    const env = { ...ct.baseEnv(), HERMES_DOCKER_EXEC_AS_ROOT: "TRUE" };
    const report = await explain("whoami", { env });
    expect(report.facts.optOut).toEqual({ variable: "HERMES_DOCKER_EXEC_AS_ROOT", values: ["TRUE"], counts: true });
    expect(report.plan).toMatchObject({ kind: "exec", path: CLI, argv: [CLI, "whoami"], setEnv: {}, umask: null });
    expect(await ct.ok("hermes whoami", { env })).toMatch(/^uid=0 /);
  });

  it("4. root, no opt-out: one exec of s6-applyuidgid with hermes's ids, HOME and umask", async () => {
    const env = { ...ct.baseEnv(), HERMES_DOCKER_EXEC_AS_ROOT: "on" };
    const report = await explain("whoami", { env });
    expect(report.facts.optOut.counts).toBe(false);
    expect(report.facts.helper.trust).toEqual({ trusted: true, resolved: HELPER });
    expect(report.facts.identity).toEqual({ uid: 10000, gid: 10000 });
    expect(report.plan).toMatchObject({
      kind: "exec",
      path: GROUPS_HELPER,
      argv: [GROUPS_HELPER, ...IDS, CLI, "whoami"],
      setEnv: { HOME: "/opt/data" },
      umask: "0002",
      relay: null,
      warning: null,
    });
    expect(await ct.ok("hermes whoami", { env })).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
  });

  it("5. root, neither s6-applyuidgid nor the helper: refuse, 126", async () => {
    await ct.withoutDropPrograms(async () => {
      const report = await explain("whoami");
      expect(report.facts.helper.trust).toEqual({
        trusted: false,
        missing: true,
        reason: `${HELPER} does not exist`,
      });
      expect(report.plan).toMatchObject({ kind: "refuse", code: 126 });
      const r = await ct.run("hermes whoami");
      expect(r.code).toBe(126);
      expect(report.plan.kind === "refuse" && report.plan.message).toBe(r.stderr);
    });
  });

  it("runs nothing", async () => {
    await ct.ok("rm -f /opt/data/config.yaml");
    await ct.ok(`${ADMIN} explain -- config set model opus`);
    expect((await ct.run("test -e /opt/data/config.yaml")).code).not.toBe(0);
  });
});

describe("explain COMMAND", () => {
  it("explains the named command with its own target, and a name the build does not know as 127", async () => {
    const agent = JSON.parse(await ct.ok(`${ADMIN} explain hermes-agent --json -- run`)) as ExplainReport;
    expect(agent.facts.command).toEqual({ name: "hermes-agent", target: `${CLI}-agent` });
    expect(agent.plan).toMatchObject({ kind: "exec", argv: [GROUPS_HELPER, ...IDS, `${CLI}-agent`, "run"] });
    expect(await ct.ok(`${ADMIN} explain /opt/hermes/bin/hermes-acp`)).toContain("what `hermes-acp` would do here");
    const other = JSON.parse(await ct.ok(`${ADMIN} explain other --json`)) as ExplainReport;
    expect(other.plan).toMatchObject({ kind: "refuse", code: 127 });
  });
});

describe("doctor", () => {
  it("a fresh installation is healthy", async () => {
    const r = await ct.run(`${ADMIN} doctor`);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/: healthy\n$/);
    expect(r.stdout).not.toMatch(/^PROBLEM/m);
    // No supervision tree here (no /run/service, PID 1 not s6's): one line says so, and nothing else of one.
    expect(r.stdout).not.toMatch(/\/run\/service/);
    expect((await doctorJson()).report.findings.filter((f) => f.check === "supervision")).toEqual([
      {
        check: "supervision",
        status: "note",
        message: expect.stringMatching(
          /^PID 1 is \S+, not s6-svscan: no supervision tree here; the drop works, and services cannot be managed from the CLI$/,
        ),
        remedy: null,
        items: [],
      },
    ]);
  });

  it("finds what is wrong with the installation, each with a remedy", async () => {
    await ct.withoutDropPrograms(async () => {
      const r = await ct.run(`${ADMIN} doctor`);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`PROBLEM  the helper ${HELPER} cannot be used: ${HELPER} does not exist`);
    });
    await ct.ok("ln -sf /bin/true /usr/local/bin/hermes");
    try {
      const r = await ct.run(`${ADMIN} doctor`, {
        env: { ...ct.baseEnv(), PATH: `/usr/local/bin:${ct.baseEnv().PATH}` },
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("PROBLEM  hermes on PATH is /usr/local/bin/hermes, not this shim");
      expect(r.stdout).toContain("remedy: put /opt/hermes/bin first on PATH");
      // A login shell's PATH (contract §16) reaches it too, whatever the caller's PATH says.
      const login = await ct.run(`${ADMIN} doctor`);
      expect(login.stdout).toContain(
        "PROBLEM  hermes on a login shell's PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin, " +
          "as Debian's /etc/profile sets root's) is /usr/local/bin/hermes, not this shim (/opt/hermes/bin/hermes): " +
          "root's login shells (su -, SSH) run it as root\n",
      );
    } finally {
      await ct.ok("ln -sf /opt/hermes/bin/hermes /usr/local/bin/hermes");
    }
  });

  it("checks every command, and names a venv script PATH reaches unguarded", async () => {
    const healthy = await ct.ok(`${ADMIN} doctor`);
    for (const name of ["hermes", "hermes-agent", "hermes-acp"]) {
      expect(healthy).toContain(`ok       the ${name} CLI /opt/hermes/.venv/bin/${name} exists and is executable\n`);
      expect(healthy).toContain(`ok       ${name} on PATH is this shim (/opt/hermes/bin/${name})\n`);
    }
    expect(healthy).toContain(
      "ok       every entry point in /opt/hermes/.venv/bin that PATH reaches is guarded by the shim\n",
    );
    expect(healthy).toMatch(/^note {5}the venv's interpreter and tools run as root when called by name \(.*python3/m);

    await ct.altered(
      "cp /opt/hermes/.venv/bin/hermes /opt/hermes/.venv/bin/hermes-worker",
      "rm /opt/hermes/.venv/bin/hermes-worker",
      async () => {
        const r = await ct.run(`${ADMIN} doctor`);
        expect(r.code).toBe(1);
        expect(r.stdout).toContain("PROBLEM  1 unguarded entry point: PATH reaches it and no shim name shadows it");
        expect(r.stdout).toContain("/opt/hermes/.venv/bin/hermes-worker (`hermes-worker` on PATH runs it)");
        expect(r.stdout).toContain("--command hermes-acp --command hermes-worker");
        // Shadowed by a link to the shim, it is guarded (and, unknown to this build, runs nothing).
        await ct.altered("ln -s hermes /opt/hermes/bin/hermes-worker", "rm /opt/hermes/bin/hermes-worker", async () => {
          expect((await ct.run(`${ADMIN} doctor`)).stdout).not.toContain("unguarded");
        });
      },
    );

    await ct.altered("rm /opt/hermes/bin/hermes-acp", "ln -s hermes /opt/hermes/bin/hermes-acp", async () => {
      const r = await ct.run(`${ADMIN} doctor`);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        "PROBLEM  hermes-acp on PATH is /opt/hermes/.venv/bin/hermes-acp, not this shim (/opt/hermes/bin/hermes): root calls would not drop",
      );
    });
  });

  it("pre-shim volume: root-owned auth.json and directory are found, then fixed, and the gateway's user logs in", async () => {
    await ct.ok(
      [
        `printf '{"providers": {"nous": {"token": "t"}}}' > /opt/data/auth.json`,
        "chmod 0600 /opt/data/auth.json",
        "mkdir -m 0700 /opt/data/skills && echo x > /opt/data/skills/web.md",
      ].join(" && "),
    );
    expect((await ct.run("hermes auth list", { asRuntimeUser: true })).code).toBe(1);

    const found = await ct.run(`${ADMIN} doctor`);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain("PROBLEM  2 entries under /opt/data are not hermes's and hermes cannot read them");
    expect(found.stdout).toContain("/opt/data/auth.json (file, uid 0 gid 0, mode 0600)");
    expect(found.stdout).toContain("/opt/data/skills (directory, uid 0 gid 0, mode 0700)");
    expect(await owner("/opt/data/auth.json")).toBe("root:root");

    const fixed = await ct.run(`${ADMIN} doctor --fix`);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain("fixed    gave 3 entries under /opt/data to hermes (10000:10000)");
    expect(await ct.ok("find /opt/data ! -user hermes")).toBe("");
    expect(await ct.ok("hermes auth list", { asRuntimeUser: true })).toBe("nous\n");
    expect((await ct.run(`${ADMIN} doctor`)).code).toBe(0);
  });

  it("--fix needs root", async () => {
    const r = await ct.run(`${ADMIN} doctor --fix`, { asRuntimeUser: true });
    expect(r).toMatchObject({ code: 1, stdout: "" });
    expect(r.stderr).toContain("must run as root");
  });

  it("never chowns through a planted symlink or hard link", async () => {
    // A hard link needs both names on one mount, and the volume at /opt/data is a mount of its own: the
    // tree is rebuilt on a tmpfs that also holds /srv/fs/outside, and that tree is bind-mounted over /opt/data.
    await ct.ok(
      [
        "mkdir -p /srv/fs && mount -t tmpfs tmpfs /srv/fs && mkdir /srv/fs/outside /srv/fs/data",
        "chown hermes:hermes /srv/fs/data",
        "echo secret > /srv/fs/outside/by-symlink && chmod 0600 /srv/fs/outside/by-symlink",
        "echo secret > /srv/fs/outside/by-hardlink && chmod 0600 /srv/fs/outside/by-hardlink",
        "ln -s /srv/fs/outside/by-symlink /srv/fs/data/symlink",
        "ln -s /srv/fs/outside /srv/fs/data/dir-symlink",
        "ln /srv/fs/outside/by-hardlink /srv/fs/data/hardlink",
        "mount --bind /srv/fs/data /opt/data",
      ].join(" && "),
    );
    try {
      const { code, report } = await doctorJson("--fix");
      expect(code).toBe(1);
      const [changed, linked] = tree(report);
      expect(changed).toMatchObject({ status: "fixed" });
      expect(changed?.items.map((i) => i.path).sort()).toEqual(["/opt/data/dir-symlink", "/opt/data/symlink"]);
      expect(linked).toMatchObject({ status: "problem", items: [{ path: "/opt/data/hardlink" }] });
      expect(await owner("/srv/fs/outside/by-symlink")).toBe("root:root");
      expect(await owner("/srv/fs/outside/by-hardlink")).toBe("root:root");
      expect(await owner("/srv/fs/outside")).toBe("root:root");
      // The links themselves: the symlinks are now hermes's, the hard-linked file is not.
      expect(await owner("/opt/data/symlink")).toBe("hermes:hermes");
      expect(await owner("/opt/data/hardlink")).toBe("root:root");
    } finally {
      await ct.ok("umount /opt/data && umount /srv/fs && rm -rf /srv/fs");
    }
  });

  it("never crosses into another filesystem, a directory or a single bind-mounted file", async () => {
    await ct.ok(
      [
        "mkdir /opt/data/mnt && mount -t tmpfs tmpfs /opt/data/mnt && touch /opt/data/mnt/inside",
        "echo secret > /root/secret && touch /opt/data/bound && mount --bind /root/secret /opt/data/bound",
      ].join(" && "),
    );
    try {
      const { code, report } = await doctorJson("--fix");
      expect(code).toBe(0);
      const mounts = tree(report).find((f) => f.message.includes("another filesystem"));
      expect(mounts?.items.map((i) => i.path).sort()).toEqual(["/opt/data/bound", "/opt/data/mnt"]);
      // Not examined, so counted as such, and the ok line claims only the rest.
      expect(mounts?.unexamined).toBe(2);
      expect(report.unexamined).toBe(2);
      expect(tree(report).find((f) => f.status === "ok")?.message).toBe(
        "everything doctor examined under /opt/data is hermes's or readable by hermes, which is all but what is on another filesystem (above)",
      );
      expect(await owner("/opt/data/mnt")).toBe("root:root");
      expect(await owner("/opt/data/mnt/inside")).toBe("root:root");
      expect(await owner("/root/secret")).toBe("root:root");
    } finally {
      await ct.ok("umount /opt/data/mnt /opt/data/bound && rm -rf /opt/data/mnt /opt/data/bound /root/secret");
    }
  });

  it("never leaves the tree while a directory in it keeps being swapped for a symlink", async () => {
    // renameat2(RENAME_EXCHANGE) in a tight loop flips race/a and race/b between a directory and a
    // symlink to /srv/outside every few microseconds, so that flips fall between doctor's look at a
    // name and its opening of it. A walk that opened by name and followed symlinks fails this
    // nearly every time within 100 runs. A property, so no time limit: the 100 runs take what the machine gives them.
    const swapper = `
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
while libc.renameat2(-100, b"/opt/data/race/a", -100, b"/opt/data/race/b", 2) == 0:
    pass
`;
    const script = `
      set -e
      mkdir -p /srv/outside /opt/data/race/a
      for i in $(seq 100); do echo x > /srv/outside/$i; done
      chmod 0600 /srv/outside/*
      ln -s /srv/outside /opt/data/race/b
      python3 -c '${swapper}' &
      swapper=$!
      sleep 0.2
      for i in $(seq 100); do ${ADMIN} doctor --fix >/dev/null || true; done
      kill $swapper
      find /srv/outside -user hermes
    `;
    try {
      expect(await ct.ok(script)).toBe("");
    } finally {
      await ct.ok("rm -rf /srv/outside /opt/data/race");
    }
  });

  it("a tree of 100,000 files: checked, fixed and checked again (timings reported, not asserted)", async () => {
    // Each step waits for its walk to end, however busy the machine: how fast is the bench's question.
    await ct.ok(
      "mkdir /opt/data/big && cd /opt/data/big && for d in $(seq 100); do mkdir $d && (cd $d && seq 1000 | xargs touch); done",
    );
    const timed = async (command: string) => {
      const start = performance.now();
      const r = await ct.run(command);
      return { ...r, seconds: (performance.now() - start) / 1000 };
    };
    try {
      const check = await timed(`${ADMIN} doctor`);
      expect(check.code).toBe(0);
      expect(check.stdout).toContain("100,101 entries under /opt/data are someone else's");
      // On a terminal (here script's pty, stdout and stderr merged) a progress count runs on stderr.
      const fix = await timed(`script -qec '${ADMIN} doctor --fix' /dev/null`);
      expect(fix.code).toBe(0);
      expect(fix.stdout).toContain("gave 100,101 entries under /opt/data to hermes");
      expect(fix.stdout).toContain("\r\x1b[K");
      expect(fix.stdout).toMatch(/doctor: \/opt\/data: [\d,]+ entries…/);
      const recheck = await timed(`${ADMIN} doctor`);
      expect(recheck.stdout).toMatch(/^100,10\d entries examined under \/opt\/data: healthy$/m);
      console.log(
        `doctor on 100,000 files: check ${check.seconds.toFixed(2)} s, --fix ${fix.seconds.toFixed(2)} s, ` +
          `check when all owned ${recheck.seconds.toFixed(2)} s`,
      );
    } finally {
      await ct.ok("rm -rf /opt/data/big");
    }
  });
});
