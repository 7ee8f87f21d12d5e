/**
 * The shim: gather the facts, let decide() choose, carry out the plan.
 * Nothing here parses the caller's arguments; they reach the CLI as bytes.
 */
import { bytes, envWith } from "./bytes.ts";
import type { ShimConfig } from "./config.ts";
import { decide, type Facts } from "./decide.ts";
import { execve } from "./sys/exec.ts";
import { executableStatus, invocation, lstat } from "./sys/files.ts";
import { ENOENT, libc } from "./sys/libc.ts";
import { writeStderr } from "./sys/stderr.ts";
import { checkTrust } from "./trust.ts";

declare const SHIM_CONFIG: ShimConfig;
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
const euid = libc.geteuid();
const facts: Facts = {
  euid,
  env: call.env,
  target: executableStatus(config.target),
  ...(euid === 0
    ? { root: { helper: checkTrust(config.helper, lstat), target: checkTrust(config.target, lstat) } }
    : {}),
};
const plan = decide(config, facts);
if (plan.kind === "refuse") {
  writeStderr(plan.message);
  process.exit(plan.code);
}
if (plan.warning) writeStderr(plan.warning);
const env = plan.setEnv ? envWith(call.env, plan.setEnv.name, plan.setEnv.value) : call.env;
const failure = execve(bytes(plan.path), [...plan.prefix.map(bytes), ...call.argv.slice(1)], env, plan.umask);
writeStderr(`${config.name}: cannot execute ${plan.path}: ${ERRORS[failure] ?? `errno ${failure}`}\n`);
process.exit(failure === ENOENT ? 127 : 126);
