import { describe, expect, it } from "vitest";
import {
  entryPointChecks,
  isVenvTool,
  resolveCommand,
  type VenvExecutable,
} from "../../../src/admin/core/entryPoints.ts";
import { LOOK_AGAIN } from "../../../src/admin/core/finding.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";
import { failureOf } from "./fixtures.ts";

const config = defaultsFor("hermes");
const BIN = "/opt/hermes/.venv/bin";
const exe = (name: string, reached = true): VenvExecutable => ({ dir: BIN, name, reached });
const GUARDED = ["hermes", "hermes-agent", "hermes-acp"].map((n) => exe(n));

describe("isVenvTool", () => {
  it.each([
    "python",
    "python3",
    "python3.11",
    "pythonw",
    "pip",
    "pip3",
    "pip3.11",
    "activate",
    "activate.fish",
    "Activate.ps1",
  ])("%j is the venv's own tooling", (name) => expect(isVenvTool(name)).toBe(true));
  it.each(["hermes-worker", "pythonista", "pip-audit", "py", "uvicorn", "hermes"])("%j is not", (name) =>
    expect(isVenvTool(name)).toBe(false),
  );
});

describe("unguarded entry points", () => {
  it("all guarded: one ok line", () => {
    expect(entryPointChecks(config, GUARDED)).toEqual([
      {
        check: "entry-points",
        status: "ok",
        message: `every entry point in ${BIN} that PATH reaches is guarded by the shim`,
        remedy: null,
        items: [],
      },
    ]);
  });

  it("a console script PATH reaches is a problem, with the rebuild that guards it", () => {
    const [finding] = entryPointChecks(config, [...GUARDED, exe("hermes-worker")]);
    expect(finding).toEqual({
      check: "entry-points",
      status: "problem",
      message: "1 unguarded entry point: PATH reaches it and no shim name shadows it, so docker exec runs it as root",
      remedy:
        "guard it: rebuild the shim with every name (install.sh --command hermes --command hermes-agent --command hermes-acp --command hermes-worker), " +
        `which links each to the shim, or take ${BIN} off PATH`,
      items: [{ path: `${BIN}/hermes-worker`, detail: "`hermes-worker` on PATH runs it" }],
    });
  });

  it("one that PATH does not reach (shadowed, or the venv not on PATH) is no way around the shim", () => {
    expect(entryPointChecks(config, [exe("hermes-worker", false), exe("uvicorn", false)])).toMatchObject([
      { status: "ok" },
    ]);
  });

  it("the build's own names and its admin name are never reported here (the PATH check covers them)", () => {
    expect(entryPointChecks(config, [exe("hermes-agent"), exe("hermes-exec-shim")])).toMatchObject([{ status: "ok" }]);
  });

  it("a build that guards fewer names reports the rest", () => {
    const fork = { ...config, commands: [{ name: "hermes", target: `${BIN}/hermes` }] };
    const [finding] = entryPointChecks(fork, GUARDED);
    expect(finding).toMatchObject({ status: "problem", message: expect.stringMatching(/^2 unguarded entry points/) });
    expect(finding?.items.map((i) => i.path)).toEqual([`${BIN}/hermes-agent`, `${BIN}/hermes-acp`]);
  });

  it("the interpreter and installer are a note with a remedy, not a problem", () => {
    const findings = entryPointChecks(config, [...GUARDED, exe("python3"), exe("python"), exe("pip", false)]);
    expect(findings).toEqual([
      expect.objectContaining({ status: "ok" }),
      {
        check: "entry-points",
        status: "note",
        message:
          "the venv's interpreter and tools run as root when called by name (python3, python); " +
          "they are not hermes's entry points, but what they write as root stays root's",
        remedy: "run them as hermes (docker exec --user hermes …) when they write files",
        items: [],
      },
    ]);
  });
});

describe("a directory doctor could not list", () => {
  const symlinked = { path: BIN, detail: "is a symlink: doctor does not list a directory through one" };

  it("no ok line about it, and a note that counts it as not examined", () => {
    expect(entryPointChecks(config, [], [symlinked])).toEqual([
      {
        check: "entry-points",
        status: "note",
        message: `doctor could not list ${BIN}, so it did not examine the entry points there`,
        remedy: "make each a directory doctor can list (a real directory, not a symlink to one), then run doctor again",
        items: [symlinked],
        unexamined: 1,
      },
    ]);
  });

  it("the ok line names only the directories listed", () => {
    const split = {
      ...config,
      commands: [
        { name: "hermes", target: `${BIN}/hermes` },
        { name: "hermes-agent", target: "/opt/agent/bin/hermes-agent" },
      ],
    };
    const unlisted = [{ path: "/opt/agent/bin", detail: "No such file or directory" }];
    const [ok, note] = entryPointChecks(split, [exe("hermes")], unlisted);
    expect(ok).toMatchObject({
      status: "ok",
      message: `every entry point in ${BIN} that PATH reaches is guarded by the shim`,
    });
    expect(note).toMatchObject({
      message: "doctor could not list /opt/agent/bin, so it did not examine the entry points there",
      unexamined: 1,
    });
  });

  it("an unguarded script in the listed one is still a problem", () => {
    const found = entryPointChecks(config, [...GUARDED, exe("hermes-worker")], [{ path: "/x", detail: "y" }]);
    expect(found.map((f) => f.status)).toEqual(["problem", "note"]);
  });
});

