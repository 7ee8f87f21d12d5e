/**
 * The pids each path needs (docs/runtime.md): in a container under a pids limit, the threads each path starts
 * (strace -f, clones sharing the address space) and the fewest free pids beside its own process with which it
 * still runs, found by holding every other free pid (test/container/holdpids.py: a child forks until EAGAIN,
 * then lets K go) for K = 0, 1, …; then root calls started at once under the limit, counting the runtime's
 * crash reports. Beside the POSIX sh shim.
 */
import { readFileSync } from "node:fs";
import type { Container } from "../../test/container/container.ts";

export interface PidsRow {
  label: string;
  /** Runtime threads (clone with CLONE_THREAD) the path starts; children it spawns are counted apart. */
  threads: number;
  children: number;
  /** The fewest free pids beside its own with which it ran; undefined when it never did up to MOST. */
  needs: number | undefined;
}

export interface PidsPath {
  label: string;
  command: string;
  /** What the command's wrapper needs by itself (script(1) for a terminal), taken off the count. */
  wrapper?: string;
  user?: string;
}

const MOST = 12;
const CRASH_REPORT = /Bun has crashed|panic\(|^Args:/m;

/** One path's threads, children and free pids needed. */
async function measure(ct: Container, path: PidsPath): Promise<PidsRow> {
  const user = path.user ? `setpriv --reuid ${path.user} --regid ${path.user} --clear-groups ` : "";
  const traced = async (command: string) => {
    const r = await ct.run(
      `strace -f -qq -o /tmp/pids.trace -e trace=clone,clone3,vfork,fork ${user}${command} >/dev/null 2>&1; ` +
        "cat /tmp/pids.trace",
    );
    // Each call that made a task, once: a clone3 the seccomp profile refuses (ENOSYS) is retried as clone.
    const made = r.stdout.split("\n").filter((l) => /\b(clone3?|v?fork)\(/.test(l) && !/= -1 /.test(l));
    const threads = made.filter((l) => l.includes("CLONE_THREAD")).length;
    return { threads, children: made.length - threads };
  };
  const mine = await traced(path.command);
  const wrapper = path.wrapper === undefined ? { threads: 0, children: 0 } : await traced(path.wrapper);
  const threads = mine.threads - wrapper.threads;
  const children = mine.children - wrapper.children;
  // Ran: as it does with pids to spare (doctor's exit code is its verdict), and without the crash report.
  const needOf = async (command: string) => {
    const free = await ct.run(`${user}${command}`);
    for (let k = 0; k <= MOST; k++) {
      const r = await ct.run(`python3 /tmp/holdpids.py ${k} ${user}${command}`);
      if (r.code === free.code && !CRASH_REPORT.test(r.stdout + r.stderr)) return k;
    }
    return undefined;
  };
  const needs = await needOf(path.command);
  const own = path.wrapper === undefined ? 0 : await needOf(path.wrapper);
  return {
    label: path.label,
    threads,
    children,
    needs: needs === undefined || own === undefined ? undefined : needs - own,
  };
}

export interface Burst {
  label: string;
  calls: number;
  crashes: number;
  failures: number;
}

export async function timePids(
  ct: Container,
  holder: string,
  paths: PidsPath[],
  bursts: { label: string; command: string }[],
  burst: { calls: number; rounds: number },
): Promise<{ rows: PidsRow[]; bursts: Burst[] }> {
  await ct.ok("cat > /tmp/holdpids.py", { input: readFileSync(holder) });
  const rows: PidsRow[] = [];
  for (const path of paths) rows.push(await measure(ct, path));
  const seen: Burst[] = [];
  for (const { label, command } of bursts) {
    const b: Burst = { label, calls: 0, crashes: 0, failures: 0 };
    for (let round = 0; round < burst.rounds; round++) {
      // bash, which retries a fork the limit refuses where dash gives up the whole script.
      await ct.exec([
        "bash",
        "-c",
        `rm -rf /tmp/burst && mkdir /tmp/burst && for i in $(seq ${burst.calls}); do ` +
          `(${command} > /tmp/burst/out.$i 2>&1; echo $? > /tmp/burst/code.$i) & done 2>/dev/null; wait`,
      ]);
      const r = await ct.run(
        "ls /tmp/burst | grep -c '^code'; grep -lE 'Bun has crashed|^Args:' /tmp/burst/out.* | wc -l; " +
          "cat /tmp/burst/code.* | grep -vcx 0",
      );
      const [calls = 0, crashed = 0, failed = 0] = r.stdout.trim().split("\n").map(Number);
      b.calls += calls;
      b.crashes += crashed;
      b.failures += failed;
    }
    seen.push(b);
  }
  return { rows, bursts: seen };
}

export function renderPids(
  result: { rows: PidsRow[]; bursts: Burst[] },
  limit: number,
  burst: { calls: number; rounds: number },
): string {
  const lines = [
    "## Pids under a pids limit",
    "",
    `In a container with \`--pids-limit ${limit}\`: the runtime threads each path starts (strace -f), the children it ` +
      "spawns, and the fewest free pids beside its own process with which it still ran, every other free pid held " +
      "(test/container/holdpids.py). One pid short, a thread the runtime cannot start ends in its crash report (exit 134).",
    "",
    "| path | threads | children | free pids it needs |",
    "|---|--:|--:|--:|",
    ...result.rows.map((r) => `| ${r.label} | ${r.threads} | ${r.children} | ${r.needs ?? `more than ${MOST}`} |`),
    "",
    `${burst.calls} root calls (\`whoami\`) started at once by one shell, each in a subshell of its own, ` +
      `${burst.rounds} times: the calls that started, the runtime's crash reports, and the calls that did not exit 0.`,
    "",
    "| program | calls | crash reports | not 0 |",
    "|---|--:|--:|--:|",
    ...result.bursts.map((b) => `| ${b.label} | ${b.calls} | ${b.crashes} | ${b.failures} |`),
    "",
  ];
  return lines.join("\n");
}
