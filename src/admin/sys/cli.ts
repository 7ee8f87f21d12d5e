/** The admin CLI: what the binary is when invoked as NAME-exec-shim. Loaded only then. */
import { type Bytes, bytes } from "../../core/bytes.ts";
import type { ShimConfig } from "../../core/config.ts";
import { decide, type Plan } from "../../core/decide.ts";
import { calledCommand } from "../../core/name.ts";
import { planDrop, type RootFacts } from "../../root/core/drop.ts";
import { gatherRootFacts } from "../../root/sys/rootFacts.ts";
import { gatherFacts } from "../../sys/facts.ts";
import { libcProbe } from "../../sys/files.ts";
import { writeStderr } from "../../sys/write.ts";
import { parseAdminArgs } from "../core/args.ts";
import { explainReport, explainText } from "../core/explain.ts";
import { usageError, usageText, versionText } from "../core/usage.ts";
import { doctor } from "./doctor.ts";
import { printed } from "./report.ts";

/** argv and environment exactly as execve delivered them, and the effective uid the shim read once. */
export interface Invocation {
  argv: Bytes[];
  env: Bytes[];
  euid: number;
}

const decoder = new TextDecoder();

function explain(
  config: ShimConfig,
  call: Invocation,
  options: { json: boolean; command: string | null; args: string[] },
): number {
  // The name is looked up exactly as the shim looks up argv[0]: by its last path element.
  const command = calledCommand(bytes(options.command ?? config.name), config.commands);
  const facts = gatherFacts(config, libcProbe, command, call.euid, call.env);
  // As the shim plans: root's drop facts are gathered only where decide() asks for the drop.
  const decided = decide(config, facts);
  let root: RootFacts | undefined;
  let plan: Plan;
  if (decided.kind === "drop") {
    root = gatherRootFacts(config, libcProbe, facts, call.env);
    plan = planDrop(config, facts, root, decided);
  } else plan = decided;
  const report = explainReport(config, facts, root, plan, options.args);
  return printed(config.name, options.json ? `${JSON.stringify(report, null, 2)}\n` : explainText(config, report), 0);
}

/** Returns the exit status. */
export function runAdmin(config: ShimConfig, version: string, call: Invocation): number {
  const command = parseAdminArgs(call.argv.slice(1).map((arg) => decoder.decode(arg)));
  switch (command.kind) {
    case "help":
      return printed(config.name, usageText(config), 0);
    case "version":
      return printed(config.name, versionText(config, version), 0);
    case "usage-error":
      writeStderr(usageError(config, command.message));
      return 2;
    case "explain":
      return explain(config, call, command);
    case "doctor":
      return doctor(config, call, command);
  }
}
