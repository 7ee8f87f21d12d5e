/** What each capability the container lacks stops, and PID 1 when it is not s6's scanner. */
import { describe, expect, it } from "vitest";
import {
  type Capabilities,
  capabilityChecks,
  fixLacking,
  initCheck,
  MINIMAL_CAPS_TEXT,
} from "../../../src/admin/core/capabilities.ts";
import { LOOK_AGAIN } from "../../../src/admin/core/finding.ts";
import { defaultsFor } from "../../../src/build/buildConfig.ts";
import { failureOf } from "./fixtures.ts";

const config = defaultsFor("hermes");
/** Docker's default set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP. */
const DOCKER = 0xa80425fbn;
const bit = (n: number) => 1n << BigInt(n);
const caps = (euid: number, effective: bigint | undefined, bounding = effective): Capabilities => ({
  euid,
  effective,
  bounding,
});
const shown = (c: Capabilities) => capabilityChecks(config, c).map((f) => [f.check, f.status, f.message]);

describe("capabilityChecks", () => {
  it("Docker's default set, or the least a pod needs: nothing to say", () => {
    expect(capabilityChecks(config, caps(0, DOCKER))).toEqual([]);
    const least = bit(7) | bit(6) | bit(0) | bit(3) | bit(2);
    expect(capabilityChecks(config, caps(0, least))).toEqual([]);
    expect(capabilityChecks(config, caps(0, least & ~bit(2)))).toHaveLength(1);
  });

  it("--cap-drop ALL, as root: every root call refuses (a problem), --fix cannot hand over, doctor cannot look inside", () => {
    const found = capabilityChecks(config, caps(0, 0n));
    expect(found.map((f) => [f.status, f.message])).toEqual([
      [
        "problem",
        "root here lacks CAP_SETUID and CAP_SETGID: every call of hermes as root refuses (exit 126); as hermes it runs",
      ],
      ["note", "root here lacks CAP_CHOWN and CAP_FOWNER: doctor --fix cannot hand files over to hermes"],
      [
        "note",
        "root here lacks CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: doctor cannot look inside hermes's private directories, and counts each it could not enter as not examined, for that reason",
      ],
    ]);
    expect(found[0]?.remedy).toBe(
      `add SETUID and SETGID (docker run --cap-add SETUID --cap-add SETGID; ${MINIMAL_CAPS_TEXT}), or run the container as hermes (runAsUser)`,
    );
    // Root cannot become hermes here: only the engine's own exec can.
    expect(found[2]?.remedy).toBe(
      `run doctor as hermes for those (docker exec --user hermes … hermes-exec-shim doctor), or add DAC_READ_SEARCH (${MINIMAL_CAPS_TEXT})`,
    );
    const dropOnly = capabilityChecks(config, caps(0, bit(6) | bit(7)));
    expect(dropOnly.map((f) => f.status)).toEqual(["note", "note"]);
    expect(dropOnly[1]?.remedy).toBe(
      `run doctor as hermes for those (\`/command/s6-setuidgid hermes hermes-exec-shim doctor\`, which works under kubectl exec too), or add DAC_READ_SEARCH (${MINIMAL_CAPS_TEXT})`,
    );
    expect(MINIMAL_CAPS_TEXT).toBe(
      "securityContext.capabilities: drop [ALL], add [SETUID, SETGID] for the drop and the relay, and [CHOWN, FOWNER, DAC_READ_SEARCH] as well for doctor --fix",
    );
  });

  it("each missing one alone", () => {
    expect(shown(caps(0, DOCKER & ~bit(7)))).toEqual([
      ["capabilities", "problem", expect.stringMatching(/^root here lacks CAP_SETUID: /)],
    ]);
    expect(shown(caps(0, DOCKER & ~bit(6)))).toEqual([
      ["capabilities", "problem", expect.stringMatching(/^root here lacks CAP_SETGID: /)],
    ]);
    expect(shown(caps(0, DOCKER & ~bit(0)))).toEqual([
      ["capabilities", "note", expect.stringMatching(/^root here lacks CAP_CHOWN: doctor --fix/)],
    ]);
    expect(shown(caps(0, DOCKER & ~bit(3)))).toEqual([
      ["capabilities", "note", expect.stringMatching(/^root here lacks CAP_FOWNER: doctor --fix/)],
    ]);
    // Either DAC capability lets root's walk in: Docker's default holds DAC_OVERRIDE alone.
    expect(shown(caps(0, DOCKER & ~bit(1)))).toEqual([
      ["capabilities", "note", expect.stringMatching(/^root here lacks CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: /)],
    ]);
    expect(shown(caps(0, (DOCKER & ~bit(1)) | bit(2)))).toEqual([]);
  });

  it("as another user: judged by the bounding set, and nothing about root's walk", () => {
    expect(shown(caps(10000, 0n, 0n)).map((f) => f[2])).toEqual([
      "this container (its bounding set) lacks CAP_SETUID and CAP_SETGID: every call of hermes as root refuses (exit 126); as hermes it runs",
      "this container (its bounding set) lacks CAP_CHOWN and CAP_FOWNER: doctor --fix cannot hand files over to hermes",
    ]);
    expect(capabilityChecks(config, caps(10000, 0n, DOCKER))).toEqual([]);
    expect(capabilityChecks(config, caps(0, DOCKER, 0n))).toEqual([]);
  });

  it("without the rows: nothing claimed", () => {
    expect(capabilityChecks(config, caps(0, undefined, DOCKER))).toEqual([]);
    expect(capabilityChecks(config, caps(10000, DOCKER, undefined))).toEqual([]);
  });
});

describe("fixLacking", () => {
  it("root's missing CHOWN and FOWNER, which --fix's refusals are then told by; none for another user", () => {
    expect(fixLacking(caps(0, 0n))).toEqual(["CHOWN", "FOWNER"]);
    expect(fixLacking(caps(0, DOCKER & ~bit(3)))).toEqual(["FOWNER"]);
    expect(fixLacking(caps(0, DOCKER))).toEqual([]);
    expect(fixLacking(caps(0, undefined))).toEqual([]);
    expect(fixLacking(caps(10000, 0n))).toEqual([]);
  });
});

describe("initCheck", () => {
  it("s6's scanner as PID 1: nothing to say", () => {
    expect(initCheck("s6-svscan\n")).toEqual([]);
  });
  it.each(["tini", "docker-init", "sleep", "python3"])("PID 1 %s: one line, the drop works, no services", (comm) => {
    expect(initCheck(`${comm}\n`)).toEqual([
      {
        check: "supervision",
        status: "note",
        message: `PID 1 is ${comm}, not s6-svscan: no supervision tree here; the drop works, and services cannot be managed from the CLI`,
        remedy: null,
        items: [],
      },
    ]);
  });
  it("/proc/1/comm unreadable: not examined, a problem, with the failure (contract §13)", () => {
    expect(initCheck(failureOf("read", "/proc/1/comm"))).toEqual([
      {
        check: "supervision",
        status: "problem",
        message: "cannot tell what runs as PID 1",
        remedy: LOOK_AGAIN,
        items: [{ path: "/proc/1/comm", detail: "unable to read /proc/1/comm: Input/output error" }],
        count: 1,
        unexamined: 1,
      },
    ]);
  });
});
