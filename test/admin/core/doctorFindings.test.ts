/** doctor's judgement of its gathered facts: the findings in the report's order, and what the last line counts. */
import { describe, expect, it } from "vitest";
import {
  type DoctorFacts,
  doctorFindings,
  type HomeFacts,
  sharedGroup,
} from "../../../src/admin/core/doctorFindings.ts";
import { emptyTree } from "../../../src/admin/core/supervision.ts";
import { nothingFound, type WalkResult } from "../../../src/admin/core/walkResult.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";
import type { Trust } from "../../../src/core/trust.ts";
import { account, failureOf, nodeMaker } from "./fixtures.ts";

const config = defaultsFor("hermes");
const trusted = (path: string): Trust => ({ ok: true, resolved: path });
const node = nodeMaker({ kind: "dir", uid: 10000, gid: 10000, mode: 0o040700 });

const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
  euid: 0,
  fix: false,
  shim: {
    path: "/opt/hermes/bin/hermes-exec-shim",
    mode: 0o100755,
    trust: trusted("/opt/hermes/bin/hermes-exec-shim"),
  },
  clis: config.commands.map((command) => ({ command, status: "ok" })),
  helperTrust: trusted(config.helper),
  groupsHelperTrust: trusted(config.groupsHelper),
  user: { account, groups: [{ gid: 10000, origin: "primary" }] },
  onPath: [],
  onLoginPath: [],
  venv: { executables: [], unlisted: [], failures: [] },
  path: "/usr/bin",
  pathDirTrust: new Map([["/usr/bin", trusted("/usr/bin")]]),
  boot: { dirTrust: trusted("/run/s6/container_environment"), imports: [] },
  caps: { euid: 0, effective: undefined, bounding: undefined },
  pid1: "s6-svscan",
  ...over,
});

const walkOf = (path: string, entries: number, sharing?: WalkResult["sharing"]): WalkResult => ({
  path,
  home: { kind: "dir", node: node(), changed: false, refused: false },
  entries,
  found: nothingFound(),
  ...(sharing ? { sharing } : {}),
});

const homes = (over: Partial<HomeFacts> = {}): HomeFacts => ({
  judged: account,
  walks: [{ tree: { path: "/opt/data", variable: null }, walk: walkOf("/opt/data", 7) }],
  etcGroup: undefined,
  runtime: { who: { uid: 10000, user: "hermes" }, checks: [] },
  split: { home: "/opt/data", homeHas: [], candidates: [] },
  supervision: undefined,
  ...over,
});

describe("doctorFindings", () => {
  it("without the runtime user: the installation's findings alone, nothing walked, judged as no one", () => {
    const verdict = doctorFindings(config, facts({ user: undefined, homes: homes() }));
    expect(verdict).toMatchObject({ walked: [], examined: 0, sharedWith: [], judgedAs: null });
    expect(verdict.findings.map((f) => f.check)).toContain("user");
    expect(verdict.findings.some((f) => f.check === "tree")).toBe(false);
  });

  it("the installation's findings first, in the report's order, then the homes'", () => {
    const { findings } = doctorFindings(config, facts({ homes: homes() }));
    const checks = findings.map((f) => f.check);
    expect(checks.indexOf("shim")).toBe(0);
    expect(checks.indexOf("cli")).toBeLessThan(checks.indexOf("path-dirs"));
    expect(checks.indexOf("path-dirs")).toBeLessThan(checks.indexOf("home"));
    expect(checks.indexOf("home")).toBeLessThan(checks.lastIndexOf("tree"));
  });

  it("counts each walk, names the walked homes, and says whom the drop's groups were judged for", () => {
    const second = { tree: { path: "/srv/h", variable: "HERMES_HOME" }, walk: walkOf("/srv/h", 3) };
    const verdict = doctorFindings(config, facts({ homes: homes({ walks: [...homes().walks, second] }) }));
    expect(verdict).toMatchObject({ examined: 10, walked: ["/opt/data", "HERMES_HOME /srv/h"] });
    expect(verdict.judgedAs).toEqual({
      user: "hermes",
      uid: 10000,
      groups: [{ gid: 10000, origin: "primary" }],
      gateway: null,
    });
  });

  it("run as an arbitrary uid, the walks judged as the caller: the header says so, with the groups it holds", () => {
    const caller = { name: "uid 12345", uid: 12345, gid: 0, groups: [0, 4242], home: "/opt/data" };
    const verdict = doctorFindings(config, facts({ euid: 12345, homes: homes({ judged: caller }) }));
    expect(verdict.judgedAs).toEqual({
      user: "the caller",
      uid: 12345,
      groups: [
        { gid: 0, origin: "primary" },
        { gid: 4242, origin: "granted" },
      ],
      gateway: null,
    });
  });

  it("a shared home names its group, as /etc/group lists it", () => {
    const sharing = { gid: 4242, mode: 0o2770 } as WalkResult["sharing"];
    const walks = [{ tree: { path: "/opt/data", variable: null }, walk: walkOf("/opt/data", 1, sharing) }];
    const etcGroup = new TextEncoder().encode("team:x:4242:\n");
    const verdict = doctorFindings(config, facts({ homes: homes({ walks, etcGroup }) }));
    expect(verdict.sharedWith).toEqual([{ home: "/opt/data", group: expect.stringContaining("team") }]);
  });

  it("the caller's own reach only where doctor runs as another uid", () => {
    const blocked = {
      who: { uid: 12345, groups: [0] },
      checks: [{ variable: null, path: "/opt/data", reach: { ok: false, blocks: "other", reason: "mode 0755" } }],
    } as HomeFacts["runtime"];
    const as12345 = doctorFindings(config, facts({ euid: 12345, homes: homes({ caller: blocked }) }));
    expect(as12345.findings.filter((f) => f.message.includes("which doctor runs as"))).toHaveLength(1);
    const asRoot = doctorFindings(config, facts({ homes: homes() }));
    expect(asRoot.findings.some((f) => f.message.includes("which doctor runs as"))).toBe(false);
  });
});

