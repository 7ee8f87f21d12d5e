/** contract §15: the boot's environment, rule by rule, on the pure judgement. */
import { describe, expect, it } from "vitest";
import {
  BOOT_ENV_DIR,
  type BootFacts,
  type BootFile,
  bootImports,
  bootValue,
  bootWarnings,
} from "../../src/core/bootEnv.ts";
import { bytes, text } from "../../src/core/bytes.ts";
import { gathered, lazy } from "../../src/core/lazy.ts";
import type { Node } from "../../src/core/pathLookup.ts";
import type { Trust } from "../../src/core/trust.ts";

import { bootFile } from "./given.ts";

const NAME = "AGENT_BROWSER_EXECUTABLE_PATH";
const PATH = `${BOOT_ENV_DIR}/${NAME}`;
const EIO = { call: "read", on: PATH, errno: 5, words: "Input/output error" };
const chromium: Node = { kind: "file", uid: 0, gid: 0, mode: 0o100755 };
const rootsDir: Trust = { ok: true, resolved: BOOT_ENV_DIR };

/** One variable's facts: its file, the directory's trust and what a value names (by default an executable). */
function facts(
  file: BootFile | undefined,
  over: { program?: boolean; dir?: Trust; target?: (path: string) => Node } = {},
): BootFacts {
  return {
    vars: [{ name: NAME, program: over.program ?? true, ...(file ? { file } : {}) }],
    dirTrust: gathered(over.dir ?? rootsDir),
    target: over.target ?? (() => chromium),
  };
}
const judged = (f: BootFacts) => bootImports(f)[0];

describe("imported: a regular file of root-only, in root's directory, with a value upstream takes", () => {
  it("the whole file is the value, its path named", () => {
    expect(judged(facts(bootFile("/usr/bin/chromium")))).toEqual({
      name: NAME,
      value: bytes("/usr/bin/chromium"),
      from: PATH,
    });
  });
  it("the value is what with-contenv (s6-envdir -Lfn) gives: nothing trimmed, NUL bytes as newlines", () => {
    expect(text(bootValue(bytes("a b \t\nsecond\n")) as Uint8Array)).toBe("a b \t\nsecond\n");
    expect(text(bootValue(bytes("a\0b")) as Uint8Array)).toBe("a\nb");
    expect(bootValue(bytes(""))).toBeUndefined();
  });
  it("a value that is not a program's is taken as it is, bytes that are not UTF-8 too", () => {
    const data = new Uint8Array([0x66, 0xff, 0x00]);
    expect(judged(facts(bootFile(data), { program: false }))).toEqual({
      name: NAME,
      value: new Uint8Array([0x66, 0xff, 0x0a]),
      from: PATH,
    });
  });
  it("a program value is looked up through links, as exec follows them: what it names must be executable", () => {
    const seen: string[] = [];
    const f = facts(bootFile("/usr/bin/chromium"), {
      target: (p) => {
        seen.push(p);
        return chromium;
      },
    });
    expect(judged(f)).toHaveProperty("value");
    expect(seen).toEqual(["/usr/bin/chromium"]);
    for (const mode of [0o100100, 0o100010, 0o100001])
      expect(judged(facts(bootFile("/x"), { target: () => ({ ...chromium, mode }) }))).toHaveProperty("value");
  });
});

describe("kept: the caller's own value", () => {
  it("a variable the caller has is kept, and nothing of the boot's is asked for", () => {
    const dirTrust = lazy((): Trust => {
      throw new Error("asked");
    });
    const f: BootFacts = {
      vars: [{ name: NAME, program: true }],
      dirTrust,
      target: () => {
        throw new Error("asked");
      },
    };
    expect(bootImports(f)).toEqual([{ name: NAME, kept: true }]);
    expect(dirTrust.taken()).toBeUndefined();
  });
});

describe("not imported, silently: the boot's own say", () => {
  it.each([
    ["no file", { kind: "missing" } as BootFile, `the boot did not set it (no ${PATH})`],
    ["an empty file, which unsets it", bootFile(""), `${PATH} is empty, which unsets it`],
  ])("%s", (_, file, not) => {
    expect(judged(facts(file))).toEqual({ name: NAME, not, warned: false });
  });
  it.each([
    ["nothing there", { kind: "missing" } as Node, "which does not exist"],
    ["a directory", { kind: "dir", uid: 0, gid: 0, mode: 0o40755 } as Node, "which is not a regular file"],
    ["a file without an execute bit", { ...chromium, mode: 0o100644 }, "which is not executable"],
  ])("a program value that names %s", (_, node, why) => {
    expect(judged(facts(bootFile("/usr/bin/chromium"), { target: () => node }))).toEqual({
      name: NAME,
      not: `its value "/usr/bin/chromium" does not name an executable file, ${why}`,
      warned: false,
    });
  });
  it("a program value that is not UTF-8 names no path, and nothing is looked up", () => {
    const data = new Uint8Array([0x2f, 0xff]);
    const f = facts(bootFile(data), {
      target: () => {
        throw new Error("looked up");
      },
    });
    expect(judged(f)).toEqual({
      name: NAME,
      not: `its value "/\uFFFD" does not name an executable file, which is not UTF-8 text`,
      warned: false,
    });
  });
  it("a value with a trailing newline is that value: it names no file of that name", () => {
    const seen: string[] = [];
    judged(
      facts(bootFile("/usr/bin/chromium\n"), {
        target: (p) => {
          seen.push(p);
          return { kind: "missing" };
        },
      }),
    );
    expect(seen).toEqual(["/usr/bin/chromium\n"]);
  });
});

