/** Root's drop: the way it takes (dropWay), which decide's plan and doctor's verdicts on the helpers both follow. */
import { describe, expect, it } from "vitest";
import { defaultsFor } from "../../../src/build/buildConfig.ts";
import type { Drop } from "../../../src/core/decide.ts";
import type { Failure } from "../../../src/core/failure.ts";
import type { Trust } from "../../../src/core/trust.ts";
import { dropWay } from "../../../src/root/core/drop.ts";

const config = defaultsFor("hermes");
const trusted: Trust = { ok: true, resolved: "/command/s6-setuidgid" };
const missing: Trust = { ok: false, missing: true, reason: "/command/s6-setuidgid does not exist" };
const groupsTrusted: Trust = { ok: true, resolved: "/command/s6-applyuidgid" };
const groupsMissing: Trust = { ok: false, missing: true, reason: "/command/s6-applyuidgid does not exist" };
const groupsWritable: Trust = { ok: false, missing: false, reason: "/command is writable by others (mode 0777)" };
const hermes = (over: Partial<Drop> = {}): Drop => ({
  uid: 10000,
  gid: 10000,
  groups: [{ gid: 10000, origin: "primary" }],
  groupsHelperTrust: groupsTrusted,
  ...over,
});

describe("the way the drop takes (dropWay): decide's choice, which doctor's verdicts on the helpers take too", () => {
  it("a known identity with a trusted groups helper drops by ids, whatever the helper", () => {
    expect(dropWay(config, hermes(), missing)).toEqual({ way: "drop-ids", drop: hermes() });
  });
  it("no identity, or no groups helper: the helper drops by name, saying what a missing groups helper loses", () => {
    expect(dropWay(config, undefined, trusted)).toEqual({ way: "drop-name" });
    const lost = hermes({ groupsHelperTrust: groupsMissing });
    expect(dropWay(config, lost, trusted)).toEqual({
      way: "drop-name",
      lost: { drop: lost, why: "/command/s6-applyuidgid does not exist" },
    });
  });
  it("neither can drop: the problem, or the failure that kept a helper from being examined", () => {
    expect(dropWay(config, hermes({ groupsHelperTrust: groupsWritable }), trusted)).toEqual({
      way: "refuse",
      problem: "will not trust /command/s6-applyuidgid: /command is writable by others (mode 0777)",
    });
    expect(dropWay(config, undefined, missing)).toEqual({
      way: "refuse",
      problem: "cannot drop to hermes: /command/s6-setuidgid does not exist",
    });
    const failure: Failure = { call: "statx", on: "/command", errno: 5, words: "Input/output error" };
    expect(dropWay(config, undefined, { ok: false, missing: false, reason: "x", unexamined: failure })).toEqual({
      way: "refuse",
      unable: failure,
    });
    const unexamined: Trust = { ok: false, missing: false, reason: "x", unexamined: failure };
    expect(dropWay(config, hermes({ groupsHelperTrust: unexamined }), trusted)).toEqual({
      way: "refuse",
      unable: failure,
    });
  });
});
