import { defineConfig } from "vitest/config";

/**
 * The tests that need no container engine: the pure core's unit tests, the FFI layer's self-test on this
 * machine (test/sys), the fault-injection suite's judge (test/faults), and the checks of the layout and of
 * what the docs cite. `npm run test:unit` runs them after the typecheck and lint; `npm run mutate` runs the
 * pure core's through this config too (Stryker's vitest runner picks, of these, the files that import the
 * code it mutates). vitest.config.ts, the whole suite's, starts the Docker platform in its globalSetup; this
 * config has no globalSetup at all.
 */
export default defineConfig({
  test: {
    include: [
      "test/core/**/*.test.ts",
      "test/root/**/*.test.ts",
      "test/relay/core/**/*.test.ts",
      "test/build/**/*.test.ts",
      "test/admin/core/**/*.test.ts",
      "test/sys/**/*.test.ts",
      "test/faults/**/*.test.ts",
      "test/layout.test.ts",
      "test/citations.test.ts",
      "test/platform/runs.test.ts",
    ],
    // A limit for a hang, not a measure: the property tests run 20,000 cases each, instrumented, on a busy machine.
    testTimeout: 120_000,
  },
});
