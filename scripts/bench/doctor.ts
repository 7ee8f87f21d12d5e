/**
 * doctor at scale (contract §10): its check over a tree that is all the runtime user's, and its --fix over
 * one that is all root's, beside `find HOME ! -user hermes` and `chown -R` on the same tree, at each size,
 * in one container limited to 256 MiB as a small host gives one. Wall time and peak RSS of each job come
 * from the rusage of the one child python3 (in the image) ran for it; jobs take turns, round by round.
 */
import type { Container } from "../../test/container/container.ts";
import { median } from "./report.ts";

export interface DoctorRow {
  entries: number;
  job: string;
  seconds: number;
  peakMiB: number;
  /** Exit statuses seen, "0" when every round succeeded; 137 is the kernel's OOM kill. */
  exits: string;
}

const MEASURE = `
import resource, subprocess, sys, time
start = time.monotonic()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(code, time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
`;

const TREE = "/opt/data/tree";

/** `dirs` directories of 1,000 empty files each, under the home; the entries doctor then examines. */
async function makeTree(ct: Container, dirs: number): Promise<number> {
  await ct.ok(`rm -rf ${TREE} && mkdir ${TREE} && cd ${TREE} && for d in $(seq ${dirs}); do mkdir $d; done`);
  // A few hundred directories per exec: seq | xargs touch, 1,000 names at a time.
  for (let first = 1; first <= dirs; first += 200) {
    const last = Math.min(dirs, first + 199);
    await ct.ok(`cd ${TREE} && for d in $(seq ${first} ${last}); do (cd $d && seq 1000 | xargs touch); done`, {
      timeoutMs: 1_800_000,
    });
  }
  return Number((await ct.ok("find /opt/data | wc -l")).trim());
}

interface Measured {
  exit: number;
  seconds: number;
  peakMiB: number;
}

async function measure(ct: Container, command: string[]): Promise<Measured> {
  const r = await ct.exec(["python3", "-c", MEASURE, ...command], { timeoutMs: 1_800_000 });
  if (r.code !== 0) throw new Error(`bench: measuring ${command.join(" ")} failed: ${r.stderr}`);
  const [exit, seconds, kib] = r.stdout.trim().split(" ").map(Number) as [number, number, number];
  return { exit, seconds, peakMiB: kib / 1024 };
}

const CHECK = "check, all entries hermes's";
const FIND = "find HOME ! -user hermes";
const FIX = "--fix, all entries root's";
const CHOWN = "chown -R hermes:hermes HOME";
/** Each of doctor's jobs and what it is measured against. */
const AGAINST: Record<string, string> = { [CHECK]: FIND, [FIX]: CHOWN };

const chownAll = (ct: Container, owner: string) => ct.ok(`chown -R ${owner} /opt/data`, { timeoutMs: 1_800_000 });

/** The rows for one size: `rounds` turns of check against find, then of --fix against chown -R. */
async function timeSize(ct: Container, admin: string, dirs: number, rounds: number): Promise<DoctorRow[]> {
  const entries = await makeTree(ct, dirs);
  const samples = new Map<string, { seconds: number[]; peak: number[]; exits: Set<number> }>();
  const take = (job: string, m: Measured) => {
    const s = samples.get(job) ?? { seconds: [], peak: [], exits: new Set<number>() };
    s.seconds.push(m.seconds);
    s.peak.push(m.peakMiB);
    s.exits.add(m.exit);
    samples.set(job, s);
  };
  await chownAll(ct, "hermes:hermes");
  for (let i = 0; i < rounds; i++) {
    take(CHECK, await measure(ct, [admin, "doctor"]));
    take(FIND, await measure(ct, ["find", "/opt/data", "!", "-user", "hermes"]));
  }
  for (let i = 0; i < rounds; i++) {
    await chownAll(ct, "root:root");
    take(FIX, await measure(ct, [admin, "doctor", "--fix"]));
    await chownAll(ct, "root:root");
    take(CHOWN, await measure(ct, ["chown", "-R", "hermes:hermes", "/opt/data"]));
  }
  await ct.ok(`rm -rf ${TREE}`, { timeoutMs: 1_800_000 });
  return [...samples].map(([job, s]) => ({
    entries,
    job,
    seconds: median(s.seconds),
    peakMiB: Math.max(...s.peak),
    exits: [...s.exits].join(", "),
  }));
}

/** `sizes` in directories of 1,000 files: 10 gives 10,012 entries, 1,000 gives 1,001,002. */
export async function timeDoctor(ct: Container, admin: string, sizes: number[], rounds: number): Promise<DoctorRow[]> {
  const rows: DoctorRow[] = [];
  for (const dirs of sizes) rows.push(...(await timeSize(ct, admin, dirs, rounds)));
  return rows;
}

export function renderDoctor(rows: readonly DoctorRow[], rounds: number, memory: string): string {
  const ratio = (row: DoctorRow) => {
    const other = rows.find((r) => r.entries === row.entries && r.job === AGAINST[row.job]);
    return other ? `×${(row.seconds / other.seconds).toFixed(2)}` : "";
  };
  const growth = (job: string) => {
    const mine = rows.filter((r) => r.job === job);
    const [small, large] = [mine[0], mine[mine.length - 1]];
    return small && large ? `×${(large.peakMiB / small.peakMiB).toFixed(2)}` : "";
  };
  return [
    "## doctor at scale",
    "",
    `In one container limited to ${memory} (\`docker run --memory\`), the check over a tree that is all hermes's and`,
    "--fix over one that is all root's, beside `find` and `chown -R` on the same tree, in turns; medians of " +
      `${rounds} rounds, peak RSS the largest seen (\`scripts/bench/doctor.ts\`):`,
    "",
    "| entries | job | time (s) | against find / chown -R | peak RSS (MiB) | exit |",
    "|--:|---|--:|--:|--:|--:|",
    ...rows.map(
      (r) =>
        `| ${r.entries.toLocaleString("en-US")} | ${r.job} | ${r.seconds.toFixed(2)} | ${ratio(r)} | ${r.peakMiB.toFixed(1)} | ${r.exits} |`,
    ),
    "",
    `Peak RSS from the smallest tree to the largest: the check ${growth(CHECK)}, --fix ${growth(FIX)}.`,
    "",
  ].join("\n");
}
