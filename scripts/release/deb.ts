/**
 * The Debian package: the binary and its links under /opt/NAME/bin, root's, built with dpkg-deb, with the
 * documentation Debian asks of every package: the notices as /usr/share/doc/NAME/copyright (machine-readable
 * format), a changelog.gz, md5sums, and lintian overrides that say why each remaining finding is expected. It
 * owns only those files (and the directories on the way, which dpkg removes again once they are empty),
 * declares no Conflicts, Replaces or maintainer scripts, and so conflicts with nothing. Every file and
 * directory carries the release's time, and SOURCE_DATE_EPOCH makes dpkg-deb stamp its members with it: two
 * releases from the same commit give the same bytes. gzip, not dpkg's default xz: every dpkg reads it, and xz
 * takes minutes over 100 MB where gzip takes seconds.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { shimTree } from "./tree.ts";

export interface Deb {
  name: string;
  version: string;
  /** Debian's name for the architecture: amd64, arm64. */
  arch: string;
  description: string;
  /** Where the files go, relative to /: opt/hermes/bin. */
  dir: string;
  /** "Name <address>", the release's --maintainer. */
  maintainer: string;
  /** The notices (scripts/release/notices.ts), installed as the package's copyright file. */
  copyright: string;
  commit: string;
}

/** Each lintian finding the package keeps on purpose, with the reason lintian shows beside it. */
const OVERRIDES = [
  [
    "The image's PATH puts /opt/hermes/bin first: that is where Hermes Agent's image looks for it",
    "dir-or-file-in-opt",
  ],
  ["The Bun runtime inside links libjpeg-turbo statically; it is named in the copyright file", "embedded-library"],
  ["The program is appended to Bun's executable, which stripping would cut off", "unstripped-binary-or-object"],
  ["Bun's own release builds its runtime without PIE; the release does not relink it", "hardening-no-pie"],
  ["Bun's own release builds its runtime without RELRO; the release does not relink it", "hardening-no-relro"],
  ["Bun's own release builds its runtime without BIND_NOW; the release does not relink it", "hardening-no-bindnow"],
  ["The spellings lintian finds are in the Bun runtime's own strings", "spelling-error-in-binary"],
] as const;

/** Debian's changelog date: RFC 2822 in UTC. */
const debianDate = (epoch: number) => new Date(epoch * 1000).toUTCString().replace(/GMT$/, "+0000");

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    found.push(path);
    if (e.isDirectory()) found.push(...(await walk(path)));
  }
  return found;
}

export async function writeDeb(binary: string, commands: readonly string[], deb: Deb, epoch: number, out: string) {
  const work = await mkdtemp(join(tmpdir(), "hermes-deb-"));
  try {
    await chmod(work, 0o755);
    await shimTree(binary, join(work, deb.dir), commands);
    const doc = join(work, "usr/share/doc", deb.name);
    await mkdir(doc, { recursive: true, mode: 0o755 });
    await writeFile(join(doc, "copyright"), deb.copyright, { mode: 0o644 });
    const changelog = [
      `${deb.name} (${deb.version}) unstable; urgency=medium`,
      "",
      `  * Release ${deb.version}, from commit ${deb.commit}.`,
      "",
      ` -- ${deb.maintainer}  ${debianDate(epoch)}`,
      "",
    ].join("\n");
    await writeFile(join(doc, "changelog.gz"), gzipSync(changelog, { level: 9 }), { mode: 0o644 });
    const overrides = join(work, "usr/share/lintian/overrides");
    await mkdir(overrides, { recursive: true, mode: 0o755 });
    await writeFile(
      join(overrides, deb.name),
      OVERRIDES.map(([why, tag]) => `# ${why}.\n${deb.name}: ${tag}\n`).join(""),
      { mode: 0o644 },
    );

    const entries = (await walk(work)).sort();
    let kib = 0;
    const md5sums: string[] = [];
    for (const path of entries) {
      const st = await lstat(path);
      kib += st.isFile() ? Math.ceil(st.size / 1024) : 1;
      if (st.isFile()) {
        const md5 = createHash("md5")
          .update(await readFile(path))
          .digest("hex");
        md5sums.push(`${md5}  ${relative(work, path)}\n`);
      }
    }
    await mkdir(join(work, "DEBIAN"), { mode: 0o755 });
    await writeFile(join(work, "DEBIAN/md5sums"), md5sums.join(""), { mode: 0o644 });
    await writeFile(
      join(work, "DEBIAN/control"),
      [
        `Package: ${deb.name}`,
        `Version: ${deb.version}`,
        `Architecture: ${deb.arch}`,
        // The one library it loads (the glibc builds need GLIBC_2.17 at most); the helper it drops through is the image's.
        "Depends: libc6 (>= 2.17)",
        `Maintainer: ${deb.maintainer}`,
        `Installed-Size: ${kib}`,
        "Section: admin",
        "Priority: optional",
        `Description: ${deb.description}`,
        ` Installs /${deb.dir}/${commands[0]} and a relative symlink to it for each of`,
        ` ${commands.slice(1).join(", ")}.`,
        "",
      ].join("\n"),
      { mode: 0o644 },
    );
    // Every directory and file the package holds, each with the release's time (a symlink's own is dpkg-deb's).
    for (const path of [work, ...entries]) if (!(await lstat(path)).isSymbolicLink()) await utimes(path, epoch, epoch);
    const r = spawnSync("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", work, out], {
      encoding: "utf8",
      env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
    });
    if (r.status !== 0) throw new Error(`release: dpkg-deb ${out}: ${r.error ?? r.stderr}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
