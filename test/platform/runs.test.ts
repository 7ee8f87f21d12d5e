/** Which runs are alive: what the reaper may remove hangs on it, and a live run's objects must never be. */
import { describe, expect, it } from "vitest";
import { parseRunId, processNow, type RunRecord, runIsAlive, startTicksOf, UNRECORDED_SLACK_MS } from "./runs.ts";

const ms = Date.parse("2026-12-07T21:00:00Z");
const id = `${ms.toString(36)}-4242`;
const record: RunRecord = { pid: 4242, startTicks: 90_000, bootId: "boot-a" };

describe("a run id", () => {
  it("is the time and the pid of the process that took it", () => {
    expect(parseRunId(id)).toEqual({ ms, pid: 4242 });
  });

  it("is nothing else: a label set by hand, a name with more in it", () => {
    for (const other of ["manual", "", "abc", `${id}-x`, `${ms.toString(36)}-0`, `X${id}`])
      expect(parseRunId(other)).toBeNull();
  });
});

describe("a run is alive", () => {
  it("while the process that recorded it holds its pid", () => {
    expect(runIsAlive(id, record, { startTicks: 90_000, startedMs: ms - 2_000, bootId: "boot-a" })).toBe(true);
  });

  it("not once its pid is free", () => {
    expect(runIsAlive(id, record, { startTicks: null, startedMs: null, bootId: "boot-a" })).toBe(false);
  });

  it("not when another process has its pid since (the pid went round), whenever that one started", () => {
    expect(runIsAlive(id, record, { startTicks: 90_001, startedMs: ms - 2_000, bootId: "boot-a" })).toBe(false);
    expect(runIsAlive(id, record, { startTicks: 95_000, startedMs: ms + 50_000, bootId: "boot-a" })).toBe(false);
  });

  it("not after a reboot, even with the same pid and start time", () => {
    expect(runIsAlive(id, record, { startTicks: 90_000, startedMs: ms, bootId: "boot-b" })).toBe(false);
  });

  it("not when the record is another pid's", () => {
    expect(runIsAlive(id, { ...record, pid: 4243 }, { startTicks: 90_000, startedMs: ms, bootId: "boot-a" })).toBe(
      false,
    );
  });

  it("without a record, while its pid is held by a process that started before the id was taken", () => {
    const now = (startedMs: number) => ({ startTicks: 1, startedMs, bootId: "boot-a" });
    expect(runIsAlive(id, null, now(ms - 3_000))).toBe(true);
    expect(runIsAlive(id, null, now(ms + UNRECORDED_SLACK_MS))).toBe(true);
    expect(runIsAlive(id, null, now(ms + UNRECORDED_SLACK_MS + 1))).toBe(false);
    expect(runIsAlive(id, null, { startTicks: null, startedMs: null, bootId: "boot-a" })).toBe(false);
  });

  it("always, for what is not a run id: it is never judged dead", () => {
    expect(runIsAlive("manual", null, { startTicks: null, startedMs: null, bootId: "boot-a" })).toBe(true);
  });
});

describe("/proc", () => {
  it("gives a start time after the command name, whatever it holds", () => {
    const fields = Array.from({ length: 50 }, (_, i) => `${i + 3}`);
    fields[19] = "123456";
    expect(startTicksOf(`77 (a) b) (c ) ${fields.join(" ")}`)).toBe(123456);
  });

  it("says this process started before now, and no process holds a pid beyond pid_max", () => {
    const self = processNow(process.pid);
    expect(self.startTicks).toBeGreaterThan(0);
    expect(self.startedMs).toBeLessThanOrEqual(Date.now());
    expect(processNow(4_194_305).startTicks).toBeNull();
  });
});
