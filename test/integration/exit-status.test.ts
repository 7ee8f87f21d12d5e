/** contract §3: the CLI is the process, so its exit status and its terminal are the caller's. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container } from "../container/container.ts";

let ct: Container;
beforeAll(async () => {
  ct = await Container.create();
});
afterAll(() => ct.destroy());

describe.each([
  ["root (drop)", false],
  ["hermes (pass-through)", true],
])("as %s", (_, asRuntimeUser) => {
  it.each([0, 1, 42, 255])("exit %i reaches the caller", async (code) => {
    expect((await ct.run(`exec hermes exit ${code}`, { asRuntimeUser })).code).toBe(code);
  });

  it("death by SIGTERM is reported as such", async () => {
    // docker exec reports a death by signal N as exit 128 + N, as a shell does.
    expect(await ct.run("exec hermes kill SIGTERM", { asRuntimeUser })).toMatchObject({ code: 143, signal: null });
    // A parent inside the container sees the signal itself, which no exit status can fake.
    const waited = `python3 -c 'import subprocess; print(subprocess.run(["hermes", "kill", "SIGTERM"]).returncode)'`;
    expect(await ct.ok(waited, { asRuntimeUser })).toBe("-15\n");
    expect((await ct.run("hermes kill SIGTERM; echo $?", { asRuntimeUser })).stdout).toBe("143\n");
  });

  it("an interactive prompt works under a terminal (docker exec -it)", async () => {
    const r = await ct.run("script -qec 'hermes prompt' /dev/null", { asRuntimeUser, input: "Ada\n" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Your name? ");
    expect(r.stdout).toContain("hello Ada (tty=111)");
  });
});
