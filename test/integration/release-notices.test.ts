/**
 * Issue 25: every artifact says what it carries. The release's notices name each component in the binary with
 * its version, license and source, and are shipped as they are beside the binaries, as each package's
 * copyright file and inside the image archive (outside its layer); the SBOM is CycloneDX 1.5 with the fields
 * the spec requires, and lists exactly what the notices list; lintian accepts both packages.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outcome } from "../platform/spawn.ts";
import { sharedRelease } from "./release-run.ts";

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as {
  version: string;
};
const NOTICES = "hermes-exec-shim-notices.txt";
const SBOM = "hermes-exec-shim.cdx.json";
const DEBS = ["amd64", "arm64"].map((arch) => `hermes-exec-shim_${version}_${arch}.deb`);

let dir = "";
const work = mkdtempSync(join(tmpdir(), "hermes-notices-"));
beforeAll(async () => {
  dir = (await sharedRelease()).dir;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const read = (name: string) => readFileSync(join(dir, name), "utf8");
const commit = () => execFileSync("git", ["rev-parse", "HEAD"], { cwd: import.meta.dirname, encoding: "utf8" }).trim();
const commitTime = () =>
  Number(execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: import.meta.dirname, encoding: "utf8" }).trim());

interface Listed {
  name: string;
  version?: string;
  license: string;
  source: string;
}

/** The components the notices list: ` * NAME` then `   key: value` lines, in the binary's paragraph. */
function noticed(text: string): Listed[] {
  const blocks = [...text.matchAll(/^ \* (.+)\n((?: {3}\S.*\n)+)/gm)];
  return blocks.map(([, name, body]) => {
    const fields = Object.fromEntries(
      (body as string)
        .trimEnd()
        .split("\n")
        .map((line) => line.trim().split(/: (.*)/s) as [string, string]),
    ) as Record<string, string>;
    return {
      name: name as string,
      ...(fields.version?.startsWith("the one its Bun") ? {} : { version: fields.version as string }),
      license: fields.license as string,
      source: fields.source as string,
    };
  });
}

interface CdxComponent {
  type: string;
  name: string;
  version?: string;
  "bom-ref"?: string;
  licenses?: ({ expression: string } | { license: { id?: string; name?: string } })[];
  externalReferences?: { type: string; url: string }[];
  components?: CdxComponent[];
  properties?: { name: string; value: string }[];
}

const TYPES = ["application", "framework", "library", "container", "platform", "operating-system", "device"];
const TYPES_1_5 = [...TYPES, "device-driver", "firmware", "file", "machine-learning-model", "data"];

describe(NOTICES, () => {
  it("lists the Bun runtime, minimist and each component Bun links, the LGPL ones with where their source is", () => {
    const listed = noticed(read(NOTICES));
    const names = listed.map((c) => c.name);
    expect(names.slice(0, 2)).toEqual(["minimist", "Bun"]);
    for (const name of ["JavaScriptCore", "tinycc", "BoringSSL", "libarchive", "ICU", "zstd", "zlib-ng", "c-ares"])
      expect(
        names.some((n) => n.includes(name)),
        name,
      ).toBe(true);
    const bun = listed[1] as Listed;
    const revision = execFileSync(join(import.meta.dirname, "../../node_modules/.bin/bun"), ["--revision"], {
      encoding: "utf8",
    });
    expect(bun.version).toContain(revision.split("+")[1]?.trim());
    const lgpl = listed.filter((c) => /LGPL/.test(c.license));
    expect(lgpl.map((c) => c.source)).toEqual([
      "https://github.com/oven-sh/WebKit",
      "https://github.com/tinycc/tinycc",
    ]);
    for (const c of lgpl) expect(c.version, c.name).toMatch(/^[0-9a-f]{40}$/);
    expect(read(NOTICES)).toContain("To relink:");
  });

  it("is each package's /usr/share/doc/hermes-exec-shim/copyright, and is in the image archive, not its layer", () => {
    for (const deb of DEBS) {
      const copyright = execFileSync("dpkg-deb", ["--fsys-tarfile", join(dir, deb)], { maxBuffer: 1 << 30 });
      const out = join(work, deb);
      execFileSync("mkdir", ["-p", out]);
      execFileSync("tar", ["-x", "-C", out, "./usr/share/doc/hermes-exec-shim/"], { input: copyright });
      expect(readFileSync(join(out, "usr/share/doc/hermes-exec-shim/copyright"), "utf8"), deb).toBe(read(NOTICES));
      const changelog = gunzipSync(readFileSync(join(out, "usr/share/doc/hermes-exec-shim/changelog.gz"))).toString();
      expect(changelog).toMatch(new RegExp(`^hermes-exec-shim \\(${version}\\) unstable; urgency=medium\n`));
      expect(changelog).toContain(`commit ${commit()}`);
    }
    const archive = join(dir, "hermes-exec-shim-image.tar");
    expect(execFileSync("tar", ["-xOf", archive, NOTICES], { encoding: "utf8" })).toBe(read(NOTICES));
  });
});

