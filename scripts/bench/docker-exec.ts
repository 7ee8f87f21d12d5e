/**
 * What an operator feels: whole `docker exec C …` calls timed from the host,
 * through the shim, through the POSIX sh shim and straight to the CLI, as
 * root and as hermes, round-robin like timer.c; and the image layer each way
 * adds, as stored and as a registry ships it (gzip).
 */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { gzipSync } from "node:zlib";
import { median } from "./report.ts";

export interface ExecWay {
  label: string;
  /** What follows `docker exec [--user …] C`. */
  command: string;
  /** Host path of the file the image would add for this way, if any. */
  adds?: string;
}

export interface ExecRow {
  label: string;
  command: string;
  root: number;
  runtimeUser: number;
  layer: number;
  gzipped: number;
}

function layerOf(file: string | undefined): { layer: number; gzipped: number } {
  if (!file) return { layer: 0, gzipped: 0 };
  // A layer is a tar of the files it adds; registries store and ship it gzip-compressed.
  const tar = spawnSync("tar", ["-c", "-C", dirname(file), basename(file)], { maxBuffer: 1 << 30 });
  if (tar.status !== 0) throw new Error(`bench: tar ${file}: ${tar.stderr}`);
  return { layer: statSync(file).size, gzipped: gzipSync(tar.stdout).length };
}

/** Median milliseconds of `rounds` calls of each way, as root and as `uid`, every way once per round. */
export function timeDockerExec(container: string, ways: readonly ExecWay[], uid: number, rounds: number): ExecRow[] {
  const runs = ways.flatMap((way) => [
    { way, user: [] as string[] },
    { way, user: ["--user", `${uid}:${uid}`] },
  ]);
  const samples = runs.map(() => [] as number[]);
  for (let round = -2; round < rounds; round++) {
    runs.forEach((run, i) => {
      const start = performance.now();
      const r = spawnSync("docker", ["exec", ...run.user, container, ...run.way.command.split(" ")]);
      const ms = performance.now() - start;
      if (r.status !== 0) throw new Error(`bench: docker exec ${run.way.command} failed: ${r.stderr}`);
      if (round >= 0) samples[i]?.push(ms);
    });
  }
  return ways.map((way, i) => ({
    label: way.label,
    command: way.command,
    root: median(samples[2 * i] ?? []),
    runtimeUser: median(samples[2 * i + 1] ?? []),
    ...layerOf(way.adds),
  }));
}

const kib = (bytes: number) =>
  !bytes ? "none" : bytes < 1 << 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;

export function renderDockerExec(rows: readonly ExecRow[], rounds: number): string {
  return [
    `| \`docker exec C …\` | as root (ms) | as hermes (ms) | layer added | layer, gzip |`,
    "|---|--:|--:|--:|--:|",
    ...rows.map(
      (r) =>
        `| ${r.label}: \`${r.command}\` | ${r.root.toFixed(1)} | ${r.runtimeUser.toFixed(1)} | ${kib(r.layer)} | ${kib(r.gzipped)} |`,
    ),
    "",
    `- Medians of ${rounds} rounds of whole \`docker exec\` calls timed on the host, every call once per round ` +
      "in turn; the CLI is the same no-op program. As root the shim and the sh shim drop through s6-setuidgid; " +
      "the direct call stays root.",
    "",
  ].join("\n");
}
