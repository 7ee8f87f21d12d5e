import { describe, expect, it } from "vitest";
import { cliCheck, helperCheck, pathCheck, userCheck } from "../../../src/admin/core/checks.ts";
import { type Command, defaultsFor } from "../../../src/core/config.ts";

const config = defaultsFor("hermes");
const [HERMES, AGENT] = config.commands as [Command, Command];
const account = { name: "hermes", uid: 10000, gid: 10000, groups: [10000], home: "/opt/data" };

describe("installation checks", () => {
  it("each command's CLI", () => {
    expect(cliCheck(HERMES, "ok")).toMatchObject({ status: "ok", remedy: null });
    expect(cliCheck(HERMES, "missing")).toMatchObject({
      status: "problem",
      message: "the hermes CLI /opt/hermes/.venv/bin/hermes does not exist",
      remedy: expect.stringContaining("--command hermes=PATH"),
    });
    expect(cliCheck(AGENT, "not-executable")).toMatchObject({
      status: "problem",
      message: "the hermes-agent CLI /opt/hermes/.venv/bin/hermes-agent is not executable",
      remedy: expect.stringContaining("every hermes-agent call exits 127"),
    });
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
    expect(pathCheck("hermes", shim, true, shim)).toMatchObject({ status: "ok" });
    expect(pathCheck("hermes-agent", "/opt/hermes/bin/hermes-agent", true, shim)).toMatchObject({
      status: "ok",
      message: "hermes-agent on PATH is this shim (/opt/hermes/bin/hermes-agent)",
    });
    expect(pathCheck("hermes", "/usr/local/bin/hermes", false, shim)).toMatchObject({
      status: "problem",
      message:
        "hermes on PATH is /usr/local/bin/hermes, not this shim (/opt/hermes/bin/hermes): root calls would not drop",
      remedy: "put /opt/hermes/bin first on PATH (in the image: ENV PATH=/opt/hermes/bin:$PATH)",
    });
    expect(pathCheck("hermes-acp", undefined, false, shim)).toMatchObject({
      status: "problem",
      message: "hermes-acp is not on PATH",
      remedy:
        "link it to the shim (ln -sf hermes /opt/hermes/bin/hermes-acp) and put /opt/hermes/bin first on PATH (in the image: ENV PATH=/opt/hermes/bin:$PATH)",
    });
    // A name next to the shim that is another file (a stale copy): link it, PATH is fine.
    expect(pathCheck("hermes-agent", "/opt/hermes/bin/hermes-agent", false, shim)).toMatchObject({
      status: "problem",
      remedy: "link it to the shim (ln -sf hermes /opt/hermes/bin/hermes-agent)",
    });
  });
});
