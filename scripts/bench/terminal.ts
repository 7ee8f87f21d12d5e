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
  /** Run with no terminal (its own session, 0-2 on /dev/null): the same call's cost without a relay; no throughput. */
  detached?: boolean;
  /** What the summary compares it as. */
  role?: "sudo" | "handover" | "relay" | "unrelayed";
}

export interface TerminalRow {
  label: string;
  role?: TerminalWay["role"];
  startup: number;
  /** MiB/s; undefined for a row with no terminal. */
  throughput?: number;
  /** The peak resident set of the call's processes (the largest), MiB: with the no-op CLI, and relaying the output. */
  rss: number;
  rssRelaying?: number;
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
  const time = async (timed: readonly TerminalWay[], args: string[], n: number) => {
    const input = timed.map((w) => `${w.detached ? "-" : ""}${w.uid} ${[...w.argv, ...args].join(" ")}`).join("\n");
    const out = await ct.ok(`${timer} ${n} 3`, { input, timeoutMs: 3_600_000 });
    return out
      .trimEnd()
      .split("\n")
      .map((line) => {
        const fields = line.split(" ").map(Number);
        return {
          ms: fields.slice(0, -2).map((ns) => ns / 1e6),
          read: fields[fields.length - 2] ?? 0,
          rss: (fields[fields.length - 1] ?? 0) / 1024,
        };
      });
  };
  const startup = await time(ways, [], rounds.startup);
  const onTerminal = ways.filter((w) => !w.detached);
  // The CLI becomes the timer itself, which writes EMITTED bytes to its terminal and exits.
  await ct.ok(`cp ${target} ${target}.noop && cp ${timer} ${target}`);
  try {
    const output = await time(onTerminal, ["--emit", `${EMITTED}`], rounds.throughput);
    return ways.map((way, i) => {
      const run = way.detached ? undefined : output[onTerminal.indexOf(way)];
      if (!way.detached && (!run || run.read < EMITTED))
        throw new Error(`bench: ${way.label} relayed ${run?.read} of ${EMITTED} bytes`);
      return {
        label: way.label,
        ...(way.role ? { role: way.role } : {}),
        startup: median(startup[i]?.ms ?? []),
        ...(run ? { throughput: EMITTED / (1 << 20) / (median(run.ms) / 1000) } : {}),
        rss: startup[i]?.rss ?? 0,
        ...(run ? { rssRelaying: run.rss } : {}),
      };
    });
  } finally {
    await ct.ok(`mv ${target}.noop ${target}`);
  }
}

export function renderTerminal(rows: readonly TerminalRow[], rounds: { startup: number; throughput: number }): string {
  const direct = rows[0];
  const role = (name: TerminalWay["role"]) => rows.find((r) => r.role === name);
  const [sudo, handover, relay, unrelayed] = [role("sudo"), role("handover"), role("relay"), role("unrelayed")];
  const summary =
    sudo && handover && relay && unrelayed
      ? [
          `- Start-up added by the relay (the relayed drop minus the same drop with no terminal): ` +
            `${(relay.startup - unrelayed.startup).toFixed(2)} ms; by sudo's use_pty (sudo minus s6-applyuidgid alone): ` +
            `${(sudo.startup - handover.startup).toFixed(2)} ms.`,
          `- Output relayed: ×${((relay.throughput ?? 0) / (sudo.throughput ?? 1)).toFixed(2)} sudo's.`,
          `- Peak resident set: the relay ${relay.rss.toFixed(1)} MiB with the no-op CLI, ` +
            `${(relay.rssRelaying ?? 0).toFixed(1)} MiB relaying the output; the shim's own at its exec (the drop with ` +
            `no terminal) ${unrelayed.rss.toFixed(1)} MiB; sudo ${sudo.rss.toFixed(1)} and ` +
            `${(sudo.rssRelaying ?? 0).toFixed(1)} MiB.`,
        ]
      : [];
  return [
    "| on a terminal root's shell holds (contract §12) | start to end (ms) | added to the direct CLI (ms) | output relayed (MiB/s) | peak RSS (MiB) | peak RSS relaying the output (MiB) |",
    "|---|--:|--:|--:|--:|--:|",
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.startup.toFixed(2)} | ${direct ? (r.startup - direct.startup).toFixed(2) : ""} | ` +
        `${r.throughput === undefined ? "" : r.throughput.toFixed(0)} | ${r.rss.toFixed(1)} | ` +
        `${r.rssRelaying === undefined ? "" : r.rssRelaying.toFixed(1)} |`,
    ),
    "",
    ...summary,
    `- Each command runs as a child of a pty's session leader, as \`hermes …\` typed at root's shell in the container ` +
      `does; timed from fork until every byte it wrote was read and the leader was reaped. Medians of ${rounds.startup} ` +
      `rounds with the no-op CLI, then of ${rounds.throughput} with a CLI that writes ${EMITTED >> 20} MiB to its terminal. ` +
      "A row with no terminal runs in a session of its own with 0-2 on /dev/null: nothing to relay, no throughput. " +
      "Peak RSS: the largest process of the call (wait4's ru_maxrss, which keeps a program's peak across its execve).",
    "- s6-setuidgid and s6-applyuidgid alone hand root's terminal to the runtime user (contract §12's reason); sudo with `use_pty` " +
      "and this shim give the CLI a pty of its own and relay it.",
    "",
  ].join("\n");
}