describe("isVenvTool: the whole name, nothing around it", () => {
  it.each([
    "mypython3",
    "python3x",
    "python3.",
    "deactivate-all",
    "mydeactivate",
    "activated",
    "reactivate",
    "Activate.ps1.bak",
    "xActivate.ps1",
  ])("%j is not the venv's tooling", (name) => expect(isVenvTool(name)).toBe(false));
  it.each(["python3.11.4", "pip311", "deactivate"])("%j is", (name) => expect(isVenvTool(name)).toBe(true));
});

describe("several unguarded entry points, with a tool beside them", () => {
  it("named in the plural, the tool only in the note", () => {
    const other = "/srv/venv/bin";
    const findings = entryPointChecks(config, [
      ...GUARDED,
      exe("hermes-worker"),
      { dir: other, name: "hermes-cron", reached: true },
      exe("pip"),
    ]);
    expect(findings[0]).toEqual({
      check: "entry-points",
      status: "problem",
      message:
        "2 unguarded entry points: PATH reaches them and no shim name shadows them, so docker exec runs them as root",
      remedy:
        "guard them: rebuild the shim with every name (install.sh --command hermes --command hermes-agent --command hermes-acp " +
        `--command hermes-worker --command hermes-cron), which links each to the shim, or take ${BIN}, ${other} off PATH`,
      items: [
        { path: `${BIN}/hermes-worker`, detail: "`hermes-worker` on PATH runs it" },
        { path: `${other}/hermes-cron`, detail: "`hermes-cron` on PATH runs it" },
      ],
    });
    expect(findings[1]).toMatchObject({ status: "note", message: expect.stringContaining("by name (pip);") });
  });
});

const programs =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe("resolveCommand", () => {
  it("takes the first directory holding the program", () => {
    const is = programs("/usr/bin/hermes", "/opt/hermes/bin/hermes");
    expect(resolveCommand("/opt/hermes/bin:/usr/bin", "hermes", is)).toBe("/opt/hermes/bin/hermes");
    expect(resolveCommand("/usr/local/bin:/usr/bin:/opt/hermes/bin", "hermes", is)).toBe("/usr/bin/hermes");
  });

  it("reads an empty entry as the current directory, and tolerates trailing slashes", () => {
    expect(resolveCommand("/bin::/usr/bin", "hermes", programs("./hermes", "/usr/bin/hermes"))).toBe("./hermes");
    expect(resolveCommand("/opt/hermes/bin/", "hermes", programs("/opt/hermes/bin/hermes"))).toBe(
      "/opt/hermes/bin/hermes",
    );
    expect(resolveCommand("/", "hermes", programs("/hermes"))).toBe("/hermes");
  });

  it("finds nothing when no directory holds it", () => {
    expect(resolveCommand("/usr/bin:/bin", "hermes", programs())).toBeUndefined();
  });
});

describe("parts of the venv a failed call kept from being examined (contract §13)", () => {
  const lostDir = { path: BIN, detail: `unable to getdents64 ${BIN}: Input/output error` };
  const lostFile = { path: `${BIN}/hermes-worker`, detail: `unable to statx ${BIN}/hermes-worker: Input/output error` };

  it("a listing that failed: no ok line about the directory, and a problem counting it as not examined", () => {
    expect(entryPointChecks(config, [], [], [lostDir])).toEqual([
      {
        check: "entry-points",
        status: "problem",
        message: `1 part of ${BIN} could not be examined: doctor cannot tell whether PATH reaches an unguarded entry point there`,
        remedy: LOOK_AGAIN,
        items: [lostDir],
        count: 1,
        unexamined: 1,
      },
    ]);
  });

  it("one file that failed: its directory is not claimed guarded either", () => {
    const found = entryPointChecks(config, GUARDED, [], [lostFile]);
    expect(found.map((f) => [f.status, f.unexamined])).toEqual([["problem", 1]]);
  });
});

describe("resolveCommand: a candidate that could not be examined", () => {
  it("stops the search with the failure: what comes after it may never be reached", () => {
    const lost = failureOf("statx", "/usr/local/bin/hermes");
    const is = (p: string) => (p === "/usr/local/bin/hermes" ? lost : p === "/usr/bin/hermes");
    expect(resolveCommand("/usr/local/bin:/usr/bin", "hermes", is)).toBe(lost);
    expect(resolveCommand("/usr/bin:/usr/local/bin", "hermes", is)).toBe("/usr/bin/hermes");
  });
});
