import { describe, expect, it } from "vitest";
import { auxvSecure, hasCap, missingDropCaps, parseCapEff, privilegedStart } from "../../src/core/privilege.ts";

const STATUS = `Name:\thermes
Umask:\t0022
Uid:\t0\t0\t0\t0
CapInh:\t0000000000000000
CapPrm:\t00000000a80425fb
CapEff:\t00000000a80425fb
CapBnd:\t00000000a80425fb
`;

describe("parseCapEff", () => {
  it("reads docker's default set, which has SETUID (7) and SETGID (6)", () => {
    const mask = parseCapEff(STATUS) as bigint;
    expect(mask).toBe(0xa80425fbn);
    expect(hasCap(mask, 7) && hasCap(mask, 6)).toBe(true);
    expect(missingDropCaps(mask)).toEqual([]);
  });
  it("--cap-drop ALL", () => {
    expect(missingDropCaps(parseCapEff("CapEff:\t0000000000000000\n"))).toEqual(["CAP_SETUID", "CAP_SETGID"]);
  });
  it("rejects what is not there or not hex", () => {
    expect(parseCapEff("Name:\tx\n")).toBeUndefined();
    expect(parseCapEff("CapEff:\t\n")).toBeUndefined();
    expect(parseCapEff("CapEff:\t00zz\n")).toBeUndefined();
    expect(parseCapEff("XCapEff:\t1\n")).toBeUndefined();
    expect(missingDropCaps(undefined)).toBeUndefined();
  });
});

function auxv(pairs: [number, number][]): Uint8Array {
  const view = new DataView(new ArrayBuffer(pairs.length * 16));
  pairs.forEach(([t, v], i) => {
    view.setBigUint64(i * 16, BigInt(t), true);
    view.setBigUint64(i * 16 + 8, BigInt(v), true);
  });
  return new Uint8Array(view.buffer);
}

describe("auxvSecure", () => {
  it("finds AT_SECURE (23)", () => {
    expect(
      auxvSecure(
        auxv([
          [6, 4096],
          [23, 1],
          [0, 0],
        ]),
      ),
    ).toBe(true);
    expect(
      auxvSecure(
        auxv([
          [23, 0],
          [0, 0],
        ]),
      ),
    ).toBe(false);
  });
  it("unknown when absent, truncated or after AT_NULL", () => {
    expect(
      auxvSecure(
        auxv([
          [6, 4096],
          [0, 0],
          [23, 1],
        ]),
      ),
    ).toBeUndefined();
    expect(auxvSecure(new Uint8Array(8))).toBeUndefined();
  });
});

describe("privilegedStart", () => {
  it("an ordinary start", () => {
    expect(privilegedStart({ ruid: 0, euid: 0, rgid: 0, egid: 0, secure: false })).toBeUndefined();
    expect(privilegedStart({ ruid: 10000, euid: 10000, rgid: 10000, egid: 10000, secure: false })).toBeUndefined();
  });
  it.each([
    [{ ruid: 10000, euid: 0, rgid: 10000, egid: 10000, secure: true }, "real uid 10000 but effective uid 0"],
    [{ ruid: 10000, euid: 10000, rgid: 10000, egid: 0, secure: true }, "real gid 10000 but effective gid 0"],
    [{ ruid: 0, euid: 0, rgid: 0, egid: 0, secure: true }, "secure-execution"],
    [{ ruid: 0, euid: 0, rgid: 0, egid: 0, secure: undefined }, "AT_SECURE unreadable"],
  ])("%j", (started, why) => {
    expect(privilegedStart(started)).toContain(why);
  });
});

describe("parseCapEff: only a mask the kernel could write", () => {
  it.each([
    ["every digit", "0123456789abcdef", 0x0123456789abcdefn],
    ["upper case", "00000000A80425FB", 0xa80425fbn],
    ["a nine last", "0000000000000009", 9n],
  ])("%s", (_, text, mask) => {
    expect(parseCapEff(`CapEff:\t${text}\n`)).toBe(mask);
  });

  it.each([
    ["17 digits", "10000000000000000"],
    ["a slash", "00000000a80425f/"],
    ["a colon", "00000000a80425f:"],
    ["a g", "00000000a80425fg"],
    ["a backquote", "00000000a80425f`"],
  ])("%s: unknown", (_, text) => {
    expect(parseCapEff(`CapEff:\t${text}\n`)).toBeUndefined();
  });
});

describe("auxvSecure: every entry read, none past the end", () => {
  it("AT_SECURE as the last entry, with no AT_NULL after it", () => {
    expect(
      auxvSecure(
        auxv([
          [6, 4096],
          [23, 1],
        ]),
      ),
    ).toBe(true);
  });

  it("no AT_SECURE and no AT_NULL: unknown", () => {
    expect(auxvSecure(auxv([[6, 4096]]))).toBeUndefined();
  });

  it("read where the bytes sit inside a larger buffer", () => {
    const whole = new Uint8Array(8 + 32);
    whole.set(
      auxv([
        [23, 1],
        [0, 0],
      ]),
      8,
    );
    expect(auxvSecure(whole.subarray(8))).toBe(true);
  });
});
