/** contract §16: the CLI's home, whatever environment the session starts with, on the pure rule. */
import { describe, expect, it } from "vitest";
import { defaultsFor } from "../../src/build/buildConfig.ts";
import { BOOT_ENV_DIR, type BootFile } from "../../src/core/bootEnv.ts";
import { bytes } from "../../src/core/bytes.ts";
import { cliHome, isBlank } from "../../src/core/cliHome.ts";
import { gathered } from "../../src/core/lazy.ts";
import type { Trust } from "../../src/core/trust.ts";

import { bootFile } from "./given.ts";

const config = defaultsFor("hermes");
const PATH = `${BOOT_ENV_DIR}/HERMES_HOME`;
const rootsDir: Trust = { ok: true, resolved: BOOT_ENV_DIR };
const boot = (dir: Trust = rootsDir) => ({ dirTrust: gathered(dir), target: () => ({ kind: "missing" as const }) });
/** The caller's value, with the boot's file where it is blank, as src/sys/facts.ts homeFact gathers them. */
const home = (given: string | Uint8Array | undefined, file?: BootFile, dir?: Trust) => {
  const value = typeof given === "string" ? bytes(given) : given;
  return cliHome(
    config,
    value !== undefined && !isBlank(value) ? { given: value } : { given: value, file: file ?? { kind: "missing" } },
    boot(dir),
  );
};

describe("blank: unset, empty, or only what Python's str.strip() strips", () => {
  it.each([
    ["unset", undefined],
    ["empty", ""],
    ["spaces", "   "],
    ["tabs and newlines", "\t\n\r\v\f "],
    ["the C0 separators Python counts", "\x1c\x1d\x1e\x1f"],
    ["U+0085 and no-break space", "\u0085\u00a0"],
    ["the Unicode spaces", "\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"],
  ])("%s is blank", (_, value) => {
    expect(isBlank(value === undefined ? undefined : bytes(value))).toBe(true);
  });
  it.each([
    ["a path", "/opt/data"],
    ["a path with blanks around it", "  /opt/data "],
    ["a relative name", "x"],
    ["U+FEFF, which JavaScript's \\s counts and Python does not", "\ufeff"],
    ["U+200B, zero width and no space in Python", "\u200b"],
    ["a NUL-free control character", "\x01"],
  ])("%s is not", (_, value) => {
    expect(isBlank(bytes(value))).toBe(false);
  });
  it("bytes that are not UTF-8 are not blank (Python keeps them as surrogates)", () => {
    expect(isBlank(new Uint8Array([0x20, 0xff]))).toBe(false);
  });
});

describe("the caller's value is kept as it is", () => {
  it("a path, even with blanks around it, and nothing of the boot's is looked at", () => {
    expect(home(" /srv/state", bootFile("/opt/data"))).toEqual({
      variable: "HERMES_HOME",
      value: bytes(" /srv/state"),
      source: "caller",
    });
  });
  it("a fork's variable is NAME_HOME", () => {
    const fork = { ...defaultsFor("acme-bot"), home: "/var/lib/acme" };
    expect(cliHome(fork, { given: undefined, file: { kind: "missing" } }, boot())).toMatchObject({
      variable: "ACME_BOT_HOME",
      value: bytes("/var/lib/acme"),
      source: "build",
    });
  });
});

describe("a blank value gets the boot's, under §15's rules", () => {
  it.each([
    ["unset", undefined],
    ["empty", ""],
    ["blank", " \t"],
  ])("%s: the boot's value, and where it came from", (_, given) => {
    expect(home(given, bootFile("/srv/hermes"))).toEqual({
      variable: "HERMES_HOME",
      value: bytes("/srv/hermes"),
      source: "boot",
      boot: { name: "HERMES_HOME", value: bytes("/srv/hermes"), from: PATH },
    });
  });
  it("a file someone else could have written: the build's, and the boot's verdict told", () => {
    expect(home(undefined, bootFile("/tmp/evil", { uid: 10000 }))).toEqual({
      variable: "HERMES_HOME",
      value: bytes("/opt/data"),
      source: "build",
      boot: { name: "HERMES_HOME", not: `${PATH} is owned by uid 10000, not root`, warned: true },
    });
  });
  it("a directory someone else could write: the build's", () => {
    const dir: Trust = { ok: false, missing: false, reason: "/run/s6 is writable by others (mode 0777)" };
    expect(home(undefined, bootFile("/tmp/evil"), dir)).toMatchObject({ source: "build", boot: { warned: true } });
  });
  it("no file (no s6-overlay, or the boot never set it): the build's, quietly", () => {
    expect(home("", { kind: "missing" })).toEqual({
      variable: "HERMES_HOME",
      value: bytes("/opt/data"),
      source: "build",
      boot: { name: "HERMES_HOME", not: `the boot did not set it (no ${PATH})`, warned: false },
    });
    expect(home(undefined)).toMatchObject({ source: "build", boot: { warned: false } });
  });
  it("a boot value of only blanks is none: the build's", () => {
    expect(home(undefined, bootFile(" \n"))).toEqual({
      variable: "HERMES_HOME",
      value: bytes("/opt/data"),
      source: "build",
      boot: { name: "HERMES_HOME", not: `${PATH} holds only blanks, which the CLI takes as unset`, warned: false },
    });
  });
  it("an empty boot file unsets it: the build's", () => {
    expect(home(undefined, bootFile(""))).toMatchObject({ source: "build", boot: { warned: false } });
  });
  it("a file that could not be read: the build's, and the failure told", () => {
    const failure = { call: "open", on: PATH, errno: 5, words: "Input/output error" };
    expect(home(undefined, { kind: "unexamined", failure })).toMatchObject({
      source: "build",
      value: bytes("/opt/data"),
      boot: { warned: true, unexamined: failure },
    });
  });
});
