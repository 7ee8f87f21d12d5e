/**
 * The FFI layer (src/sys/libc.ts, statx.ts, files.ts) against this machine's kernel and C library, without a
 * container: bun:ffi exists only under Bun, so ffi-probe.ts runs under the pinned Bun and prints what it read,
 * and each value is checked here against what Node's fs and process report for the same thing.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = resolve(import.meta.dirname, "../..");
const BUN = join(REPO, "node_modules/.bin/bun");
const PROBE = join(import.meta.dirname, "ffi-probe.ts");
/** Names a listing must return byte for byte: spaces, non-ASCII, a leading dot, and a byte that is not UTF-8. */
const NAMES = ["plain", "hard link", "with  two spaces", "ünïcødé", "日本語", ".hidden", "symlink", "sub dir"];
const NOT_UTF8 = Buffer.from([0x6e, 0xff, 0x6f]);
const VALUE = Buffer.from("a value with ü, = and spaces");

let dir: string;
// biome-ignore lint/suspicious/noExplicitAny: the probe's JSON, checked field by field below
let probe: any;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ffi probe "));
  writeFileSync(join(dir, "plain"), "x");
  chmodSync(join(dir, "plain"), 0o640);
  linkSync(join(dir, "plain"), join(dir, "hard link"));
  for (const name of ["with  two spaces", "ünïcødé", "日本語", ".hidden"]) writeFileSync(join(dir, name), "");
  symlinkSync("plain", join(dir, "symlink"));
  mkdirSync(join(dir, "sub dir"));
  execFileSync("mkfifo", [join(dir, "sub dir", "fifo")]);
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), NOT_UTF8]), "");
  const out = execFileSync(BUN, [PROBE, dir, "HERMES_FFI_PROBE"], {
    cwd: "/",
    env: { ...process.env, HERMES_FFI_PROBE: VALUE.toString() },
    encoding: "utf8",
    timeout: 60_000,
  });
  probe = JSON.parse(out);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Linux's dev_t split into the major:minor statx gives. */
