/** install.sh from a caller's seat: usage errors build nothing, and a relative --prefix is the caller's. */
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { outcome } from "./platform/spawn.ts";

const INSTALL = resolve(import.meta.dirname, "../install.sh");
const here = mkdtempSync(join(tmpdir(), "install-test-"));
afterAll(() => rmSync(here, { recursive: true, force: true }));

const install = (args: string[], cwd = here) => outcome([INSTALL, ...args], { cwd });

describe("usage errors exit 2 before anything is built", () => {
  it.each([
    [["--prefix", ""], "--prefix needs a value, not an empty one"],
    [["--prefix="], "--prefix needs a value, not an empty one"],
    [["--prefix", "--admin-link"], "--prefix needs a value, not the option --admin-link"],
    [["--link-dir", ""], "--link-dir needs a value, not an empty one"],
    [["--name", "--prefix", "x"], "--name needs a value, not the option --prefix"],
    [["--user"], "--user needs a value"],
    [["--command", "--name", "x"], "--command needs a value, not the option --name"],
    [["--command="], "--command needs a value, not an empty one"],
    [["--target", "/opt/x"], "--target is gone: use --command NAME=PATH, one for each command"],
    [["--frobnicate"], "unknown option --frobnicate"],
  ])("%j", async (args, message) => {
    const r = await install(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`install.sh: ${message} (see --help)\n`);
    expect(r.stdout).toBe("");
    expect(readdirSync(here)).toEqual([]);
  });

  it.each([
    [["--name", "Hermes Agent"], "name"],
    [["--name", "../evil"], "name"],
    [["--user", "root:0"], "user"],
    [["--command", "hermes=relative/hermes"], "command"],
    [["--command", "hermes", "--command", "hermes"], "command"],
    [["--command", "hermes-exec-shim"], "command"],
    [["--helper", "/command/../tmp/x"], "helper"],
    [["--opt-out-var", "A-B"], "opt-out-var"],
    [["--umask", "0999"], "umask"],
    [["--scan-dir", "/run/../tmp"], "scan-dir"],
  ])("%j: the build's own check, before building", async (args, setting) => {
    const r = await install([...args, "--prefix", "out"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^build: ${setting} `, "m"));
    expect(readdirSync(here)).toEqual([]);
  });
});

describe("installing", () => {
  it("a relative --prefix is taken from where the caller stands", async () => {
    const r = await install(["--prefix", "out", "--admin-link"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        `installed ${here}/out/hermes`,
        `linked ${here}/out/hermes-agent -> hermes`,
        `linked ${here}/out/hermes-acp -> hermes`,
        `linked ${here}/out/hermes-exec-shim -> hermes`,
        "",
      ].join("\n"),
    );
    expect(statSync(join(here, "out/hermes")).mode & 0o7777).toBe(0o755);
    // One binary; every other name a relative symlink to it, which COPY and docker cp keep as links.
    for (const name of ["hermes-agent", "hermes-acp", "hermes-exec-shim"]) {
      expect(readlinkSync(join(here, "out", name))).toBe("hermes");
    }
    expect(readdirSync(join(here, "out")).sort()).toEqual(["hermes", "hermes-acp", "hermes-agent", "hermes-exec-shim"]);
    expect(existsSync(resolve(INSTALL, "../out"))).toBe(false);
  });

  it("--link-dir: every command linked there by absolute path, where a login shell's PATH looks (contract §16)", async () => {
    for (let i = 0; i < 2; i++) {
      const r = await install(["--prefix", "linked", "--link-dir", "login/bin"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(
        ["hermes", "hermes-agent", "hermes-acp"]
          .map((c) => `linked ${here}/login/bin/${c} -> ${here}/linked/${c}\n`)
          .join(""),
      );
    }
    expect(readdirSync(join(here, "login/bin")).sort()).toEqual(["hermes", "hermes-acp", "hermes-agent"]);
    for (const name of ["hermes", "hermes-agent", "hermes-acp"])
      expect(readlinkSync(join(here, "login/bin", name))).toBe(`${here}/linked/${name}`);
    // Each resolves to the one binary.
    expect(statSync(join(here, "login/bin/hermes-acp")).ino).toBe(statSync(join(here, "linked/hermes")).ino);
  });

  it("a fork's own commands: the first is the binary, the rest link to it; running it again is harmless", async () => {
    const args = ["--prefix", "fork", "--name", "rabbit", "--command", "rabbit", "--command=rabbit-agent=/srv/agent"];
    for (let i = 0; i < 2; i++) {
      const r = await install(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`installed ${here}/fork/rabbit\nlinked ${here}/fork/rabbit-agent -> rabbit\n`);
    }
    expect(readdirSync(join(here, "fork")).sort()).toEqual(["rabbit", "rabbit-agent"]);
    expect(readlinkSync(join(here, "fork/rabbit-agent"))).toBe("rabbit");
  });
});
