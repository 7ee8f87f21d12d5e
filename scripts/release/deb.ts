/**
 * The Debian package: the binary and its links under /opt/NAME/bin, root's, built with dpkg-deb. It owns only
 * those files (and the directories on the way, which dpkg removes again once they are empty), declares no
 * Conflicts, Replaces or maintainer scripts, and so conflicts with nothing. SOURCE_DATE_EPOCH makes dpkg-deb
 * stamp every member and file with the release's time: two releases from the same commit give the same bytes.
 * gzip, not dpkg's default xz: every dpkg reads it, and xz takes minutes over 100 MB where gzip takes seconds.
 */
import { spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { shimTree } from "./tree.ts";

export interface Deb {
  name: string;
  version: string;
  /** Debian's name for the architecture: amd64, arm64. */
  arch: string;
  description: string;
  /** Where the files go, relative to /: opt/hermes/bin. */
  dir: string;
}

export async function writeDeb(binary: string, commands: readonly string[], deb: Deb, epoch: number, out: string) {
  const work = await mkdtemp(join(tmpdir(), "hermes-deb-"));
  try {
    await chmod(work, 0o755);
    const bin = join(work, deb.dir);
    await shimTree(binary, bin, commands);
    const kib = Math.ceil((await stat(binary)).size / 1024);
    await mkdir(join(work, "DEBIAN"), { mode: 0o755 });
    await writeFile(
      join(work, "DEBIAN/control"),
      [
        `Package: ${deb.name}`,
        `Version: ${deb.version}`,
        `Architecture: ${deb.arch}`,
        // The one library it loads (the glibc builds need GLIBC_2.17 at most); the helper it drops through is the image's.
        "Depends: libc6 (>= 2.17)",
        `Maintainer: ${deb.name} maintainers`,
        `Installed-Size: ${kib}`,
        "Section: admin",
        "Priority: optional",
        `Description: ${deb.description}`,
        ` Installs /${deb.dir}/${commands[0]} and a relative symlink to it for each of`,
        ` ${commands.slice(1).join(", ")}.`,
        "",
      ].join("\n"),
    );
    // Every directory from the package's root down to the binary's, each with the release's time.
    for (let dir = deb.dir; dir !== "."; dir = dirname(dir)) await utimes(join(work, dir), epoch, epoch);
    const r = spawnSync("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", work, out], {
      encoding: "utf8",
      env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
    });
    if (r.status !== 0) throw new Error(`release: dpkg-deb ${out}: ${r.error ?? r.stderr}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
