/** Two-column text layout shared by the admin commands' human output. */
export type Row = readonly [label: string, value: string];

export function table(rows: readonly Row[], indent = "  "): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}${value}\n`).join("");
}
