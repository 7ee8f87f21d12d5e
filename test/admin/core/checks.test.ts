/** doctor's installation checks: each finding's check, status, line, remedy and items. */
import { describe, expect, it } from "vitest";
import {
  bootEnvCheck,
  cliCheck,
  gatewayCheck,
  groupsHelperCheck,
  helperCheck,
  LOGIN_PATH,
  loginPathChecks,
  pathCheck,
  shimCheck,
  userCheck,
} from "../../../src/admin/core/checks.ts";
import { LOOK_AGAIN } from "../../../src/admin/core/finding.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";
import { BOOT_ENV_DIR, type BootImport } from "../../../src/core/bootEnv.ts";
import type { Command } from "../../../src/core/config.ts";
import type { Trust } from "../../../src/core/trust.ts";
import { type DropWay, dropWay } from "../../../src/root/core/drop.ts";
import { account, failureOf } from "./fixtures.ts";

const config = defaultsFor("hermes");
const [HERMES, AGENT] = config.commands as [Command, Command];
const SHIM = "/opt/hermes/bin/hermes";
const ok = (check: string, message: string) => ({ check, status: "ok", message, remedy: null, items: [] });

describe("each command's CLI", () => {
  it("there and executable: ok", () => {
    expect(cliCheck(HERMES, "ok")).toEqual(
      ok("cli", "the hermes CLI /opt/hermes/.venv/bin/hermes exists and is executable"),
    );
  });

  it("missing or not executable: a problem naming the path and the remedy", () => {
    expect(cliCheck(HERMES, "missing")).toMatchObject({
      status: "problem",
      message: "the hermes CLI /opt/hermes/.venv/bin/hermes does not exist",
      remedy: expect.stringContaining("--command hermes=PATH"),
    });
    expect(cliCheck(AGENT, failureOf("access", AGENT.target, 13))).toMatchObject({
      status: "problem",
      message:
        "the hermes-agent CLI /opt/hermes/.venv/bin/hermes-agent is not executable " +
        "(unable to access /opt/hermes/.venv/bin/hermes-agent: Permission denied)",
      remedy: expect.stringContaining("every hermes-agent call exits 127"),
    });
  });
});

/** The helper's finding where decide's way is the helper's own, or (`BY_IDS`) the groups helper's. */
const helperOf = (trust: Trust, way: DropWay = dropWay(config, undefined, trust)) => helperCheck(config, trust, way);
const BY_IDS: DropWay = { way: "drop-ids", drop: { uid: 10000, gid: 10000, groups: [] } };
/** The groups helper's finding where decide's way is the one its trust gives, for a user the shim knows. */
const groupsOf = (granted: number[] | undefined, trust: Trust, way?: DropWay) =>
  groupsHelperCheck(
    config,
    granted,
    trust,
    way ??
      dropWay(config, { uid: 10000, gid: 10000, groups: [], groupsHelperTrust: trust }, { ok: true, resolved: "/h" }),
  );

describe("the helper", () => {
  it("trusted: ok, naming what it resolves to", () => {
    expect(helperOf({ ok: true, resolved: "/x/s6-setuidgid" })).toEqual(
      ok("helper", "the helper /command/s6-setuidgid is trusted (resolves to /x/s6-setuidgid)"),
    );
  });

  it("missing and untrusted get different remedies", () => {
    const missing = helperOf({ ok: false, missing: true, reason: "/command does not exist" });
    expect(missing).toMatchObject({ check: "helper", status: "problem", remedy: expect.stringContaining("--helper") });
    expect(missing).toMatchObject({ items: [] });
    expect(missing.message).toContain("/command does not exist; root calls exit 126");
    const weak = helperOf({ ok: false, missing: false, reason: "/command is writable by others" });
    expect(weak).toMatchObject({ status: "problem", remedy: expect.stringContaining("chmod go-w") });
  });
});

