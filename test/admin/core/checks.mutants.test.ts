/** doctor's installation checks, each finding asserted whole: its check, status, line, remedy and items. */
import { describe, expect, it } from "vitest";
import { cliCheck, helperCheck, pathCheck, shimCheck, userCheck } from "../../../src/admin/core/checks.ts";
import { type Command, defaultsFor } from "../../../src/core/config.ts";
import { account } from "./fixtures.ts";

const config = defaultsFor("hermes");
const [HERMES] = config.commands as [Command];
const SHIM = "/opt/hermes/bin/hermes";
const trusted = { ok: true as const, resolved: SHIM };
const ok = (check: string, message: string) => ({ check, status: "ok", message, remedy: null, items: [] });

describe("shimCheck", () => {
  it.each<[string, string | undefined, number | undefined]>([
    ["no path", undefined, 0o100755],
    ["no mode", SHIM, undefined],
  ])("%s: its own file cannot be found", (_, path, mode) => {
    expect(shimCheck(config, path, mode, trusted)).toEqual([
      {
        check: "shim",
        status: "problem",
        message: "cannot find this shim's own file (/proc/self/exe)",
        remedy: "mount /proc",
        items: [],
      },
    ]);
  });

  it("root's alone", () => {
    expect(shimCheck(config, SHIM, 0o100755, trusted)).toEqual([
      ok(
        "shim",
        `this shim ${SHIM} is root's alone: root-owned, not setuid or setgid, nothing above it writable by others`,
      ),
    ]);
  });

  it("setuid and replaceable: two problems, both named as the shim's", () => {
    const found = shimCheck(config, SHIM, 0o104755, { ok: false, missing: false, reason: "/opt is writable" });
    expect(found.map((f) => [f.check, f.status, f.items])).toEqual([
      ["shim", "problem", []],
      ["shim", "problem", []],
    ]);
  });
});

describe("cliCheck and helperCheck", () => {
  it("a CLI that is there", () => {
    expect(cliCheck(HERMES, "ok")).toEqual(
      ok("cli", "the hermes CLI /opt/hermes/.venv/bin/hermes exists and is executable"),
    );
  });

  it("a trusted helper, and one that cannot be used", () => {
    expect(helperCheck(config, { ok: true, resolved: "/x/s6-setuidgid" })).toEqual(
      ok("helper", "the helper /command/s6-setuidgid is trusted (resolves to /x/s6-setuidgid)"),
    );
    expect(helperCheck(config, { ok: false, missing: true, reason: "/command does not exist" })).toMatchObject({
      check: "helper",
      items: [],
    });
  });
});

describe("userCheck", () => {
  it("no runtime user", () => {
    expect(userCheck(config, undefined)).toEqual([
      {
        check: "user",
        status: "problem",
        message: "the runtime user hermes is not in /etc/passwd; its home and /opt/data were not checked",
        remedy: "create it (useradd --home-dir /opt/data hermes), or rebuild the shim with --user",
        items: [],
      },
    ]);
  });

  it("a user whose passwd home is another: ok, and a note", () => {
    expect(userCheck(config, { ...account, home: "/home/hermes" })).toEqual([
      ok("user", "the runtime user hermes exists (uid 10000, gid 10000)"),
      {
        check: "user",
        status: "note",
        message: "/etc/passwd gives hermes the home /home/hermes; the shim sets HOME=/opt/data when it drops",
        remedy: null,
        items: [],
      },
    ]);
  });
});

describe("pathCheck", () => {
  it("the shim first on PATH", () => {
    expect(pathCheck("hermes", SHIM, true, SHIM)).toEqual(ok("path", `hermes on PATH is this shim (${SHIM})`));
  });

  it("not on PATH", () => {
    expect(pathCheck("hermes-acp", undefined, false, SHIM)).toEqual({
      check: "path",
      status: "problem",
      message: "hermes-acp is not on PATH",
      remedy:
        "link it to the shim (ln -sf hermes /opt/hermes/bin/hermes-acp) and put /opt/hermes/bin first on PATH (in the image: ENV PATH=/opt/hermes/bin:$PATH)",
      items: [],
    });
  });
});
