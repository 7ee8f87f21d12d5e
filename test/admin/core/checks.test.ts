import { describe, expect, it } from "vitest";
import { cliCheck, helperCheck, pathCheck, userCheck } from "../../../src/admin/core/checks.ts";
import { defaultsFor } from "../../../src/core/config.ts";

const config = defaultsFor("hermes");
const account = { name: "hermes", uid: 10000, gid: 10000, groups: [10000], home: "/opt/data" };

describe("installation checks", () => {
  it("the CLI", () => {
    expect(cliCheck(config, "ok")).toMatchObject({ status: "ok", remedy: null });
    expect(cliCheck(config, "missing")).toMatchObject({
      status: "problem",
      message: "the CLI /opt/hermes/.venv/bin/hermes does not exist",
      remedy: expect.stringContaining("--target"),
    });
    expect(cliCheck(config, "not-executable")).toMatchObject({ status: "problem" });
  });

  it("the helper: missing and untrusted get different remedies", () => {
    expect(helperCheck(config, { ok: true, resolved: "/x/s6-setuidgid" })).toMatchObject({
      status: "ok",
      message: "the helper /command/s6-setuidgid is trusted (resolves to /x/s6-setuidgid)",
    });
    const missing = helperCheck(config, { ok: false, missing: true, reason: "/command does not exist" });
    expect(missing).toMatchObject({ status: "problem", remedy: expect.stringContaining("--helper") });
    expect(missing.message).toContain("/command does not exist; root calls exit 126");
    const weak = helperCheck(config, { ok: false, missing: false, reason: "/command is writable by others" });
    expect(weak).toMatchObject({ status: "problem", remedy: expect.stringContaining("chmod go-w") });
  });

  it("the runtime user", () => {
    expect(userCheck(config, account)).toEqual([
      expect.objectContaining({ status: "ok", message: "the runtime user hermes exists (uid 10000, gid 10000)" }),
    ]);
    expect(userCheck(config, undefined)).toEqual([
      expect.objectContaining({ status: "problem", remedy: expect.stringContaining("useradd") }),
    ]);
    const elsewhere = userCheck(config, { ...account, home: "/home/hermes" });
    expect(elsewhere[1]).toMatchObject({ status: "note", message: expect.stringContaining("/home/hermes") });
  });

  it("PATH", () => {
    const shim = "/opt/hermes/bin/hermes";
    expect(pathCheck(config, shim, true, shim)).toMatchObject({ status: "ok" });
    expect(pathCheck(config, "/usr/local/bin/hermes", false, shim)).toMatchObject({
      status: "problem",
      message:
        "hermes on PATH is /usr/local/bin/hermes, not this shim (/opt/hermes/bin/hermes): root calls would not drop",
      remedy: "put /opt/hermes/bin first on PATH (in the image: ENV PATH=/opt/hermes/bin:$PATH)",
    });
    expect(pathCheck(config, undefined, false, shim)).toMatchObject({
      status: "problem",
      message: "hermes is not on PATH",
    });
  });
});
