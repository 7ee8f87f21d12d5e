/**
 * The fault-injection suite's judge (contract §13: a failing system call is a fact of its own): what one
 * run with one failed system call did, against the same path's run without it. Pure, so that
 * test/faults/judge.test.ts pins every class.
 *
 * It keys on the C library's words for the injected errno (strerror's), never on a sentence: whatever the shim
 * prints, a failure told as what it is names them ("unable to read /proc/self/environ: Input/output error").
 */

/** One run as test/container/faults.py reports it. `code` is strace's: the tracee's status, < 0 for its signal. */
export interface Run {
  code: number | "timeout";
  stdout: string;
  stderr: string;
  /** The stand-in CLI's `received` record (what it was handed), or null when it did not run. */
  record: string | null;
}

export interface Fault extends Run {
  path: string;
  syscall: string;
  /** The invocation failed, counted per syscall in the shim's main thread (strace's when=N). */
  n: number;
  errno: string;
  /** What the call acts on, for the report: a path, or the file a descriptor was opened on. */
  what: string;
  /** The reference call (syscall and what it acts on) and the one strace marked (INJECTED). */
  key: string;
  injected: string[];
  injectedKey: string | null;
}

/** The CLI's paths (drop, opt-out, pass-through), where the stand-in CLI's record is what counts, or an admin command. */
export type Kind = "cli" | "explain" | "doctor";

export const GOOD = ["same", "refused", "unexamined"] as const;
export const BAD = [
  "altered",
  "false-message",
  "stack-trace",
  "crash",
  "hang",
  "wrong-code",
  "not-retried",
  "not-injected",
  "mismatch",
] as const;
export type Outcome = (typeof GOOD)[number] | (typeof BAD)[number];

/** glibc's strerror() for every errno the suite injects. */
export const WORDS: Record<string, string> = {
  EIO: "Input/output error",
  EACCES: "Permission denied",
  ENOMEM: "Cannot allocate memory",
  EINTR: "Interrupted system call",
};

/**
 * A stack trace of any program in the chain: the runtime's report of an uncaught JavaScript error (numbered
 * source lines, frames; as container.ts's JS_ERROR_REPORT), Bun's crash report, or a Python traceback (the CLI
 * choking on what it was handed).
 */
const STACK_TRACE = /^ *\d+ \| |^\s+at .*:\d+:\d+\)?$|^Traceback \(most recent call last\)|Bun has crashed|^panic/m;

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

