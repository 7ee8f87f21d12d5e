/**
 * Run by ffi.test.ts under Bun (bun:ffi exists only there): the FFI layer of src/sys on this machine's own
 * kernel and C library, no container. Given a directory the test made, it prints as JSON what libc, statx and
 * getdents64 report; the test compares that with what Node's fs reports.
 */

import { type Failure, failed, failureText } from "../../src/core/failure.ts";
import { statusGroups } from "../../src/core/groups.ts";
import { auxvSecure, parseCapEff } from "../../src/core/privilege.ts";
import { procRow, words } from "../../src/core/procText.ts";
import {
  entries,
  executableStatus,
  getenv,
  groups,
  libcProbe,
  lstat,
  openFds,
  readAll,
  readlink,
  readNames,
  readNoFollow,
  stat as statFollowing,
} from "../../src/sys/files.ts";
import {
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  cstr,
  errno,
  ffiError,
  libc,
  O_CLOEXEC,
  O_RDONLY,
  strerror,
} from "../../src/sys/libc.ts";
import { statAt } from "../../src/sys/statx.ts";

const [dir = ".", variable = "HERMES_FFI_PROBE"] = process.argv.slice(2);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const stat = (path: string, flags = 0) => {
  const r = statAt(AT_FDCWD, cstr(path), flags);
  return r.ok ? { ...r.node, ino: String(r.ino) } : { errno: r.errno };
};

/** What a probe of a working call returned; a Failure stops the probe, naming it. */
function worked<T>(value: T | Failure): T {
  if (failed(value)) throw new Error(failureText(value));
  return value;
}

const fd = libc.open(cstr(dir), O_RDONLY | O_CLOEXEC, 0);
const raw = worked(readNames(fd, dir));
libc.close(fd);
const missing = libc.open(cstr(`${dir}/no such entry`), O_RDONLY | O_CLOEXEC, 0);
const missingErrno = errno();
const status = new TextDecoder().decode(worked(readAll("/proc/self/status")));
const env = getenv(variable);
/** readNoFollow's answer with the bytes it read as hex, for JSON. */
const noFollow = (path: string) => {
  const found = readNoFollow(path);
  return "data" in found ? { ...found, data: hex(found.data) } : found;
};

console.log(
  JSON.stringify({
    ffiError: ffiError ?? null,
    root: stat("/"),
    file: stat(`${dir}/plain`),
    link: stat(`${dir}/hard link`),
    symlink: stat(`${dir}/symlink`, AT_SYMLINK_NOFOLLOW),
    symlinkFollowed: stat(`${dir}/symlink`),
    lstat: lstat(`${dir}/symlink`),
    absent: stat(`${dir}/no such entry`),
    names: raw.map(hex),
    entries: entries(dir),
    entriesOfMissing: entries(`${dir}/no such entry`),
    // A read that fails after the open (EISDIR): a failure of its own, never the empty file it once read as.
    readOfDirectory: readAll(dir),
    readlinkOfFile: readlink(`${dir}/plain`),
    lstatUnderFile: lstat(`${dir}/plain/x`),
    open: { fd: missing, errno: missingErrno, text: strerror(missingErrno) },
    executable: {
      sh: executableStatus("/bin/sh"),
      plain: executableStatus(`${dir}/plain`),
      absent: executableStatus(`${dir}/no such entry`),
    },
    status: {
      uid: words(procRow(status, "Uid:") ?? ""),
      gid: words(procRow(status, "Gid:") ?? ""),
      groups: statusGroups(status) ?? null,
      capEff: String(parseCapEff(status)),
    },
    ids: { euid: libcProbe.geteuid(), started: libcProbe.started(), groups: groups() },
    auxvSecure: auxvSecure(worked(readAll("/proc/self/auxv"))) ?? null,
    self: libcProbe.self(),
    fds: worked(openFds()).open.map((f) => f.fd),
    getenv: env === undefined ? null : hex(env),
    getenvUnset: getenv(`${variable}_UNSET`) ?? null,
    // The boot's environment (contract §15): one open that follows no link and never waits.
    noFollow: {
      file: noFollow(`${dir}/plain`),
      symlink: noFollow(`${dir}/symlink`),
      fifo: noFollow(`${dir}/sub dir/fifo`),
      dir: noFollow(`${dir}/sub dir`),
      absent: noFollow(`${dir}/no such entry`),
      underFile: noFollow(`${dir}/plain/x`),
    },
    following: { symlink: statFollowing(`${dir}/symlink`), absent: statFollowing(`${dir}/no such entry`) },
  }),
);
