/**
 * doctor and the homes the CLI really uses (contract §7, §9): a HERMES_HOME that names another directory
 * than the build's home is walked too, under every rule of the first walk, and never when it holds the
 * image's own files; and a runtime user remapped at boot the way Unraid sets it (HERMES_UID=99,
 * HERMES_GID=100) over a volume that still holds the old uid's files. Each on the real engine, asserting
 * what the operator sees and what --fix changed.
 */
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DoctorReport } from "../../src/admin/core/finding.ts";
import { Container } from "../container/container.ts";

const ADMIN = "hermes-exec-shim";

const made: Container[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.allSettled(made.map((ct) => ct.destroy()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function container(options: Parameters<typeof Container.create>[0] = {}): Promise<Container> {
  const ct = await Container.create(options);
  made.push(ct);
  return ct;
}

const owner = async (ct: Container, path: string) => (await ct.ok(`stat -c '%U:%G' ${path}`)).trim();

describe("HERMES_HOME names another directory (/srv/state)", () => {
  let ct: Container;
  const env = (ct: Container) => ({ ...ct.baseEnv(), HERMES_HOME: "/srv/state" });
  const doctor = (flags = "") => ct.run(`${ADMIN} doctor ${flags}`, { env: env(ct) });
  beforeAll(async () => {
    // CAP_SYS_ADMIN, unconfined: a filesystem mounted under the second home, as a volume would be.
    ct = await container({ runArgs: ["--cap-add", "SYS_ADMIN", "--security-opt", "apparmor=unconfined"] });
    await ct.ok(
      [
        `ln -s hermes /opt/hermes/bin/${ADMIN}`,
        // hermes's directory, where root left its auth.json, 0600: the gateway cannot read it.
        "mkdir -p /srv/state && chown hermes: /srv/state",
        'printf \'{"providers": {"nous": {}}}\' > /srv/state/auth.json && chmod 0600 /srv/state/auth.json',
        // What a walk must never reach through: a symlink and a hard link to files outside, a mount inside.
        "ln -s /etc/shadow /srv/state/shadow-link",
        "ln /etc/passwd /srv/state/passwd-link",
        "mkdir /srv/state/cache && mount -t tmpfs tmpfs /srv/state/cache && touch /srv/state/cache/inside",
      ].join(" && "),
    );
  });

  it("doctor names the root-owned file there, the home each finding is about, and exits 1", async () => {
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("everything under /opt/data is hermes's or readable by hermes\n");
    expect(r.stdout).toContain(
      "PROBLEM  1 entry under HERMES_HOME /srv/state is not hermes's and hermes cannot read it\n" +
        "           /srv/state/auth.json (file, uid 0 gid 0, mode 0600)\n",
    );
    // The mount under it was not examined, and the last line counts it.
    expect(r.stdout).toMatch(
      /^\d+ entries examined under \/opt\/data and HERMES_HOME \/srv\/state: 1 problem, 1 part not examined$/m,
    );
    const report = JSON.parse((await doctor("--json")).stdout) as DoctorReport;
    expect(report.walked).toEqual(["/opt/data", "HERMES_HOME /srv/state"]);
  });

  it("without HERMES_HOME in its environment, doctor walks the build's home alone", async () => {
    const r = await ct.run(`${ADMIN} doctor`);
    expect(r.stdout).not.toContain("/srv/state");
    expect(r.code).toBe(0);
  });

  it("--fix gives the file to hermes, and the CLI run by root reads it; links and the mount are left alone", async () => {
    const fixed = await doctor("--fix");
    expect(fixed.stdout).toContain("fixed    gave 2 entries under HERMES_HOME /srv/state to hermes (10000:10000)\n");
    expect(fixed.stdout).toContain("/srv/state/auth.json (file, was uid 0 gid 0, mode 0600)");
    expect(fixed.stdout).toContain("/srv/state/shadow-link (symlink, was uid 0 gid 0, mode 0777)");
    expect(fixed.stdout).toContain(
      "1 entry under HERMES_HOME /srv/state is someone else's with more hard links, maybe outside /srv/state",
    );
    expect(fixed.stdout).toContain(
      "1 entry under HERMES_HOME /srv/state is another filesystem: not checked or changed",
    );
    expect(await owner(ct, "/srv/state/auth.json")).toBe("hermes:hermes");
    expect(await owner(ct, "/etc/shadow")).toBe("root:shadow");
    expect(await owner(ct, "/etc/passwd")).toBe("root:root");
    expect(await owner(ct, "/srv/state/cache/inside")).toBe("root:root");
    expect(await ct.run("hermes auth list", { env: env(ct) })).toMatchObject({ code: 0, stdout: "nous\n", stderr: "" });
  });
});

describe("a HERMES_HOME that holds the image's own files is never walked", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await container();
    await ct.ok(`ln -s hermes /opt/hermes/bin/${ADMIN} && mkdir -p /srv && ln -s /opt /srv/opt-link`);
  });

  for (const [home, held] of [
    ["/", "/opt/hermes/bin/hermes"],
    ["/opt", "/opt/hermes/bin/hermes"],
    ["/opt/hermes/.venv", "/opt/hermes/.venv/bin/hermes"],
    // Through a symlink on the way: what counts is where the kernel lands.
    ["/srv/opt-link/hermes", "/opt/hermes/bin/hermes"],
  ] as const) {
    it(`HERMES_HOME=${home}: doctor --fix names what it holds and changes nothing`, async () => {
      const r = await ct.run(`${ADMIN} doctor --fix`, { env: { ...ct.baseEnv(), HERMES_HOME: home } });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        `PROBLEM  HERMES_HOME ${home} holds the image's own files (${held}): doctor neither checks nor changes them\n` +
          "         remedy: point HERMES_HOME at a directory of its own that hermes owns\n",
      );
      expect(await ct.ok("find / -xdev -user hermes ! -path '/opt/data*' ! -path '/proc/*' | head -3")).toBe("");
    });
  }

  it("HERMES_HOME a symlink: not followed, and said so", async () => {
    await ct.ok("mkdir -p /srv/real && chown hermes: /srv/real && ln -sfn /srv/real /srv/state-link");
    const r = await ct.run(`${ADMIN} doctor`, { env: { ...ct.baseEnv(), HERMES_HOME: "/srv/state-link" } });
    expect(r.stdout).toContain(
      "PROBLEM  HERMES_HOME /srv/state-link is a symlink: doctor neither checks nor changes anything through one\n",
    );
  });
});

