import { describe, expect, it } from "vitest";
import {
  gatewayProcesses,
  gatewayText,
  matchGateway,
  type ProcessStatus,
  pidOfEntry,
  pidsText,
  processStatus,
} from "../../src/core/gateway.ts";
import type { DropGroup } from "../../src/core/groups.ts";

const HERMES = 10000;
const proc = (pid: number, ppid: number, uid: number, groups: number[] = []): ProcessStatus => ({
  pid,
  ppid,
  uid,
  groups,
});

describe("pidOfEntry: which names in /proc are processes", () => {
  it("a positive decimal number is a pid", () => {
    expect(pidOfEntry("1")).toBe(1);
    expect(pidOfEntry("4194304")).toBe(4194304);
    expect(pidOfEntry("4294967295")).toBe(4294967295);
  });
  it("anything else is not", () => {
    for (const name of ["self", "thread-self", "sys", "0", "", "1a", "-1", "4294967296", " 1", "1e3", "0x10"])
      expect(pidOfEntry(name), name).toBeUndefined();
  });
});

describe("processStatus: the PPid:, Uid: and Groups: lines of /proc/PID/status", () => {
  const status = "Name:\thermes\nPid:\t57\nPPid:\t40\nUid:\t10000\t10001\t10002\t10003\nGid:\t10000\nGroups:\t10000 \n";
  it("the parent, the real uid and every group", () => {
    expect(processStatus(57, status)).toEqual({ pid: 57, ppid: 40, uid: 10000, groups: [10000] });
    expect(processStatus(9, "PPid:\t0\nUid:\t0\t0\t0\t0\nGroups:\t\n")).toEqual({
      pid: 9,
      ppid: 0,
      uid: 0,
      groups: [],
    });
  });
  it("a status without one of them, or with a word that is not an id, is no process to judge by", () => {
    expect(processStatus(57, status.replace("PPid:\t40\n", ""))).toBeUndefined();
    expect(processStatus(57, status.replace("Uid:\t10000", "Uid:\tx"))).toBeUndefined();
    expect(processStatus(57, status.replace("Uid:\t10000\t10001\t10002\t10003", "Uid:"))).toBeUndefined();
    expect(processStatus(57, status.replace("Groups:\t10000 ", "Groups:\t1x"))).toBeUndefined();
    expect(processStatus(57, status.replace("Groups:\t10000 \n", ""))).toBeUndefined();
    expect(processStatus(57, status.replace("PPid:\t40", "PPid:\t4294967296"))).toBeUndefined();
    expect(processStatus(57, status.replace("PPid:\t40", "PPid:\t"))).toBeUndefined();
  });
});

describe("gatewayProcesses: what the container's own start made run as the runtime user", () => {
  // s6-overlay: PID 1 s6-svscan, s6-supervise per service, rc.init running the main program.
  const svscan = proc(1, 0, 0, [0]);
  const supervise = proc(20, 1, 0, [0]);
  const gateway = proc(30, 20, HERMES, [10000]);
  const tool = proc(31, 30, HERMES, [10000]);
  const rcInit = proc(40, 1, 0, [0]);
  const main = proc(41, 40, HERMES, [10000]);

  it("a service under s6-supervise and the main program, not their children (which hold their groups)", () => {
    expect(gatewayProcesses([svscan, supervise, gateway, tool, rcInit, main], HERMES)).toEqual([gateway, main]);
  });
  it("a PID 1 that is the runtime user's is the gateway", () => {
    const pid1 = proc(1, 0, HERMES, [10000]);
    expect(gatewayProcesses([pid1, proc(2, 1, HERMES)], HERMES)).toEqual([pid1]);
  });
  it("a docker exec's process leads to parent 0, never to PID 1: not the gateway", () => {
    const execShell = proc(90, 0, 0, [0, 4242]);
    const dropped = proc(91, 90, HERMES, [10000, 4242]);
    const execAsUser = proc(92, 0, HERMES, [10000]);
    expect(gatewayProcesses([svscan, execShell, dropped, execAsUser], HERMES)).toEqual([]);
  });
  it("another user's processes are not the runtime user's", () => {
    expect(gatewayProcesses([svscan, supervise, proc(30, 20, 10001)], HERMES)).toEqual([]);
  });
  it("a process whose parent vanished while /proc was read leads nowhere: no evidence", () => {
    expect(gatewayProcesses([svscan, proc(30, 20, HERMES)], HERMES)).toEqual([]);
  });
  it("a loop in a racy snapshot ends", () => {
    expect(gatewayProcesses([proc(5, 6, 0), proc(6, 5, 0), proc(7, 6, HERMES)], HERMES)).toEqual([]);
  });
  it("no processes, no gateway", () => {
    expect(gatewayProcesses([], HERMES)).toEqual([]);
  });
});

