/**
 * doctor and the supervision tree, in a container whose PID 1 is Debian's
 * s6-svscan, as root, over /run/service with the services of
 * test/container/s6tree.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DoctorReport } from "../../src/admin/core/finding.ts";
import { Container } from "../container/container.ts";
import { CONTROL, MAKE_SERVICES, SCAN, SERVICES } from "../container/s6tree.ts";

const ADMIN = "hermes-exec-shim";
const BOOT = `set -e\nln -s hermes /opt/hermes/bin/${ADMIN}\n${MAKE_SERVICES}\nexec s6-svscan ${SCAN}\n`;

let ct: Container;
beforeAll(async () => {
  ct = await Container.create({ runArgs: ["--entrypoint", "/bin/sh"], command: ["-c", BOOT] });
  // Until s6-supervise runs for every service, and so has made its supervise/.
  await ct.until(SERVICES.map((s) => `s6-svok ${s}`).join(" && "), "s6 to supervise the services");
});
afterAll(() => ct.destroy());

const asHermes = (command: string) => ct.run(command, { asRuntimeUser: true });
const doctor = (flags = "") => ct.run(`${ADMIN} doctor ${flags}`);
const doctorJson = async (flags = "") => JSON.parse((await doctor(`--json ${flags}`)).stdout) as DoctorReport;
const supervision = (report: DoctorReport) => report.findings.filter((f) => f.check === "supervision");
/** Owner, group and mode of everything in the tree and around it, links not followed. */
const snapshot = () => ct.ok(`find ${SCAN} /srv -printf '%U:%G %m %y %p\\n' | sort`);

/** The control surface, as s6 leaves it: root-only. */
const SURFACE = [
  `${SCAN}/.s6-svscan`,
  `${SCAN}/.s6-svscan/control`,
  ...SERVICES.flatMap((s) => [`${s}/event`, `${s}/supervise`, `${s}/supervise/control`]),
].sort();

