/**
 * What the Bun runtime inside the compiled shim does with its environment before the shim's first line
 * runs (SECURITY.md, "Before the shim's first line"). Measured on a setuid install run by the runtime
 * user, the case that makes each of them a root shell: the shim's own refusal comes too late for these,
 * which is why a setuid or setgid install can never be made safe, only refused and reported.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";

const SHIM = "/opt/hermes/bin/hermes";
let ct: Container;
beforeAll(async () => {
  ct = await Container.create();
  await ct.ok(`chmod u+s ${SHIM} && printf 'console.log("preload euid=" + process.geteuid());\\n' > /tmp/x.js`);
});
afterAll(() => ct.destroy());

const asHermes = (env: Record<string, string>, args: string[] = ["whoami"]) =>
  ct.exec(["hermes", ...args], {
    flags: ["--user", "hermes", ...Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`])],
  });

describe("variables the runtime obeys before any shim code (setuid install, run by hermes)", () => {
  it("without any: the shim refuses, 126", async () => {
    expect((await asHermes({})).code).toBe(126);
  });

  it("BUN_BE_BUN=1 turns the binary into the bun CLI: arbitrary JavaScript with euid 0", async () => {
    const r = await asHermes({ BUN_BE_BUN: "1" }, ["-e", "console.log('euid=' + process.geteuid())"]);
    expect(r.stdout).toBe("euid=0\n");
  });

  it("BUN_OPTIONS=--preload FILE runs FILE with euid 0 before the shim (which then refuses)", async () => {
    const r = await asHermes({ BUN_OPTIONS: "--preload /tmp/x.js" });
    expect(r.stdout).toBe("preload euid=0\n");
    expect(r.code).toBe(126);
  });

  it("BUN_JSC_* sets engine options (an unknown one stops the runtime before the shim)", async () => {
    const r = await asHermes({ BUN_JSC_noSuchOption: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("invalid JSC environment variable");
  });

  it.each([
    ["BUN_INSPECT", "127.0.0.1:6499"],
    ["BUN_INSPECT_CONNECT_TO", "unix:///tmp/dbg.sock"],
    ["BUN_INSPECT_PRELOAD", "/tmp/x.js"],
  ])(
    "%s: read by the runtime, but in the compiled shim nothing visible happens before the shim refuses",
    async (name, value) => {
      const r = await asHermes({ [name]: value });
      expect(r.code).toBe(126);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(2);
    },
  );

  it("NODE_OPTIONS is not read by the runtime (--require of a file does nothing)", async () => {
    const r = await asHermes({ NODE_OPTIONS: "--require /tmp/x.js" });
    expect(r.stdout).toBe("");
    expect(r.code).toBe(126);
  });
});
