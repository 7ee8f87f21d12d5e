import { describe, expect, it } from "vitest";
import {
  byPath,
  describeNode,
  doctorReport,
  doctorText,
  type Finding,
  failureItem,
  findingFor,
  LOOK_AGAIN,
  PERMISSION_REFUSED,
  unexaminedFinding,
  unexaminedRemedy,
} from "../../../src/admin/core/finding.ts";
import { failureOf } from "./fixtures.ts";

const ok: Finding = { check: "cli", status: "ok", message: "the CLI is fine", remedy: null, items: [] };
const many: Finding = {
  check: "tree",
  status: "problem",
  message: "25 entries are bad",
  remedy: "fix them",
  items: Array.from({ length: 25 }, (_, i) => ({ path: `/opt/data/f${i}`, detail: "file" })),
};

describe("doctor's report", () => {
  it("is healthy only without problems; notes do not count", () => {
    const note: Finding = { ...ok, status: "note" };
    expect(doctorReport("/opt/data", ["/opt/data"], false, 3, [ok, note], null).healthy).toBe(true);
    expect(doctorReport("/opt/data", ["/opt/data"], false, 3, [ok, many], null).healthy).toBe(false);
  });

  it("text: one line per finding, items capped, remedy last, verdict at the end", () => {
    const text = doctorText("hermes", doctorReport("/opt/data", ["/opt/data"], true, 12345, [ok, many], null));
    const lines = text.split("\n");
    expect(lines[0]).toBe("hermes-exec-shim doctor --fix");
    expect(lines[1]).toBe("ok       the CLI is fine");
    expect(lines[2]).toBe("PROBLEM  25 entries are bad");
    expect(lines[3]).toBe("           /opt/data/f0 (file)");
    expect(text).toContain("           /opt/data/f19 (file)\n           … and 5 more\n");
    expect(text).not.toContain("/opt/data/f20");
    expect(text).toContain("         remedy: fix them\n");
    expect(text.endsWith("12,345 entries examined under /opt/data: 1 problem\n")).toBe(true);
  });

  it("a tally's finding: its examples, and the rest counted", () => {
    const tallied: Finding = { ...many, items: many.items.slice(0, 3), count: 1_000_000 };
    const text = doctorText("hermes", doctorReport("/opt/data", ["/opt/data"], false, 1_000_001, [tallied], null));
    expect(text).toContain("           /opt/data/f2 (file)\n           … and 999,997 more\n");
  });

  it("names every tree it walked", () => {
    const report = doctorReport("/opt/data", ["/opt/data", "HERMES_HOME /srv/state"], false, 7, [ok], null);
    expect(doctorText("hermes", report)).toContain(
      "7 entries examined under /opt/data and HERMES_HOME /srv/state: healthy\n",
    );
  });

  it("says healthy when it is", () => {
    expect(doctorText("hermes", doctorReport("/opt/data", ["/opt/data"], false, 1, [ok], null))).toContain(
      "1 entry examined under /opt/data: healthy\n",
    );
  });

  it("counts what its findings say was not examined, in JSON and on the last line", () => {
    const skipped: Finding = { ...ok, status: "note", message: "not examined", unexamined: 2 };
    const clean = doctorReport("/opt/data", ["/opt/data"], false, 4, [ok, skipped], null);
    expect(clean).toMatchObject({ healthy: true, unexamined: 2 });
    expect(doctorText("hermes", clean)).toContain(
      "4 entries examined under /opt/data: no problem in what was examined, 2 parts not examined\n",
    );
    const one = doctorReport("/opt/data", ["/opt/data"], false, 4, [many, { ...skipped, unexamined: 1 }], null);
    expect(doctorText("hermes", one)).toContain("4 entries examined under /opt/data: 1 problem, 1 part not examined\n");
    expect(doctorReport("/opt/data", ["/opt/data"], false, 4, [ok], null).unexamined).toBe(0);
  });
});

