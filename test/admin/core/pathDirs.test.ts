import { describe, expect, it } from "vitest";
import { LOOK_AGAIN } from "../../../src/admin/core/finding.ts";
import { pathDirChecks } from "../../../src/admin/core/pathDirs.ts";
import type { Trust } from "../../../src/core/trust.ts";
import { failureOf } from "./fixtures.ts";

const weak: Record<string, string> = {
  "/opt/data/.local/bin": "/opt/data is owned by uid 10000, not root",
  "/opt/hermes/.venv/bin": "/opt/hermes/.venv is owned by uid 10000, not root",
};
const trustOf = (dir: string): Trust =>
  weak[dir] ? { ok: false, missing: false, reason: weak[dir] } : { ok: true, resolved: dir };

describe("pathDirChecks", () => {
  it("one ok when every directory is root-only", () => {
    expect(pathDirChecks("/opt/hermes/bin:/usr/bin:/bin:/usr/bin", trustOf)).toEqual([
      {
        check: "path-dirs",
        status: "ok",
        message: "every directory on PATH is root-only (3 checked)",
        remedy: null,
        items: [],
      },
    ]);
  });

  it("a problem for every directory anyone but root can write, and for a relative entry", () => {
    const found = pathDirChecks("/opt/data/.local/bin:/opt/hermes/bin:/opt/hermes/.venv/bin::/usr/bin", trustOf);
    expect(found.map((f) => f.status)).toEqual(["problem", "problem", "problem"]);
    expect(found[0]?.message).toBe(
      "/opt/data/.local/bin on PATH is not root-only: /opt/data is owned by uid 10000, not root; whoever can write there can plant a command that runs as root under docker exec, the shell included",
    );
    expect(found[0]?.remedy).toContain("take /opt/data/.local/bin off PATH in the image's ENV PATH");
    expect(found[1]?.message).toContain("/opt/hermes/.venv/bin on PATH is not root-only");
    expect(found[2]?.message).toContain('PATH holds "", which is relative');
  });

  it("a PATH that is not set is a note", () => {
    expect(pathDirChecks(undefined, trustOf)).toMatchObject([{ status: "note" }]);
  });
});

describe("a directory on PATH a failed call kept from being examined (contract §13)", () => {
  it("is never counted among those root-only: a problem naming the failure, not examined", () => {
    const lost = failureOf("statx", "/usr");
    const trust = (dir: string): Trust =>
      dir === "/usr/bin" ? { ok: false, missing: false, reason: "r", unexamined: lost } : { ok: true, resolved: dir };
    expect(pathDirChecks("/usr/bin:/bin", trust)).toEqual([
      {
        check: "path-dirs",
        status: "problem",
        message: "cannot tell whether /usr/bin on PATH is root-only",
        remedy: LOOK_AGAIN,
        items: [{ path: "/usr", detail: "unable to statx /usr: Input/output error" }],
        count: 1,
        unexamined: 1,
      },
    ]);
  });
});