describe("matchGateway: the drop's groups as the running gateway holds them (contract §15)", () => {
  const groups: DropGroup[] = [
    { gid: 10000, origin: "primary" },
    { gid: 999, origin: "member" },
    { gid: 4242, origin: "granted" },
    { gid: 2000, origin: "granted" },
  ];
  it("no gateway running: §11's groups, every granted one kept", () => {
    expect(matchGateway(groups, [])).toEqual({ groups, gateway: { pids: [], withheld: [] } });
  });
  it("a granted group the gateway lacks is left out; one it holds is kept", () => {
    expect(matchGateway(groups, [proc(30, 20, HERMES, [10000, 999, 2000])])).toEqual({
      groups: [groups[0], groups[1], groups[3]],
      gateway: { pids: [30], withheld: [4242] },
    });
  });
  it("upstream's gateway (Groups: 10000) has none of them: the drop has none", () => {
    expect(matchGateway(groups, [proc(30, 20, HERMES, [10000])])).toEqual({
      groups: [groups[0], groups[1]],
      gateway: { pids: [30], withheld: [4242, 2000] },
    });
  });
  it("kept only where every one of the gateway's processes holds it", () => {
    const both = proc(30, 20, HERMES, [10000, 4242, 2000]);
    const one = proc(41, 40, HERMES, [10000, 2000]);
    expect(matchGateway(groups, [both, one]).gateway).toEqual({ pids: [30, 41], withheld: [4242] });
    expect(matchGateway(groups, [both]).groups).toEqual(groups);
  });
  it("the runtime user's own groups stay even where a gateway lacks them; nothing the drop would not give is added", () => {
    const bare = proc(30, 20, HERMES, [4242, 2000, 555]);
    expect(matchGateway(groups, [bare])).toEqual({ groups, gateway: { pids: [30], withheld: [] } });
  });
});

describe("gatewayText and pidsText: explain's and doctor's words", () => {
  it("names the pids", () => {
    expect(pidsText([57])).toBe("pid 57");
    expect(pidsText([57, 112])).toBe("pids 57, 112");
  });
  it("no gateway running: nothing to say, the drop is §11's", () => {
    expect(gatewayText("hermes", { pids: [], withheld: [] })).toBeUndefined();
  });
  it("a gateway holding every granted group", () => {
    expect(gatewayText("hermes", { pids: [57], withheld: [] })).toBe(
      "the running gateway of hermes (pid 57) holds the granted groups too: the drop keeps them",
    );
  });
  it("a gateway lacking one, or several", () => {
    expect(gatewayText("hermes", { pids: [57], withheld: [4242] })).toBe(
      "the running gateway of hermes (pid 57) lacks the group 4242 that the container runtime granted " +
        "(a start through s6-setuidgid takes its groups from /etc/group alone), so the drop leaves it out: " +
        "what works from docker exec works in the gateway",
    );
    expect(gatewayText("hermes", { pids: [57, 112], withheld: [4242, 2000] })).toBe(
      "the running gateway of hermes (pids 57, 112) lacks the groups 4242, 2000 that the container runtime granted " +
        "(a start through s6-setuidgid takes its groups from /etc/group alone), so the drop leaves them out: " +
        "what works from docker exec works in the gateway",
    );
  });
});
