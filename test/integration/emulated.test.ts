/**
 * Issue 7: the release artifacts run for real in a test container, the
 * arm64 one under qemu user-mode emulation. No binfmt handler is involved:
 * the host's qemu-aarch64-static, mounted into the container, is named on
 * each command line and loads the arm64 glibc from the base image's
 * multiarch packages; what the shim execs (s6-applyuidgid, the CLI) is x86-64
 * again and runs natively.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";
import { sharedRelease } from "./release-run.ts";

const QEMU = "qemu-aarch64-static";
const NATIVE = ["hermes-linux-x64", "hermes-linux-x64-baseline"];

let dir = "";
let ct: Container;
beforeAll(async () => {
  if (spawnSync(QEMU, ["--version"]).status !== 0) {
    throw new Error(
      `${QEMU} is missing: apt-get install qemu-user-static libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64`,
    );
  }
  dir = (await sharedRelease()).dir;
  const qemu = `/usr/bin/${QEMU}`;
  ct = await Container.create({ shim: `${dir}/hermes-linux-arm64`, runArgs: ["--volume", `${qemu}:${qemu}:ro`] });
  for (const name of NATIVE) {
    // Each under the name hermes, as an image installs it: under its artifact name it is no command (127).
    await ct.ok(
      `mkdir -p /opt/release/${name} && cat > /opt/release/${name}/hermes && chmod 0755 /opt/release/${name}/hermes`,
      {
        input: readFileSync(`${dir}/${name}`),
      },
    );
  }
});
afterAll(async () => {
  await ct?.destroy();
});

describe.each([
  ["hermes-linux-arm64 under qemu", `${QEMU} /opt/hermes/bin/hermes`],
  ...NATIVE.map((name) => [name, `/opt/release/${name}/hermes`]),
])("%s", (_, shim) => {
  it("passes a non-root caller straight through, arguments and exit status included", async () => {
    const out = await ct.ok(`umask 022; ${shim} whoami && ${shim} chat --help`, { asRuntimeUser: true });
    expect(out).toBe("uid=10000 gid=10000 home=/opt/data umask=0022\nusage: hermes chat [-q MESSAGE]\n");
    expect((await ct.run(`${shim} exit 42`, { asRuntimeUser: true })).code).toBe(42);
  });

  it("drops root to hermes with HOME=/opt/data and umask 002", async () => {
    expect(await ct.ok(`umask 077; ${shim} whoami`)).toBe("uid=10000 gid=10000 home=/opt/data umask=0002\n");
  });

  it("refuses to run as root without a drop program: 126 and both remedies", async () => {
    await ct.withoutDropPrograms(async () => {
      const r = await ct.run(`${shim} whoami`);
      expect(r.code).toBe(126);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("refusing to run hermes as root");
      expect(r.stderr).toContain("docker exec --user hermes");
      expect(r.stderr).toContain("HERMES_DOCKER_EXEC_AS_ROOT=1");
    });
  });

  it("refuses a missing CLI: 127 naming its path", async () => {
    await ct.without("/opt/hermes/.venv/bin/hermes", async () => {
      const r = await ct.run(`${shim} whoami`, { asRuntimeUser: true });
      expect(r.code).toBe(127);
      expect(r.stderr).toContain("/opt/hermes/.venv/bin/hermes");
    });
  });
});
