/** The fault-injection judge (test/faults/judge.ts): each outcome class, from runs made up to be one. */
import { describe, expect, it } from "vitest";
import { type Fault, judge, type Run } from "./judge.ts";

const RECORD = '{"argv": ["received"]}';
const cliRef: Run = { code: 0, stdout: `received ${RECORD}\n`, stderr: "", record: RECORD };
const doctorRef: Run = {
  code: 0,
  stdout: "hermes-exec-shim doctor\nok       a\n3 entries examined: healthy\n",
  stderr: "",
  record: null,
};

function fault(over: Partial<Fault>): Fault {
  const key = 'openat(AT_FDCWD, "/proc/self/environ")';
  return {
    ...cliRef,
    path: "drop",
    syscall: "openat",
    n: 21,
    errno: "EIO",
    what: "/proc/self/environ",
    key,
    injected: [`${key.slice(0, -1)}, O_RDONLY) = -1 EIO (Input/output error) (INJECTED)`],
    injectedKey: key,
    ...over,
  };
}
const refused = { code: 126, stdout: "", record: null };
const NOTHING = "hermes: unable to read /proc/self/environ: Input/output error; nothing was run.\n";

describe("judge, the CLI's paths", () => {
  it("same: the record as without the fault, any warning naming the errno", () => {
    expect(judge("cli", cliRef, fault({}))).toBe("same");
    const told = "hermes: warning: unable to stat /opt: Input/output error\n";
    expect(judge("cli", cliRef, fault({ stderr: told }))).toBe("same");
  });

  it("a warning naming another cause is a false message, even when the CLI ran as without the fault", () => {
    const other = "hermes: warning: /opt does not exist: whoever can write there can replace this hermes\n";
    expect(judge("cli", cliRef, fault({ stderr: other }))).toBe("false-message");
  });

  it("altered: the CLI ran with something else (a shorter environment, root kept or lost)", () => {
    expect(judge("cli", cliRef, fault({ record: '{"argv": []}', stdout: 'received {"argv": []}\n' }))).toBe("altered");
  });

  it("refused: nothing ran, 126 (or 127), stderr names the errno's words; in any case of the words", () => {
    expect(judge("cli", cliRef, fault({ ...refused, stderr: NOTHING }))).toBe("refused");
    expect(judge("cli", cliRef, fault({ ...refused, code: 127, stderr: NOTHING.toLowerCase() }))).toBe("refused");
  });

  it("a refusal that names another cause, or another errno, is a false message", () => {
    const other = 'hermes-exec-shim: called as "", which is not one of its commands; nothing was run.\n';
    expect(judge("cli", cliRef, fault({ ...refused, code: 127, stderr: other }))).toBe("false-message");
    const eacces = "hermes: unable to read /proc/self/environ: Permission denied\n";
    expect(judge("cli", cliRef, fault({ ...refused, stderr: eacces }))).toBe("false-message");
  });

  it("wrong-code: the errno named, but an exit code the contract does not give a refusal", () => {
    expect(judge("cli", cliRef, fault({ ...refused, code: 1, stderr: NOTHING }))).toBe("wrong-code");
  });

  it("EINTR must end as without the fault: a refusal naming it is not-retried", () => {
    const eintr = "hermes: unable to read /proc/self/environ: Interrupted system call\n";
    expect(judge("cli", cliRef, fault({ ...refused, errno: "EINTR", stderr: eintr }))).toBe("not-retried");
    expect(judge("cli", cliRef, fault({ errno: "EINTR" }))).toBe("same");
    const other = 'hermes-exec-shim: called as "", which is not one of its commands; nothing was run.\n';
    expect(judge("cli", cliRef, fault({ ...refused, errno: "EINTR", code: 127, stderr: other }))).toBe("false-message");
  });

  it("stack traces, deaths by signal and hangs", () => {
    const js = "TypeError: x\n      at readAll (src/sys/files.ts:12:3)\n";
    expect(judge("cli", cliRef, fault({ ...refused, code: 1, stderr: js }))).toBe("stack-trace");
    const py = 'Traceback (most recent call last):\n  File "x", line 1\n';
    expect(judge("cli", cliRef, fault({ ...refused, code: 1, stderr: py }))).toBe("stack-trace");
    expect(judge("cli", cliRef, fault({ ...refused, code: -6, stderr: "" }))).toBe("crash");
    expect(judge("cli", cliRef, fault({ ...refused, code: "timeout" }))).toBe("hang");
  });

  it("not-injected and mismatch: strace failed no call, two calls, or another call than the reference's", () => {
    expect(judge("cli", cliRef, fault({ injected: [] }))).toBe("not-injected");
    const other = 'openat(AT_FDCWD, "/etc/passwd")';
    expect(judge("cli", cliRef, fault({ injectedKey: other }))).toBe("mismatch");
    expect(judge("cli", cliRef, fault({ injected: ["a", "b"] }))).toBe("mismatch");
  });
});

describe("judge, the admin commands", () => {
  const admin = (over: Partial<Fault>) => fault({ ...doctorRef, ...over });

  it("same: identical stdout and exit code", () => {
    expect(judge("doctor", doctorRef, admin({}))).toBe("same");
  });

  it("unexamined: exit 1, a line naming the errno's words and what failed, no healthy in its place", () => {
    const stdout =
      "hermes-exec-shim doctor\nnot examined /opt/data: unable to open it: Input/output error\n3 entries examined: no problem in what was examined, 1 part not examined\n";
    expect(judge("doctor", doctorRef, admin({ code: 1, stdout }))).toBe("unexamined");
    expect(judge("doctor", doctorRef, admin({ code: 0, stdout }))).toBe("wrong-code");
    const healthy = `${stdout}3 entries examined: healthy\n`;
    expect(judge("doctor", doctorRef, admin({ code: 1, stdout: healthy }))).toBe("false-message");
    const nowhere = "hermes-exec-shim doctor\nInput/output error\n";
    expect(judge("doctor", doctorRef, admin({ code: 1, stdout: nowhere }))).toBe("false-message");
  });

  it("explain may exit 0 with the failure in its report: it has no exit code for a finding", () => {
    const stdout =
      "  terminal       unable to examine descriptor 0 (ioctl TCGETS): Input/output error: refuses (126)\n";
    expect(judge("explain", doctorRef, admin({ code: 0, stdout }))).toBe("unexamined");
    expect(judge("doctor", doctorRef, admin({ code: 0, stdout }))).toBe("wrong-code");
  });

  it("a call made on nothing in particular (getpid) is named by the call itself, which says what failed", () => {
    const getpid = { syscall: "getpid", key: "getpid()", injectedKey: "getpid()", injected: ["getpid() = -1 EIO"] };
    const told = "  terminal       could not be examined: unable to getpid: Input/output error\n";
    expect(judge("explain", doctorRef, admin({ ...getpid, code: 0, stdout: told }))).toBe("unexamined");
    const unwarned = "  terminal       could not be examined: Input/output error\n";
    expect(judge("explain", doctorRef, admin({ ...getpid, code: 0, stdout: unwarned }))).toBe("false-message");
  });

  it("refused: 126 with the errno's words on stderr", () => {
    expect(judge("doctor", doctorRef, admin({ code: 126, stdout: "", stderr: NOTHING }))).toBe("refused");
  });

  it("altered: the report changed, with the same exit code and not a word of the failure", () => {
    const stdout = doctorRef.stdout.replace("ok       a", "ok       b");
    expect(judge("doctor", doctorRef, admin({ stdout }))).toBe("altered");
    expect(judge("doctor", doctorRef, admin({ stdout, code: 1 }))).toBe("false-message");
  });
});