describe("the identity doctor judged with (contract §11)", () => {
  it("is named under the first line, every group with where it came from; --json has it too", () => {
    const judgedAs = {
      user: "hermes",
      uid: 10000,
      groups: [
        { gid: 10000, origin: "primary" as const },
        { gid: 2000, origin: "granted" as const },
      ],
      gateway: null,
    };
    const report = doctorReport("/opt/data", ["/opt/data"], false, 1, [], judgedAs);
    expect(report.judgedAs).toEqual(judgedAs);
    expect(doctorText("hermes", report).split("\n").slice(0, 2)).toEqual([
      "hermes-exec-shim doctor",
      "judged as hermes (uid 10000) with groups 10000 (primary group), 2000 (granted by the container runtime)",
    ]);
  });
  it("contract §14: the same line names each group a walked home is shared with", () => {
    const judgedAs = {
      user: "hermes",
      uid: 10000,
      groups: [{ gid: 10000, origin: "primary" as const }],
      gateway: null,
    };
    const shared = [{ home: "/opt/data", group: "group hermes (gid 10000, member alice)" }];
    const report = doctorReport("/opt/data", ["/opt/data"], false, 1, [], judgedAs, shared);
    expect(report.sharedWith).toEqual(shared);
    expect(doctorText("hermes", report).split("\n")[1]).toBe(
      "judged as hermes (uid 10000) with groups 10000 (primary group), and for group hermes (gid 10000, member alice), which /opt/data is shared with",
    );
    expect(doctorReport("/opt/data", [], false, 1, [], judgedAs).sharedWith).toEqual([]);
    const two = [...shared, { home: "HERMES_HOME /srv", group: "group 2000 (not in /etc/group)" }];
    expect(doctorText("hermes", doctorReport("/opt/data", [], false, 1, [], judgedAs, two)).split("\n")[1]).toBe(
      "judged as hermes (uid 10000) with groups 10000 (primary group), and for group hermes (gid 10000, member alice), " +
        "which /opt/data is shared with, and for group 2000 (not in /etc/group), which HERMES_HOME /srv is shared with",
    );
  });
  it("with the running gateway's groups (contract §15): the line says whose they are; none running, nothing more", () => {
    const judgedAs = {
      user: "hermes",
      uid: 10000,
      groups: [{ gid: 10000, origin: "primary" as const }],
      gateway: { pids: [57, 112], withheld: [4242] },
    };
    const second = (gateway: typeof judgedAs.gateway) =>
      doctorText("hermes", doctorReport("/opt/data", [], false, 1, [], { ...judgedAs, gateway })).split("\n")[1];
    expect(second(judgedAs.gateway)).toBe(
      "judged as hermes (uid 10000) with groups 10000 (primary group), as the running gateway holds them (pids 57, 112)",
    );
    expect(second({ pids: [], withheld: [] })).toBe("judged as hermes (uid 10000) with groups 10000 (primary group)");
  });
  it("without the runtime user there is no such line", () => {
    const report = doctorReport("/opt/data", ["/opt/data"], false, 1, [], null);
    expect(doctorText("hermes", report)).not.toContain("judged as");
  });
});

describe("doctor's text: every label, the verdict's count, the trees named", () => {
  it("without --fix, each status under its label, two problems counted, the home named when no tree was walked", () => {
    const findings: Finding[] = [
      { ...ok, status: "fixed", message: "gave it back" },
      { ...ok, status: "note", message: "worth a look" },
      { ...ok, status: "problem", message: "one" },
      { ...ok, status: "problem", message: "two" },
    ];
    expect(doctorText("hermes", doctorReport("/opt/data", [], false, 2, findings, null))).toBe(
      "hermes-exec-shim doctor\n" +
        "fixed    gave it back\n" +
        "note     worth a look\n" +
        "PROBLEM  one\n" +
        "PROBLEM  two\n" +
        "2 entries examined under /opt/data: 2 problems\n",
    );
  });
});

