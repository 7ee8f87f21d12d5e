/**
 * Issue 7: `npm run release` is reproducible, its SHA256SUMS checks, and each
 * artifact is built for the machine and C library its name promises. The
 * musl builds cannot run on Debian (they load a musl libstdc++ and libgcc_s,
 * which Alpine ships as `libstdc++` and `libgcc`), so their ELF headers are
 * checked instead: the loader they ask for and every library they need.
 * Issue 18: the second run signs with a key made for the test; gpgv accepts the
 * signature and rejects SHA256SUMS with one byte changed, on the host and in
 * the docs' Dockerfile that verifies it. The first run, without a key, says so
 * in one line. The image and the packages are used in release-ways.test.ts.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, imageTags, variantKey } from "../platform/images.ts";
import { DOCKERFILES, readmeBlock } from "../platform/readme.ts";
import { outcome } from "../platform/spawn.ts";
import { sh as shIn } from "./image-checks.ts";
import { releaseWith, sharedRelease } from "./release-run.ts";

const glibc = (loader: string) => ["libc.so.6", loader, "libpthread.so.0", "libdl.so.2", "libm.so.6"];
const X64 = "Advanced Micro Devices X86-64";

const ARTIFACTS = {
  "hermes-linux-x64": {
    machine: X64,
    interpreter: "/lib64/ld-linux-x86-64.so.2",
    needed: glibc("ld-linux-x86-64.so.2"),
  },
  "hermes-linux-x64-baseline": {
    machine: X64,
    interpreter: "/lib64/ld-linux-x86-64.so.2",
    needed: glibc("ld-linux-x86-64.so.2"),
  },
  "hermes-linux-arm64": {
    machine: "AArch64",
    interpreter: "/lib/ld-linux-aarch64.so.1",
    needed: glibc("ld-linux-aarch64.so.1"),
  },
  "hermes-linux-x64-musl": {
    machine: X64,
    interpreter: "/lib/ld-musl-x86_64.so.1",
    needed: ["libstdc++.so.6", "libc.musl-x86_64.so.1"],
  },
  "hermes-linux-arm64-musl": {
    machine: "AArch64",
    interpreter: "/lib/ld-musl-aarch64.so.1",
    needed: ["libstdc++.so.6", "libc.musl-aarch64.so.1"],
  },
};

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as {
  version: string;
};
const OTHERS = [
  "hermes-exec-shim-notices.txt",
  "hermes-exec-shim.cdx.json",
  `hermes-exec-shim-image.tar`,
  `hermes-exec-shim_${version}_amd64.deb`,
  `hermes-exec-shim_${version}_arm64.deb`,
];
const SIGNED = ["SHA256SUMS.asc", "hermes-exec-shim-signing-key.gpg"];
const runId = process.env.HERMES_TEST_RUN ?? "manual";

const work = mkdtempSync(join(tmpdir(), "hermes-signing-"));
const sh = (script: string, env: Record<string, string> = {}) => {
  const r = spawnSync("bash", ["-c", script], { cwd: work, env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${script}\n${r.stdout}${r.stderr}`);
  return r.stdout;
};

/** A maintainer's key made for the test: an unprotected Ed25519 signing key, exported to a file. */
function testKey(): string {
  const home = join(work, "gnupg");
  const env = { GNUPGHOME: home };
  try {
    sh(`mkdir -m 0700 "${home}"`);
    sh(
      "gpg --batch --quiet --passphrase '' --quick-gen-key 'Release Test <release-test@example.invalid>' ed25519 sign never",
      env,
    );
    sh("gpg --batch --quiet --export-secret-keys --output key.gpg", env);
  } finally {
    spawnSync("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, ...env } });
    rmSync(home, { recursive: true, force: true });
  }
  return join(work, "key.gpg");
}

let first = "";
let second = "";
let firstOutput = "";
beforeAll(async () => {
  // The run's shared release is the first, unsigned; the second, signed, is this file's own, of the same commit.
  ({ dir: first, output: firstOutput } = await sharedRelease());
  const git = spawnSync("git", ["log", "-1", "--format=%ct"], { cwd: import.meta.dirname, encoding: "utf8" });
  ({ dir: second } = await releaseWith({ SOURCE_DATE_EPOCH: git.stdout.trim(), HERMES_SIGNING_KEY: testKey() }));
});
const tags: string[] = [];
afterAll(async () => {
  if (tags.length) await outcome(["docker", "rmi", "--force", ...tags]);
  for (const dir of [second, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

function readelf(flag: string, file: string): string {
  const r = spawnSync("readelf", ["--wide", flag, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`readelf ${flag} ${file}: ${r.error ?? r.stderr}`);
  return r.stdout;
}

const field = (header: string, name: string) => header.match(new RegExp(`^\\s*${name}:\\s*(.*)$`, "m"))?.[1];

it("two runs from the same commit give identical bytes (the second signed besides)", () => {
  const names = readdirSync(first).sort();
  expect(readdirSync(second).sort()).toEqual([...names, ...SIGNED].sort());
  for (const name of names) {
    expect(readFileSync(`${second}/${name}`).equals(readFileSync(`${first}/${name}`)), name).toBe(true);
  }
});

it("SHA256SUMS lists exactly the five binaries, the notices, the SBOM, the image and the two packages; sha256sum -c accepts it", async () => {
  const sums = readFileSync(`${first}/SHA256SUMS`, "utf8");
  const listed = sums
    .trimEnd()
    .split("\n")
    .map((line) => line.split("  ")[1]);
  expect(listed).toEqual([...Object.keys(ARTIFACTS), ...OTHERS].sort());
  expect(readdirSync(first).sort()).toEqual([...listed, "SHA256SUMS"].sort());
  // Half a gigabyte to hash: alongside the worker.
  const check = await outcome(["sha256sum", "--check", "--strict", "SHA256SUMS"], { cwd: first });
  expect(check.code, check.stdout + check.stderr).toBe(0);
});

describe("signed SHA256SUMS", () => {
  it("without a key: no signature, and one line that says so", () => {
    expect(readdirSync(first).filter((name) => SIGNED.includes(name))).toEqual([]);
    expect(firstOutput.split("\n").filter((line) => /sign/i.test(line))).toEqual([
      "release: no signing key given (--signing-key FILE or HERMES_SIGNING_KEY): SHA256SUMS is not signed",
    ]);
  });

  it("with the test key: gpgv accepts the signature, and rejects SHA256SUMS with one byte changed", () => {
    const gpgv = (sums: string) =>
      spawnSync("gpgv", ["--keyring", `${second}/${SIGNED[1]}`, `${second}/SHA256SUMS.asc`, sums], {
        encoding: "utf8",
      });
    const good = gpgv(`${second}/SHA256SUMS`);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stderr).toContain('Good signature from "Release Test <release-test@example.invalid>"');
    const changed = Buffer.from(readFileSync(`${second}/SHA256SUMS`));
    changed[0] = changed[0] === 0x30 ? 0x31 : 0x30;
    writeFileSync(join(work, "SHA256SUMS"), changed);
    const bad = gpgv(join(work, "SHA256SUMS"));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("BAD signature");
  });

  describe("the docs' Dockerfile that verifies it with gpgv", () => {
    const hermesBase = () => imageTags()[variantKey("hermes", "standin", "s6")] as string;
    const FILES = ["hermes-exec-shim-signing-key.gpg", "SHA256SUMS", "SHA256SUMS.asc", "hermes-linux-x64"];
    async function buildSigned(name: string, change?: (sums: Buffer) => void) {
      const context = mkdtempSync(join(work, `${name}-`));
      for (const file of FILES) copyFileSync(join(second, file), join(context, file));
      if (change) {
        const sums = readFileSync(join(context, "SHA256SUMS"));
        change(sums);
        writeFileSync(join(context, "SHA256SUMS"), sums);
      }
      writeFileSync(
        join(context, "Dockerfile"),
        readmeBlock("dockerfile", DOCKERFILES.signed).replaceAll("your-hermes-base", hermesBase()),
      );
      const tag = `hermes-exec-shim-test/signed-${name}:${runId}`;
      for (const t of [`${tag}-hermes-shim`, tag]) tags.push(t);
      await build(`${tag}-hermes-shim`, runId, join(context, "Dockerfile"), context, {}, ["--target", "hermes-shim"]);
      await build(tag, runId, join(context, "Dockerfile"), context, {});
      return tag;
    }

    it("builds from the signed release: the binary root's and 0755, its links, and it drops", async () => {
      const tag = await buildSigned("good");
      expect(await shIn(tag, "ls /opt/hermes/bin && stat -c '%U %a' /opt/hermes/bin/hermes && hermes whoami")).toBe(
        "hermes\nhermes-acp\nhermes-agent\nroot 755\nuid=10000 gid=10000 home=/opt/data umask=0002\n",
      );
    });

    it("fails to build when SHA256SUMS has one byte changed", async () => {
      // The checksum of a binary no one verifies: only the signature can catch this.
      const change = (sums: Buffer) => {
        const at = sums.indexOf("  hermes-exec-shim-image.tar") - 1;
        sums[at] = sums[at] === 0x30 ? 0x31 : 0x30;
      };
      await expect(buildSigned("changed", change)).rejects.toThrow(/BAD signature/);
    });
  });
});

describe.each(Object.entries(ARTIFACTS))("%s", (name, want) => {
  it(`is a 64-bit little-endian executable for ${want.machine}`, () => {
    const header = readelf("--file-header", `${first}/${name}`);
    expect(field(header, "Class")).toBe("ELF64");
    expect(field(header, "Data")).toBe("2's complement, little endian");
    expect(field(header, "Type")).toMatch(/^(EXEC|DYN) /);
    expect(field(header, "Machine")).toBe(want.machine);
  });

  it(`is loaded by ${want.interpreter}`, () => {
    const interpreters = [
      ...readelf("--program-headers", `${first}/${name}`).matchAll(/program interpreter: ([^\]]+)\]/g),
    ];
    expect(interpreters.map((m) => m[1])).toEqual([want.interpreter]);
  });

  it(`needs exactly ${want.needed.join(", ")}`, () => {
    const needed = [...readelf("--dynamic", `${first}/${name}`).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)];
    expect(needed.map((m) => m[1]).sort()).toEqual([...want.needed].sort());
  });
});
