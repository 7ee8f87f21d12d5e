/** install.sh from a caller's seat: usage errors build nothing, and a relative --prefix is the caller's. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const INSTALL = resolve(import.meta.dirname, "../install.sh");
const here = mkdtempSync(join(tmpdir(), "install-test-"));
afterAll(() => rmSync(here, { recursive: true, force: true }));

function install(args: string[], cwd = here) {
  const r = spawnSync(INSTALL, args, { cwd, encoding: "utf8", timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("usage errors exit 2 before anything is built", () => {
  it.each([
    [["--prefix", ""], "--prefix needs a value, not an empty one"],
    [["--prefix="], "--prefix needs a value, not an empty one"],
    [["--prefix", "--admin-link"], "--prefix needs a value, not the option --admin-link"],
    [["--name", "--prefix", "x"], "--name needs a value, not the option --prefix"],
    [["--user"], "--user needs a value"],
    [["--frobnicate"], "unknown option --frobnicate"],
  ])("%j", (args, message) => {
    const r = install(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`install.sh: ${message}`);
    expect(r.stdout).toBe("");
    expect(readdirSync(here)).toEqual([]);
  });

  it.each([
    [["--name", "Hermes Agent"], "name"],
    [["--name", "../evil"], "name"],
    [["--user", "root:0"], "user"],
    [["--target", "relative/hermes"], "target"],
    [["--helper", "/command/../tmp/x"], "helper"],
    [["--opt-out-var", "A-B"], "opt-out-var"],
    [["--umask", "0999"], "umask"],
  ])("%j: the build's own check, before building", (args, setting) => {
    const r = install([...args, "--prefix", "out"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^build: ${setting} `, "m"));
    expect(readdirSync(here)).toEqual([]);
  });
});

describe("installing", () => {
  it("a relative --prefix is taken from where the caller stands", () => {
    const r = install(["--prefix", "out", "--admin-link"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`installed ${here}/out/hermes\nlinked ${here}/out/hermes-exec-shim -> hermes\n`);
    expect(statSync(join(here, "out/hermes")).mode & 0o7777).toBe(0o755);
    expect(existsSync(resolve(INSTALL, "../out"))).toBe(false);
  });
});
