/** The admin CLI: what the binary is when invoked as NAME-exec-shim. Loaded only then. */
import type { ShimConfig } from "../config.ts";
import { decide } from "../decide.ts";
import { gatherFacts } from "../sys/facts.ts";
import type { Invocation } from "../sys/files.ts";
import { libc } from "../sys/libc.ts";
import { writeStderr, writeStdout } from "../sys/write.ts";
import { parseAdminArgs } from "./args.ts";
import { doctor } from "./doctor.ts";
import { explainReport, explainText } from "./explain.ts";
import { usageError, usageText, versionText } from "./usage.ts";

const decoder = new TextDecoder();

function explain(config: ShimConfig, call: Invocation, options: { json: boolean; args: string[] }): number {
  const facts = gatherFacts(config, libc.geteuid(), call.env);
  const report = explainReport(config, facts, decide(config, facts), options.args);
  writeStdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : explainText(config, report));
  return 0;
}

/** Returns the exit status. */
export function runAdmin(config: ShimConfig, version: string, call: Invocation): number {
  const command = parseAdminArgs(call.argv.slice(1).map((arg) => decoder.decode(arg)));
  switch (command.kind) {
    case "help":
      writeStdout(usageText(config));
      return 0;
    case "version":
      writeStdout(versionText(config, version));
      return 0;
    case "usage-error":
      writeStderr(usageError(config, command.message));
      return 2;
    case "explain":
      return explain(config, call, command);
    case "doctor":
      return doctor(config, call.env, command);
  }
}