describe(SBOM, () => {
  const doc = () => JSON.parse(read(SBOM));
  const flat = (components: CdxComponent[]): CdxComponent[] =>
    components.flatMap((c) => [c, ...flat(c.components ?? [])]);

  it("has what CycloneDX 1.5 requires, a serial number and timestamp from the commit, and no dangling ref", () => {
    const bom = doc();
    expect(bom.bomFormat).toBe("CycloneDX");
    expect(bom.specVersion).toBe("1.5");
    expect(Number.isInteger(bom.version) && bom.version >= 1).toBe(true);
    expect(bom.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(bom.metadata.timestamp).toBe(new Date(commitTime() * 1000).toISOString());
    const all = [bom.metadata.component, ...flat(bom.components)] as CdxComponent[];
    const refs = all.map((c) => c["bom-ref"]);
    expect(new Set(refs).size).toBe(all.length);
    for (const c of all) {
      expect(TYPES_1_5, c.name).toContain(c.type);
      expect(typeof c.name).toBe("string");
      // A license choice is either one expression or any number of licenses, each with an id or a name.
      const licenses = c.licenses ?? [];
      if (licenses.some((l) => "expression" in l)) expect(licenses, c.name).toHaveLength(1);
      for (const r of c.externalReferences ?? []) expect(r.url, c.name).toMatch(/^https:\/\/\S+$/);
    }
    for (const d of bom.dependencies as { ref: string; dependsOn: string[] }[])
      for (const ref of [d.ref, ...d.dependsOn]) expect(refs).toContain(ref);
    expect(bom.metadata.component.properties).toEqual([{ name: "git:commit", value: commit() }]);
  });

  it("lists exactly what the notices list: names, versions, licenses, sources", () => {
    const bom = doc();
    const fromSbom = flat(bom.components as CdxComponent[]).map((c) => ({
      name: c.name === "bun" ? "Bun" : c.name,
      ...(c.version
        ? { version: c.name === "bun" ? `${c.version} (revision ${c.properties?.[0]?.value})` : c.version }
        : {}),
      license: (c.licenses?.[0] as { expression: string } | undefined)?.expression,
      source: c.externalReferences?.[0]?.url as string,
    }));
    expect(fromSbom).toEqual(noticed(read(NOTICES)));
  });
});

describe.each(DEBS)("lintian %s", (deb) => {
  it("reports no error and no warning; each override says why", async () => {
    // Overridden findings are shown, with their comments, and not failed on: with --show-overrides,
    // --fail-on would count them too. What is not overridden comes as an E: or W: line.
    const r = await outcome(["lintian", "--fail-on", "none", "--show-overrides", join(dir, deb)], { cwd: "/" });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.filter((l) => /^[EW]: /.test(l))).toEqual([]);
    // Lintian prints an override's comment (N:) before each overridden finding (O:).
    lines.forEach((line, i) => {
      if (line.startsWith("O: ")) expect(lines[i - 1], line).toMatch(/^N: \S/);
    });
  });
});
