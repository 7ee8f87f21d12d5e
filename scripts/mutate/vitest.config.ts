import { defineConfig } from "vitest/config";

/**
 * The unit tests of the pure core alone, for `npm run mutate`. The repository's vitest.config.ts starts the
 * Docker platform in its globalSetup; the pure core's tests need none of it, and a mutation run starts vitest
 * once per worker, so this config has no globalSetup at all.
 */
export default defineConfig({
  test: {
    include: ["test/core/**/*.test.ts", "test/admin/core/**/*.test.ts"],
    // A limit for a hang, not a measure: the property tests run 20,000 cases each, instrumented, on a busy machine.
    testTimeout: 120_000,
  },
});
