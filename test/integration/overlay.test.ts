/**
 * The image on genuine s6-overlay (test/platform/overlay.Dockerfile): the CMD path, docker exec's drop, doctor
 * on s6-overlay's own services and on the supervise/ directories root writes in, a profile gateway's life cycle, and docker stop.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Container } from "../container/container.ts";
import { booted, bootOverlay, IMAGE_SERVICES, OVERLAY_SERVICES, SCAN } from "../container/overlay.ts";
import { docker, runImage } from "../platform/docker.ts";
import { imageTags, variantKey } from "../platform/images.ts";

const SHUTDOWND = `${SCAN}/s6-linux-init-shutdownd`;
const OVERLAY_OK = `s6-overlay's own 3 services (${[...OVERLAY_SERVICES].sort().join(", ")}) are root's by design, left alone`;

/**
 * The status the container exited with, and docker stop's wall time said (not asserted, npm run bench times): a shutdown
 * that hangs (the shutdown daemon stopped) is killed at stop's 10 s and exits 137, so 0 means it ended on its own.
 */
async function stop(ct: Container): Promise<string> {
  const start = performance.now();
  await docker(["stop", "--time", "10", ct.id]);
  const seconds = (performance.now() - start) / 1000;
  const status = (await docker(["container", "inspect", "--format", "{{.State.ExitCode}}", ct.id])).trim();
  console.log(`docker stop: ${seconds.toFixed(1)} s, exit ${status}`);
  return status;
}

it("the CMD path: /init runs the main wrapper, which drops to hermes and runs the CLI", async () => {
  const image = imageTags()[variantKey("hermes", "standin", "overlay")] as string;
  const run = (...args: string[]) => runImage(image, args);
  const r = await run("argv0");
  expect(r.code).toBe(0);
  expect(r.stdout).toBe("hermes uid=10000\n");
  expect((await run("exit", "7")).code).toBe(7);
});

describe("a healthy boot: the control surface given by group, s6-overlay's own services left alone", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await bootOverlay("healthy");
  });
  afterAll(() => ct.destroy());

  it("s6-overlay's own tree: s6-svscan as PID 1, /command from the tarballs", async () => {
    expect(await ct.ok("cat /proc/1/comm")).toBe("s6-svscan\n");
    expect(await ct.ok("readlink -f /command/s6-setuidgid")).toBe("/package/admin/s6-2.12.0.2/command/s6-setuidgid\n");
    expect(await ct.ok(`ls ${SCAN}`)).toBe(
      "dashboard\ngateway\ns6-linux-init-shutdownd\ns6rc-fdholder\ns6rc-oneshot-runner\n",
    );
  });

  it("docker exec drops root to hermes through s6-overlay's own helpers: the file written is hermes's", async () => {
    await ct.ok("hermes note overlay");
    expect(await ct.ok("stat -c '%U:%G %a' /opt/data/notes/overlay")).toBe("hermes:hermes 600\n");
    const explained = await ct.ok("hermes-exec-shim explain");
    expect(explained).toMatch(
      /^ {2}helper +\/command\/s6-setuidgid trusted \(resolves to \/package\/admin\/s6-[\d.]+\/command\/s6-setuidgid\)$/m,
    );
    expect(explained).toContain("plan: drop to hermes (uid 10000, gid 10000) through /command/s6-applyuidgid\n");
  });

  it("doctor exits 0; after --fix hermes still cannot stop the shutdown daemon, and docker stop is fast and clean", async () => {
    const r = await ct.doctor();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `ok       hermes can control every service under ${SCAN} (2 services, logs included) and ask s6-svscan to rescan; ${OVERLAY_OK}\n`,
    );
    expect((await ct.doctor("--fix")).stdout).not.toMatch(/^fixed/m);
    for (const s of IMAGE_SERVICES)
      expect((await ct.run(`/command/s6-svstat ${s}`, { asRuntimeUser: true })).code).toBe(0);
    const down = await ct.run(`/command/s6-svc -d ${SHUTDOWND}`, { asRuntimeUser: true });
    expect(down.code).toBe(111);
    expect(down.stderr).toContain("Permission denied");
    expect(await stop(ct)).toBe("0");
  });
});

describe("upstream's boot: hermes owns the static services' supervise/ and the scan directory", () => {
  let ct: Container;
  beforeAll(async () => {
    ct = await bootOverlay("upstream");
  });
  afterAll(() => ct.destroy());

  it("doctor names the supervise/ root writes in and a link planted in it, never s6-overlay's own services", async () => {
    await ct.ok("umask 077; echo secret > /root/victim");
    await ct.ok(`ln -s /root/victim ${SCAN}/gateway/supervise/status.new`, { asRuntimeUser: true });
    const r = await ct.doctor();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "PROBLEM  s6-supervise writes as root where hermes can plant a link: a way to act as root\n",
    );
    expect(r.stdout).toContain(
      `${SCAN}/gateway/supervise/status.new (a symlink of uid 10000: s6-supervise, as root, writes through it)`,
    );
    expect(r.stdout).toContain(
      `${SCAN}/gateway/supervise (directory, uid 10000 gid 10000, mode 0700: s6-supervise, as root, writes status.new, lock and death_tally in it)`,
    );
    expect(r.stdout).toContain(OVERLAY_OK);
    expect(r.stdout).not.toContain("service directory in");
    for (const own of OVERLAY_SERVICES) expect(r.stdout).not.toContain(`${own}/`);
    await ct.ok(`rm ${SCAN}/gateway/supervise/status.new`, { asRuntimeUser: true });
  });

  it("--fix gives hermes none of s6-overlay's services", async () => {
    const r = await ct.doctor("--fix");
    expect(r.stdout).not.toMatch(/^fixed/m);
    expect((await ct.run(`/command/s6-svc -d ${SHUTDOWND}`, { asRuntimeUser: true })).code).toBe(111);
  });

  it("a profile gateway's life cycle: create, supervised and read as hermes, docker restart, delete", async () => {
    const slot = `${SCAN}/gateway-work`;
    expect((await ct.run("hermes profile create work")).stdout).toBe("Profile 'work' created.\n");
    await ct.until(`/command/s6-svok ${slot}`, "s6 to supervise the profile's gateway");
    expect((await ct.run(`/command/s6-svstat ${slot}`, { asRuntimeUser: true })).stdout).toMatch(/^up /);
    expect(await ct.ok(`stat -c '%U' ${slot} ${slot}/run`)).toBe("hermes\nhermes\n");
    await docker(["restart", ct.id]);
    await booted(ct);
    expect((await ct.run("hermes profile delete work --yes")).stdout).toMatch(/Profile 'work' deleted.\n$/);
    expect((await ct.run(`test -e ${slot}`)).code).toBe(1);
    expect(await stop(ct)).toBe("0");
  });
});