describe("the helper, where root's calls drop through a trusted groups helper", () => {
  it("missing or rewritable, it is a note: it is not run", () => {
    const missing = { ok: false as const, missing: true, reason: "/command/s6-setuidgid does not exist" };
    expect(helperOf(missing, BY_IDS)).toEqual({
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
    expect(helperOf(weak, BY_IDS)).toMatchObject({
      status: "note",
      remedy: expect.stringContaining("chmod go-w"),
    });
    expect(helperOf({ ok: true, resolved: "/x" }, BY_IDS)).toMatchObject({ status: "ok" });
  });
});

describe("the running gateway's groups (contract §15)", () => {
  it("not looked for (no granted group) or none running: nothing to say", () => {
    expect(gatewayCheck(config, undefined)).toEqual([]);
    expect(gatewayCheck(config, { pids: [], withheld: [] })).toEqual([]);
  });
  it("holding every granted group: ok", () => {
    expect(gatewayCheck(config, { pids: [57], withheld: [] })).toEqual([
      ok("user", "the running gateway of hermes (pid 57) holds the granted groups too: the drop keeps them"),
    ]);
  });
  it("lacking one: a note that doctor judges with the gateway's groups, and how to give them to both", () => {
    expect(gatewayCheck(config, { pids: [57], withheld: [4242, 2000] })).toEqual([
      {
        check: "user",
        status: "note",
        message:
          "the running gateway of hermes (pid 57) lacks the groups 4242, 2000 that the container runtime granted " +
          "(a start through s6-setuidgid takes its groups from /etc/group alone), so the drop leaves them out: " +
          "what works from docker exec works in the gateway; doctor judges with the gateway's groups",
        remedy:
          "to give them to the gateway and the CLI both, list hermes in each in the image's /etc/group " +
          "(groupadd -g 4242 NAME && usermod -aG NAME hermes), then restart the gateway",
        items: [],
      },
    ]);
  });
});

describe("the runtime user", () => {
  it("in /etc/passwd: ok", () => {
    expect(userCheck(config, account)).toEqual([ok("user", "the runtime user hermes exists (uid 10000, gid 10000)")]);
  });

  it("not there: a problem, with useradd's remedy", () => {
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

describe("PATH", () => {
  it("the shim first on PATH, under each name", () => {
    expect(pathCheck("hermes", SHIM, true, SHIM)).toEqual(ok("path", `hermes on PATH is this shim (${SHIM})`));
    expect(pathCheck("hermes-agent", "/opt/hermes/bin/hermes-agent", true, SHIM)).toMatchObject({
      status: "ok",
      message: "hermes-agent on PATH is this shim (/opt/hermes/bin/hermes-agent)",
    });
  });

  it("another file first: root calls would not drop", () => {
    expect(pathCheck("hermes", "/usr/local/bin/hermes", false, SHIM)).toMatchObject({
      status: "problem",
      message:
        "hermes on PATH is /usr/local/bin/hermes, not this shim (/opt/hermes/bin/hermes): root calls would not drop",
      remedy: "put /opt/hermes/bin first on PATH (in the image: ENV PATH=/opt/hermes/bin:$PATH)",
    });
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

  it("a name next to the shim that is another file (a stale copy): link it, PATH is fine", () => {
    expect(pathCheck("hermes-agent", "/opt/hermes/bin/hermes-agent", false, SHIM)).toMatchObject({
      status: "problem",
      remedy: "link it to the shim (ln -sf hermes /opt/hermes/bin/hermes-agent)",
    });
  });
});

describe("the shim's own installation", () => {
  const trusted = { ok: true as const, resolved: SHIM };

  it("root-owned, mode 0755, nothing writable above it: root-only", () => {
    expect(shimCheck(config, SHIM, 0o100755, trusted)).toEqual([
      ok(
        "shim",
        `this shim ${SHIM} is root-only: root-owned, not setuid or setgid, nothing above it writable by others`,
      ),
    ]);
  });

  it.each([
    [0o104755, "setuid (mode 4755)"],
    [0o102755, "setgid (mode 2755)"],
    [0o106755, "setuid and setgid (mode 6755)"],
  ])("mode %o is a problem with the chmod that fixes it", (mode, text) => {
    const [f] = shimCheck(config, SHIM, mode, trusted);
    expect(f).toMatchObject({ check: "shim", status: "problem", remedy: `as root: chmod u-s,g-s ${SHIM}` });
    expect(f?.message).toContain(text);
  });

  it("setuid and owned or writable by someone but root, itself or a directory above it: two problems, both the shim's", () => {
    const trust = { ok: false as const, missing: false, reason: "/opt/hermes is owned by uid 10000, not root" };
    const found = shimCheck(config, SHIM, 0o104755, trust);
    expect(found.map((f) => [f.check, f.status, f.items])).toEqual([
      ["shim", "problem", []],
      ["shim", "problem", []],
    ]);
    expect(found[1]?.message).toContain("/opt/hermes is owned by uid 10000, not root");
    expect(found[1]?.remedy).toContain("chown root:root, chmod go-w");
  });

  it("its own file not found: the readlink that failed, counted as not examined", () => {
    const lost = failureOf("readlink", "/proc/self/exe");
    expect(shimCheck(config, lost, lost, trusted)).toEqual([
      {
        check: "shim",
        status: "problem",
        message: "cannot find this shim's own file (/proc/self/exe)",
        remedy: LOOK_AGAIN,
        items: [{ path: "/proc/self/exe", detail: "unable to readlink /proc/self/exe: Input/output error" }],
        count: 1,
        unexamined: 1,
      },
    ]);
  });
});

describe("the groups helper (contract §11)", () => {
  const trusted = { ok: true as const, resolved: "/command/s6-applyuidgid" };
  it("says nothing when the runtime user is not in /etc/passwd: the drop is the helper's", () => {
    expect(groupsOf(undefined, trusted)).toEqual([]);
    expect(groupsOf(undefined, { ok: false, missing: false, reason: "x" })).toEqual([]);
  });
  it("trusted: ok, the drop goes through it, naming the groups it passes on when there are some", () => {
    expect(groupsOf([4242, 2000], trusted)).toEqual([
      {
        check: "helper",
        status: "ok",
        message:
          "the groups helper /command/s6-applyuidgid is trusted (resolves to /command/s6-applyuidgid): root's calls drop through it with the ids in /etc/passwd and the granted groups 4242, 2000",
        remedy: null,
        items: [],
      },
    ]);
    expect(groupsOf([], trusted)).toMatchObject([
      {
        status: "ok",
        message:
          "the groups helper /command/s6-applyuidgid is trusted (resolves to /command/s6-applyuidgid): root's calls drop through it with the ids in /etc/passwd",
      },
    ]);
  });
  it("missing with nothing granted: nothing to say, the helper drops as well", () => {
    expect(groupsOf([], { ok: false, missing: true, reason: "/command/s6-applyuidgid does not exist" })).toEqual([]);
  });
  it("missing: a note, since the drop still works, only without the granted groups", () => {
    const [found] = groupsOf([4242], {
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
  it("whether root calls exit 126 is decide's way alone: a way that drops never says so", () => {
    const weak = { ok: false as const, missing: false, reason: "/command is writable by others (mode 0777)" };
    const [found] = groupsOf([], weak, BY_IDS);
    expect(found?.message).toBe(
      "the groups helper /command/s6-applyuidgid cannot be trusted: /command is writable by others (mode 0777)",
    );
    const lost = { ok: false as const, missing: false, reason: "r", unexamined: failureOf("statx", "/command") };
    expect(groupsOf([], lost, BY_IDS)[0]?.message).toBe(
      "the groups helper /command/s6-applyuidgid could not be examined",
    );
  });
  it("replaceable by someone else: a problem, since root calls exit 126, granted groups or not", () => {
    const weak = { ok: false as const, missing: false, reason: "/command is writable by others (mode 0777)" };
    expect(groupsOf([], weak)).toMatchObject([{ status: "problem" }]);
    const [found] = groupsOf([4242], {
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

describe("a check whose subject a failed call kept from being examined (contract §13)", () => {
  const eio = (on: string, call = "statx") => failureOf(call, on);
  /** The one shape: a problem, the failure named on the path it was made on, counted as not examined. */
  const unexamined = (check: string, message: string, on: string, call = "statx") => ({
    check,
    status: "problem",
    message,
    remedy: LOOK_AGAIN,
    items: [{ path: on, detail: `unable to ${call} ${on}: Input/output error` }],
    count: 1,
    unexamined: 1,
  });
  const lostTrust = (on: string) => ({ ok: false as const, missing: false, reason: "r", unexamined: eio(on) });

  it('the CLI: only EACCES is "not executable"; any other failure is not examined, never "does not exist"', () => {
    expect(cliCheck(HERMES, eio(HERMES.target, "access"))).toEqual(
      unexamined("cli", `the hermes CLI ${HERMES.target} could not be examined`, HERMES.target, "access"),
    );
  });

  it("the shim's mode, and whether anyone but root can replace it", () => {
    const trusted = { ok: true as const, resolved: SHIM };
    expect(shimCheck(config, SHIM, eio(SHIM), trusted)).toEqual([
      unexamined("shim", `this shim ${SHIM} could not be examined`, SHIM),
    ]);
    expect(shimCheck(config, SHIM, 0o100755, lostTrust("/opt/hermes"))).toEqual([
      unexamined("shim", `cannot tell whether anyone but root can replace this shim ${SHIM}`, "/opt/hermes"),
    ]);
  });

  it("the helper: root's calls exit 126 unless they drop through the groups helper", () => {
    const message = "the helper /command/s6-setuidgid could not be examined";
    expect(helperOf(lostTrust("/command"))).toEqual(
      unexamined("helper", `${message}: root calls exit 126`, "/command"),
    );
    expect(helperOf(lostTrust("/command"), BY_IDS)).toEqual(unexamined("helper", message, "/command"));
  });

  it("the groups helper, where the drop would run it", () => {
    expect(groupsOf([], lostTrust("/command"))).toEqual([
      unexamined(
        "helper",
        "the groups helper /command/s6-applyuidgid could not be examined: root calls exit 126",
        "/command",
      ),
    ]);
  });

  it("the runtime user: a user database that cannot be read is not a missing user", () => {
    expect(userCheck(config, eio("/etc/passwd", "open"))).toEqual([
      unexamined(
        "user",
        "the runtime user hermes could not be looked up; its home and /opt/data were not checked",
        "/etc/passwd",
        "open",
      ),
    ]);
  });

  it("each name on PATH: the shim's own path, the lookup or the comparison, whichever failed", () => {
    const message = "cannot tell whether hermes on PATH is this shim";
    const found = "/opt/hermes/bin/hermes";
    expect(pathCheck("hermes", found, true, eio("/proc/self/exe", "readlink"))).toEqual(
      unexamined("path", message, "/proc/self/exe", "readlink"),
    );
    expect(pathCheck("hermes", eio("/usr/bin/hermes"), false, SHIM)).toEqual(
      unexamined("path", message, "/usr/bin/hermes"),
    );
    expect(pathCheck("hermes", found, eio(found), SHIM)).toEqual(unexamined("path", message, found));
  });
});

describe("the boot's environment (contract §15)", () => {
  const DIR = BOOT_ENV_DIR;
  const rootsDir: Trust = { ok: true, resolved: DIR };
  const NAME = "AGENT_BROWSER_EXECUTABLE_PATH";
  const check = (dir: Trust, imports: BootImport[] = []) => bootEnvCheck(config, dir, imports);

  it("no such directory (no s6-overlay), or nothing there a directory: nothing to say", () => {
    expect(check({ ok: false, missing: true, reason: `${DIR} does not exist` })).toEqual([]);
    expect(check({ ok: false, missing: true, reason: `${DIR} is not a directory` })).toEqual([]);
  });
  it("root-only, and nothing kept out for who wrote it: ok, whatever the boot itself said", () => {
    const imports: BootImport[] = [{ name: NAME, not: "the boot did not set it", warned: false }];
    expect(check(rootsDir, imports)).toEqual([
      {
        check: "boot-env",
        status: "ok",
        message: `only root can write the boot's environment ${DIR}, from which a call that lacks ${NAME} takes it`,
        remedy: null,
        items: [],
      },
    ]);
  });
  it("a directory someone but root can write: a problem, whatever its files", () => {
    const dir: Trust = {
      ok: false,
      missing: false,
      reason: `${DIR} is owned by uid 10000, not root`,
      rewritable: true,
    };
    expect(check(dir)).toEqual([
      {
        check: "boot-env",
        status: "problem",
        message: `the boot's environment cannot be trusted: ${DIR} is owned by uid 10000, not root; whoever can write there could set ${NAME} for every hermes call, so the shim takes nothing from it`,
        remedy: `make ${DIR} and every directory above it owned by root and writable only by root (chown root:root, chmod go-w)`,
        items: [],
      },
    ]);
  });
  it("a variable's file the shim will not take for who could have written it: a problem naming it", () => {
    const imports: BootImport[] = [{ name: NAME, not: `${DIR}/${NAME} is a symbolic link`, warned: true }];
    expect(check(rootsDir, imports)).toEqual([
      {
        check: "boot-env",
        status: "problem",
        message: `the shim will not take ${NAME} from the boot's environment: ${DIR}/${NAME} is a symbolic link; every hermes call that lacks it runs without it`,
        remedy: `as root, replace ${DIR}/${NAME} with a regular file owned by root and writable only by root (as s6-overlay's boot writes it), or restart the container`,
        items: [],
      },
    ]);
  });
  it("what could not be examined is counted, never ok", () => {
    const failure = failureOf("statx", DIR);
    expect(check({ ok: false, missing: false, reason: "x", unexamined: failure })).toEqual([
      {
        check: "boot-env",
        status: "problem",
        message: `cannot tell whether only root can write ${DIR}`,
        remedy: LOOK_AGAIN,
        items: [{ path: DIR, detail: `unable to statx ${DIR}: Input/output error` }],
        count: 1,
        unexamined: 1,
      },
    ]);
    const read = failureOf("read", `${DIR}/${NAME}`);
    expect(check(rootsDir, [{ name: NAME, not: "x", warned: true, unexamined: read }])).toMatchObject([
      {
        status: "problem",
        message: `cannot tell whether the shim may take ${NAME} from the boot's environment`,
        unexamined: 1,
      },
    ]);
  });
});

describe("a login shell's PATH (contract §16): Debian's /etc/profile, which lacks the shim's directory", () => {
  const WHERE = `a login shell's PATH (${LOGIN_PATH}, as Debian's /etc/profile sets root's)`;
  const at = (name: string, found: string | undefined, isShim: boolean) => ({ name, found, isShim, shim: SHIM });
  it("is Debian's root PATH, word for word", () => {
    expect(LOGIN_PATH).toBe("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    expect(loginPathChecks([])).toEqual([]);
  });
  it("every command reaching the shim: one ok line naming each", () => {
    expect(
      loginPathChecks([
        at("hermes", "/usr/local/bin/hermes", true),
        at("hermes-acp", "/usr/local/bin/hermes-acp", true),
      ]),
    ).toEqual([
      ok(
        "path",
        "on a login shell's PATH, hermes (/usr/local/bin/hermes) and hermes-acp (/usr/local/bin/hermes-acp) are this shim",
      ),
    ]);
    expect(loginPathChecks([at("hermes", "/usr/local/bin/hermes", true)])[0]?.message).toBe(
      "on a login shell's PATH, hermes (/usr/local/bin/hermes) is this shim",
    );
  });
  it("none there: one note for them all, with the link that makes them", () => {
    expect(loginPathChecks([at("hermes", undefined, false), at("hermes-agent", undefined, false)])).toEqual([
      {
        check: "path",
        status: "note",
        message: `hermes and hermes-agent are not on ${WHERE}: su -, bash -l and SSH logins find none`,
        remedy: "link each to the shim in /usr/local/bin (install.sh --link-dir /usr/local/bin)",
        items: [],
      },
    ]);
    expect(loginPathChecks([at("hermes", undefined, false)])[0]?.message).toContain("hermes is not on");
  });
  it("another program there: a problem, since root's login shells would run it as root", () => {
    expect(
      loginPathChecks([
        at("hermes", "/usr/local/bin/hermes", false),
        at("hermes-acp", "/usr/local/bin/hermes-acp", true),
      ]),
    ).toEqual([
      {
        check: "path",
        status: "problem",
        message: `hermes on ${WHERE} is /usr/local/bin/hermes, not this shim (${SHIM}): root's login shells (su -, SSH) run it as root`,
        remedy:
          "link it to the shim: ln -sf /opt/hermes/bin/hermes /usr/local/bin/hermes (install.sh --link-dir /usr/local/bin)",
        items: [],
      },
    ]);
    expect(loginPathChecks([at("hermes", "/usr/bin/hermes", false)])[0]?.remedy).toBe(
      "ln -sf /opt/hermes/bin/hermes /usr/local/bin/hermes (install.sh --link-dir /usr/local/bin), which comes first",
    );
  });
  it("a lookup that failed: not examined, never called missing", () => {
    const failure = failureOf("statx", "/usr/local/bin/hermes", 5);
    const [found] = loginPathChecks([{ name: "hermes", found: failure, isShim: false, shim: SHIM }]);
    expect(found).toMatchObject({ check: "path", status: "problem", unexamined: 1, remedy: LOOK_AGAIN });
    expect(found?.message).toBe("cannot tell whether hermes on a login shell's PATH is this shim");
    expect(loginPathChecks([{ name: "hermes", found: "/x", isShim: failure, shim: SHIM }])[0]).toMatchObject({
      unexamined: 1,
    });
    expect(loginPathChecks([{ name: "hermes", found: "/x", isShim: true, shim: failure }])[0]).toMatchObject({
      unexamined: 1,
    });
  });
});
