/** The benchmark's Markdown: one table of medians, then the ratios the issue asks for. */

export interface Row {
  label: string;
  /** Median wall time of one call, ms. */
  median: number;
  /** Bytes of the program run (not of what it execs). */
  size?: number;
}

export interface PathResult {
  title: string;
  runsAs: string;
  direct: Row;
  shell: Row;
  /** Every floor variant measured; the cheapest is the floor. */
  floors: Row[];
  shim: Row;
  /** Other rows shown for comparison, such as the helpers alone. */
  others: Row[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const ms = (value: number) => value.toFixed(2);
const size = (bytes: number | undefined) =>
  bytes === undefined
    ? ""
    : bytes < 1 << 20
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / (1 << 20)).toFixed(1)} MiB`;

function cheapest(rows: readonly Row[]): Row {
  return rows.reduce((best, row) => (row.median < best.median ? row : best));
}

function tableRows(path: PathResult): string[] {
  const rows = [path.direct, ...path.others, path.shell, ...path.floors, path.shim];
  return rows.map((row) => {
    const over = row === path.direct ? "" : ms(row.median - path.direct.median);
    return `| ${path.title} (as ${path.runsAs}) | ${row.label} | ${ms(row.median)} | ${over} | ${size(row.size)} |`;
  });
}

function ratios(path: PathResult): string {
  const over = (row: Row) => row.median - path.direct.median;
  const floor = cheapest(path.floors);
  const shim = over(path.shim);
  return (
    `**${path.title} (as ${path.runsAs}):** this shim adds ${ms(shim)} ms to a direct exec: ` +
    `×${(shim / over(floor)).toFixed(2)} what the cheapest Bun floor adds (${ms(over(floor))} ms, ${floor.label}) ` +
    `and ×${(shim / over(path.shell)).toFixed(2)} what the POSIX sh shim adds (${ms(over(path.shell))} ms).`
  );
}

export function render(paths: readonly PathResult[], notes: readonly string[]): string {
  return [
    "| Path | Program | Median (ms) | Over direct exec (ms) | Size |",
    "|---|---|--:|--:|--:|",
    ...paths.flatMap(tableRows),
    "",
    ...paths.map(ratios).flatMap((line) => [line, ""]),
    ...notes.map((note) => `- ${note}`),
    "",
  ].join("\n");
}
