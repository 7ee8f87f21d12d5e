/**
 * The shim: gather the facts, let decide() choose, carry out the plan.
 * Nothing here parses the caller's arguments; they reach the CLI as bytes.
 * The name it is called as (argv[0]'s last path element) picks the command;
 * under its admin name the binary is an admin CLI instead.
 */
import { type Bytes, bytes, envWith } from "./core/bytes.ts";
import type { ShimConfig } from "./core/config.ts";
import { decide } from "./core/decide.ts";
import { calledCommand, isAdminName } from "./core/name.ts";
import { execve } from "./sys/exec.ts";
import { gatherFacts } from "./sys/facts.ts";
import { readArgv, readEnv } from "./sys/files.ts";
import { ENOENT, libc, strerror } from "./sys/libc.ts";
import { writeStderr } from "./sys/write.ts";

declare const SHIM_CONFIG: ShimConfig;
declare const SHIM_VERSION: string;
const config = SHIM_CONFIG;

function unreadable(): never {
  writeStderr(`${config.name}: cannot read /proc/self/cmdline and /proc/self/environ; refusing to guess.\n`);
  process.exit(126);
}

const callerArgv = readArgv() ?? unreadable();
if (isAdminName(callerArgv[0], config.name)) {
  // Loaded on demand so that every ordinary call does not pay to evaluate it.
  const { runAdmin } = await import("./admin/sys/cli.ts");
  process.exit(runAdmin(config, SHIM_VERSION, { argv: callerArgv, env: readEnv() ?? unreadable() }));
}
// Only root's plan depends on the environment (the opt-out, HOME on the drop path). Otherwise it is never
// read: execv hands on the C library's environ, which the runtime leaves as the caller passed it.
const euid = libc.geteuid();
const asRoot = euid === 0;
const callerEnv = asRoot ? (readEnv() ?? unreadable()) : [];
const called = calledCommand(callerArgv[0], config.commands);
const plan = decide(config, gatherFacts(config, called, euid, callerEnv));
if (plan.kind === "refuse") {
  writeStderr(plan.message);
  process.exit(plan.code);
}
if (plan.warning) writeStderr(plan.warning);
// As root, what is executed gets exactly the environment the decision read.
const env = plan.setEnv ? envWith(callerEnv, plan.setEnv.name, plan.setEnv.value) : asRoot ? callerEnv : undefined;
const argv: Bytes[] = [];
// Loops, not map(): an array builtin costs tens of microseconds on its first call, on every call of the shim.
for (const arg of plan.prefix) argv.push(bytes(arg));
for (let i = 1; i < callerArgv.length; i++) argv.push(callerArgv[i] as Bytes);
const failure = execve(bytes(plan.path), argv, env, plan.umask);
// Only a known command gets this far: decide() refuses a name it does not know.
writeStderr(`${"name" in called ? called.name : config.name}: cannot execute ${plan.path}: ${strerror(failure)}\n`);
process.exit(failure === ENOENT ? 127 : 126);
