/**
 * The shim: gather the facts, let decide() choose, carry out the plan.
 * Nothing here parses the caller's arguments; they reach the CLI as bytes.
 * Only under its admin name is the binary an admin CLI instead.
 */
import { isAdminName } from "./admin/name.ts";
import { bytes, envWith } from "./bytes.ts";
import type { ShimConfig } from "./config.ts";
import { decide } from "./decide.ts";
import { execve } from "./sys/exec.ts";
import { gatherFacts } from "./sys/facts.ts";
import { invocation } from "./sys/files.ts";
import { ENOENT } from "./sys/libc.ts";
import { writeStderr } from "./sys/stderr.ts";

declare const SHIM_CONFIG: ShimConfig;
declare const SHIM_VERSION: string;
const config = SHIM_CONFIG;

const ERRORS: Record<number, string> = {
  2: "no such file or directory",
  7: "argument list too long",
  8: "exec format error",
  13: "permission denied",
};

const call = invocation();
if (!call) {
  writeStderr(`${config.name}: cannot read /proc/self/cmdline and /proc/self/environ; refusing to guess.\n`);
  process.exit(126);
}
if (isAdminName(call.argv[0], config.name)) {
  // Loaded on demand so that every ordinary call does not pay to evaluate it.
  const { runAdmin } = await import("./admin/cli.ts");
  process.exit(runAdmin(config, SHIM_VERSION, call));
}
const plan = decide(config, gatherFacts(config, call.env));
if (plan.kind === "refuse") {
  writeStderr(plan.message);
  process.exit(plan.code);
}
if (plan.warning) writeStderr(plan.warning);
const env = plan.setEnv ? envWith(call.env, plan.setEnv.name, plan.setEnv.value) : call.env;
const failure = execve(bytes(plan.path), [...plan.prefix.map(bytes), ...call.argv.slice(1)], env, plan.umask);
writeStderr(`${config.name}: cannot execute ${plan.path}: ${ERRORS[failure] ?? `errno ${failure}`}\n`);
process.exit(failure === ENOENT ? 127 : 126);
