/**
 * The project explains itself: every file and contract section that the
 * code, the tests and the docs cite is in this repository.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = resolve(import.meta.dirname, "..");
const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  cwd: REPO,
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => /\.(ts|md|sh|c|py|json)$|^\.ci\/run$|^install\.sh$/.test(f) && f !== "package-lock.json")
  .filter((f) => existsSync(resolve(REPO, f)));
const read = (file: string) => readFileSync(resolve(REPO, file), "utf8");
const CONTRACT = "docs/contract.md";

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}
const anchorsOf = (file: string) => new Set([...read(file).matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1] as string)));
const sections = new Set([...read(CONTRACT).matchAll(/^## §(\d+) /gm)].map((m) => m[1]));

describe.each(tracked.map((f) => [f]))("%s", (file) => {
  const text = read(file);

  it("cites no file outside the repository", () => {
    expect(text).not.toMatch(/CONTRACT\.md|\.\.\/shared|\bshared\//);
  });

  it(`cites only contract sections ${CONTRACT} has`, () => {
    for (const m of text.matchAll(/§(\d+)/g)) expect(sections, `§${m[1]}`).toContain(m[1]);
  });

  it("names only repository paths that exist", () => {
    for (const m of text.matchAll(/(?<![\w./-])((?:src|test|scripts|docs|\.ci)\/[\w./-]*\w)/g)) {
      expect(existsSync(resolve(REPO, m[1] as string)), m[1]).toBe(true);
    }
    for (const m of text.matchAll(/(?<![\w./-])([A-Z][A-Z_]*\.md)\b/g)) {
      expect(existsSync(resolve(REPO, m[1] as string)), m[1]).toBe(true);
    }
  });
});

it.each(tracked.filter((f) => f.endsWith(".md")))("%s links only to files and headings that exist", (file) => {
  const text = read(file);
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1] as string;
    if (/^[a-z]+:/.test(target)) continue;
    const [path, anchor] = target.split("#");
    const linked = path ? relative(REPO, resolve(REPO, dirname(file), path)) : file;
    expect(existsSync(resolve(REPO, linked)), `${file}: ${target}`).toBe(true);
    if (anchor) expect(anchorsOf(linked), `${file}: ${target}`).toContain(anchor);
  }
});

it(`${CONTRACT} has the contract's sections in order`, () => {
  expect([...sections]).toEqual([
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "10",
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
  ]);
});

it("README.md reads at a glance: at most 200 lines, the Dockerfile lines in its first 80", () => {
  const lines = read("README.md").trimEnd().split("\n");
  expect(lines.length).toBeLessThanOrEqual(200);
  expect(lines.indexOf("```dockerfile")).toBeLessThan(80);
});
