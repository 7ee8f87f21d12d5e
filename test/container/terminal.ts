/**
 * An operator at a terminal (contract §12): test/container/terminal.py, run on this machine, gives a command
 * such as `docker exec -it C bash -i` a pseudo-terminal of its own, as a terminal emulator does, and types what
 * a Keys script says once the output it waits for has appeared. Root's interactive shell in the container then
 * sits on the engine's own exec terminal, exactly as after `docker exec -it C bash`, and `hermes` run there is
 * not the leader of that terminal's session.
 */
import { resolve } from "node:path";
import { outcome } from "../platform/spawn.ts";
import { JS_ERROR_REPORT } from "./container.ts";

const DRIVER = resolve(import.meta.dirname, "terminal.py");

/** Root's prompt: set through the environment, so no line typed at it ever contains it. */
export const PROMPT = "root-shell# ";
const PROMPT_RE = "root-shell# ";

/** `bash -i` with no startup files, its prompt PROMPT: what `ENGINE exec -it C bash` starts, flags and all. */
export const rootShell = (engine: string[], id: string): string[] => [
  ...engine,
  // TERM=dumb: readline then leaves bracketed paste off, whose escapes would sit between a line and its output.
  ...["exec", "--interactive", "--tty", "--env", `PS1=${PROMPT}`, "--env", "TERM=dumb", id],
  ...["bash", "--norc", "--noprofile", "-i"],
];

type Step =
  | { send: string }
  | { send_b64: string }
  | { expect: string; name?: string }
  | { resize: [number, number] }
  | { stall: string[] };

/** What is typed and waited for, in order. Python regular expressions, matched in the output after the last match. */
export class Keys {
  readonly steps: Step[] = [];

  /** Waits for `pattern`; its first group is kept under `name`. */
  expect(pattern: string, name?: string): this {
    this.steps.push({ expect: pattern, ...(name ? { name } : {}) });
    return this;
  }

  /** Waits for root's next prompt. */
  prompt(): this {
    return this.expect(PROMPT_RE);
  }

  /** Keys as typed: control characters too ("\x03" is Ctrl-C). */
  keys(text: string): this {
    this.steps.push({ send: text });
    return this;
  }

  /**
   * A line typed at root's prompt once it is there, ended with Enter, then its echo: a later step then looks only
   * past it, never at a prompt readline redrew meanwhile (the engine's late resize of the exec's terminal), which
   * would let the next line be typed while this one still runs. The echo's end alone, which a long line keeps.
   */
  line(text: string): this {
    const end = text.slice(-24).replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
    return this.prompt().keys(`${text}\r`).expect(`${end}(?=\r?\n)`);
  }

  /** Bytes pasted at once. */
  paste(bytes: Buffer): this {
    this.steps.push({ send_b64: bytes.toString("base64") });
    return this;
  }

  /** Resizes the operator's window. */
  resize(rows: number, cols: number): this {
    this.steps.push({ resize: [rows, cols] });
    return this;
  }

  /** Runs `argv` on this machine to its end while nothing reads the terminal's output: a client that stopped reading. */
  stall(argv: string[]): this {
    this.steps.push({ stall: argv });
    return this;
  }

  /** Asks root's shell for the last command's exit status, kept as `name`. */
  status(name = "status"): this {
    return this.line('echo "status=$?"').expect("status=(\\d+)", name);
  }

  /** Types a line whose output proves that root's shell has read and run everything typed or pushed before it. */
  settled(): this {
    return this.line("echo settled-$((40 + 2))").expect("settled-42");
  }

  /** Leaves root's shell. */
  exit(): this {
    return this.line("exit");
  }
}

export interface Session {
  /** Every expect was met. */
  ok: boolean;
  /** Which step was not met, and why. */
  error: string;
  /** The first group of each named expect. */
  got: Record<string, string>;
  /** The command's exit status (128 + N for a death by signal N), null if it had to be hung up. */
  status: number | null;
  /** Everything the command wrote to the terminal. */
  transcript: string;
}

export interface TerminalOptions {
  rows?: number;
  cols?: number;
}

/** Runs `argv` on a terminal of its own, types `keys`, and reports; throws only if the driver itself failed. */
export async function drive(argv: string[], keys: Keys, options: TerminalOptions = {}): Promise<Session> {
  const script = { argv, rows: options.rows ?? 24, cols: options.cols ?? 80, steps: keys.steps };
  const r = await outcome(["python3", DRIVER], { input: JSON.stringify(script) });
  if (r.code !== 0) throw new Error(`terminal.py failed (${r.code ?? r.signal}): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as Omit<Session, "got"> & { groups: (string | null)[][] };
  if (JS_ERROR_REPORT.test(report.transcript))
    throw new Error(`the terminal showed a JavaScript error report:\n${report.transcript}`);
  const got: Record<string, string> = {};
  const expects = keys.steps.filter((s): s is Extract<Step, { expect: string }> => "expect" in s);
  report.groups.forEach((groups, i) => {
    const name = expects[i]?.name;
    if (name && groups[0] != null) got[name] = groups[0];
  });
  return { ok: report.ok, error: report.error, got, status: report.status, transcript: report.transcript };
}

/** The session, having failed the test with its transcript unless every expect was met. */
export function met(session: Session): Session {
  if (!session.ok) throw new Error(`${session.error}\n--- the terminal showed:\n${session.transcript}`);
  return session;
}

/** `hermes tty`'s line as fields: fds, name, owner, mode, size, reopen, devtty, ctty, pid, ppid, sid, leader. */
export function ttyFacts(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .map((field) => field.split("=", 2) as [string, string]),
  );
}
