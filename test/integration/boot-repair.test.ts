/**
 * docs/admin.md "Repair at boot", built and booted as written on a volume that an
 * image without the shim left behind: root-owned auth.json (0600) and
 * skills/, plus a symlink out of the volume. s6-overlay is not in Debian, so
 * its cont-init.d recipe is booted the way s6-overlay's stage 2 runs it: each
 * script in /etc/cont-init.d, as root, before the command.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, LABEL } from "../platform/docker.ts";
import { build, imageTags, variantKey } from "../platform/images.ts";
import { DOCKERFILES, readmeBlock } from "../platform/readme.ts";

const runId = process.env.HERMES_TEST_RUN ?? "manual";
const label = `${LABEL}=${runId}`;
const dir = mkdtempSync(join(tmpdir(), "hermes-boot-"));
const made: { images: string[]; volumes: string[] } = { images: [], volumes: [] };
afterAll(() => {
  if (made.images.length) spawnSync("docker", ["rmi", "--force", ...made.images]);
  if (made.volumes.length) spawnSync("docker", ["volume", "rm", "--force", ...made.volumes]);
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
function script(image: string, text: string, volume?: string): string {
  const mount = volume === undefined ? [] : ["-v", `${volume}:/opt/data`];
  return docker(["run", "--rm", "--network", "none", ...mount, "--entrypoint", "/bin/sh", image, "-c", text]);
}

function preShimVolume(): string {
  const volume = docker(["volume", "create", "--label", label]).trim();
  made.volumes.push(volume);
  script(imageTags().base as string, PRE_SHIM, volume);
  return volume;
}

/** Owner and mode of every file of the container outside the volume and the kernel's filesystems. */
const OUTSIDE = "find / -xdev -path /opt/data -prune -o -printf '%U:%G %m %p\\n' | sort";
const INSIDE = "find /opt/data -printf '%U:%G %m %p\\n' | sort";

/** Boots `image` on `volume` with `run` flags, waits for PID 1 to be the long-running command, returns it. */
function boot(volume: string, args: string[]): string {
  const id = docker(["run", "--detach", "--network", "none", "--label", label, "-v", `${volume}:/opt/data`, ...args]);
  const ct = id.trim();
  for (let i = 0; i < 600; i++) {
    if (spawnSync("docker", ["exec", ct, "cat", "/proc/1/comm"], { encoding: "utf8" }).stdout === "sleep\n") return ct;
    spawnSync("sleep", ["0.1"]);
  }
  throw new Error(`container never booted: ${docker(["logs", ct])}`);
}

const exec = (ct: string, args: string[]) => docker(["exec", ct, ...args]);
const logs = (ct: string) => spawnSync("docker", ["logs", ct], { encoding: "utf8" }).stderr;
const remove = (ct: string) => spawnSync("docker", ["rm", "--force", ct]);

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
    const context = mkdtempSync(join(dir, "context-"));
    writeFileSync(join(context, "hermes-fix-ownership"), readmeBlock("sh", "doctor --fix"));
    chmodSync(join(context, "hermes-fix-ownership"), 0o755);
    writeFileSync(
      join(context, "Dockerfile"),
      readmeBlock("dockerfile", marker).replace("your-hermes-image", hermesImage()),
    );
    image = `hermes-exec-shim-test/boot-${name.replace(/\W+/g, "-")}:${runId}`;
    made.images.push(image);
    await build(image, runId, join(context, "Dockerfile"), context, {});
    untouched = script(image, OUTSIDE);
  }, 300_000);

  it("after boot the gateway's user reads everything; nothing outside the volume changed owner; a second boot changes nothing", () => {
    const volume = preShimVolume();
    const first = boot(volume, [...flags, image, ...command]);
    try {
      // The volume root, auth.json, skills/ and its file, and the symlink itself (never its target).
      expect(logs(first)).toContain("fixed    gave 5 entries under /opt/data to hermes (10000:10000)");
      // Before the CLI runs here and Python writes its bytecode cache into the venv.
      expect(exec(first, ["sh", "-c", OUTSIDE]).split("\n")).toEqual(untouched.split("\n"));
      expect(exec(first, ["find", "/opt/data", "!", "-user", "hermes"])).toBe("");
      expect(exec(first, ["hermes", "auth", "list"])).toBe("nous\n");
      expect(docker(["exec", "--user", "hermes", first, "cat", "/opt/data/skills/web.md"])).toBe("x\n");
      expect(exec(first, ["stat", "-c", "%U:%G %a", "/etc/shadow"])).toBe("root:shadow 640\n");
    } finally {
      remove(first);
    }
    const second = boot(volume, [...flags, image, ...command]);
    try {
      const before = script(image, INSIDE, volume);
      expect(logs(second)).not.toContain("fixed ");
      expect(logs(second)).toMatch(/entries examined under \/opt\/data: healthy/);
      expect(exec(second, ["sh", "-c", INSIDE])).toBe(before);
    } finally {
      remove(second);
    }
  }, 300_000);
});
