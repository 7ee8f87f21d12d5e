/** The admin CLI's command line. Only ever parsed under the admin name. */
import minimist from "minimist";

export type AdminCommand =
  | { kind: "help" }
  | { kind: "version" }
  /** `command` is the name to explain, as given; null for the product name. */
  | { kind: "explain"; json: boolean; command: string | null; args: string[] }
  | { kind: "doctor"; json: boolean; fix: boolean }
  | { kind: "usage-error"; message: string };

const COMMANDS = new Set(["explain", "doctor"]);

export function parseAdminArgs(argv: readonly string[]): AdminCommand {
  const unknown: string[] = [];
  const parsed = minimist([...argv], {
    boolean: ["help", "version", "json", "fix"],
    // Operands stay text: a command name is never read as a number.
    string: ["_"],
    alias: { h: "help" },
    "--": true,
    unknown: (arg) => {
      if (!arg.startsWith("-")) return true;
      unknown.push(arg);
      return false;
    },
  });
  if (parsed.help) return { kind: "help" };
  const error = (message: string): AdminCommand => ({ kind: "usage-error", message });
  if (unknown.length > 0) return error(`unknown option ${unknown[0]}`);
  if (parsed.version) return { kind: "version" };

  const [command, ...extra] = parsed._.map(String);
  const rest = parsed["--"] ?? [];
  if (command === undefined) return error("missing command (explain or doctor)");
  if (!COMMANDS.has(command)) return error(`unknown command ${JSON.stringify(command)}`);
  const json = Boolean(parsed.json);
  if (command === "explain") {
    // One optional operand, the command to explain; everything for that command goes after --.
    if (extra.length > 1)
      return error(`explain takes one command, not also ${JSON.stringify(extra[1])}; put its ARGS after --`);
    if (parsed.fix) return error("--fix belongs to doctor");
    return { kind: "explain", json, command: extra[0] ?? null, args: rest };
  }
  if (extra.length > 0) return error(`${command} takes no argument ${JSON.stringify(extra[0])}`);
  if (rest.length > 0) return error("doctor takes no arguments after --");
  return { kind: "doctor", json, fix: Boolean(parsed.fix) };
}