describe("not imported, and told: what someone but root could have written, or a call that failed", () => {
  it.each([
    ["a symbolic link", { kind: "symlink", target: "/tmp/x" } as BootFile, `${PATH} is a symbolic link`],
    ["a directory", { kind: "dir", uid: 0, gid: 0, mode: 0o40755 } as BootFile, `${PATH} is not a regular file`],
    ["a FIFO", { kind: "other", uid: 0, gid: 0, mode: 0o10644 } as BootFile, `${PATH} is not a regular file`],
    ["a file hermes owns", bootFile("/usr/bin/chromium", { uid: 10000 }), `${PATH} is owned by uid 10000, not root`],
    [
      "a file its group can write",
      bootFile("/usr/bin/chromium", { mode: 0o100664 }),
      `${PATH} is writable by its group (mode 0664)`,
    ],
    [
      "a file others can write",
      bootFile("/usr/bin/chromium", { mode: 0o100646 }),
      `${PATH} is writable by others (mode 0646)`,
    ],
  ])("%s", (_, file, not) => {
    expect(judged(facts(file))).toEqual({ name: NAME, not, warned: true });
  });
  it("a file in a directory someone but root can write: the directory's trust is the reason", () => {
    const dir: Trust = {
      ok: false,
      missing: false,
      reason: `${BOOT_ENV_DIR} is owned by uid 10000, not root`,
      rewritable: true,
    };
    expect(judged(facts(bootFile("/usr/bin/chromium"), { dir }))).toEqual({
      name: NAME,
      not: dir.reason,
      warned: true,
    });
  });
  it("even an empty file there is told: who could have written it comes first", () => {
    expect(judged(facts(bootFile("", { uid: 10000 })))).toMatchObject({ warned: true });
  });
  it("the file that could not be read, the directory that could not be examined, the value that could not be", () => {
    const unexamined = (f: BootFacts) =>
      expect(judged(f)).toEqual({
        name: NAME,
        not: `unable to read ${PATH}: Input/output error`,
        warned: true,
        unexamined: EIO,
      });
    unexamined(facts({ kind: "unexamined", failure: EIO }));
    unexamined(facts(bootFile("/x"), { dir: { ok: false, missing: false, reason: "r", unexamined: EIO } }));
    unexamined(facts(bootFile("/x"), { target: () => ({ kind: "unexamined", failure: EIO }) }));
  });
  it("the directory is examined only for a file that could be taken", () => {
    const dirTrust = lazy((): Trust => rootsDir);
    bootImports({ ...facts({ kind: "missing" }), dirTrust });
    bootImports({ ...facts({ kind: "symlink", target: "/x" }), dirTrust });
    expect(dirTrust.taken()).toBeUndefined();
    bootImports({ ...facts(bootFile("/x")), dirTrust });
    expect(dirTrust.taken()).toEqual(rootsDir);
  });
});

describe("bootImports and bootWarnings", () => {
  it("every variable the build names, in its order; none without facts", () => {
    const f: BootFacts = {
      vars: [
        { name: "B", program: false, file: bootFile("b") },
        { name: "A", program: false },
      ],
      dirTrust: gathered(rootsDir),
      target: () => chromium,
    };
    expect(bootImports(f).map((i) => i.name)).toEqual(["B", "A"]);
    expect(bootImports(undefined)).toEqual([]);
  });
  it("one line for each told refusal, none for the boot's own say", () => {
    const f: BootFacts = {
      vars: [
        { name: "A", program: false, file: { kind: "symlink", target: "/x" } },
        { name: "B", program: false, file: { kind: "missing" } },
        { name: "C", program: false, file: bootFile("c", { uid: 10000 }) },
        { name: "D", program: false },
      ],
      dirTrust: gathered(rootsDir),
      target: () => chromium,
    };
    expect(bootWarnings("hermes", bootImports(f))).toBe(
      `hermes: warning: not taking A from the boot's environment: ${BOOT_ENV_DIR}/A is a symbolic link; hermes runs without it\n` +
        `hermes: warning: not taking C from the boot's environment: ${BOOT_ENV_DIR}/C is owned by uid 10000, not root; hermes runs without it\n`,
    );
  });
});
