/**
 * The first call after a deploy or a reboot: every program started once with the page cache dropped
 * (`echo 3 > /proc/sys/vm/drop_caches`, which timer.c does before each run), beside the same programs warm.
 * On the host, because a container cannot drop the cache. Each is the pass-through as the runtime user's
 * uid, the CLI the no-op program; the shim and the floors are built for that CLI's path on the host, the sh
 * shim rewritten for it. After one more cold run of each, fincore says how much of the file was read.
 */
import { spawnSync } from "node:child_process";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { buildFloor, FLOOR_VARIANTS, type FloorVariant } from "./floors.ts";
import { median } from "./report.ts";

export interface ColdProgram {
  label: string;
  file: string;
}

export interface ColdRow extends ColdProgram {
  warm: number;
  cold: number;
  /** Bytes of the file in the page cache after one cold run: what the start read (readahead included). */
  read: number;
  size: number;
}

/** The host's copies of the programs: built or rewritten to exec `cli`, which lives at another path here. */
export async function hostPrograms(repo: string, out: string, cli: string): Promise<ColdProgram[]> {
  const floors = Object.entries(FLOOR_VARIANTS) as [FloorVariant, string][];
  await mkdir(`${out}/host`, { recursive: true });
  const shim = Bun.spawn(
    [process.execPath, `${repo}/scripts/build.ts`, "--command", `hermes=${cli}`, "--outfile", `${out}/host/hermes`],
    { stdout: "ignore", stderr: "inherit" },
  );
  const sh = (await readFile(`${repo}/scripts/bench/shim.sh`, "utf8")).replace(/^cli=.*$/m, `cli=${cli}`);
  await writeFile(`${out}/host/hermes-sh`, sh);
  await chmod(`${out}/host/hermes-sh`, 0o755);
  await Promise.all(floors.map(([variant]) => buildFloor(variant, [cli], `${out}/host/floor-${variant}`)));
  if ((await shim.exited) !== 0) throw new Error("bench: building the host's shim failed");
  return [
    { label: "direct exec of the CLI", file: cli },
    { label: "POSIX sh shim", file: `${out}/host/hermes-sh` },
    ...floors.map(([variant, label]) => ({ label: `Bun floor, ${label}`, file: `${out}/host/floor-${variant}` })),
    { label: "this shim", file: `${out}/host/hermes` },
  ];
}

function timer(
  bin: string,
  programs: readonly ColdProgram[],
  uid: number,
  args: string[],
  env: Record<string, string>,
) {
  const r = spawnSync(bin, args, {
    input: programs.map((p) => `${uid} ${p.file}`).join("\n"),
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`bench: ${bin} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout
    .trimEnd()
    .split("\n")
    .map((line) => median(line.split(" ").map((ns) => Number(ns) / 1e6)));
}

function residentBytes(file: string): number {
  const r = spawnSync("fincore", ["--bytes", "--noheadings", "--output", "RES", file], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

/** Warm and cold medians on the host, or the reason they cannot be measured here. */
export function timeCold(
  bin: string,
  programs: readonly ColdProgram[],
  uid: number,
  rounds: { warm: number; warmup: number; cold: number },
  env: Record<string, string>,
): ColdRow[] | string {
  if (process.getuid?.() !== 0) return "not root, so the page cache cannot be dropped";
  const warm = timer(bin, programs, uid, [String(rounds.warm), String(rounds.warmup), "0"], env);
  const cold = timer(bin, programs, uid, [String(rounds.cold), "0", "1"], env);
  return programs.map((p, i) => {
    timer(bin, [p], uid, ["1", "0", "1"], env);
    const size = Number(spawnSync("stat", ["-L", "-c", "%s", p.file], { encoding: "utf8" }).stdout.trim());
    return { ...p, warm: warm[i] ?? Number.NaN, cold: cold[i] ?? Number.NaN, read: residentBytes(p.file), size };
  });
}

const mib = (bytes: number) =>
  bytes < 1 << 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;

export function renderCold(rows: ColdRow[] | string, rounds: { warm: number; cold: number }, kernel: string): string {
  if (typeof rows === "string") return `Cold start not measured: ${rows}.\n`;
  return [
    "| cold start, on the host (pass-through) | warm (ms) | cold (ms) | read at start | size |",
    "|---|--:|--:|--:|--:|",
    ...rows.map(
      (r) => `| ${r.label} | ${r.warm.toFixed(2)} | ${r.cold.toFixed(1)} | ${mib(r.read)} | ${mib(r.size)} |`,
    ),
    "",
    `- Cold: medians of ${rounds.cold} runs each, \`echo 3 > /proc/sys/vm/drop_caches\` (after \`sync\`) before ` +
      `every run, programs in turn; warm: medians of ${rounds.warm} rounds. On the host (Linux ${kernel}), ` +
      "a container cannot drop the cache; the pass-through as the runtime user's uid, the CLI the same no-op. " +
      "Read at start: the file's bytes in the page cache after one more cold run (fincore), readahead included.",
    "",
  ].join("\n");
}
