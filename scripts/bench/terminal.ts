/**
 * Contract §12's cost: root's shell inside the container runs the command on its terminal (a pty of
 * scripts/bench/pty-timer.c's, the command a child of that pty's session leader), so the shim relays. Start-up
 * with the no-op CLI, then throughput with a CLI that writes a block of output, each beside the CLI run
 * directly, s6-setuidgid alone (which hands the terminal over) and Debian's sudo under `Defaults use_pty`,
 * which relays the same way, all through the same pty and round-robin.
 */
import type { Container } from "../../test/container/container.ts";
import { median } from "./report.ts";

export interface TerminalWay {
  label: string;
  uid: number;
  /** The program and the arguments before the CLI's own. */
  argv: string[];
}

export interface TerminalRow {
  label: string;
  startup: number;
  throughput: number;
}

const EMITTED = 64 << 20;

/** `timer` is the pty-timer in the container; for the throughput rows it also stands at `target`, the CLI's path, and emits. */
export async function timeTerminal(
  ct: Container,
  timer: string,
  target: string,
  ways: readonly TerminalWay[],
  rounds: { startup: number; throughput: number },
): Promise<TerminalRow[]> {
  const time = async (args: string[], n: number) => {
    const input = ways.map((w) => `${w.uid} ${[...w.argv, ...args].join(" ")}`).join("\n");
    const out = await ct.ok(`${timer} ${n} 3`, { input, timeoutMs: 3_600_000 });
    return out
      .trimEnd()
      .split("\n")
      .map((line) => {
        const fields = line.split(" ").map(Number);
        return { ms: fields.slice(0, -1).map((ns) => ns / 1e6), read: fields[fields.length - 1] ?? 0 };
      });
  };
  const startup = await time([], rounds.startup);
  // The CLI becomes the timer itself, which writes EMITTED bytes to its terminal and exits.
  await ct.ok(`cp ${target} ${target}.noop && cp ${timer} ${target}`);
  try {
    const output = await time(["--emit", `${EMITTED}`], rounds.throughput);
    return ways.map((way, i) => {
      const run = output[i];
      if (!run || run.read < EMITTED) throw new Error(`bench: ${way.label} relayed ${run?.read} of ${EMITTED} bytes`);
      return {
        label: way.label,
        startup: median(startup[i]?.ms ?? []),
        throughput: EMITTED / (1 << 20) / (median(run.ms) / 1000),
      };
    });
  } finally {
    await ct.ok(`mv ${target}.noop ${target}`);
  }
}

export function renderTerminal(rows: readonly TerminalRow[], rounds: { startup: number; throughput: number }): string {
  const direct = rows[0];
  return [
    "| on a terminal root's shell holds (contract §12) | start to end (ms) | added to the direct CLI (ms) | output relayed (MiB/s) |",
    "|---|--:|--:|--:|",
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.startup.toFixed(2)} | ${direct ? (r.startup - direct.startup).toFixed(2) : ""} | ${r.throughput.toFixed(0)} |`,
    ),
    "",
    `- Each command runs as a child of a pty's session leader, as \`hermes …\` typed at root's shell in the container ` +
      `does; timed from fork until every byte it wrote was read and the leader was reaped. Medians of ${rounds.startup} ` +
      `rounds with the no-op CLI, then of ${rounds.throughput} with a CLI that writes ${EMITTED >> 20} MiB to its terminal.`,
    "- s6-setuidgid alone hands root's terminal to the runtime user (contract §12's reason); sudo with `use_pty` " +
      "and this shim give the CLI a pty of its own and relay it.",
    "",
  ].join("\n");
}
