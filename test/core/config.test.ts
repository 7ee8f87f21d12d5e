import { describe, expect, it } from "vitest";
import { defaultsFor, resolveConfig } from "../../src/core/config.ts";

describe("resolveConfig", () => {
  it("with no settings is today's Hermes shim", () => {
    expect(resolveConfig({})).toEqual({
      config: {
        name: "hermes",
        user: "hermes",
        target: "/opt/hermes/.venv/bin/hermes",
        helper: "/command/s6-setuidgid",
        home: "/opt/data",
        optOutVar: "HERMES_DOCKER_EXEC_AS_ROOT",
        umask: 0o002,
      },
    });
  });
  it("derives a fork's defaults from its name", () => {
    expect(resolveConfig({ name: "rabbit" })).toEqual({ config: defaultsFor("rabbit") });
    expect(defaultsFor("my-agent").optOutVar).toBe("MY_AGENT_DOCKER_EXEC_AS_ROOT");
  });
  it("takes every setting", () => {
    const input = {
      name: "rabbit",
      user: "bunny",
      target: "/srv/venv/bin/rabbit",
      helper: "/usr/sbin/gosu",
      home: "/srv/data",
      optOutVar: "RABBIT_ROOT",
      umask: "027",
    };
    expect(resolveConfig(input)).toEqual({ config: { ...input, umask: 0o027 } });
  });
  it.each([
    [{ name: "" }, "name"],
    [{ name: "Rabbit" }, "name"],
    [{ name: "a/b" }, "name"],
    [{ user: "bad user" }, "user"],
    [{ user: "x;rm" }, "user"],
    [{ target: "venv/bin/hermes" }, "target"],
    [{ helper: "s6-setuidgid" }, "helper"],
    [{ helper: "/command/../bin/sh" }, "helper"],
    [{ home: "/opt//data" }, "home"],
    [{ home: "/opt/data/" }, "home"],
    [{ optOutVar: "1BAD" }, "opt-out-var"],
    [{ optOutVar: "A-B" }, "opt-out-var"],
    [{ umask: "999" }, "umask"],
    [{ umask: "2" }, "umask"],
  ])("rejects %j", (input, what) => {
    const r = resolveConfig(input);
    expect("errors" in r && r.errors.join("\n")).toMatch(new RegExp(`^${what} `, "m"));
  });
});
