import { basename } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take minutes (hundreds of concurrent execs, image builds, the releases), longest first:
 * started first, so that the short ones fill the workers in behind them instead of a long one starting last.
 * A clone has no record of earlier runs' durations, which is what vitest would otherwise go by.
 */
const LONG = [
  "readme-dockerfiles",
  "release",
  "fidelity",
  "faults",
  "engines",
  "fresh-clone",
  "operator",
  "admin",
  "trust",
  "release-ways",
  "release-notices",
].map((name) => `${name}.test.ts`);

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const i = LONG.indexOf(basename(file.moduleId));
      return i < 0 ? LONG.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    dir: "test",
    // The Docker side of the test platform: engine, base images, this run's test images.
    globalSetup: ["test/platform/setup.ts"],
    // Most files wait on the engines, not the CPU: run several side by side, also on a 2-core machine.
    pool: "forks",
    maxWorkers: 3,
    sequence: { sequencer: LongFirst },
    // No wall-clock limit on a test or a hook: each takes its time from its work, which load on a shared machine
    // stretches without bound (a 30 s case took over 110 s beside five other suites). Speed is the bench's job.
    // A hang is ended by the caller's own limit (CI's): the run then tears down on its signal and names the
    // tests that were running (test/platform/setup.ts).
    testTimeout: 0,
    hookTimeout: 0,
  },
});
