/**
 * A home shared by a group (contract §14), with the real engines and the stand-in CLI, which rewrites files
 * 0600 and closes its directories as the real one does: a Kubernetes-style fsGroup volume that a sibling
 * container uses through the group, the NixOS-style managed home with an operator in group hermes, and what
 * doctor, --fix, explain and the drop's umask make of each.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";
import { PodmanContainer } from "../container/engineContainer.ts";

const ADMIN = "hermes-exec-shim";
const LINK_ADMIN = `ln -sf hermes /opt/hermes/bin/${ADMIN}`;
/** Root's commands that the issue's operators ran: each writes what the real CLI makes 0600 or 0700. */
const ROOTS_COMMANDS = [
  "hermes config set model m1",
  "hermes profile create p1",
  "hermes skills opt-in --sync",
  "hermes journey edit dogfood",
];
const GATEWAY = "/command/s6-applyuidgid -u 10000 -g 10000 -G 10000,2000";
const SIBLING = "/command/s6-applyuidgid -u 20000 -g 2000 -G 2000";
/** What `who` can read and write under /opt/data, as access(2) answers it: one line per path and right. */
const rights = (who: string, tree = "/opt/data") =>
  `${who} sh -c 'find ${tree} -readable -printf "r %p\\n" 2>/dev/null; find ${tree} -writable -printf "w %p\\n" 2>/dev/null; true' | sort`;
const modes = "find /opt/data -printf '%m %U:%G %y %P\\n' | sort -k4";
const lost = (before: string, after: string) => before.split("\n").filter((line) => !after.split("\n").includes(line));

describe("an fsGroup volume (root:2000 2775) shared with a sibling container through group 2000, on Docker", () => {
  let volume: string;
  let ct: Container;
  let sibling: Container;
  const sib = (command: string) => sibling.run(command);
  beforeAll(async () => {
    volume = mkdtempSync(join(tmpdir(), "hermes-shared-"));
    // The gateway, PID 1 here, holds the fsGroup as a pod's processes do: the drop keeps it (contract §15).
    ct = await Container.create({
      runArgs: ["--group-add", "2000", "-v", `${volume}:/opt/data`, "--entrypoint", "/command/s6-applyuidgid"],
      command: ["-u", "10000", "-g", "10000", "-G", "10000,2000", "sleep", "infinity"],
    });
    sibling = await Container.create({ runArgs: ["--user", "20000:2000", "-v", `${volume}:/opt/data`] });
    await ct.ok(`${LINK_ADMIN} && chown root:2000 /opt/data && chmod 2775 /opt/data`);
  });
  afterAll(async () => {
    await Promise.all([ct?.destroy(), sibling?.destroy()]);
    rmSync(volume, { recursive: true, force: true });
  });

  it("root's commands work through the drop, which keeps group 2000 and the home's umask", async () => {
    for (const command of ROOTS_COMMANDS) expect(await ct.run(command), command).toMatchObject({ code: 0 });
    expect((await ct.ok("hermes whoami")).trim()).toBe("uid=10000 gid=10000 home=/opt/data umask=0002");
    expect(await ct.ok("hermes groups")).toContain("groups=2000,10000");
    const explained = await ct.ok(`${ADMIN} explain`);
    expect(explained).toContain("  shared         /opt/data with group 2000 (mode 2775, setgid, others may read it)\n");
    expect(explained).toMatch(/umask +0002 \(the build's: the CLI's home is shared \/opt\/data with group 2000/);
  });

  it("the CLI shut the sibling out; doctor names each thing the group lost, and who", async () => {
    console.log(await ct.ok(modes));
    for (const path of ["config.yaml", "skills/.bundled_manifest", "skills/dogfood/SKILL.md"]) {
      expect((await ct.ok(`stat -c %a /opt/data/${path}`)).trim(), path).toBe("600");
      expect((await sib(`cat /opt/data/${path}`)).stderr, path).toContain("Permission denied");
    }
    expect((await sib("ls /opt/data/skills")).stderr).toContain("Permission denied");
    const r = await ct.doctor();
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[1]).toBe(
      "judged as hermes (uid 10000) with groups 10000 (primary group), 2000 (granted by the container runtime), " +
        "as the running gateway holds them (pid 1), and for group 2000 (not in /etc/group), which /opt/data is shared with",
    );
    expect(r.stdout).toMatch(
      /^PROBLEM +\d+ files under \/opt\/data are closed to group 2000 \(not in \/etc\/group\), which the home is shared with: the group cannot read them$/m,
    );
    expect(r.stdout).toContain("  /opt/data/config.yaml (file, uid 10000 gid 2000, mode 0600)\n");
    expect(r.stdout).toMatch(/^PROBLEM +\d+ directories under \/opt\/data are closed to group 2000/m);
    expect(r.stdout).toContain("  /opt/data/cron (directory, uid 10000 gid 2000, mode 0700)\n");
    // Made in a directory the CLI had chmodded 0700, which clears setgid: the CLI's own group, not the tree's.
    expect(r.stdout).toMatch(
      /^PROBLEM +\d+ entries under \/opt\/data lost the tree's group 2000: group 2000 \(not in \/etc\/group\) reaches them only as others do$/m,
    );
    expect(r.stdout).toContain("  /opt/data/skills/.bundled_manifest (file, uid 10000 gid 10000, mode 0600)\n");
    expect(r.stdout).toContain("set HERMES_HOME_MODE=2775 where the CLI runs");
    expect(r.stdout).not.toMatch(/^ok +everything under \/opt\/data/m);
  });

  it("--fix gives the sharing back, takes nothing from the sibling or the gateway, and keeps the top root's", async () => {
    const before = { sibling: await ct.ok(rights(SIBLING)), gateway: await ct.ok(rights(GATEWAY)) };
    const r = await ct.doctor("--fix");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fixed +gave group 2000 \(not in \/etc\/group\) back what it lacked at \d+ entries/m);
    const after = { sibling: await ct.ok(rights(SIBLING)), gateway: await ct.ok(rights(GATEWAY)) };
    expect(lost(before.sibling, after.sibling)).toEqual([]);
    expect(lost(before.gateway, after.gateway)).toEqual([]);
    console.log(await ct.ok(modes));
    expect((await ct.ok("stat -c '%a %u:%g' /opt/data")).trim()).toBe("2775 0:2000");
    for (const path of ["config.yaml", "skills/.bundled_manifest", "skills/dogfood/SKILL.md"])
      expect((await sib(`cat /opt/data/${path}`)).code, path).toBe(0);
    expect((await sib("ls /opt/data/skills")).stdout).toContain("dogfood");
    // The group's bits the home has, and setgid: what others may do is not the sharing's to change.
    expect((await ct.ok("stat -c %a /opt/data/skills")).trim()).toBe("2770");
    expect((await ct.ok("stat -c %a /opt/data/config.yaml")).trim()).toBe("660");
  });

  it("a healthy shared home is silent, and root's next command leaves the top as it is", async () => {
    const r = await ct.doctor();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^ok +everything under \/opt\/data is hermes's or readable by hermes, and open to group 2000 \(not in \/etc\/group\) as the home shares it \(auth.json and .env stay private\)$/m,
    );
    expect(r.stdout).not.toMatch(/^PROBLEM/m);
    expect(await ct.run("hermes config set model m2")).toMatchObject({ code: 0 });
    expect((await ct.ok("stat -c '%a %u:%g' /opt/data")).trim()).toBe("2775 0:2000");
    expect((await sib("ls /opt/data")).code).toBe(0);
  });
});

