import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    dir: "test",
    // The Docker side of the test platform: engine, base images, this run's test images.
    globalSetup: ["test/platform/setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
