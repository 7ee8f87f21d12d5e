/**
 * The release's SBOM, CycloneDX 1.5 JSON: the project, minimist (inlined by the bundle), and the Bun runtime
 * with the components it links statically nested in it, each with its version where known, its SPDX license
 * expression and its source. CycloneDX rather than SPDX because it nests what one binary embeds inside that
 * binary's component. Written from what the release already knows rather than by `npm sbom`, which stamps the
 * time and a random serial number and knows nothing of what Bun embeds: here the serial number is derived from
 * the commit and the timestamp is the commit's, so two releases from one commit give the same bytes.
 */
import { createHash } from "node:crypto";
import type { Bill, Component } from "./components.ts";

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/\(.*\)/, "")
    .trim()
    .replace(/[^a-z0-9.]+/g, "-");

/** A UUID (version 5's layout) from the commit, in place of a random one. */
function serial(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const vcs = (url: string) => [{ type: "vcs", url }];

function library(c: Component, ref: string) {
  return {
    type: "library",
    "bom-ref": ref,
    name: c.name,
    ...(c.version ? { version: c.version } : {}),
    licenses: [{ expression: c.license }],
    copyright: c.copyright,
    externalReferences: vcs(c.source),
  };
}

export function sbom(bill: Bill, epoch: number): string {
  const { project, bun } = bill;
  const projectRef = `pkg:npm/${project.name}@${project.version}`;
  const bunRef = `pkg:npm/bun@${bun.version}`;
  const inlined = bill.inlined.map((c) => library(c, `pkg:npm/${c.name}@${c.version}`));
  const embedded = bill.embedded.map((c) => library(c, `bun/${slug(c.name)}`));
  const document = {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    serialNumber: serial(`${project.name}@${project.version}:${project.commit}`),
    version: 1,
    metadata: {
      timestamp: new Date(epoch * 1000).toISOString(),
      component: {
        type: "application",
        "bom-ref": projectRef,
        name: project.name,
        version: project.version,
        purl: projectRef,
        licenses: [{ expression: project.license }],
        copyright: project.copyright,
        externalReferences: vcs(project.source),
        properties: [{ name: "git:commit", value: project.commit }],
      },
    },
    components: [
      ...inlined.map((c) => ({ ...c, purl: c["bom-ref"] })),
      {
        type: "framework",
        "bom-ref": bunRef,
        name: "bun",
        version: bun.version,
        purl: bunRef,
        licenses: [{ expression: bun.license }],
        copyright: bun.copyright,
        externalReferences: vcs(bun.source),
        properties: [{ name: "git:commit", value: bun.revision }],
        components: embedded,
      },
    ],
    dependencies: [
      { ref: projectRef, dependsOn: [...inlined.map((c) => c["bom-ref"]), bunRef] },
      { ref: bunRef, dependsOn: embedded.map((c) => c["bom-ref"]) },
      ...[...inlined, ...embedded].map((c) => ({ ref: c["bom-ref"], dependsOn: [] })),
    ],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
