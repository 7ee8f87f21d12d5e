/**
 * Fault injection (contract §13: a failing system call is a fact of its own): every system call the shim
 * makes on each path, from its first read of /proc/self/cmdline to its execve or exit, failed once, in turn,
 * with each errno it can return. The list comes from a trace of the real run (test/container/faults.py), so a
 * call added later is covered at once; test/faults/judge.ts says whether each outcome is the run without the
 * fault, a refusal naming the errno, or doctor naming what it could not examine.
 *
 * One `docker exec` runs the driver for all six paths, two faults at a time (two cores), inside one container;
 * each `it` then judges its path. Real parts throughout: the test image, s6-applyuidgid, the stand-in CLI's
 * console script, whose `received` subcommand prints what it was handed.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Container, REPO } from "../container/container.ts";
import { describeBad, type Fault, firstDistinct, isBad, judge, type Kind, type Run, tally } from "../faults/judge.ts";
import { job, PATHS, SETUP } from "../faults/paths.ts";
import { docker } from "../platform/docker.ts";

interface PathResult {
  name: string;
  kind: Kind;
  reference: Run;
  targets: unknown[];
  drift: string[];
  faults: Fault[];
}

let ct: Container;
let results: { paths: PathResult[]; deriveSeconds: number; injectSeconds: number };

beforeAll(async () => {
  // Root's strace needs CAP_SYS_PTRACE to trace a process whose ids are not its own: the pass-through's shim
  // (strace -u hermes) and the CLI once the drop has run. Docker's default seccomp profile already allows
  // ptrace(2) on kernels from 4.8, so the capability is all it takes: no seccomp=unconfined, no --privileged.
  ct = await Container.create({ runArgs: ["--cap-add", "SYS_PTRACE"] });
  await ct.ok(SETUP);
  await docker(["cp", `${REPO}/test/container/faults.py`, `${ct.id}:/tmp/faults.py`]);
  const started = performance.now();
  const r = await ct.exec(["python3", "/tmp/faults.py"], {
    input: `${JSON.stringify(job())}
`,
  });
  if (r.code !== 0) throw new Error(`faults.py exited ${r.code}:\n${r.stderr}`);
  results = JSON.parse(r.stdout);
  // Every run's outcome, for whoever fixes what the suite finds: HERMES_FAULTS_JSON=FILE npx vitest run …
  if (process.env.HERMES_FAULTS_JSON) writeFileSync(process.env.HERMES_FAULTS_JSON, r.stdout);
  console.log(
    `faults.py: ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(derivation ${results.deriveSeconds} s, injection ${results.injectSeconds} s, 2 workers)`,
  );
});
afterAll(() => ct?.destroy());

describe("every failing system call is told as what it is (contract §13)", () => {
  it.each(PATHS.map((p) => p.name))("%s", (name) => {
    const path = results.paths.find((p) => p.name === name);
    if (!path) throw new Error(`faults.py has no result for ${name}`);
    // The derivation is deterministic: two traces of the path give the same calls in the same order.
    expect(path.drift, "the targets drifted between two traces of the same run").toEqual([]);
    expect(path.targets.length).toBeGreaterThan(0);
    const judged = path.faults.map((f) => ({ fault: f, outcome: judge(path.kind, path.reference, f) }));
    const counts = tally(judged.map((j) => j.outcome));
    const shown = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([o, n]) => `${o} ${n}`);
    console.log(`${name}: ${path.targets.length} calls, ${judged.length} faults: ${shown.join(", ")}`);
    const bad = judged.filter((j) => isBad(j.outcome));
    const lines = bad.map((j) => ({
      outcome: j.outcome,
      line: describeBad(path.kind, path.reference, j.fault, j.outcome),
    }));
    const shownBad = firstDistinct(lines);
    const message = `${bad.length} bad outcomes; the first of each kind:\n${shownBad.join("\n")}`;
    expect(bad.length, message).toBe(0);
  });
});
