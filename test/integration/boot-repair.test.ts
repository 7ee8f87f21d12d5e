/**
 * docs/admin.md "Repair at boot", built and booted as written on a volume that an
 * image without the shim left behind: root-owned auth.json (0600) and
 * skills/, plus a symlink out of the volume. s6-overlay is not in Debian, so
 * its cont-init.d recipe is booted the way s6-overlay's stage 2 runs it: each
 * script in /etc/cont-init.d, as root, before the command.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL, MAKE_SERVICES, SCAN, SERVICES } from "../container/s6tree.ts";
import { docker, LABEL } from "../platform/docker.ts";
import { build, imageTags, variantKey } from "../platform/images.ts";
import { DOCKERFILES, readmeBlock } from "../platform/readme.ts";
import { outcome } from "../platform/spawn.ts";

const runId = process.env.HERMES_TEST_RUN ?? "manual";
const label = `${LABEL}=${runId}`;
const dir = mkdtempSync(join(tmpdir(), "hermes-boot-"));
const made: { images: string[]; volumes: string[] } = { images: [], volumes: [] };
/** docker's outcome, whatever it is. */
const tryDocker = (args: string[]) => outcome(["docker", ...args]);
afterAll(async () => {
  if (made.images.length) await tryDocker(["rmi", "--force", ...made.images]);
  if (made.volumes.length) await tryDocker(["volume", "rm", "--force", ...made.volumes]);
  rmSync(dir, { recursive: true, force: true });
});

const hermesImage = () => imageTags()[variantKey("hermes", "standin", "s6")] as string;

/** What the pre-shim image left: everything root's, the way `docker exec c hermes login` wrote it. */
const PRE_SHIM = [
  `printf '{"providers": {"nous": {"token": "t"}}}' > /opt/data/auth.json && chmod 0600 /opt/data/auth.json`,
  "mkdir -m 0700 /opt/data/skills && echo x > /opt/data/skills/web.md",
  "echo 'model: opus' > /opt/data/config.yaml && chown 10000:10000 /opt/data/config.yaml",
  "ln -s /etc/shadow /opt/data/shadow-link",
].join(" && ");

/** Runs a shell script in a throwaway container of `image`, with `volume` (if any) as /opt/data; its stdout. */
function script(image: string, text: string, volume?: string): Promise<string> {
  const mount = volume === undefined ? [] : ["-v", `${volume}:/opt/data`];
  return docker(["run", "--rm", "--network", "none", ...mount, "--entrypoint", "/bin/sh", image, "-c", text]);
}

async function preShimVolume(): Promise<string> {
  const volume = (await docker(["volume", "create", "--label", label])).trim();
  made.volumes.push(volume);
  await script(imageTags().base as string, PRE_SHIM, volume);
  return volume;
}

/** Owner and mode of every file of the container outside the volume and the kernel's filesystems. */
const OUTSIDE = "find / -xdev -path /opt/data -prune -o -printf '%U:%G %m %p\\n' | sort";
const INSIDE = "find /opt/data -printf '%U:%G %m %p\\n' | sort";

const sleeping = async (ct: string) => (await tryDocker(["exec", ct, "cat", "/proc/1/comm"])).stdout === "sleep\n";

/** Boots `image` on `volume` with `run` flags, waits until it is `booted` (PID 1 the long-running sleep), returns it. */
async function boot(
  volume: string,
  args: string[],
  booted: (ct: string) => Promise<boolean> = sleeping,
): Promise<string> {
  const id = await docker([
    "run",
    "--detach",
    "--network",
    "none",
    "--label",
    label,
    "-v",
    `${volume}:/opt/data`,
    ...args,
  ]);
  const ct = id.trim();
  for (let i = 0; i < 600; i++) {
    if (await booted(ct)) return ct;
    await sleep(100);
  }
  throw new Error(`container never booted: ${await docker(["logs", ct])}`);
}

/** The docs' Dockerfile that `marker` names, with the docs' script beside it, built on the test image. */
async function bootImage(name: string, marker: string): Promise<string> {
  const context = mkdtempSync(join(dir, "context-"));
  writeFileSync(join(context, "hermes-fix-ownership"), readmeBlock("sh", "doctor --fix"));
  chmodSync(join(context, "hermes-fix-ownership"), 0o755);
  writeFileSync(
    join(context, "Dockerfile"),
    readmeBlock("dockerfile", marker).replace("your-hermes-image", hermesImage()),
  );
  const image = `hermes-exec-shim-test/boot-${name.replace(/\W+/g, "-")}:${runId}`;
  made.images.push(image);
  await build(image, runId, join(context, "Dockerfile"), context, {});
  return image;
}

