/** contract §16: a home split off the gateway's, named with what it holds and the way back. */
import { describe, expect, it } from "vitest";
import { failureItem, LOOK_AGAIN } from "../../../src/admin/core/finding.ts";
import { splitHomeChecks, splitHomeName } from "../../../src/admin/core/splitHome.ts";
import { failureOf } from "./fixtures.ts";

const candidate = (
  path: string,
  under: string,
  held: string[],
  unexamined = [] as ReturnType<typeof failureItem>[],
) => ({
  path,
  under,
  held,
  unexamined,
});

describe("a split home", () => {
  it("the directory is the CLI's own name, dotted, as $HOME/.hermes", () => {
    expect(splitHomeName("hermes")).toBe(".hermes");
    expect(splitHomeName("acme-bot")).toBe(".acme-bot");
  });
  it("nothing held: nothing said", () => {
    expect(splitHomeChecks("hermes", "/opt/data", [], [candidate("/root/.hermes", "root's home /root", [])])).toEqual(
      [],
    );
  });
  it("state under root's home: a problem naming it, what the gateway's home has too, and the way back", () => {
    expect(
      splitHomeChecks(
        "hermes",
        "/opt/data",
        ["config.yaml", "skills"],
        [candidate("/root/.hermes", "root's home /root", ["auth.json", "config.yaml"])],
      ),
    ).toEqual([
      {
        check: "home",
        status: "problem",
        message:
          "/root/.hermes, under root's home /root, holds the hermes CLI's state (auth.json and config.yaml), which the " +
          "gateway never reads: a session without HERMES_HOME wrote it there; /opt/data has config.yaml too, which the copy keeps",
        remedy:
          "bring back what /opt/data lacks: cp -an /root/.hermes/. /opt/data/ (never overwrites), merge config.yaml by hand, " +
          "run hermes-exec-shim doctor --fix as root, then remove /root/.hermes; doctor --fix never merges it by itself",
        items: [],
      },
    ]);
  });
  it("a directory both have is merged by the copy: only files are merged by hand", () => {
    const [found] = splitHomeChecks(
      "hermes",
      "/opt/data",
      ["skills", "sessions", ".env"],
      [candidate("/root/.hermes", "root's home /root", ["skills", "sessions", ".env", "profiles"])],
    );
    expect(found?.message).toContain("; /opt/data has skills, sessions and .env too, which the copy keeps");
    expect(found?.remedy).toContain("(never overwrites), merge .env by hand, run");
    const [dirs] = splitHomeChecks(
      "hermes",
      "/opt/data",
      ["skills"],
      [candidate("/root/.hermes", "root's home /root", ["skills"])],
    );
    expect(dirs?.remedy).toContain("(never overwrites), run hermes-exec-shim doctor --fix");
    const [auth] = splitHomeChecks(
      "hermes",
      "/opt/data",
      ["auth.json"],
      [candidate("/root/.hermes", "root's home /root", ["auth.json"])],
    );
    expect(auth?.remedy).toContain("(never overwrites), merge auth.json by hand, run");
  });
  it("nothing in common: no merge to do by hand", () => {
    const [found] = splitHomeChecks(
      "hermes",
      "/opt/data",
      [],
      [candidate("/opt/data/.hermes", "the gateway's home /opt/data", ["auth.json"])],
    );
    expect(found?.message).toBe(
      "/opt/data/.hermes, under the gateway's home /opt/data, holds the hermes CLI's state (auth.json), which the " +
        "gateway never reads: a session without HERMES_HOME wrote it there",
    );
    expect(found?.remedy).toBe(
      "bring back what /opt/data lacks: cp -an /opt/data/.hermes/. /opt/data/ (never overwrites), run hermes-exec-shim " +
        "doctor --fix as root, then remove /opt/data/.hermes; doctor --fix never merges it by itself",
    );
  });
  it("a fork's variable and admin name", () => {
    const [found] = splitHomeChecks("acme", "/srv", [], [candidate("/root/.acme", "root's home /root", ["skills"])]);
    expect(found?.message).toContain("a session without ACME_HOME wrote it there");
    expect(found?.remedy).toContain("run acme-exec-shim doctor --fix as root");
  });
  it("what could not be examined is told, and counted, beside what was", () => {
    const lost = failureItem("/root/.hermes/sessions", failureOf("statx", "/root/.hermes/sessions", 5));
    const found = splitHomeChecks(
      "hermes",
      "/opt/data",
      [],
      [candidate("/root/.hermes", "root's home /root", ["auth.json"], [lost])],
    );
    expect(found.map((f) => f.status)).toEqual(["problem", "problem"]);
    expect(found[0]).toMatchObject({
      check: "home",
      message: "cannot tell whether /root/.hermes holds the hermes CLI's state",
      remedy: LOOK_AGAIN,
      items: [lost],
      unexamined: 1,
    });
  });
});
