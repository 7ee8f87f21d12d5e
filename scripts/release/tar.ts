/** GNU tar made reproducible: entries sorted, owned by root by number, every time stamp the release's. */
import { spawnSync } from "node:child_process";

export function tar(dir: string, names: readonly string[], out: string, epoch: number): void {
  const r = spawnSync(
    "tar",
    [
      "--create",
      "--format=ustar",
      "--sort=name",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      `--mtime=@${epoch}`,
      "--file",
      out,
      "--directory",
      dir,
      "--",
      // --sort orders what tar finds in a directory; the names given, it takes as given.
      ...[...names].sort(),
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`release: tar ${out}: ${r.error ?? r.stderr}`);
}
