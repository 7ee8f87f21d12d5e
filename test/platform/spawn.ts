/**
 * A program run to its end alongside other work, its output collected. Never spawnSync for anything
 * long: a blocked test worker runs nothing else meanwhile (the file's concurrent cases, its timeouts,
 * vitest's progress calls, which vitest 3 gave up on after a minute and failed the run for).
 */
import { spawn } from "node:child_process";

export interface Outcome {
  code: number | null;
  /** Set when the program was killed, by the timeout or otherwise. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Given on stdin, which is then closed; without it stdin is closed at once. */
  input?: string | Buffer;
  /** SIGKILL after this long; no limit by default. */
  timeoutMs?: number;
}

export function outcome(argv: readonly string[], options: SpawnOptions = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    // A program that exits without reading its input closes the pipe first.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}