describe("the supervision tree", () => {
  it("before the fix: hermes cannot control, read or rescan, and doctor names each path", async () => {
    for (const command of CONTROL) {
      const r = await asHermes(command);
      expect(r.code, command).toBe(111);
      expect(r.stderr, command).toContain("Permission denied");
    }
    const r = await doctor();
    console.log(`doctor before --fix:\n${r.stdout}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `PROBLEM  hermes cannot control the services under ${SCAN} or ask s6-svscan to rescan: 11 nodes are closed to it`,
    );
    expect(r.stdout).toContain(
      `${SCAN}/gateway/supervise/control (FIFO, uid 0 gid 0, mode 0600: hermes cannot write to it, so s6-svc fails (\`hermes gateway restart\`))`,
    );
    expect(r.stdout).toContain(
      `${SCAN}/.s6-svscan/control (FIFO, uid 0 gid 0, mode 0600: hermes cannot write to it, so s6-svscanctl fails`,
    );
    expect(r.stdout).toContain(
      `${SCAN}/gateway/log/supervise (directory, uid 0 gid 0, mode 0700: hermes cannot search it`,
    );
    expect(r.stdout).toContain(`${SCAN}/dashboard/event (directory, uid 0 gid 0, mode 3730: hermes cannot subscribe`);
    expect(r.stdout).toContain(`remedy: run \`${ADMIN} doctor --fix\` as root`);
    expect(r.stdout).toContain(
      `ok       ${SCAN}, its service directories and their run and finish scripts are root-only`,
    );
    const [closed] = supervision(await doctorJson());
    expect(closed?.items.map((i) => i.path)).toEqual(SURFACE);
  });

  it("doctor --fix: then hermes controls, reads and rescans; only the control surface changed", async () => {
    const before = await snapshot();
    const r = await doctor("--fix");
    console.log(`doctor --fix:\n${r.stdout}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `fixed    gave group hermes (10000) the control of the services under ${SCAN}: 11 nodes`,
    );
    expect(r.stdout).toContain(
      `${SCAN}/gateway/supervise (directory, was uid 0 gid 0, mode 0700; now gid 10000, mode 0710)`,
    );
    expect(r.stdout).toContain(`ok       hermes can control every service under ${SCAN} (3 services, logs included)`);
    for (const command of CONTROL) expect(await asHermes(command), command).toMatchObject({ code: 0 });
    // s6-svwait subscribes in event/: it waits for the restarted gateway to be up again.
    expect((await asHermes(`s6-svwait -u -t 5000 ${SCAN}/gateway`)).code).toBe(0);
    expect((await asHermes(`s6-svstat -o up ${SCAN}/gateway`)).stdout).toBe("true\n");

    // Exactly s6-svperms' modes, owners kept: nothing but the 11 nodes differs.
    const after = await snapshot();
    const changed = after.split("\n").filter((line) => !before.split("\n").includes(line));
    expect(changed.map((line) => line.split(" ").slice(0, 2).join(" ")).sort()).toEqual(
      [...Array(4).fill("0:10000 710"), ...Array(4).fill("0:10000 620"), ...Array(3).fill("0:10000 3730")].sort(),
    );
    expect(await ct.ok(`s6-svperms ${SERVICES.join(" ")}`)).toBe(
      SERVICES.map((s) => ["status", "control", "events"].map((what) => `${s} ${what}: group hermes\n`).join("")).join(
        "",
      ),
    );
  });

  it("a second --fix changes nothing", async () => {
    const before = await snapshot();
    const r = await doctor("--fix");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^fixed/m);
    expect(await snapshot()).toBe(before);
  });

  it("a scan directory given to hermes is a way to act as root: a PROBLEM that --fix widens nothing for, nor follows hermes's symlink", async () => {
    // Looks like a service to a walk that would follow hermes's symlink to it.
    await ct.ok(
      [
        "mkdir -p -m 0700 /srv/outside/supervise && mkfifo -m 0600 /srv/outside/supervise/control",
        "mkdir -m 3730 /srv/outside/event && touch /srv/outside/supervise/status",
      ].join(" && "),
    );
    await ct.ok(`chown hermes: ${SCAN}`);
    try {
      expect((await asHermes(`ln -s /srv/outside ${SCAN}/evil`)).code).toBe(0);
      const before = await snapshot();
      const r = await doctor("--fix");
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        `PROBLEM  s6 runs what is under ${SCAN} as root, and someone but root can change it: a way to act as root`,
      );
      expect(r.stdout).toContain(`${SCAN} (${SCAN} is owned by uid 10000, not root)`);
      expect(r.stdout).toContain(
        `remedy: keep ${SCAN}, every service directory and its run and finish scripts root-only`,
      );
      expect(r.stdout).not.toMatch(/^fixed/m);
      expect(await snapshot()).toBe(before);
      expect(await ct.ok("stat -c '%U:%G %a' /srv/outside/supervise /srv/outside/supervise/control")).toBe(
        "root:root 700\nroot:root 600\n",
      );
    } finally {
      await ct.ok(`rm ${SCAN}/evil && chown root:root ${SCAN}`);
    }
  });

  it("a service directory given to hermes is a way to act as root too; its supervise/ swapped for a symlink is never followed", async () => {
    await ct.ok(`chown hermes: ${SCAN}/dashboard`);
    try {
      expect(
        (
          await asHermes(
            `cd ${SCAN}/dashboard && mv supervise supervise.real && ln -s /srv/outside/supervise supervise`,
          )
        ).code,
      ).toBe(0);
      const before = await snapshot();
      const r = await doctor("--json --fix");
      expect(r.code).toBe(1);
      const rootWay = supervision(JSON.parse(r.stdout) as DoctorReport).find((f) =>
        f.message.includes("a way to act as root"),
      );
      expect(rootWay?.items).toEqual([
        { path: `${SCAN}/dashboard`, detail: `${SCAN}/dashboard is owned by uid 10000, not root` },
      ]);
      expect(await snapshot()).toBe(before);
      expect(await ct.ok("stat -c '%U:%G %a' /srv/outside/supervise /srv/outside/supervise/control")).toBe(
        "root:root 700\nroot:root 600\n",
      );
    } finally {
      await ct.ok(`cd ${SCAN}/dashboard && rm supervise && mv supervise.real supervise && chown root:root .`);
    }
    expect((await doctor()).code).toBe(0);
  });
});
