import { describe, expect, it } from "vitest";
import { usageError, usageText, versionText } from "../../../src/admin/core/usage.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";

describe("usage texts", () => {
  it("--version: version and the baked configuration", () => {
    expect(versionText(defaultsFor("hermes"), "1.2.3")).toBe(
      [
        "hermes-exec-shim 1.2.3",
        "configuration (baked in at build time):",
        "  product name          hermes",
        "  command hermes        /opt/hermes/.venv/bin/hermes",
        "  command hermes-agent  /opt/hermes/.venv/bin/hermes-agent",
        "  command hermes-acp    /opt/hermes/.venv/bin/hermes-acp",
        "  runtime user          hermes",
        "  helper                /command/s6-setuidgid",
        "  groups helper         /command/s6-applyuidgid",
        "  home                  /opt/data",
        "  opt-out variable      HERMES_DOCKER_EXEC_AS_ROOT",
        "  umask                 0002",
        "  scan directory        /run/service",
        "  boot environment      AGENT_BROWSER_EXECUTABLE_PATH (an executable file) from /run/s6/container_environment, where the caller lacks it",
        "",
      ].join("\n"),
    );
  });

  it("--help names both commands under the build's own names", () => {
    const text = usageText(defaultsFor("rabbit"));
    expect(text).toMatch(/^Usage: rabbit-exec-shim COMMAND/);
    expect(text).toContain("explain [COMMAND] [--json] [-- ARGS...]");
    expect(text).toContain("rabbit, rabbit-agent and rabbit-acp");
    expect(text).toContain("doctor [--fix] [--json]");
  });

  it("a usage error points at --help", () => {
    expect(usageError(defaultsFor("hermes"), "unknown option --x")).toBe(
      "hermes-exec-shim: unknown option --x\nTry 'hermes-exec-shim --help'.\n",
    );
  });
});
