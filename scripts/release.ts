/**
 * Release artifacts, every way an image maintainer takes a tool like this:
 * - the default shim for every Linux an image uses, `hermes-linux-*`;
 * - an image to `COPY --from`, hermes-exec-shim:VERSION, as `hermes-exec-shim-image.tar` for `docker load`
 *   (x86-64: the `hermes-linux-x64` build, its links, nothing else; scripts/release/image.ts);
 * - Debian packages, `hermes-exec-shim_VERSION_{amd64,arm64}.deb` (scripts/release/deb.ts);
 * - the notices, hermes-exec-shim-notices.txt: every component the binaries carry, its version, license and
 *   source (scripts/release/components.ts, notices.ts), also inside the image archive and each package;
 * - the SBOM, hermes-exec-shim.cdx.json (CycloneDX 1.5; scripts/release/sbom.ts);
 * - SHA256SUMS of all of them, which `sha256sum -c` checks, signed with the maintainer's OpenPGP key when one is
 *   given as SHA256SUMS.asc, with the public key beside it (scripts/release/sign.ts).
 * Each binary is exactly what scripts/build.ts makes for that platform; Bun fetches the other platforms'
 * runtimes from the npm registry (`@oven/bun-linux-*`, the version pinned in package.json) on first use and
 * caches them.
 *
 * Reproducible: two runs from the same commit give the same bytes (the signature aside: it holds the time of
 * signing). Bun embeds no time stamp and no build path; the one other input it embeds is the output file's
 * base name (as /$bunfs/root/NAME), fixed here per platform. The image and the packages carry the time of the
 * last commit (or SOURCE_DATE_EPOCH) in every stamp.
 *
 * Usage: bun scripts/release.ts [--outdir dist/release] [--signing-key FILE] [--maintainer "NAME <ADDRESS>"]
 *        [--source URL]
 * FILE (default $HERMES_SIGNING_KEY) is an exported OpenPGP secret key (`gpg --export-secret-keys`).
 * --maintainer (default $HERMES_MAINTAINER, else a placeholder) is the packages' Maintainer and the notices'
 * contact; --source (default $HERMES_SOURCE_URL, else a placeholder) is where the project's source is published,
 * for the notices, the SBOM and the image's source label.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import minimist from "minimist";
import { defaultsFor } from "../src/build/buildConfig.ts";
import { type Bill, bunComponents, licenseExpression, REVIEWED_FOR, unplaced } from "./release/components.ts";
import { writeDeb } from "./release/deb.ts";
import { writeImage } from "./release/image.ts";
import { notices } from "./release/notices.ts";
import { sbom } from "./release/sbom.ts";
import { sign } from "./release/sign.ts";

/** Artifact suffix → Bun compile target. x64 needs AVX2; x64-baseline runs on any x86-64. */
const PLATFORMS = {
  "linux-x64": "bun-linux-x64",
  "linux-x64-baseline": "bun-linux-x64-baseline",
  "linux-arm64": "bun-linux-arm64",
  "linux-x64-musl": "bun-linux-x64-musl",
  "linux-arm64-musl": "bun-linux-arm64-musl",
} as const;

/** Debian architecture → the artifact its package carries. */
const DEBS = { amd64: "linux-x64", arm64: "linux-arm64" } as const;

/** The product name of build.ts's default configuration. */
const NAME = "hermes";
const PACKAGE = "hermes-exec-shim";
const COMMANDS = defaultsFor(NAME).commands.map((c) => c.name);

/** Until a release names its own: placeholders in reserved domains, which no one can mistake for real ones. */
const MAINTAINER = "hermes-exec-shim maintainers <maintainers@hermes-exec-shim.invalid>";
const SOURCE = "https://hermes-exec-shim.invalid/source";
const NOTICES = `${PACKAGE}-notices.txt`;
const SBOM = `${PACKAGE}.cdx.json`;

const args = minimist(process.argv.slice(2), {
  string: ["outdir", "signing-key", "maintainer", "source"],
  unknown: (flag) => {
    console.error(`release: unknown option ${flag}`);
    process.exit(2);
  },
});
const outdir = resolve(args.outdir ?? "dist/release");
const signingKey: string | undefined = args["signing-key"] || process.env.HERMES_SIGNING_KEY || undefined;
const maintainer: string = args.maintainer || process.env.HERMES_MAINTAINER || MAINTAINER;
const source: string = args.source || process.env.HERMES_SOURCE_URL || SOURCE;
if (!/^[^<>]+ <[^<>@\s]+@[^<>@\s]+>$/.test(maintainer)) {
  console.error(`release: --maintainer ${JSON.stringify(maintainer)} is not "NAME <ADDRESS>"`);
  process.exit(2);
}
const { version, description, license } = (await Bun.file(`${import.meta.dir}/../package.json`).json()) as {
  version: string;
  description: string;
  license: string;
};
const git = (...argv: string[]) =>
  spawnSync("git", argv, { cwd: import.meta.dir, encoding: "utf8" }).stdout?.trim() || undefined;