function devText(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** What Node's lstat says of `path`, in statx.ts's terms. */
function nodeView(path: string) {
  const s = statSync(path, { bigint: true, throwIfNoEntry: true });
  return {
    uid: Number(s.uid),
    gid: Number(s.gid),
    mode: Number(s.mode),
    nlink: Number(s.nlink),
    dev: devText(s.dev),
    ino: String(s.ino),
  };
}

describe("bun:ffi loads libc", () => {
  it("with no error", () => {
    expect(probe.ffiError).toBeNull();
  });
});

describe("statx: the kernel's struct read at its own offsets", () => {
  it("/ is a directory, with the owner, mode, link count, device and inode Node sees", () => {
    expect(probe.root).toEqual({ kind: "dir", mountRoot: expect.any(Boolean), ...nodeView("/") });
    if (process.getuid?.() === 0) expect(probe.root.uid).toBe(0);
  });

  it("a file of mode 0640 with two names: the same inode under both, link count 2", () => {
    expect(probe.file).toEqual({ kind: "file", mountRoot: false, ...nodeView(join(dir, "plain")) });
    expect(probe.file.mode).toBe(0o100640);
    expect(probe.file.nlink).toBe(2);
    expect(probe.link).toEqual(probe.file);
  });

  it("a symlink: itself with AT_SYMLINK_NOFOLLOW, its target without; lstat reads where it points", () => {
    expect(probe.symlink).toMatchObject({ kind: "symlink", mode: expect.any(Number) });
    expect(probe.symlink.mode & 0o170000).toBe(0o120000);
    expect(probe.symlinkFollowed).toEqual(probe.file);
    expect(probe.lstat).toEqual({ kind: "symlink", target: "plain" });
  });

  it("a missing name: errno ENOENT, in the C library's words", () => {
    expect(probe.absent).toEqual({ errno: 2 });
    expect(probe.open).toEqual({ fd: -1, errno: 2, text: "no such file or directory" });
  });
});

describe("getdents64: a directory's names", () => {
  it("every name but . and .., byte for byte and NUL-terminated, whatever it holds", () => {
    const expected = [...NAMES.map((n) => Buffer.from(n)), NOT_UTF8].map((b) =>
      Buffer.concat([b, Buffer.from([0])]).toString("hex"),
    );
    expect([...probe.names].sort()).toEqual(expected.sort());
  });

  it("entries() decodes them; a directory that cannot be opened is the open's failure, in the C library's words", () => {
    expect([...probe.entries].sort()).toEqual([...NAMES, NOT_UTF8.toString()].sort());
    expect(probe.entriesOfMissing).toEqual({
      call: "open",
      on: `${dir}/no such entry`,
      errno: 2,
      words: "No such file or directory",
    });
  });

  it("/proc/self/fd lists the standard descriptors", () => {
    expect(probe.fds).toEqual(expect.arrayContaining([0, 1, 2]));
  });
});

describe("a call that fails is a failure of its own (contract §13)", () => {
  it("a read that fails after its open (EISDIR) is the read's failure, never the bytes read so far", () => {
    expect(probe.readOfDirectory).toEqual({ call: "read", on: dir, errno: 21, words: "Is a directory" });
  });
  it("readlink of a file that is no symlink: EINVAL, never an empty target", () => {
    expect(probe.readlinkOfFile).toEqual({
      call: "readlink",
      on: `${dir}/plain`,
      errno: 22,
      words: "Invalid argument",
    });
  });
  it("lstat under a file (ENOTDIR): missing, as the kernel's lookup says", () => {
    expect(probe.lstatUnderFile).toEqual({ kind: "missing" });
  });
});

describe("the process as the kernel and libc report it", () => {
  it("/proc/self/status read whole: its Uid and Gid lines parsed, the ids Node's process has", () => {
    const uid = String(process.getuid?.());
    const gid = String(process.getgid?.());
    expect(probe.status.uid).toEqual([uid, uid, uid, uid]);
    expect(probe.status.gid).toEqual([gid, gid, gid, gid]);
    // The probe inherited this process's groups: the same Groups: line, read here by other means.
    const line = /^Groups:(.*)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "";
    expect(probe.status.groups).toEqual(line.split(/\s+/).filter(Boolean).map(Number));
    expect(probe.status.capEff).toMatch(/^\d+$/);
  });

  it("getuid, getgid, getegid and AT_SECURE agree with it: an ordinary start", () => {
    expect(probe.ids.euid).toBe(process.geteuid?.());
    expect(probe.ids.started).toEqual({
      ruid: process.getuid?.(),
      rgid: process.getgid?.(),
      egid: process.getegid?.(),
      secure: false,
    });
    expect(probe.auxvSecure).toBe(false);
    expect(new Set(probe.ids.groups)).toEqual(new Set([process.getegid?.(), ...(process.getgroups?.() ?? [])]));
  });

  it("/proc/self/exe is the Bun that ran the probe", () => {
    expect(probe.self).toBe(realpathSync(BUN));
  });

  it("access: a shell is executable, a 0640 file is not (EACCES, reported as it is), a missing one is missing", () => {
    expect(probe.executable).toEqual({
      sh: "ok",
      plain: { call: "access", on: `${dir}/plain`, errno: 13, words: "Permission denied" },
      absent: "missing",
    });
  });

  it("getenv: the value's bytes as given; an unset name is undefined", () => {
    expect(probe.getenv).toBe(VALUE.toString("hex"));
    expect(probe.getenvUnset).toBeNull();
  });
});

describe("the boot's environment's reads (contract §15)", () => {
  const owner = (path: string) => {
    const { uid, gid, mode } = statSync(path);
    return { uid, gid, mode };
  };
  it("a regular file: what it is, and what it holds", () => {
    expect(probe.noFollow.file).toEqual({
      kind: "file",
      ...owner(join(dir, "plain")),
      data: Buffer.from("x").toString("hex"),
    });
  });
  it("a link is told as a link, never followed; a FIFO opens at once and is not read; a directory is not read", () => {
    expect(probe.noFollow.symlink).toEqual({ kind: "symlink", target: "plain" });
    expect(probe.noFollow.fifo).toEqual({ kind: "other", ...owner(join(dir, "sub dir", "fifo")) });
    expect(probe.noFollow.dir).toEqual({ kind: "dir", ...owner(join(dir, "sub dir")) });
  });
  it("a missing name, or one under a file, is missing", () => {
    expect(probe.noFollow.absent).toEqual({ kind: "missing" });
    expect(probe.noFollow.underFile).toEqual({ kind: "missing" });
  });
  it("stat follows links as exec does", () => {
    expect(probe.following.symlink).toEqual({ kind: "file", ...owner(join(dir, "plain")) });
    expect(probe.following.absent).toEqual({ kind: "missing" });
  });
});
