import { describe, expect, it } from "vitest";
import {
  cliCheck,
  groupsHelperCheck,
  helperCheck,
  pathCheck,
  shimCheck,
  userCheck,
} from "../../../src/admin/core/checks.ts";
import { type Command, defaultsFor } from "../../../src/core/config.ts";
import { account } from "./fixtures.ts";

const config = defaultsFor("hermes");
const [HERMES, AGENT] = config.commands as [Command, Command];

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

  it("the helper, when root's calls drop through a trusted groups helper: a note, it is not run", () => {
    const missing = { ok: false as const, missing: true, reason: "/command/s6-setuidgid does not exist" };
    expect(helperCheck(config, missing, true)).toEqual({
      check: "helper",
      status: "note",
      message:
        "the helper /command/s6-setuidgid cannot be used: /command/s6-setuidgid does not exist; root's calls drop through /command/s6-applyuidgid and do not run it",
      remedy: expect.stringContaining("--helper"),
      items: [],
    });
    const weak = {
      ok: false as const,
      missing: false,
      reason: "/command/s6-setuidgid is owned by uid 10000, not root",
    };
    expect(helperCheck(config, weak, true)).toMatchObject({
      status: "note",
      remedy: expect.stringContaining("chmod go-w"),
    });
    expect(helperCheck(config, { ok: true, resolved: "/x" }, true)).toMatchObject({ status: "ok" });
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

  it("a runtime user with uid 0 is root: a problem, since root calls exit 126", () => {
    expect(userCheck(config, { ...account, uid: 0, gid: 0 })).toEqual([
      {
        check: "user",
        status: "problem",
        message:
          "the runtime user hermes has uid 0 in /etc/passwd, which is root: root calls exit 126 rather than run as root",
        remedy:
          "give hermes a uid other than 0 in the image, or rebuild the shim with --user NAME for a user that is not root",
        items: [],
      },
    ]);
  });

  it("a runtime user whose own primary group is 0: ok, and said", () => {
    expect(userCheck(config, { ...account, gid: 0 })).toEqual([
      expect.objectContaining({
        status: "ok",
        message:
          "the runtime user hermes exists (uid 10000, gid 0, root's group, as its own primary group, which the drop keeps)",
      }),
    ]);
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

describe("shimCheck: the shim's own installation", () => {
  const config = defaultsFor("hermes");
  const path = "/opt/hermes/bin/hermes";
  const trusted = { ok: true as const, resolved: path };
  it("root-owned, mode 0755, nothing writable above it: ok", () => {
    expect(shimCheck(config, path, 0o100755, trusted)).toEqual([
      expect.objectContaining({ check: "shim", status: "ok", remedy: null }),
    ]);
  });
  it.each([
    [0o104755, "setuid (mode 4755)"],
    [0o102755, "setgid (mode 2755)"],
    [0o106755, "setuid and setgid (mode 6755)"],
  ])("mode %o is a problem with the chmod that fixes it", (mode, text) => {
    const [f] = shimCheck(config, path, mode, trusted);
    expect(f).toMatchObject({ check: "shim", status: "problem", remedy: `as root: chmod u-s,g-s ${path}` });
    expect(f?.message).toContain(text);
  });
  it("owned or writable by someone but root, itself or a directory above it: a problem", () => {
    const trust = { ok: false as const, missing: false, reason: "/opt/hermes is owned by uid 10000, not root" };
    const found = shimCheck(config, path, 0o104755, trust);
    expect(found.map((f) => f.status)).toEqual(["problem", "problem"]);
    expect(found[1]?.message).toContain("/opt/hermes is owned by uid 10000, not root");
    expect(found[1]?.remedy).toContain("chown root:root, chmod go-w");
  });
  it("its own file unknown: a problem", () => {
    expect(shimCheck(config, undefined, undefined, trusted)[0]).toMatchObject({ status: "problem" });
  });
});

describe("groupsHelperCheck (contract §11)", () => {
  const trusted = { ok: true as const, resolved: "/command/s6-applyuidgid" };
  it("says nothing when the runtime user is not in /etc/passwd: the drop is the helper's", () => {
    expect(groupsHelperCheck(config, undefined, trusted)).toEqual([]);
    expect(groupsHelperCheck(config, undefined, { ok: false, missing: false, reason: "x" })).toEqual([]);
  });
  it("trusted: ok, the drop goes through it, naming the groups it passes on when there are some", () => {
    expect(groupsHelperCheck(config, [4242, 2000], trusted)).toEqual([
      {
        check: "helper",
        status: "ok",
        message:
          "the groups helper /command/s6-applyuidgid is trusted (resolves to /command/s6-applyuidgid): root's calls drop through it with the ids in /etc/passwd and the granted groups 4242, 2000",
        remedy: null,
        items: [],
      },
    ]);
    expect(groupsHelperCheck(config, [], trusted)).toMatchObject([
      {
        status: "ok",
        message:
          "the groups helper /command/s6-applyuidgid is trusted (resolves to /command/s6-applyuidgid): root's calls drop through it with the ids in /etc/passwd",
      },
    ]);
  });
  it("missing with nothing granted: nothing to say, the helper drops as well", () => {
    expect(
      groupsHelperCheck(config, [], { ok: false, missing: true, reason: "/command/s6-applyuidgid does not exist" }),
    ).toEqual([]);
  });
  it("missing: a note, since the drop still works, only without the granted groups", () => {
    const [found] = groupsHelperCheck(config, [4242], {
      ok: false,
      missing: true,
      reason: "/command/s6-applyuidgid does not exist",
    });
    expect(found).toEqual({
      check: "helper",
      items: [],
      status: "note",
      message:
        "the groups helper /command/s6-applyuidgid cannot be used: /command/s6-applyuidgid does not exist; root's calls drop without the groups the container runtime granted (4242)",
      remedy: "install s6-applyuidgid there (s6-overlay provides it), or rebuild the shim with --groups-helper PATH",
    });
  });
  it("replaceable by someone else: a problem, since root calls exit 126, granted groups or not", () => {
    const weak = { ok: false as const, missing: false, reason: "/command is writable by others (mode 0777)" };
    expect(groupsHelperCheck(config, [], weak)).toMatchObject([{ status: "problem" }]);
    const [found] = groupsHelperCheck(config, [4242], {
      ok: false,
      missing: false,
      reason: "/command is writable by others (mode 0777)",
    });
    expect(found).toEqual({
      check: "helper",
      items: [],
      status: "problem",
      message:
        "the groups helper /command/s6-applyuidgid cannot be trusted: /command is writable by others (mode 0777); root calls exit 126",
      remedy:
        "make it and every directory on its way owned by root and writable only by root (chown root:root, chmod go-w)",
    });
  });
});