const exec = (ct: string, args: string[]) => docker(["exec", ct, ...args]);
const logs = async (ct: string) => (await tryDocker(["logs", ct])).stderr;
const remove = (ct: string) => tryDocker(["rm", "--force", ct]);

describe.each([
  [
    "s6-overlay cont-init.d",
    DOCKERFILES.bootS6,
    ["--entrypoint", "/bin/sh"],
    ["-c", 'for f in /etc/cont-init.d/*; do "$f"; done; exec entrypoint sleep infinity'],
  ],
  ["plain entrypoint", DOCKERFILES.bootEntrypoint, [], ["sleep", "infinity"]],
])("%s", (name, marker, flags, command) => {
  let image = "";
  let untouched = "";
  beforeAll(async () => {
    image = await bootImage(name, marker);
    untouched = await script(image, OUTSIDE);
  });

  it("after boot the gateway's user reads everything; nothing outside the volume changed owner; a second boot changes nothing", async () => {
    const volume = await preShimVolume();
    const first = await boot(volume, [...flags, image, ...command]);
    try {
      // The volume root, auth.json, skills/ and its file, and the symlink itself (never its target).
      expect(await logs(first)).toContain("fixed    gave 5 entries under /opt/data to hermes (10000:10000)");
      // Before the CLI runs here and Python writes its bytecode cache into the venv.
      expect((await exec(first, ["sh", "-c", OUTSIDE])).split("\n")).toEqual(untouched.split("\n"));
      expect(await exec(first, ["find", "/opt/data", "!", "-user", "hermes"])).toBe("");
      expect(await exec(first, ["hermes", "auth", "list"])).toBe("nous\n");
      expect(await docker(["exec", "--user", "hermes", first, "cat", "/opt/data/skills/web.md"])).toBe("x\n");
      expect(await exec(first, ["stat", "-c", "%U:%G %a", "/etc/shadow"])).toBe("root:shadow 640\n");
    } finally {
      await remove(first);
    }
    const second = await boot(volume, [...flags, image, ...command]);
    try {
      const before = await script(image, INSIDE, volume);
      expect(await logs(second)).not.toContain("fixed ");
      expect(await logs(second)).toMatch(/entries examined under \/opt\/data: healthy/);
      expect(await exec(second, ["sh", "-c", INSIDE])).toBe(before);
    } finally {
      await remove(second);
    }
  });
});

describe("s6-overlay cont-init.d under s6-svscan as PID 1", () => {
  // As s6-overlay boots: the scanner first, as PID 1; then, once it runs, the cont-init.d scripts as root.
  const STAGE2 = `${MAKE_SERVICES}
(
  until [ -p ${SCAN}/.s6-svscan/control ]; do sleep 0.1; done
  for f in /etc/cont-init.d/*; do "$f"; done
  touch /run/booted
) &
exec s6-svscan ${SCAN}
`;
  const booted = async (ct: string) => (await tryDocker(["exec", ct, "test", "-e", "/run/booted"])).code === 0;
  const asHermes = (ct: string, command: string) => tryDocker(["exec", "--user", "hermes", ct, "sh", "-c", command]);
  let image = "";
  beforeAll(async () => {
    image = await bootImage("s6-svscan", DOCKERFILES.bootS6);
  });

  it("hermes controls the services present at boot; one registered later is the gap doctor names", async () => {
    const ct = await boot(await preShimVolume(), ["--entrypoint", "/bin/sh", image, "-c", STAGE2], booted);
    try {
      expect(await logs(ct)).toContain("fixed    gave 5 entries under /opt/data to hermes (10000:10000)");
      expect(await logs(ct)).toContain(
        `fixed    gave group hermes (10000) the control of the services under ${SCAN}: 11 nodes`,
      );
      for (const command of CONTROL) expect((await asHermes(ct, command)).code, command).toBe(0);

      const later = `${SCAN}/later`;
      await exec(ct, [
        "sh",
        "-c",
        `mkdir /srv/sv/later && cp /srv/sv/gateway/run /srv/sv/later/ && ln -s /srv/sv/later ${later} && s6-svscanctl -a ${SCAN} && until s6-svok ${later}; do sleep 0.1; done`,
      ]);
      expect((await asHermes(ct, `s6-svc -r ${later}`)).code).toBe(111);
      const found = await tryDocker(["exec", ct, "hermes-exec-shim", "doctor"]);
      expect(found.code).toBe(1);
      expect(found.stdout).toContain(`${later}/supervise (directory, uid 0 gid 0, mode 0700: hermes cannot search it`);
      for (const service of SERVICES) expect(found.stdout).not.toContain(`${service}/supervise (`);
    } finally {
      await remove(ct);
    }
  });
});
