/** contract §3 and §16: what the CLI's environment gets beside the caller's, on the pure rules. */
import { describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import { type Bytes, bytes, text } from "../../src/core/bytes.ts";
import type { CliHome } from "../../src/core/cliHome.ts";
import type { Node } from "../../src/core/pathLookup.ts";
import { dropUserEnv, envChanged, homeChange, runtimeDirFailure } from "../../src/core/userEnv.ts";

const config = defaultsFor("hermes");
const names = (env: Bytes[]) => env.map(text);
const dir = (uid: number): Node => ({ kind: "dir", uid, gid: uid, mode: 0o040700 });
const runtimeDir = (value: string, node?: Node) => ({ value: bytes(value), ...(node ? { node } : {}) });
const USER_ENV = [
  { name: "HOME", value: bytes("/opt/data"), why: "hermes's home (the build's --home)" },
  { name: "USER", value: bytes("hermes"), why: "the user the CLI runs as, as su and runuser set it" },
  { name: "LOGNAME", value: bytes("hermes"), why: "the user the CLI runs as, as su and runuser set it" },
];

describe("the home variable, for a caller whose value is blank", () => {
  const at = (source: CliHome["source"], boot?: CliHome["boot"]): CliHome => ({
    variable: "HERMES_HOME",
    value: bytes("/opt/data"),
    source,
    ...(boot ? { boot } : {}),
  });
  it("the caller's own: nothing changes", () => {
    expect(homeChange(at("caller"))).toEqual([]);
  });
  it("the boot's: set, and the file named", () => {
    const from = "/run/s6/container_environment/HERMES_HOME";
    expect(homeChange(at("boot", { name: "HERMES_HOME", value: bytes("/opt/data"), from }))).toEqual([
      { name: "HERMES_HOME", value: bytes("/opt/data"), why: `the caller's was unset or blank: from ${from}` },
    ]);
  });
  it("the build's: set, and said so", () => {
    expect(homeChange(at("build"))).toEqual([
      { name: "HERMES_HOME", value: bytes("/opt/data"), why: "the caller's was unset or blank: the build's home" },
    ]);
  });
});

describe("the drop's user variables: as runuser, su and sudo set them", () => {
  it("HOME, USER and LOGNAME name the runtime user, whatever the caller had", () => {
    expect(dropUserEnv(config, 10000, undefined)).toEqual(USER_ENV);
  });
  it("a value that is not UTF-8 is shown, not lost", () => {
    const odd = { value: new Uint8Array([0x2f, 0xff]), node: dir(0) };
    expect(dropUserEnv(config, 10000, odd).at(-1)).toMatchObject({
      why: `"/\ufffd" is not hermes's own: it is uid 0's, not hermes's`,
    });
  });
  it("a fork's user and home", () => {
    const fork = { ...defaultsFor("acme"), user: "bot", home: "/srv/bot" };
    expect(dropUserEnv(fork, 2000, undefined).map((c) => [c.name, "value" in c && text(c.value)])).toEqual([
      ["HOME", "/srv/bot"],
      ["USER", "bot"],
      ["LOGNAME", "bot"],
    ]);
  });
  it("the runtime user's own runtime directory is handed on", () => {
    expect(dropUserEnv(config, 10000, runtimeDir("/run/user/10000", dir(10000)))).toEqual(USER_ENV);
  });
  it.each([
    ["root's", runtimeDir("/run/user/0", dir(0)), 10000, "it is uid 0's, not hermes's"],
    ["missing", runtimeDir("/run/user/10000", { kind: "missing" }), 10000, "it does not exist"],
    [
      "a link",
      runtimeDir("/run/user/10000", { kind: "symlink", target: "/run/user/0" }),
      10000,
      "it is a symbolic link",
    ],
    [
      "a file",
      runtimeDir("/tmp/x", { kind: "file", uid: 10000, gid: 10000, mode: 0o100600 }),
      10000,
      "it is not a directory",
    ],
    ["relative", runtimeDir("run/user/10000"), 10000, "it is not an absolute path"],
    [
      "of an unknown uid (a user known through NSS alone)",
      runtimeDir("/run/user/10000", dir(10000)),
      undefined,
      "hermes's uid is not known to the shim, so it cannot tell whose it is",
    ],
  ])("%s: removed, and why", (_, given, uid, why) => {
    expect(dropUserEnv(config, uid, given)).toEqual([
      ...USER_ENV,
      { name: "XDG_RUNTIME_DIR", unset: true, why: `${JSON.stringify(text(given.value))} is not hermes's own: ${why}` },
    ]);
  });
  it("one that could not be examined: removed, and the failure kept for the warning", () => {
    const failure = { call: "statx", on: "/run/user/0", errno: 5, words: "Input/output error" };
    const given = runtimeDir("/run/user/0", { kind: "unexamined", failure });
    expect(dropUserEnv(config, 10000, given).at(-1)).toEqual({
      name: "XDG_RUNTIME_DIR",
      unset: true,
      why: '"/run/user/0" is not hermes\'s own: unable to statx /run/user/0: Input/output error',
    });
    expect(runtimeDirFailure(given)).toEqual(failure);
    expect(runtimeDirFailure(runtimeDir("/run/user/0", dir(0)))).toBeUndefined();
    expect(runtimeDirFailure(runtimeDir("run/user/0"))).toBeUndefined();
    expect(runtimeDirFailure(undefined)).toBeUndefined();
  });
});

describe("the changes made, in order", () => {
  const caller = [
    "PATH=/bin",
    "HOME=/root",
    "HERMES_HOME=",
    "USER=root",
    "XDG_RUNTIME_DIR=/run/user/0",
    "LANG=C.UTF-8",
  ].map(bytes);
  it("a set replaces the caller's in place, a new one goes at the end, a removal takes every entry", () => {
    const out = envChanged(
      [...caller, bytes("XDG_RUNTIME_DIR=/again")],
      [
        ...USER_ENV,
        { name: "XDG_RUNTIME_DIR", unset: true, why: "" },
        { name: "HERMES_HOME", value: bytes("/opt/data"), why: "" },
      ],
    );
    expect(names(out)).toEqual([
      "PATH=/bin",
      "HOME=/opt/data",
      "HERMES_HOME=/opt/data",
      "USER=hermes",
      "LANG=C.UTF-8",
      "LOGNAME=hermes",
    ]);
  });
  it("bytes that are not UTF-8 pass through unchanged", () => {
    const odd = new Uint8Array([0x58, 0x3d, 0xff]);
    expect(envChanged([odd], [{ name: "HERMES_HOME", value: new Uint8Array([0x2f, 0xfe]), why: "" }])).toEqual([
      odd,
      new Uint8Array([...bytes("HERMES_HOME="), 0x2f, 0xfe]),
    ]);
  });
  it("no change: the caller's environment as it was", () => {
    expect(names(envChanged(caller, []))).toEqual(names(caller));
  });
});