describe("the runtime user remapped at boot as on Unraid (HERMES_UID=99, HERMES_GID=100)", () => {
  let ct: Container;
  beforeAll(async () => {
    // The volume as an earlier image left it: everything the old uid's, 10000.
    const volume = mkdtempSync(join(tmpdir(), "hermes-unraid-"));
    dirs.push(volume);
    mkdirSync(join(volume, "skills"), { mode: 0o700 });
    writeFileSync(join(volume, "auth.json"), '{"providers": {"nous": {}}}', { mode: 0o600 });
    writeFileSync(join(volume, "skills/web.md"), "x\n", { mode: 0o600 });
    for (const path of [volume, join(volume, "skills"), join(volume, "auth.json"), join(volume, "skills/web.md")])
      chownSync(path, 10000, 10000);
    // What an entrypoint does with HERMES_UID and HERMES_GID: 100 is the image's own users group, so hermes
    // takes it as its group rather than the group being renumbered. passwd is edited in place, as an
    // entrypoint without usermod does: usermod -u would also chown the files of /opt/data, its home there,
    // and the shape is the one where they stay the old uid's. Only the volume's top is given over.
    const boot = [
      `sed -i "s/^hermes:x:10000:10000:/hermes:x:$HERMES_UID:$HERMES_GID:/" /etc/passwd`,
      'grep -q "^hermes:x:$HERMES_UID:$HERMES_GID:" /etc/passwd',
      'chown "$HERMES_UID:$HERMES_GID" /opt/data',
      `ln -s hermes /opt/hermes/bin/${ADMIN}`,
      "exec entrypoint sh -c 'touch /tmp/booted && exec sleep infinity'",
    ].join(" && ");
    ct = await container({
      runArgs: [
        "--entrypoint",
        "/bin/sh",
        "--env",
        "HERMES_UID=99",
        "--env",
        "HERMES_GID=100",
        "--volume",
        `${volume}:/opt/data`,
      ],
      command: ["-c", boot],
    });
    // Ready once the entrypoint has dropped to the new uid.
    await ct.ok("until [ -e /tmp/booted ]; do sleep 0.1; done");
  });

  it("root's hermes lands on 99:100, the home is the new uid's, and the old uid's entries at its top are named", async () => {
    const old = (path: string, what: string) =>
      `hermes: warning: hermes (uid 99) cannot read /opt/data/${path} (${what}, uid 10000 gid 10000, mode 0${what === "file" ? "600" : "700"}), ` +
      "so the hermes CLI may take it as missing and replace it, or fail; as root, run hermes-exec-shim doctor --fix\n";
    // contract §11: named before the CLI runs, and the CLI still runs.
    expect(await ct.exec(["hermes", "whoami"])).toMatchObject({
      code: 0,
      stdout: "uid=99 gid=100 home=/opt/data umask=0002\n",
      stderr: old("auth.json", "file") + old("skills", "directory"),
    });
    expect(await ct.exec(["hermes", "config", "set", "model", "opus"])).toMatchObject({ code: 0 });
    expect(await ct.ok("stat -c '%u:%g %a' /opt/data/config.yaml")).toBe("99:100 600\n");
    expect((await ct.ok("ps -o uid= -p 1")).trim()).toBe("99");
  });

  it("doctor names the old uid's files; --fix gives them to 99:100, and the CLI reads them", async () => {
    expect((await ct.run("hermes auth list")).stderr).toContain("PermissionError");
    const found = await ct.run(`${ADMIN} doctor`);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain("PROBLEM  3 entries under /opt/data are not hermes's and hermes cannot read them\n");
    expect(found.stdout).toContain("/opt/data/auth.json (file, uid 10000 gid 10000, mode 0600)");
    const fixed = await ct.run(`${ADMIN} doctor --fix`);
    expect(fixed.stdout).toContain("fixed    gave 3 entries under /opt/data to hermes (99:100)\n");
    expect(fixed.code).toBe(0);
    expect(await ct.ok("find /opt/data ! -user 99 -o ! -group 100")).toBe("");
    expect(await ct.exec(["hermes", "auth", "list"])).toMatchObject({ code: 0, stdout: "nous\n", stderr: "" });
    expect((await ct.run(`${ADMIN} doctor`)).code).toBe(0);
  });
});