describe("doctorFindings: each finding from its own facts", () => {
  const missing = (path: string): Trust => ({ ok: false, missing: true, reason: `${path} does not exist` });
  const helper = (over: Partial<DoctorFacts>) =>
    doctorFindings(config, facts({ helperTrust: missing(config.helper), ...over })).findings.find(
      (f) => f.check === "helper",
    )?.status;

  it("a missing helper is only a note where root's calls drop through a trusted groups helper, for a known user", () => {
    expect(helper({})).toBe("note");
    expect(helper({ user: undefined })).toBe("problem");
    expect(helper({ groupsHelperTrust: missing(config.groupsHelper) })).toBe("problem");
  });

  it("each command's name on PATH", () => {
    const onPath = [{ name: "hermes", found: undefined, isShim: false, shim: "/opt/hermes/bin/hermes-exec-shim" }];
    const { findings } = doctorFindings(config, facts({ onPath }));
    expect(findings.filter((f) => f.check === "path").map((f) => f.message)).toEqual(["hermes is not on PATH"]);
  });

  it("a home that is no directory is not counted as walked, and has no tree findings", () => {
    const unusable: WalkResult = {
      path: "/opt/data",
      home: { kind: "unusable", reason: "does not exist", missing: true },
      entries: 0,
      found: nothingFound(),
    };
    const walks = [{ tree: { path: "/opt/data", variable: null }, walk: unusable }];
    const verdict = doctorFindings(config, facts({ homes: homes({ walks }) }));
    expect(verdict.walked).toEqual([]);
    expect(verdict.findings.some((f) => f.check === "tree")).toBe(false);
    expect(verdict.findings.find((f) => f.check === "home")?.status).toBe("problem");
  });

  it("a second home's tree: its own findings, named by its variable", () => {
    const walks = [{ tree: { path: "/srv/h", variable: "HERMES_HOME" }, walk: walkOf("/srv/h", 1) }];
    const { findings } = doctorFindings(config, facts({ homes: homes({ walks }) }));
    expect(findings.filter((f) => f.check === "tree").map((f) => f.message)).toEqual([
      "everything under HERMES_HOME /srv/h is hermes's or readable by hermes",
    ]);
  });

  it("s6's tree only where s6 supervises", () => {
    const supervision = emptyTree("/run/service");
    const checks = (over: Partial<HomeFacts>) =>
      doctorFindings(config, facts({ homes: homes(over) })).findings.filter((f) => f.check === "supervision");
    expect(checks({}).length).toBe(0);
    expect(checks({ supervision }).length).toBeGreaterThan(0);
  });
});

describe("doctorFindings: a tree judged for the uid doctor runs as (issue 44)", () => {
  it("the trees' findings name whom they were judged for; the home's own stays the runtime user's", () => {
    const caller = { name: "uid 12345", uid: 12345, gid: 0, groups: [0], home: "/opt/data" };
    const { findings } = doctorFindings(config, facts({ euid: 12345, homes: homes({ judged: caller }) }));
    expect(findings.find((f) => f.check === "home")?.message).toBe(
      "the home /opt/data exists and hermes can write to it",
    );
    expect(findings.filter((f) => f.check === "tree").map((f) => f.message)).toEqual([
      "everything under /opt/data is uid 12345's or readable by uid 12345",
    ]);
  });
});

describe("sharedGroup", () => {
  it("the entry /etc/group has, none where it lists none, the failure where it could not be read", () => {
    expect(sharedGroup(7, new TextEncoder().encode("seven:x:7:a,b\n")).entry).toMatchObject({ name: "seven" });
    expect(sharedGroup(8, new TextEncoder().encode("seven:x:7:\n")).entry).toBeUndefined();
    const lost = failureOf("read", "/etc/group");
    expect(sharedGroup(7, lost).entry).toBe(lost);
    expect(sharedGroup(7, undefined).entry).toBeUndefined();
  });
});
