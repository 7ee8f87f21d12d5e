import { describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import { bytes } from "../../src/core/bytes.ts";
import { calledCommand, isAdminName, productVar } from "../../src/core/name.ts";

describe("isAdminName", () => {
  it.each(["hermes-exec-shim", "/opt/hermes/bin/hermes-exec-shim", "./hermes-exec-shim", "/hermes-exec-shim"])(
    "%j is the admin name",
    (argv0) => expect(isAdminName(bytes(argv0), "hermes")).toBe(true),
  );

  it.each([
    "hermes",
    "/opt/hermes/bin/hermes",
    "hermes-exec-shim2",
    "xhermes-exec-shim",
    "hermes-exec-shim/",
    "",
    "-hermes-exec-shim",
  ])("%j is not", (argv0) => expect(isAdminName(bytes(argv0), "hermes")).toBe(false));

  it("follows the product name of the build", () => {
    expect(isAdminName(bytes("/usr/bin/rabbit-exec-shim"), "rabbit")).toBe(true);
    expect(isAdminName(bytes("/usr/bin/hermes-exec-shim"), "rabbit")).toBe(false);
  });

  it("treats a missing argv[0] and bytes that are not UTF-8 as the product name", () => {
    expect(isAdminName(undefined, "hermes")).toBe(false);
    expect(isAdminName(new Uint8Array([0xff, 0x2f, 0x68]), "hermes")).toBe(false);
  });
});

describe("calledCommand: the command is the last path element of argv[0]", () => {
  const { commands } = defaultsFor("hermes");
  const [hermes, agent, acp] = commands;

  it.each([
    ["hermes", hermes],
    ["/opt/hermes/bin/hermes", hermes],
    ["hermes-agent", agent],
    ["/opt/hermes/bin/hermes-agent", agent],
    ["./hermes-acp", acp],
    ["/x/hermes/hermes-acp", acp],
  ])("%j", (argv0, command) => expect(calledCommand(bytes(argv0), commands)).toBe(command));

  it.each([
    ["other", "other"],
    ["/opt/hermes/bin/other", "other"],
    ["hermes-agent2", "hermes-agent2"],
    ["xhermes", "xhermes"],
    ["hermes-", "hermes-"],
    ["HERMES", "HERMES"],
    ["hermes/", ""],
    ["", ""],
    ["/opt/hermes/.venv/bin/python3", "python3"],
    ["hermes-exec-shim", "hermes-exec-shim"],
  ])("%j names none of them", (argv0, unknown) => {
    expect(calledCommand(bytes(argv0), commands)).toEqual({ unknown });
  });

  it("a missing argv[0] names none; bytes that are not UTF-8 are shown, not matched", () => {
    expect(calledCommand(undefined, commands)).toEqual({ unknown: "" });
    expect(calledCommand(new Uint8Array([0x68, 0xff]), commands)).toEqual({ unknown: "h\uFFFD" });
  });

  it("follows the build's own list", () => {
    const rabbit = [{ name: "rabbit-agent", target: "/srv/rabbit-agent" }];
    expect(calledCommand(bytes("/usr/bin/rabbit-agent"), rabbit)).toBe(rabbit[0]);
    expect(calledCommand(bytes("hermes"), rabbit)).toEqual({ unknown: "hermes" });
  });
});

describe("productVar: the product's variables by one rule", () => {
  it("upper case, a dash becomes an underscore, the suffix after one more", () => {
    expect(productVar("hermes", "HOME")).toBe("HERMES_HOME");
    expect(productVar("my-agent-x", "DOCKER_EXEC_AS_ROOT")).toBe("MY_AGENT_X_DOCKER_EXEC_AS_ROOT");
  });
});
