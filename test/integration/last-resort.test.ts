/**
 * No uncaught error of the shim's own code ever prints the runtime's report (a stack trace and source
 * lines): src/sys/crashHandler.ts turns it into one line and exit 126. Compiled the way the shim is.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import { JS_ERROR_REPORT, REPO } from "../container/container.ts";
import { outcome } from "../platform/spawn.ts";

let dir: string;
let binary: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hermes-last-resort-"));
  binary = join(dir, "throws");
  const r = await outcome([
    join(REPO, "node_modules/.bin/bun"),
    "build",
    "--compile",
    "--minify",
    "--bytecode",
    "--format=esm",
    `--define=SHIM_CONFIG=${JSON.stringify(defaultsFor("hermes"))}`,
    "--outfile",
    binary,
    resolve(import.meta.dirname, "fixtures/throws.ts"),
  ]);
  if (r.code !== 0) throw new Error(`build failed: ${r.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the last-resort handler", () => {
  it.each([
    ["a thrown error", "throw", "hermes: internal error, nothing was run (TypeError: bun:ffi requires the JIT)\n"],
    ["a rejected top-level await", "reject", "hermes: internal error, nothing was run (RangeError: out of range)\n"],
    [
      "an error in a later callback",
      "later",
      expect.stringMatching(/^hermes: internal error, nothing was run \(SyntaxError: .*\)\n$/),
    ],
  ])("%s: one line, exit 126, no stack trace or source", async (_, how, line) => {
    const r = await outcome([binary, how]);
    expect(r.code).toBe(126);
    expect(r.stdout).toBe("");
    expect(r.stderr).toEqual(line);
    expect(JS_ERROR_REPORT.test(r.stderr)).toBe(false);
  });

  it("without the handler the same build would print the report (the check is not vacuous)", async () => {
    const r = await outcome([
      join(REPO, "node_modules/.bin/bun"),
      "-e",
      "function f(){ throw new TypeError('x') } f()",
    ]);
    expect(JS_ERROR_REPORT.test(r.stderr)).toBe(true);
  });
});
