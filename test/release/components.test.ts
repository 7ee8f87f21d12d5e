/**
 * Issue 25: the table of what the Bun runtime links statically is oven-sh/bun/LICENSE.md as read for one Bun
 * version. Pinning another Bun fails here until someone reads that Bun's license file and updates the table:
 * its REVIEWED_FOR, and a row (or a reason) for every library the pinned Bun reports.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type Bill,
  bunComponents,
  licenseExpression,
  REVIEWED_FOR,
  unplaced,
} from "../../scripts/release/components.ts";
import { sbom } from "../../scripts/release/sbom.ts";

const REPO = join(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { devDependencies: { bun: string } };
/** What the pinned Bun reports about itself: a fraction of a second, so run in line. */
const pinned = JSON.parse(
  execFileSync(join(REPO, "node_modules/.bin/bun"), ["-e", "console.log(JSON.stringify(process.versions))"], {
    encoding: "utf8",
  }),
) as Record<string, string>;

describe("the table of Bun's statically linked components", () => {
  it("was reviewed for the Bun that package.json pins", () => {
    expect(pinned.bun).toBe(pkg.devDependencies.bun);
    expect(
      REVIEWED_FOR,
      "read the pinned Bun's oven-sh/bun/LICENSE.md, then update scripts/release/components.ts",
    ).toBe(pkg.devDependencies.bun);
  });

  it("places every library the pinned Bun reports", () => {
    expect(unplaced(pinned)).toEqual([]);
    expect(unplaced({ ...pinned, libnew: "1.0" })).toEqual(["libnew"]);
  });

  it("takes each reported version from the pinned Bun, and names the LGPL parts", () => {
    const components = bunComponents(pinned);
    const webkit = components.find((c) => c.name.includes("WebKit"));
    expect(webkit?.version).toBe(pinned.webkit);
    expect(components.filter((c) => c.lgpl).map((c) => c.license)).toEqual([
      "LGPL-2.0-or-later AND BSD-2-Clause",
      "LGPL-2.1-or-later",
    ]);
  });
});

describe("the SBOM and the licenses label", () => {
  const bill: Bill = {
    project: { name: "p", version: "1.0.0", license: "MIT", copyright: "c", source: "https://x.invalid", commit: "a" },
    inlined: [{ name: "minimist", version: "1.2.8", license: "MIT", copyright: "c", source: "https://m.invalid" }],
    bun: { version: "1.4.5", revision: "r", license: "MIT", copyright: "c", source: "https://b.invalid" },
    embedded: bunComponents(pinned),
  };

  it("are the same for the same commit, and the serial number changes with it", () => {
    expect(sbom(bill, 1)).toBe(sbom(bill, 1));
    const serial = (b: Bill) => JSON.parse(sbom(b, 1)).serialNumber;
    expect(serial({ ...bill, project: { ...bill.project, commit: "b" } })).not.toBe(serial(bill));
  });

  it("parenthesises each choice, so the expression stays one SPDX expression", () => {
    const expression = licenseExpression(bill);
    expect(expression).toContain(" AND (BSD-3-Clause OR GPL-2.0-only)");
    expect(expression.startsWith("MIT AND ")).toBe(true);
  });
});
