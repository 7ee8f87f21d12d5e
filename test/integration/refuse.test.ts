/**
 * Refusals beyond the helper's (contract §6): a setuid or setgid install, root without the
 * capabilities a drop needs, a shim the runtime user could replace, and limits the runtime cannot
 * work under. Each through `docker exec` into a real container.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container, JS_ERROR_REPORT } from "../container/container.ts";

const SHIM = "/opt/hermes/bin/hermes";
const asHermes = { flags: ["--user", "hermes"] };
const optOut = (flags: string[] = []) => ({ flags: [...flags, "--env", "HERMES_DOCKER_EXEC_AS_ROOT=1"] });

function twoLines(stderr: string): string[] {
  const lines = stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(2);
  return lines;
}

describe("a setuid or setgid install is refused before anything runs", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await Container.create();
  });
  afterAll(() => ct.destroy());

  it.each([
    ["setuid root (chmod u+s)", "chmod u+s", "real uid 10000 but effective uid 0"],
    ["setgid root (chmod g+s, group root)", "chgrp root && chmod g+s", "real gid 10000 but effective gid 0"],
  ])("%s run by hermes: 126 with the fix, opt-out and admin commands included", async (_, change, why) => {
    const [cmd, bit] = change.includes("&&") ? ["chgrp root", "chmod g+s"] : [change, ""];
    await ct.altered(
      `${cmd} ${SHIM} ${bit ? `&& ${bit} ${SHIM}` : ""}`,
      `chmod u-s,g-s ${SHIM} && chown root:root ${SHIM}`,
      async () => {
        await ct.ok("rm -f /opt/data/config.yaml /tmp/ran");
        for (const options of [asHermes, optOut(asHermes.flags)]) {
          const r = await ct.exec(["hermes", "config", "set", "should", "not"], options);
          expect(r.code).toBe(126);
          expect(r.stdout).toBe("");
          const [first, second] = twoLines(r.stderr);
          expect(first).toContain(why);
          expect(second).toBe(`hermes: install it without the setuid and setgid bits: as root, chmod u-s,g-s ${SHIM}`);
        }
        expect((await ct.run("test -e /opt/data/config.yaml")).code).not.toBe(0);
        // The admin name, through a link as install.sh --admin-link makes it: doctor --fix would chown as root.
        await ct.ok(`ln -sf hermes /opt/hermes/bin/hermes-exec-shim`);
        const admin = await ct.exec(["hermes-exec-shim", "doctor", "--fix"], asHermes);
        expect(admin.code).toBe(126);
        expect(twoLines(admin.stderr)[1]).toContain("chmod u-s,g-s");
        await ct.ok("rm -f /opt/hermes/bin/hermes-exec-shim");
      },
    );
  });

  it("setuid, run by root: the ids agree, so it drops as usual (root gains nothing)", async () => {
    await ct.altered(`chmod u+s ${SHIM}`, `chmod u-s ${SHIM}`, async () => {
      expect((await ct.exec(["hermes", "whoami"])).stdout).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
    });
  });

  it("doctor reports the bit as a problem, with the chmod that fixes it", async () => {
    await ct.altered(
      `chmod u+s ${SHIM} && ln -s hermes /opt/hermes/bin/hermes-exec-shim`,
      `chmod u-s ${SHIM} && rm /opt/hermes/bin/hermes-exec-shim`,
      async () => {
        const r = await ct.exec(["hermes-exec-shim", "doctor"]);
        expect(r.code).toBe(1);
        expect(r.stdout).toContain(`PROBLEM  this shim ${SHIM} is setuid (mode 4755)`);
        expect(r.stdout).toContain(`remedy: as root: chmod u-s,g-s ${SHIM}`);
      },
    );
  });

  it("a shim the runtime user could replace: one warning line on every root call, and a doctor problem", async () => {
    await ct.altered("chown hermes /opt/hermes", "chown root /opt/hermes", async () => {
      const warning =
        "hermes: warning: /opt/hermes is owned by uid 10000, not root: whoever can write there can replace this hermes, which root runs";
      const drop = await ct.exec(["hermes", "whoami"]);
      expect(drop).toMatchObject({ code: 0, stdout: "uid=10000 gid=10000 home=/opt/data umask=0002\n" });
      expect(drop.stderr).toBe(`${warning}\n`);
      const kept = await ct.exec(["hermes", "whoami"], optOut());
      expect(kept.stderr.split("\n")[0]).toBe(warning);
      expect((await ct.exec(["hermes", "whoami"], asHermes)).stderr).toBe("");
      await ct.ok("ln -s hermes /opt/hermes/bin/hermes-exec-shim");
      const doctor = await ct.exec(["hermes-exec-shim", "doctor"]);
      expect(doctor.stdout).toContain(
        "PROBLEM  this shim cannot be trusted by root: /opt/hermes is owned by uid 10000",
      );
      await ct.ok("rm /opt/hermes/bin/hermes-exec-shim");
    });
  });
});

describe("root without CAP_SETUID and CAP_SETGID", () => {
  let ct: Container;
  beforeAll(async () => {
    // The image's entrypoint drops through s6-setuidgid too, which cannot work here: PID 1 just sleeps.
    ct = await Container.create({
      runArgs: ["--cap-drop", "ALL", "--entrypoint", "/bin/sleep"],
      command: ["infinity"],
    });
  });
  afterAll(() => ct.destroy());

  it("--cap-drop ALL: docker exec C hermes … exits 126, names the capabilities and the remedies, the CLI never ran", async () => {
    const r = await ct.exec(["hermes", "config", "set", "should", "not"]);
    expect(r.code).toBe(126);
    expect(r.stdout).toBe("");
    const [first, second] = twoLines(r.stderr);
    expect(first).toContain("root here lacks CAP_SETUID and CAP_SETGID");
    expect(second).toContain("docker exec --user hermes");
    expect(second).toContain("--cap-add SETUID --cap-add SETGID");
    expect(second).toContain("HERMES_DOCKER_EXEC_AS_ROOT=1");
    expect(r.stderr).not.toContain("s6-applyuidgid");
    expect((await ct.run("test -e /opt/data/config.yaml")).code).not.toBe(0);
  });

  it("--user hermes and the opt-out still work", async () => {
    expect((await ct.exec(["hermes", "whoami"], asHermes)).stdout).toMatch(/^uid=10000 /);
    expect((await ct.exec(["hermes", "whoami"], optOut())).stdout).toMatch(/^uid=0 /);
  });
});

describe("the Kubernetes-hardened capability set still drops", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await Container.create({
      runArgs: ["--cap-drop", "ALL", ...["SETUID", "SETGID", "CHOWN", "DAC_OVERRIDE"].flatMap((c) => ["--cap-add", c])],
    });
  });
  afterAll(() => ct.destroy());

  it("root docker exec drops to hermes", async () => {
    expect(await ct.exec(["hermes", "whoami"])).toMatchObject({
      code: 0,
      stdout: "uid=10000 gid=10000 home=/opt/data umask=0002\n",
      stderr: "",
    });
  });
});

describe("limits the runtime cannot work under", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await Container.create();
  });
  afterAll(() => ct.destroy());

  // Below about 2.2 GiB of address space the runtime starts without its JIT, so bun:ffi is unavailable.
  it.each([
    ["root", {}],
    ["hermes", asHermes],
  ] as const)("ulimit -v 1 GiB as %s: the CLI still runs, dropped as usual", async (_, options) => {
    const r = await ct.exec(["sh", "-c", "ulimit -v 1048576 && exec hermes whoami"], options);
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^uid=10000 gid=10000 home=\/opt\/data /) });
    expect(r.stderr).toBe("");
  });

  it("ulimit -v 1 GiB with the opt-out keeps root; with --cap-drop refusals unchanged", async () => {
    const r = await ct.exec(["sh", "-c", "ulimit -v 1048576 && exec hermes whoami"], optOut());
    expect(r.stdout).toMatch(/^uid=0 gid=0 /);
  });

  it("ulimit -v 1 GiB, setuid install run by hermes: still 126, never root", async () => {
    await ct.altered(`chmod u+s ${SHIM}`, `chmod u-s ${SHIM}`, async () => {
      const r = await ct.exec(["sh", "-c", "ulimit -v 1048576 && exec hermes whoami"], optOut(asHermes.flags));
      expect(r.code).toBe(126);
      expect(r.stdout).toBe("");
      expect(twoLines(r.stderr)[1]).toContain("chmod u-s,g-s");
    });
  });

  it("the admin commands say in one line that they need the JIT", async () => {
    await ct.altered(
      "ln -s hermes /opt/hermes/bin/hermes-exec-shim",
      "rm /opt/hermes/bin/hermes-exec-shim",
      async () => {
        const r = await ct.exec(["sh", "-c", "ulimit -v 1048576 && exec hermes-exec-shim doctor"]);
        expect(r.code).toBe(126);
        expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
        expect(r.stderr).toContain("need bun:ffi");
      },
    );
  });

  it("the harness's check recognises the runtime's error report", () => {
    expect(JS_ERROR_REPORT.test("155 |   let result = nativeDLOpen(path, options);\n")).toBe(true);
    expect(JS_ERROR_REPORT.test("      at dlopen (bun:ffi:155:28)\n")).toBe(true);
    expect(JS_ERROR_REPORT.test("hermes: internal error, nothing was run (TypeError: x)\n")).toBe(false);
  });
});

describe("an image without the runtime user (a fork renamed or removed it)", () => {
  let ct: Container;
  beforeAll(async () => {
    // The entrypoint would drop to hermes too: PID 1 just sleeps.
    ct = await Container.create({ runArgs: ["--entrypoint", "/bin/sleep"], command: ["infinity"] });
    await ct.ok("userdel hermes && ln -sf hermes /opt/hermes/bin/hermes-exec-shim");
  });
  afterAll(() => ct.destroy());

  it("docker exec C hermes … exits 126 with the shim's one line, not the helper's; the CLI never ran", async () => {
    const r = await ct.exec(["hermes", "config", "set", "should", "not"]);
    expect(r).toMatchObject({ code: 126, stdout: "" });
    expect(r.stderr).toBe(
      "hermes: this image has no user hermes to drop to (not in /etc/passwd), so hermes will not run as root: " +
        "run it as a user the image has (docker exec --user UID …), rebuild the shim with --user NAME, or, to keep root on purpose, set HERMES_DOCKER_EXEC_AS_ROOT=1.\n",
    );
    expect((await ct.run("test -e /opt/data/config.yaml")).code).not.toBe(0);
  });

  it("the remedies it names work: --user 10000 passes through, the opt-out keeps root", async () => {
    expect((await ct.exec(["hermes", "whoami"], { flags: ["--user", "10000:10000"] })).stdout).toMatch(/^uid=10000 /);
    expect((await ct.exec(["hermes", "whoami"], optOut())).stdout).toMatch(/^uid=0 /);
  });

  it("where nsswitch.conf names another source for passwd, the helper decides (and fails on its own here)", async () => {
    const r = await ct.altered(
      "cp /etc/nsswitch.conf /tmp/nss && sed -i 's/^passwd:.*/passwd: files ldap/' /etc/nsswitch.conf",
      "cp /tmp/nss /etc/nsswitch.conf",
      () => ct.exec(["hermes", "whoami"]),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toContain("this image has no user");
    expect(r.stdout).toBe("");
  });

  it("doctor reports it as a PROBLEM", async () => {
    const r = await ct.exec(["hermes-exec-shim", "doctor"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("PROBLEM  the runtime user hermes is not in /etc/passwd");
  });
});