describe("the managed home: HERMES_HOME hermes:hermes 2770, an operator alice in group hermes", () => {
  const HOME = "/var/lib/hermes/.hermes";
  let ct: Container;
  const alice = (command: string) =>
    ct.run(`/command/s6-setuidgid alice sh -c '${command}'`, { env: { HERMES_HOME: HOME } });
  const asGateway = (command: string) => ct.run(command, { asRuntimeUser: true, env: { HERMES_HOME: HOME } });
  const doctor = (flags = "") => ct.doctor(flags, { env: { HERMES_HOME: HOME } });
  beforeAll(async () => {
    ct = await Container.create({ runArgs: ["-e", "HERMES_MANAGED=1"] });
    await ct.ok(
      `${LINK_ADMIN} && useradd -u 1001 -M -G hermes alice && mkdir -p ${HOME} && chown hermes:hermes ${HOME} && chmod 2770 ${HOME}`,
    );
  });
  afterAll(() => ct?.destroy());

  it("after the gateway's sync and edit, alice's skills list silently loses the builtin ones", async () => {
    expect(await asGateway("hermes skills opt-in --sync")).toMatchObject({ code: 0 });
    expect(await asGateway("hermes journey edit dogfood")).toMatchObject({ code: 0 });
    const r = await alice("hermes skills list");
    expect(r.stdout).toBe("0 builtin, 2 local\n");
    expect(r.stderr).toContain(
      `Failed to parse skill file ${HOME}/skills/dogfood/SKILL.md: [Errno 13] Permission denied`,
    );
  });

  it("alice's own write is 0600: the gateway cannot read it; doctor names it and the group's losses", async () => {
    expect(await alice("hermes config set model a1")).toMatchObject({ code: 0 });
    expect((await ct.ok(`stat -c '%a %U:%G' ${HOME}/config.yaml`)).trim()).toBe("600 alice:hermes");
    expect((await asGateway(`cat ${HOME}/config.yaml`)).stderr).toContain("Permission denied");
    const explained = await ct.ok(`${ADMIN} explain`, { env: { HERMES_HOME: HOME } });
    expect(explained).toMatch(
      /umask +0007 \(the build's 0002, narrowed: the CLI's home is shared \/var\/lib\/hermes\/.hermes with group 10000 \(mode 2770, setgid, closed to others\)\)/,
    );
    const r = await doctor();
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[1]).toContain(
      `and for group hermes (gid 10000, member alice), which HERMES_HOME ${HOME} is shared with`,
    );
    expect(r.stdout).toContain(`  ${HOME}/skills/.bundled_manifest (file, uid 10000 gid 10000, mode 0600)\n`);
    expect(r.stdout).toContain(`  ${HOME}/config.yaml (file, uid 1001 gid 10000, mode 0600)\n`);
  });

  it("--fix gives alice's file to hermes with the group's read and write: nobody loses, both read it", async () => {
    const ALICE = "/command/s6-applyuidgid -u 1001 -g 1001 -G 1001,10000";
    const HERMES = "/command/s6-applyuidgid -u 10000 -g 10000 -G 10000";
    const before = { alice: await ct.ok(rights(ALICE, HOME)), gateway: await ct.ok(rights(HERMES, HOME)) };
    const r = await doctor("--fix");
    expect(r.code).toBe(0);
    expect((await ct.ok(`stat -c '%a %U:%G' ${HOME}/config.yaml`)).trim()).toBe("660 hermes:hermes");
    expect(lost(before.alice, await ct.ok(rights(ALICE, HOME)))).toEqual([]);
    expect(lost(before.gateway, await ct.ok(rights(HERMES, HOME)))).toEqual([]);
    expect(await asGateway(`cat ${HOME}/config.yaml`)).toMatchObject({ code: 0 });
    expect(await alice(`cat ${HOME}/config.yaml`)).toMatchObject({ code: 0 });
    expect(await alice("hermes skills list")).toMatchObject({ code: 0, stdout: "3 builtin, 0 local\n", stderr: "" });
    expect((await doctor()).code).toBe(0);
  });

  it("root's own command there writes as hermes under umask 0007: nothing for others, all for the group", async () => {
    expect(await ct.run("hermes note n1", { env: { HERMES_HOME: HOME } })).toMatchObject({ code: 0 });
    expect((await ct.ok(`stat -c '%a %U:%G' ${HOME}/notes/n1`)).trim()).toBe("600 hermes:hermes");
    expect((await ct.ok(`stat -c '%a %U:%G' ${HOME}/notes`)).trim()).toBe("2770 hermes:hermes");
  });
});

