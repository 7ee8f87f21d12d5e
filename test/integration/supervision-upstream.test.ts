/**
 * doctor on the supervision tree upstream's image ships (contract §9): Debian's s6-svscan as PID 1, as
 * root, over a /run/service the runtime user owns, whose services are root's links to root's own service
 * directories; a gateway slot root made there; and a race that repoints a service's name while --fix runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DoctorReport } from "../../src/admin/core/finding.ts";
import { Container } from "../container/container.ts";
import { GIVE_SCANNER, MAKE_UPSTREAM, SCAN, UPSTREAM_DIRS, UPSTREAM_SERVICES } from "../container/s6tree.ts";

const ADMIN = "hermes-exec-shim";
const BOOT = `set -e\nln -s hermes /opt/hermes/bin/${ADMIN}\n${MAKE_UPSTREAM}\nexec s6-svscan ${SCAN}\n`;
const SLOT = `${SCAN}/gateway-work`;

let ct: Container;
const supervised = (services: string[]) =>
  ct.until(services.map((s) => `s6-svok ${s}`).join(" && "), `s6 to supervise ${services.join(" ")}`);
beforeAll(async () => {
  ct = await Container.create({
    runArgs: ["--entrypoint", "/bin/sh", "--tmpfs", "/run:exec,mode=0755"],
    command: ["-c", BOOT],
  });
  await supervised(UPSTREAM_SERVICES);
  await ct.ok(GIVE_SCANNER);
});
afterAll(() => ct.destroy());

const asHermes = (command: string) => ct.run(command, { asRuntimeUser: true });
/** Owner, group and mode of everything under /run and /srv, links not followed; s6's own bookkeeping left out. */
const snapshot = () =>
  ct.ok(`find /run /srv -path '*/supervise/*' ! -name control -prune -o -printf '%U:%G %m %y %p\\n' | sort`);
const changedBetween = (before: string, after: string) =>
  after.split("\n").filter((line) => !before.split("\n").includes(line));

