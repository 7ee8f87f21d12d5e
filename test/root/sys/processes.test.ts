/**
 * The gateway's groups as the drop reads them (contract §15): src/root/sys/processes.ts and dropIdentity.ts take their
 * reads as functions, so what they do with each answer is checked here without a container.
 */
import { describe, expect, it } from "vitest";
import { EACCES, EIO, ENOENT, EPERM, ESRCH, type Failure } from "../../../src/core/failure.ts";
import { readDropIdentity } from "../../../src/root/sys/dropIdentity.ts";
import { readProcesses } from "../../../src/root/sys/processes.ts";

const fail = (call: string, on: string, errno: number): Failure => ({ call, on, errno, words: `errno ${errno}` });
const encode = (text: string) => new TextEncoder().encode(text);
const status = (ppid: number, uid: number, groups: string) =>
  `Name:\tx\nPPid:\t${ppid}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGroups:\t${groups}\n`;

/** A /proc of these status files, where a value that is a number is the errno reading it fails with. */
function proc(files: Record<string, string | number>, listing = Object.keys(files)) {
  const reads: string[] = [];
  return {
    reads,
    list: (path: string) => (path === "/proc" ? ["self", "sys", ...listing] : fail("open", path, ENOENT)),
    read: (path: string) => {
      reads.push(path);
      const pid = /^\/proc\/(\d+)\/status$/.exec(path)?.[1];
      const file = pid === undefined ? undefined : files[pid];
      if (file === undefined) return fail("open", path, ENOENT);
      return typeof file === "number" ? fail("read", path, file) : encode(file);
    },
  };
}

describe("readProcesses: one listing of /proc, one status read per process", () => {
  it("reads each process's status, and nothing of the names that are not processes", () => {
    const p = proc({ "1": status(0, 0, "0"), "57": status(20, 10000, "10000") });
    expect(readProcesses(p.list, p.read)).toEqual([
      { pid: 1, ppid: 0, uid: 0, groups: [0] },
      { pid: 57, ppid: 20, uid: 10000, groups: [10000] },
    ]);
    expect(p.reads).toEqual(["/proc/1/status", "/proc/57/status"]);
  });

  it("a process that ended meanwhile (ENOENT, ESRCH) or that hidepid hides (EPERM) is no evidence", () => {
    for (const errno of [ENOENT, ESRCH, EPERM]) {
      const p = proc({ "1": status(0, 0, "0"), "57": errno });
      expect(readProcesses(p.list, p.read)).toEqual([{ pid: 1, ppid: 0, uid: 0, groups: [0] }]);
    }
  });

  it("any other failure is reported (contract §13): the listing's, or a status file's", () => {
    expect(readProcesses(() => fail("getdents64", "/proc", EIO), proc({}).read)).toEqual(
      fail("getdents64", "/proc", EIO),
    );
    const p = proc({ "1": status(0, 0, "0"), "57": EACCES });
    expect(readProcesses(p.list, p.read)).toEqual(fail("read", "/proc/57/status", EACCES));
  });

  it("a status without its lines is skipped, not guessed", () => {
    const p = proc({ "1": "Name:\tx\n" });
    expect(readProcesses(p.list, p.read)).toEqual([]);
  });
});

describe("readDropIdentity: the gateway's groups, looked for only where the runtime granted some", () => {
  const db: Record<string, string> = {
    "/etc/passwd": "root:x:0:0::/root:/bin/sh\nhermes:x:10000:10000::/opt/data:/bin/sh\n",
    "/etc/group": "root:x:0:\nhermes:x:10000:\n",
  };
  const read = (path: string) => (path in db ? encode(db[path] as string) : fail("open", path, ENOENT));
  const held = () => [0];
  const identity = (rootGroups: string, processes: () => ReturnType<typeof readProcesses>) =>
    readDropIdentity("hermes", read, `Groups:\t${rootGroups}\n`, held, processes);
  const never = () => {
    throw new Error("/proc read although nothing was granted");
  };
  const boot = proc({
    "1": status(0, 0, "0"),
    "20": status(1, 0, "0"),
    "57": status(20, 10000, "10000"),
  });

  it("nothing granted: /proc is not read", () => {
    expect(identity("0", never)).toEqual({
      account: expect.objectContaining({ uid: 10000, groups: [10000] }),
      groups: [{ gid: 10000, origin: "primary" }],
    });
  });

  it("a gateway without the granted group: the drop leaves it out, and says whose groups they are", () => {
    expect(identity("0 4242", () => readProcesses(boot.list, boot.read))).toEqual({
      account: expect.objectContaining({ groups: [10000] }),
      groups: [{ gid: 10000, origin: "primary" }],
      gateway: { pids: [57], withheld: [4242] },
    });
  });

  it("no gateway running: §11's groups", () => {
    const bare = proc({ "1": status(0, 0, "0") });
    expect(identity("0 4242", () => readProcesses(bare.list, bare.read))).toEqual({
      account: expect.objectContaining({ groups: [10000, 4242] }),
      groups: [
        { gid: 10000, origin: "primary" },
        { gid: 4242, origin: "granted" },
      ],
      gateway: { pids: [], withheld: [] },
    });
  });

  it("the scan failing is the identity's failure: root's path refuses with it (contract §13)", () => {
    expect(identity("0 4242", () => fail("getdents64", "/proc", EIO))).toEqual(fail("getdents64", "/proc", EIO));
  });
});