describe("Podman rootful, --group-add 2000 on a shared volume", () => {
  let volume: string;
  let ct: PodmanContainer;
  beforeAll(async () => {
    volume = mkdtempSync(join(tmpdir(), "hermes-shared-"));
    // PID 1 as root: no gateway runs, so the drop passes the granted group on (contract §11).
    ct = await PodmanContainer.create({
      rootless: false,
      runArgs: ["--group-add", "2000", "-v", `${volume}:/opt/data`, "--entrypoint", "/usr/bin/env"],
    });
    await ct.ok(`${LINK_ADMIN} && chown root:2000 /opt/data && chmod 2770 /opt/data`);
  });
  afterAll(async () => {
    await ct?.destroy();
    rmSync(volume, { recursive: true, force: true });
  });

  it("the drop's umask is 0007; --fix opens what the CLI closed, keeps the top root's, and doctor is then silent", async () => {
    expect((await ct.ok("hermes whoami")).trim()).toBe("uid=10000 gid=10000 home=/opt/data umask=0007");
    const synced = await ct.exec(["hermes", "skills", "opt-in", "--sync"]);
    expect(synced, synced.stderr).toMatchObject({ code: 0 });
    expect((await ct.ok("stat -c %a /opt/data/skills/.bundled_manifest")).trim()).toBe("600");
    const before = await ct.exec(["hermes-exec-shim", "doctor"]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain("  /opt/data/skills/.bundled_manifest (file, uid 10000 gid 10000, mode 0600)\n");
    expect((await ct.exec(["hermes-exec-shim", "doctor", "--fix"])).code).toBe(0);
    expect(
      (await ct.ok("stat -c '%a %u:%g' /opt/data /opt/data/skills /opt/data/skills/.bundled_manifest")).split("\n"),
    ).toEqual(["2770 0:2000", "2770 10000:2000", "660 10000:2000", ""]);
    expect((await ct.exec(["hermes-exec-shim", "doctor"])).code).toBe(0);
  });
});
