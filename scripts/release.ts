/**
 * Release artifacts: the default shim for every Linux an image uses, and a
 * SHA256SUMS that `sha256sum -c` checks. Each binary is exactly what
 * scripts/build.ts makes for that platform; Bun fetches the other platforms'
 * runtimes from the npm registry (`@oven/bun-linux-*`, the version pinned in
 * package.json) on first use and caches them.
 *
 * Reproducible: two runs from the same commit give the same bytes. Bun
 * embeds no time stamp and no build path; the one other input it embeds is
 * the output file's base name (as /$bunfs/root/NAME), fixed here per platform.
 *
 * Usage: bun scripts/release.ts [--outdir dist/release]
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import minimist from "minimist";

/** Artifact suffix → Bun compile target. x64 needs AVX2; x64-baseline runs on any x86-64. */
const PLATFORMS = {
  "linux-x64": "bun-linux-x64",
  "linux-x64-baseline": "bun-linux-x64-baseline",
  "linux-arm64": "bun-linux-arm64",
  "linux-x64-musl": "bun-linux-x64-musl",
  "linux-arm64-musl": "bun-linux-arm64-musl",
} as const;

/** The product name of build.ts's default configuration. */
const NAME = "hermes";

const args = minimist(process.argv.slice(2), {
  string: ["outdir"],
  unknown: (flag) => {
    console.error(`release: unknown option ${flag}`);
    process.exit(2);
  },
});
const outdir = resolve(args.outdir ?? "dist/release");
await mkdir(outdir, { recursive: true });

const builds = Object.entries(PLATFORMS).map(async ([suffix, platform]) => {
  const file = `${NAME}-${suffix}`;
  const build = Bun.spawn(
    [process.execPath, `${import.meta.dir}/build.ts`, "--platform", platform, "--outfile", `${outdir}/${file}`],
    { stdout: "inherit", stderr: "inherit" },
  );
  if ((await build.exited) !== 0) throw new Error(`release: building ${file} for ${platform} failed`);
  return file;
});
const files = (await Promise.all(builds)).sort();

let sums = "";
for (const file of files) {
  sums += `${createHash("sha256")
    .update(await readFile(`${outdir}/${file}`))
    .digest("hex")}  ${file}\n`;
}
await writeFile(`${outdir}/SHA256SUMS`, sums);
process.stdout.write(sums);