describe("upstream's layout: a scan directory hermes owns, services linked to root's directories", () => {
  it("before --fix: hermes cannot restart its services; doctor names every closed node through root's links, and that way to act as root once", async () => {
    for (const service of UPSTREAM_SERVICES) {
      const r = await asHermes(`s6-svc -r ${service}`);
      expect(r.code).toBe(111);
      expect(r.stderr).toContain("Permission denied");
    }
    const r = await ct.doctor();
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/^ok +hermes can control/m);
    expect(r.stdout).toContain(
      `${SCAN}/gateway/supervise/control (FIFO, uid 0 gid 0, mode 0600: hermes cannot write to it, so s6-svc fails (\`hermes gateway restart\`))`,
    );
    expect(r.stdout).toContain(
      `${SCAN}/dashboard/supervise (directory, uid 0 gid 0, mode 0700: hermes cannot search it`,
    );
    expect(r.stdout).toContain(
      `PROBLEM  s6 runs what is under ${SCAN} as root, and someone but root can change it: a way to act as root\n` +
        `           ${SCAN} (${SCAN} is owned by uid 10000, not root)\n`,
    );
    expect(r.stdout).not.toContain("neither examined");
  });

  it("--fix gives the control surface through root's links, and nothing else; hermes then restarts both", async () => {
    const before = await snapshot();
    const r = await ct.doctor("--fix");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`fixed    gave group hermes (10000) the control of the services under ${SCAN}`);
    expect(r.stdout).toContain(
      `${SCAN}/gateway/supervise (directory, was uid 0 gid 0, mode 0700; now gid 10000, mode 0710)`,
    );
    expect(r.stdout).toContain(`ok       hermes can control every service under ${SCAN} (2 services`);
    expect(r.stdout).toContain("a way to act as root");
    for (const service of UPSTREAM_SERVICES) expect(await asHermes(`s6-svc -r ${service}`)).toMatchObject({ code: 0 });
    expect((await asHermes(`s6-svwait -u -t 5000 ${SCAN}/gateway`)).code).toBe(0);
    // Exactly s6-svperms' modes on the control surface, owners kept: nothing else differs.
    const changed = changedBetween(before, await snapshot()).map((line) => line.replace(/ [a-z] /, " "));
    expect(changed.sort()).toEqual(
      [
        `0:10000 710 ${SCAN}/.s6-svscan`,
        ...["dashboard", "gateway"].flatMap((s) => [
          `0:10000 3730 ${UPSTREAM_DIRS}/${s}/event`,
          `0:10000 710 ${UPSTREAM_DIRS}/${s}/supervise`,
          `0:10000 620 ${UPSTREAM_DIRS}/${s}/supervise/control`,
        ]),
      ].sort(),
    );
    expect((await ct.doctor("--fix")).stdout).not.toMatch(/^fixed/m);
  });

  it("a slot root made (profile create under the opt-out): named with a remedy that works, never given away", async () => {
    const made = await ct.run("hermes profile create work", { env: { HERMES_DOCKER_EXEC_AS_ROOT: "1" } });
    expect(made.stdout).toBe("Profile 'work' created.\n");
    await supervised([SLOT, `${SLOT}/log`]);
    expect(await ct.ok(`stat -c '%U %n' ${SLOT} ${SLOT}/run ${SLOT}/type ${SLOT}/log ${SLOT}/supervise`)).toBe(
      `root ${SLOT}\nroot ${SLOT}/run\nroot ${SLOT}/type\nroot ${SLOT}/log\nhermes ${SLOT}/supervise\n`,
    );
    const named =
      `PROBLEM  1 service directory in ${SCAN} is root's: hermes cannot remove or replace it, so \`hermes profile delete\` leaves it behind and \`hermes profile create\` cannot register it again\n` +
      `           ${SLOT} (directory, uid 0 gid 0, mode 0755)\n` +
      `         remedy: as root, take it down and remove it (/command/s6-svc -d ${SLOT} && rm -rf ${SLOT} && /command/s6-svscanctl -an ${SCAN}), or restart the container: ${SCAN} is on a tmpfs, which a restart empties; doctor --fix never gives it to hermes\n`;
    const check = await ct.doctor();
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(named);
    expect(check.stdout).toContain(
      `${SLOT}/log/supervise (directory, uid 0 gid 0, mode 0700: hermes cannot search it, so s6-svc and s6-svstat fail (\`hermes gateway restart\`))`,
    );
    const fix = await ct.doctor("--fix");
    expect(fix.code).toBe(1);
    expect(fix.stdout).toContain(`${SLOT}/event (directory, was uid 0 gid 0, mode 3730; now gid 10000, mode 3730)`);
    expect(fix.stdout).toContain(`ok       hermes can control every service under ${SCAN} (4 services, logs included)`);
    expect(fix.stdout).toContain(named);
    expect(await ct.ok(`stat -c '%U:%G %a' ${SLOT} ${SLOT}/run ${SLOT}/log`)).toBe(
      "root:root 755\nroot:root 755\nroot:root 755\n",
    );
    for (const service of [SLOT, `${SLOT}/log`])
      expect(await asHermes(`s6-svc -r ${service}`)).toMatchObject({ code: 0 });

    // hermes's own delete removes the profile, but not root's slot: it says so, and doctor still names it.
    const deleted = await asHermes("hermes profile delete work --yes");
    expect(deleted.stdout).toMatch(new RegExp(`^Could not remove ${SLOT}: .*\nProfile 'work' deleted.\n$`));
    expect((await ct.run(`test -d ${SLOT}`)).code).toBe(0);
    expect((await ct.doctor()).stdout).toContain(named);

    // The remedy, as doctor words it, works: the slot is gone, and nothing names it any more.
    const remedy = named.match(/take it down and remove it \((.*)\), or restart/)?.[1] as string;
    await ct.ok(remedy);
    expect((await ct.run(`test -e ${SLOT}`)).code).toBe(1);
    const after = await ct.doctor();
    expect(after.stdout).not.toContain("gateway-work");
    expect(after.stdout).toContain(
      `ok       hermes can control every service under ${SCAN} (2 services, logs included)`,
    );
  });

  it("a slot registered through the drop is hermes's, but s6's event/ in it is root's: doctor names it, and the remedy works", async () => {
    const made = await ct.run("hermes profile create mine");
    expect(made.stdout).toBe("Profile 'mine' created.\n");
    const mine = `${SCAN}/gateway-mine`;
    await supervised([mine]);
    expect(await ct.ok(`stat -c '%U' ${mine} ${mine}/run`)).toBe("hermes\nhermes\n");
    const stuck =
      `PROBLEM  1 service directory in ${SCAN} that hermes owns holds an event/ that s6-supervise made, which hermes cannot list: hermes cannot remove it, so \`hermes profile delete\` leaves it behind and \`hermes profile create\` cannot register it again\n` +
      `           ${mine}/event (directory, uid 0 gid 0, mode 3730)\n` +
      `         remedy: as root, take it down and remove it (/command/s6-svc -d ${mine} && rm -rf ${mine} && /command/s6-svscanctl -an ${SCAN}), or restart the container: ${SCAN} is on a tmpfs, which a restart empties; doctor --fix never gives it to hermes\n`;
    const r = await ct.doctor();
    expect(r.stdout).toContain(stuck);
    // Not root-only: its control surface is neither examined nor claimed, and the last line counts it.
    expect(r.stdout).toContain(
      `note     doctor neither examined nor changed 2 parts of the tree under ${SCAN}: each is named with why\n` +
        `           ${mine} (${mine} is owned by uid 10000, not root)\n` +
        `           ${mine}/log (the way to it is not root-only)\n`,
    );
    expect(r.stdout).toContain(
      `ok       hermes can control the 2 services doctor examined under ${SCAN} (of 4, logs included) and ask s6-svscan to rescan; the rest were not examined (below)\n`,
    );
    expect(r.stdout).toMatch(/: 2 problems, 2 parts not examined\n$/);
    const report = JSON.parse((await ct.run(`${ADMIN} doctor --json`)).stdout) as DoctorReport;
    expect(report.unexamined).toBe(2);
    expect(report.findings.find((f) => f.unexamined)?.items.map((i) => i.path)).toEqual([mine, `${mine}/log`]);

    const deleted = await asHermes("hermes profile delete mine --yes");
    expect(deleted.stdout).toBe(
      `Could not remove ${mine}: [Errno 13] Permission denied: 'event'\nProfile 'mine' deleted.\n`,
    );
    expect((await ct.doctor("--fix")).stdout).toContain(stuck);
    await ct.ok(stuck.match(/take it down and remove it \((.*)\), or restart/)?.[1] as string);
    expect((await ct.run(`test -e ${mine}`)).code).toBe(1);
    expect((await ct.doctor()).stdout).not.toContain("gateway-mine");
  });

  it("a race: a service's name swapped for hermes's link to a lookalike while --fix runs changes nothing outside the control surface", async () => {
    await ct.ok(
      [
        "mkdir -p -m 0700 /srv/outside/supervise && mkfifo -m 0600 /srv/outside/supervise/control",
        "mkdir -m 3730 /srv/outside/event && touch /srv/outside/supervise/status",
        // The gateway's control surface as s6 made it, for --fix to give again during the race.
        `cd ${UPSTREAM_DIRS}/gateway && chgrp root supervise supervise/control event`,
        "chmod 0700 supervise && chmod 0600 supervise/control && chmod 3730 event",
      ].join(" && "),
    );
    expect((await asHermes(`ln -s /srv/outside ${SCAN}/evil`)).code).toBe(0);
    const before = await snapshot();
    const swapper = `
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
n = 0
while n % 1000 or not os.path.exists("/tmp/stop"):
    if libc.renameat2(-100, b"${SCAN}/gateway", -100, b"${SCAN}/evil", 2) != 0:
        raise SystemExit(os.strerror(ctypes.get_errno()))
    n += 1
print(n)
`;
    try {
      const swapping = asHermes(`rm -f /tmp/stop; exec python3 -c '${swapper}'`);
      await ct.run("sleep 0.3");
      await ct.ok(`for i in $(seq 50); do ${ADMIN} doctor --fix >/dev/null || true; done; touch /tmp/stop`);
      const swapped = await swapping;
      expect(swapped.code, swapped.stderr).toBe(0);
      expect(Number(swapped.stdout) % 2).toBe(0);
      expect(
        await ct.ok("stat -c '%U:%G %a' /srv/outside/supervise /srv/outside/supervise/control /srv/outside/event"),
      ).toBe("root:root 700\nroot:root 600\nroot:root 3730\n");
      const changed = changedBetween(before, await snapshot());
      expect(changed.map((line) => line.slice(line.lastIndexOf(" ") + 1)).sort()).toEqual([
        `${UPSTREAM_DIRS}/gateway/event`,
        `${UPSTREAM_DIRS}/gateway/supervise`,
        `${UPSTREAM_DIRS}/gateway/supervise/control`,
      ]);
      expect(await asHermes(`s6-svc -r ${SCAN}/gateway`)).toMatchObject({ code: 0 });
      const r = await ct.doctor();
      expect(r.stdout).toContain(`${SCAN}/evil`);
    } finally {
      await ct.ok(`rm -rf ${SCAN}/evil /srv/outside /tmp/stop`);
    }
  });
});