const epoch = Number(process.env.SOURCE_DATE_EPOCH || git("log", "-1", "--format=%ct") || 0);
const commit = git("rev-parse", "HEAD") ?? "unknown";

// The notices are only as true as the table was for this Bun: a new one must be reviewed first.
if (Bun.version !== REVIEWED_FOR || unplaced(process.versions).length) {
  console.error(
    `release: scripts/release/components.ts was reviewed for Bun ${REVIEWED_FOR}; this is Bun ${Bun.version}` +
      ` (not placed: ${unplaced(process.versions).join(", ") || "none"}). Read that Bun's oven-sh/bun/LICENSE.md, update` +
      " the table and REVIEWED_FOR.",
  );
  process.exit(1);
}
const minimistPackage = (await Bun.file(`${import.meta.dir}/../node_modules/minimist/package.json`).json()) as {
  version: string;
  license: string;
};
const bill: Bill = {
  project: {
    name: PACKAGE,
    version,
    license,
    copyright: "2026 the hermes-exec-shim contributors",
    source,
    commit,
  },
  inlined: [
    {
      name: "minimist",
      version: minimistPackage.version,
      license: minimistPackage.license,
      copyright: "James Halliday and the minimist contributors",
      source: "https://github.com/minimistjs/minimist",
    },
  ],
  bun: {
    version: Bun.version,
    revision: Bun.revision,
    license: "MIT",
    copyright: "Oven and the Bun contributors",
    source: `https://github.com/oven-sh/bun/tree/${Bun.revision}`,
  },
  embedded: bunComponents(process.versions),
};
await mkdir(outdir, { recursive: true });
// A signature or key from an earlier run would not match the new sums.
await rm(`${outdir}/SHA256SUMS.asc`, { force: true });
await rm(`${outdir}/${PACKAGE}-signing-key.gpg`, { force: true });

const builds = Object.entries(PLATFORMS).map(async ([suffix, platform]) => {
  const file = `${NAME}-${suffix}`;
  const build = Bun.spawn(
    [process.execPath, `${import.meta.dir}/build.ts`, "--platform", platform, "--outfile", `${outdir}/${file}`],
    { stdout: "inherit", stderr: "inherit" },
  );
  if ((await build.exited) !== 0) throw new Error(`release: building ${file} for ${platform} failed`);
  return file;
});
const binaries = await Promise.all(builds);

// The binary's names in every artifact: the package's, the image's, the release's.
const notice = notices(bill, [`opt/${NAME}/bin/${NAME}`, NAME, ...binaries], maintainer);
await writeFile(`${outdir}/${NOTICES}`, notice);
await writeFile(`${outdir}/${SBOM}`, sbom(bill, epoch));

const image = `${PACKAGE}-image.tar`;
const labels = { title: PACKAGE, version, revision: commit, source, description, licenses: licenseExpression(bill) };
await writeImage(
  `${outdir}/${NAME}-linux-x64`,
  COMMANDS,
  `${PACKAGE}:${version}`,
  labels,
  { name: NOTICES, text: notice },
  epoch,
  `${outdir}/${image}`,
);
const debs = await Promise.all(
  Object.entries(DEBS).map(async ([arch, suffix]) => {
    const file = `${PACKAGE}_${version}_${arch}.deb`;
    const dir = `opt/${NAME}/bin`;
    const deb = { name: PACKAGE, version, arch, description, dir, maintainer, copyright: notice, commit };
    await writeDeb(`${outdir}/${NAME}-${suffix}`, COMMANDS, deb, epoch, `${outdir}/${file}`);
    return file;
  }),
);

let sums = "";
for (const file of [...binaries, image, ...debs, NOTICES, SBOM].sort()) {
  sums += `${createHash("sha256")
    .update(await readFile(`${outdir}/${file}`))
    .digest("hex")}  ${file}\n`;
}
await writeFile(`${outdir}/SHA256SUMS`, sums);
process.stdout.write(sums);
if (signingKey) {
  try {
    const key = `${outdir}/${PACKAGE}-signing-key.gpg`;
    const fingerprint = await sign(resolve(signingKey), `${outdir}/SHA256SUMS`, key);
    console.error(`release: signed SHA256SUMS with ${fingerprint} (SHA256SUMS.asc)`);
  } catch (error) {
    // A maintainer's mistake (no such file, no secret key in it, a wrong passphrase): its message, not a trace.
    console.error((error as Error).message);
    process.exit(1);
  }
} else {
  console.error("release: no signing key given (--signing-key FILE or HERMES_SIGNING_KEY): SHA256SUMS is not signed");
}
