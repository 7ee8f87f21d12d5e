/**
 * The per-file half of `npm run mutate`: reads Stryker's JSON report (the mutation-testing-report-schema) and
 * exits 1 naming every file under its target. Stryker's own thresholds.break only sees the whole.
 * npm appends `npm run mutate -- ARGS` to this step, not to Stryker's, so it takes none: Stryker's own options go
 * to `npx stryker run scripts/mutate/stryker.config.mjs ARGS`, then `npx bun scripts/mutate/targets.ts`.
 */
import { readFileSync } from "node:fs";

/** The files that hold the policy's rules: every mutant killed. */
const EXACT = [
  ...["decide", "privilege", "passwd", "trust", "access", "reach"].map((f) => `src/core/${f}.ts`),
  "src/root/core/drop.ts",
  "src/build/buildConfig.ts",
];
const FILE_MIN = 90;
/** Disabled mutants (`// Stryker disable`) are meant for the few that are equivalent, not for a hard one. */
const IGNORED_MAX = 5;

type Status =
  | "Killed"
  | "Timeout"
  | "Survived"
  | "NoCoverage"
  | "Ignored"
  | "CompileError"
  | "RuntimeError"
  | "Pending";
interface Report {
  files: Record<string, { mutants: { status: Status }[] }>;
}

if (process.argv.length > 2) {
  console.error(
    "mutate: the per-file check takes no arguments; for Stryker's options run npx stryker run scripts/mutate/stryker.config.mjs OPTIONS",
  );
  process.exit(2);
}
/** Where stryker.config.mjs has the json reporter write. */
const report = JSON.parse(readFileSync("dist/mutation/mutation.json", "utf8")) as Report;

const count = (statuses: Status[], wanted: Status[]) => statuses.filter((s) => wanted.includes(s)).length;
/** Stryker's score: detected over detected and undetected; disabled mutants and errors count in neither. */
function score(statuses: Status[]): number {
  const detected = count(statuses, ["Killed", "Timeout"]);
  const valid = detected + count(statuses, ["Survived", "NoCoverage"]);
  return valid === 0 ? 100 : (100 * detected) / valid;
}

const failures: string[] = [];
const all: Status[] = [];
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const statuses = mutants.map((m) => m.status);
  all.push(...statuses);
  const target = EXACT.includes(file) ? 100 : FILE_MIN;
  const got = score(statuses);
  console.log(`${got.toFixed(2).padStart(6)}%  ${file} (target ${target}%)`);
  if (got < target) failures.push(`${file}: ${got.toFixed(2)}% is under its target of ${target}%`);
}
const ignored = count(all, ["Ignored"]);
const ignoredShare = all.length === 0 ? 0 : (100 * ignored) / all.length;
console.log(`${score(all).toFixed(2).padStart(6)}%  all ${all.length} mutants, ${ignored} disabled in place`);
if (ignoredShare > IGNORED_MAX) {
  failures.push(`${ignored} of ${all.length} mutants are disabled in place, over ${IGNORED_MAX}%`);
}
for (const line of failures) console.error(`mutate: ${line}`);
process.exit(failures.length === 0 ? 0 : 1);
