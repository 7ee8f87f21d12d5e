import { describe, expect, it } from "vitest";
import { type ConfigInput, defaultsFor, resolveConfig } from "../../src/build/buildConfig.ts";

describe("resolveConfig", () => {
  it("with no settings is today's Hermes shim", () => {
    expect(resolveConfig({})).toEqual({
      config: {
        name: "hermes",
        commands: [
          { name: "hermes", target: "/opt/hermes/.venv/bin/hermes" },
          { name: "hermes-agent", target: "/opt/hermes/.venv/bin/hermes-agent" },
          { name: "hermes-acp", target: "/opt/hermes/.venv/bin/hermes-acp" },
        ],
        user: "hermes",
        helper: "/command/s6-setuidgid",
        groupsHelper: "/command/s6-applyuidgid",
        home: "/opt/data",
        optOutVar: "HERMES_DOCKER_EXEC_AS_ROOT",
        umask: 0o002,
        scanDir: "/run/service",
        bootEnv: [{ name: "AGENT_BROWSER_EXECUTABLE_PATH", program: true }],
      },
    });
  });
  it("derives a fork's defaults from its name", () => {
    expect(resolveConfig({ name: "rabbit" })).toEqual({ config: defaultsFor("rabbit") });
    expect(defaultsFor("my-agent").optOutVar).toBe("MY_AGENT_DOCKER_EXEC_AS_ROOT");
    expect(defaultsFor("rabbit").commands.map((c) => c.name)).toEqual(["rabbit", "rabbit-agent", "rabbit-acp"]);
  });
  it("takes every setting", () => {
    const input = {
      name: "rabbit",
      user: "bunny",
      helper: "/usr/sbin/gosu",
      groupsHelper: "/usr/bin/s6-applyuidgid",
      home: "/srv/data",
      optOutVar: "RABBIT_ROOT",
      umask: "027",
      scanDir: "/run/rabbit-service",
    };
    const commands = [{ name: "rabbit", target: "/srv/venv/bin/rabbit" }];
    const bootEnv = [
      { name: "RABBIT_BROWSER", program: true },
      { name: "TZ", program: false },
    ];
    expect(
      resolveConfig({ ...input, commands: ["rabbit=/srv/venv/bin/rabbit"], bootEnv: ["RABBIT_BROWSER:program", "TZ"] }),
    ).toEqual({ config: { ...input, commands, umask: 0o027, bootEnv } });
  });
});

describe("commands", () => {
  const commandsOf = (input: ConfigInput) => {
    const r = resolveConfig(input);
    if ("errors" in r) throw new Error(r.errors.join("\n"));
    return r.config.commands;
  };
  it("any --command replaces the whole default list, in the order given", () => {
    expect(commandsOf({ name: "rabbit", commands: ["rabbit-agent", "rabbit"] })).toEqual([
      { name: "rabbit-agent", target: "/opt/rabbit/.venv/bin/rabbit-agent" },
      { name: "rabbit", target: "/opt/rabbit/.venv/bin/rabbit" },
    ]);
  });
  it("NAME=PATH sets the target; only the first = splits", () => {
    expect(commandsOf({ commands: ["hermes=/srv/a=b/hermes", "hermes-agent"] })).toEqual([
      { name: "hermes", target: "/srv/a=b/hermes" },
      { name: "hermes-agent", target: "/opt/hermes/.venv/bin/hermes-agent" },
    ]);
  });
  it("the product name need not be one of them", () => {
    expect(commandsOf({ commands: ["hermes-agent"] })).toEqual([
      { name: "hermes-agent", target: "/opt/hermes/.venv/bin/hermes-agent" },
    ]);
  });
  it.each([
    [[], "give at least one --command"],
    [["hermes", "hermes"], "hermes is given more than once"],
    [["hermes=/a", "hermes=/b"], "hermes is given more than once"],
    [["hermes-exec-shim"], "hermes-exec-shim is the admin name of this build"],
    [["Hermes"], "the name must be"],
    [["a/b"], "the name must be"],
    [["=/opt/x"], "the name must be"],
    [["-x"], "the name must be"],
    [[`h${"x".repeat(32)}`], "the name must be"],
    [["hermes="], "clean absolute path"],
    [["hermes=bin/hermes"], "clean absolute path"],
    [["hermes=/opt/../hermes"], "clean absolute path"],
    [["hermes=/opt/hermes/"], "clean absolute path"],
  ])("rejects %j", (commands, message) => {
    const r = resolveConfig({ commands });
    expect("errors" in r && r.errors.join("\n")).toMatch(/^command /m);
    expect("errors" in r && r.errors.join("\n")).toContain(message);
  });
  it("a product name too long for its derived defaults says to set --command", () => {
    const name = `a${"b".repeat(26)}`;
    const r = resolveConfig({ name });
    expect("errors" in r && r.errors).toEqual([
      `command "${name}-agent" (a default of --name ${name}; set --command): the name must be 1-32 characters a-z 0-9 _ -, starting with a letter`,
    ]);
    expect(resolveConfig({ name, commands: [name] })).toHaveProperty("config");
  });
  it("a fork's admin name is reserved for that fork", () => {
    expect(resolveConfig({ name: "rabbit", commands: ["rabbit-exec-shim"] })).toHaveProperty("errors");
    expect(resolveConfig({ name: "rabbit", commands: ["hermes-exec-shim"] })).toHaveProperty("config");
  });
});

