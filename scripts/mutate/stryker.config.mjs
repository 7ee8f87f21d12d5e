/**
 * `npm run mutate`: StrykerJS over the pure core, against its unit tests. Everything it writes (the sandbox,
 * the reports, an incremental record) goes under dist/, which git ignores, so a run leaves the tree clean.
 * targets.ts then checks each file against its own target from the JSON report.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  mutate: [
    "src/core/**/*.ts",
    "src/root/core/**/*.ts",
    "src/relay/core/**/*.ts",
    "src/build/**/*.ts",
    "src/admin/core/**/*.ts",
  ],
  testRunner: "vitest",
  vitest: { configFile: "vitest.unit.config.ts" },
  // The machine is shared: two workers at most.
  concurrency: 2,
  tempDirName: "dist/.stryker-tmp",
  // The sandbox needs the sources and the tests, not a build's 100 MiB binaries.
  ignorePatterns: ["dist"],
  incrementalFile: "dist/mutation/incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "dist/mutation/mutation.html" },
  jsonReporter: { fileName: "dist/mutation/mutation.json" },
  // The whole pure core: 95% at least. Per file, targets.ts.
  thresholds: { high: 100, low: 95, break: 95 },
};