describe("describeNode", () => {
  it("names each kind", () => {
    const node = { uid: 0, gid: 0, nlink: 1, dev: "0:1", mountRoot: false };
    expect(describeNode({ ...node, kind: "symlink", mode: 0o120777 })).toBe("symlink, uid 0 gid 0, mode 0777");
    expect(describeNode({ ...node, kind: "other", mode: 0o020600 })).toBe("special file, uid 0 gid 0, mode 0600");
  });
});

describe("byPath", () => {
  it("orders by path, and equal paths as equal", () => {
    const a = { path: "/a", detail: "" };
    const b = { path: "/b", detail: "" };
    expect([byPath(a, b), byPath(b, a), byPath(a, { ...a })]).toEqual([-1, 1, 0]);
  });
});

describe("findingFor", () => {
  it("makes one check's findings: no remedy and no items unless given, counts only where given", () => {
    const finding = findingFor("tree");
    expect(finding("ok", "fine")).toStrictEqual({
      check: "tree",
      status: "ok",
      message: "fine",
      remedy: null,
      items: [],
    });
    const items = [{ path: "/opt/data/a", detail: "file" }];
    expect(finding("note", "many", "look", items, { count: 3, unexamined: 3 })).toStrictEqual({
      check: "tree",
      status: "note",
      message: "many",
      remedy: "look",
      items,
      count: 3,
      unexamined: 3,
    });
  });
});

describe("parts a failed call kept doctor from examining (contract §13)", () => {
  const item = failureItem("/opt/data/x", failureOf("statx", "/opt/data/x"));

  it("an item names the path and the failure in the C library's words", () => {
    expect(item).toEqual({ path: "/opt/data/x", detail: "unable to statx /opt/data/x: Input/output error" });
  });

  it("one finding: a problem, every part counted as not examined, with what to do", () => {
    expect(unexaminedFinding("tree", "lost", [item])).toStrictEqual({
      check: "tree",
      status: "problem",
      message: "lost",
      remedy: LOOK_AGAIN,
      items: [item],
      count: 1,
      unexamined: 1,
    });
    expect(unexaminedFinding("tree", "lost", [item], 40)).toMatchObject({ count: 40, unexamined: 40 });
  });

  it("the report is never healthy beside it, and its last line never says so: doctor exits 1", () => {
    const report = doctorReport(
      "/opt/data",
      ["/opt/data"],
      false,
      1,
      [ok, unexaminedFinding("tree", "lost", [item])],
      null,
    );
    expect(report).toMatchObject({ healthy: false, unexamined: 1 });
    expect(doctorText("hermes", report)).toContain(
      "1 entry examined under /opt/data: 1 problem, 1 part not examined\n",
    );
  });
});

describe("unexaminedRemedy", () => {
  const item = (permission: boolean) => ({
    path: "/x",
    detail: "d",
    ...(permission ? { permission: true as const } : {}),
  });
  it("a disk's remedy only where no permission refused; a permission's where all did; both where mixed", () => {
    expect(unexaminedRemedy([item(false)])).toBe(LOOK_AGAIN);
    expect(unexaminedRemedy([item(true), item(true)])).toBe(PERMISSION_REFUSED);
    expect(unexaminedRemedy([item(true), item(false)])).toBe(
      `where the error is a permission: ${PERMISSION_REFUSED}; for the others: ${LOOK_AGAIN}`,
    );
    expect(PERMISSION_REFUSED).not.toMatch(/disk|NFS|FUSE|flaky/);
  });
  it("failureItem marks EACCES and EPERM, and nothing else", () => {
    expect(failureItem("/a", failureOf("openat", "/a", 13))).toEqual({
      path: "/a",
      detail: "unable to openat /a: Permission denied",
      permission: true,
    });
    expect(failureItem("/a", failureOf("openat", "/a", 1)).permission).toBe(true);
    expect(failureItem("/a", failureOf("openat", "/a"))).toEqual({
      path: "/a",
      detail: "unable to openat /a: Input/output error",
    });
  });
});