describe("other settings", () => {
  it.each([
    [{ name: "" }, "name"],
    [{ name: "Rabbit" }, "name"],
    [{ name: "a/b" }, "name"],
    [{ user: "bad user" }, "user"],
    [{ user: "x;rm" }, "user"],
    [{ helper: "s6-setuidgid" }, "helper"],
    [{ helper: "/command/../bin/sh" }, "helper"],
    [{ home: "/opt//data" }, "home"],
    [{ home: "/opt/data/" }, "home"],
    [{ optOutVar: "1BAD" }, "opt-out-var"],
    [{ optOutVar: "A-B" }, "opt-out-var"],
    [{ umask: "999" }, "umask"],
    [{ umask: "2" }, "umask"],
    [{ scanDir: "run/service" }, "scan-dir"],
    [{ groupsHelper: "s6-applyuidgid" }, "groups-helper"],
    [{ groupsHelper: "/command/../bin/s6-applyuidgid" }, "groups-helper"],
    [{ scanDir: "/run/service/" }, "scan-dir"],
  ])("rejects %j", (input, what) => {
    const r = resolveConfig(input);
    expect("errors" in r && r.errors.join("\n")).toMatch(new RegExp(`^${what} `, "m"));
  });
});

describe("resolveConfig: each error once, in its own words", () => {
  it("a bad name is the only error: the commands fall back to Hermes's and are not blamed", () => {
    expect(resolveConfig({ name: "Rabbit" })).toEqual({
      errors: ['name "Rabbit": use 1-32 characters a-z 0-9 _ -, starting with a letter'],
    });
  });

  it("a --command that starts with = has no name, and its path is still its own", () => {
    expect(resolveConfig({ commands: ["=/opt/x"] })).toEqual({
      errors: ['command "=/opt/x": the name must be 1-32 characters a-z 0-9 _ -, starting with a letter'],
    });
  });

  it("a --command given is named as given, without the defaults' note", () => {
    expect(resolveConfig({ commands: ["hermes=/opt/./x"] })).toEqual({
      errors: ['command "hermes=/opt/./x": the path must be a clean absolute path'],
    });
  });

  it.each(["/command/./s6-setuidgid", "/command/.", "/command/.."])("helper %s is not clean", (helper) => {
    expect(resolveConfig({ helper })).toEqual({ errors: [`helper "${helper}": must be a clean absolute path`] });
  });

  it("the user the drop goes to is never root: --user root, or a product named root with no --user", () => {
    expect(resolveConfig({ user: "root" })).toEqual({
      errors: [
        `user "root": the user root's calls drop to must not be root itself; name the unprivileged user the runtime runs as`,
      ],
    });
    expect(resolveConfig({ name: "root" })).toEqual({
      errors: [
        `user "root" (the default of --name root; set --user): the user root's calls drop to must not be root itself; ` +
          "name the unprivileged user the runtime runs as",
      ],
    });
    expect(resolveConfig({ name: "root", user: "hermes" })).toHaveProperty("config");
    expect(resolveConfig({ user: "rooty" })).toHaveProperty("config");
  });

  it.each(["1022", "0228", "00022"])("umask %s is not three octal digits", (umask) => {
    expect(resolveConfig({ umask })).toEqual({ errors: [`umask "${umask}": use three octal digits, e.g. 002`] });
  });
});

describe("--boot-env", () => {
  const bootOf = (bootEnv: string[]) => {
    const r = resolveConfig({ bootEnv });
    if ("errors" in r) throw new Error(r.errors.join("\n"));
    return r.config.bootEnv;
  };
  it("any --boot-env replaces the default as a whole; :program asks for an executable", () => {
    expect(bootOf(["TZ"])).toEqual([{ name: "TZ", program: false }]);
    expect(bootOf(["B:program", "A"])).toEqual([
      { name: "B", program: true },
      { name: "A", program: false },
    ]);
  });
  it("a build with none given has upstream's one, not a list shared between builds", () => {
    const one = defaultsFor("hermes");
    one.bootEnv.push({ name: "X", program: false });
    expect(defaultsFor("hermes").bootEnv).toEqual([{ name: "AGENT_BROWSER_EXECUTABLE_PATH", program: true }]);
  });
  it.each([
    [["1BAD"], 'boot-env "1BAD": use VAR or VAR:program, VAR a valid variable name'],
    [["A-B"], 'boot-env "A-B": use VAR or VAR:program, VAR a valid variable name'],
    [["A:exec"], 'boot-env "A:exec": use VAR or VAR:program, VAR a valid variable name'],
    [[":program"], 'boot-env ":program": use VAR or VAR:program, VAR a valid variable name'],
    [[""], 'boot-env "": use VAR or VAR:program, VAR a valid variable name'],
    [["A", "A:program"], 'boot-env "A:program": A is given more than once'],
  ])("rejects %j", (bootEnv, message) => {
    expect(resolveConfig({ bootEnv })).toEqual({ errors: [message] });
  });
});
