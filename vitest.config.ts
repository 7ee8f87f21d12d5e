import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    dir: "test",
    // The Docker side of the test platform: engine, base images, this run's test images.
    globalSetup: ["test/platform/setup.ts"],
    // Most files wait on the engines, not the CPU: run several side by side, also on a 2-core machine.
    pool: "forks",
    maxWorkers: 3,
    minWorkers: 1,
    // A limit for a hang, not a measure: a case that starts hundreds of processes may take minutes on a
    // machine busy with other work.
    testTimeout: 240_000,
    hookTimeout: 300_000,
  },
});