/** The lines of `run` that `reference` does not have (as a multiset: a line printed twice counts twice). */
function extraLines(run: string, reference: string): string[] {
  const left = lines(reference);
  return lines(run).filter((line) => {
    const i = left.indexOf(line);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/**
 * What failed, on a line: an absolute path (a word that starts with /), a descriptor ("fd 1"), or for a call made
 * on nothing in particular (getuid, getpid) the call itself.
 */
const namesWhat = (line: string, syscall: string) =>
  /(^|[\s("'])\/|\b(fd|descriptor) \d|standard (input|output|error)/.test(line) ||
  line.includes(`unable to ${syscall}`);

export function judge(kind: Kind, reference: Run, fault: Fault): Outcome {
  if (fault.injected.length === 0) return "not-injected";
  if (fault.injected.length > 1 || fault.injectedKey !== fault.key) return "mismatch";
  if (fault.code === "timeout") return "hang";
  if (STACK_TRACE.test(fault.stderr) || STACK_TRACE.test(fault.stdout)) return "stack-trace";
  if (fault.code < 0) return "crash";
  const words = (WORDS[fault.errno] ?? fault.errno).toLowerCase();
  const names = (text: string) => text.toLowerCase().includes(words);
  // A warning is fine where it tells the failure as what it is; one naming another cause is a false message.
  const warningsTold = extraLines(fault.stderr, reference.stderr).every(names);

  const same =
    kind === "cli"
      ? fault.record !== null && fault.record === reference.record
      : fault.stdout === reference.stdout && fault.code === reference.code;
  if (same) return warningsTold ? "same" : "false-message";
  if (kind === "cli" && fault.record !== null) return "altered";

  const output = `${fault.stdout}\n${fault.stderr}`;
  // An interrupted call is retried (contract §13): told or not, anything but the run without the fault fails.
  if (fault.errno === "EINTR" && names(output)) return "not-retried";
  if (!names(output)) {
    // The admin report changed without a word, or the CLI did not run with a reason that is not the failure.
    return kind !== "cli" && fault.code === reference.code && warningsTold ? "altered" : "false-message";
  }
  // A refusal: nothing ran, and stderr names the failure. 126 for a failure the decision needed (§2, §6);
  // 127 where the shim could not tell the CLI is there (§5's own check).
  if (names(fault.stderr) && (fault.code === 126 || (kind === "cli" && fault.code === 127))) return "refused";
  if (kind === "cli") return "wrong-code";
  // The admin commands: a report that names what it could not examine (a path or descriptor with the errno's
  // words) and does not call the rest healthy.
  if (!lines(output).some((line) => names(line) && namesWhat(line, fault.syscall))) return "false-message";
  if (/\bhealthy\b/.test(lines(fault.stdout).at(-1) ?? "")) return "false-message";
  // doctor exits 1. Not 0, even where the reference was 0 and docs/admin.md lets parts left unexamined by design
  // (a mount) count for nothing in the exit code: a part left unexamined because the system failed is not known
  // to be healthy, and a script reading 0 would take it for healthy (the repair at boot runs `doctor --fix …
  // || true`, so 1 stops nothing there); 1 is also the reference's code where it already had a problem.
  // explain has no exit code for a finding: it reports what the call would do, and 0 says the report is whole
  // with the failure in it; 1 is accepted as well.
  if (fault.code !== 1 && !(kind === "explain" && fault.code === 0)) return "wrong-code";
  return "unexamined";
}

export const isBad = (outcome: Outcome) => (BAD as readonly string[]).includes(outcome);

/** What a run said that the reference did not: its first new stderr line, else what changed on stdout or in the
 * record. */
function said(kind: Kind, reference: Run, fault: Fault): string {
  const stderr = extraLines(fault.stderr, reference.stderr)[0];
  if (stderr) return stderr;
  if (kind === "cli" && fault.record && reference.record) {
    const [a, b] = [JSON.parse(reference.record), JSON.parse(fault.record)] as Record<string, unknown>[];
    const changed = Object.keys(a ?? {}).filter((k) => JSON.stringify(a?.[k]) !== JSON.stringify(b?.[k]));
    return `the CLI ran with another ${changed.join(", ")}: ${changed.map((k) => JSON.stringify(b?.[k])).join(" ")}`;
  }
  const added = extraLines(fault.stdout, reference.stdout)[0];
  const lost = extraLines(reference.stdout, fault.stdout)[0];
  return added ? `stdout: ${added}` : lost ? `stdout lost: ${lost}` : "";
}

/** One line per bad outcome, for a failure message: what failed, with what, and what the shim said. */
export function describeBad(kind: Kind, reference: Run, fault: Fault, outcome: Outcome): string {
  const what = fault.what || fault.key;
  return `${outcome}: ${fault.syscall}#${fault.n} ${fault.errno} on ${what} -> exit ${fault.code}: ${said(kind, reference, fault)}`;
}

/**
 * Up to `max` bad outcomes, one for each outcome and message (paths and numbers aside), in the order the shim
 * made the calls: 20 lines that say what is wrong rather than 20 times the same thing on the next file.
 */
export function firstDistinct(lines: { outcome: Outcome; line: string }[], max = 20): string[] {
  const seen = new Set<string>();
  const picked: string[] = [];
  for (const { outcome, line } of lines) {
    const message = line.slice(line.indexOf(" -> ")).replace(/\/\S*/g, "/…").replace(/\d+/g, "N");
    if (seen.has(outcome + message) || picked.length >= max) continue;
    seen.add(outcome + message);
    picked.push(line);
  }
  return picked;
}

/** The outcome counts of one path, every class present, in GOOD then BAD order. */
export function tally(outcomes: Outcome[]): Record<Outcome, number> {
  const counts = Object.fromEntries([...GOOD, ...BAD].map((o) => [o, 0])) as Record<Outcome, number>;
  for (const o of outcomes) counts[o] += 1;
  return counts;
}
