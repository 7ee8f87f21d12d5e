/**
 * The shim: gather the facts, let decide() choose, carry out the plan.
 * Nothing here parses the caller's arguments; they reach the CLI as bytes.
 * The name it is called as (argv[0]'s last path element) picks the command;
 * under its admin name the binary is an admin CLI instead.
 */
// First: from here on no error reaches the runtime's report with its stack trace and source lines.
import "./sys/crashHandler.ts";
import { type Bytes, bytes, envEntry, envWith } from "./core/bytes.ts";
import type { ShimConfig } from "./core/config.ts";
import { decide, refuseSteered } from "./core/decide.ts";
import { ENOENT, type Failure, failed, failureText } from "./core/failure.ts";
import { calledCommand, isAdminName } from "./core/name.ts";
import { execve } from "./sys/exec.ts";
import { gatherFacts, procStrings } from "./sys/facts.ts";
import { getenv, libcProbe } from "./sys/files.ts";
import { ffiError, strerror, Unable } from "./sys/libc.ts";
import { writeStderr } from "./sys/write.ts";

declare const SHIM_CONFIG: ShimConfig;
declare const SHIM_VERSION: string;
const config = SHIM_CONFIG;

function refuse(why: string): never {
  writeStderr(`${config.name}: ${why}; nothing was run.\n`);
  process.exit(126);
}

/** What the shim itself must know before anything else could not be read: nothing is guessed in its place. */
function known<T>(value: T | Failure): T {
  if (failed(value)) refuse(failureText(value));
  return value;
}

// Loaded only where bun:ffi is unavailable: every ordinary call would otherwise pay to evaluate it.
const portable = ffiError === undefined ? undefined : await import("./sys/portable.ts");
const probe = portable ? portable.portableProbe : libcProbe;
const euid = known(probe.geteuid());
const callerArgv = known(procStrings(probe, "cmdline"));
if (isAdminName(callerArgv[0], config.name)) {
  // The admin commands change owners as root: a start a caller could steer runs none of them either.
  const steered = refuseSteered(config, { ...known(probe.started()), euid }, probe.self());
  if (steered) {
    writeStderr(steered.message);
    process.exit(steered.code);
  }
  if (portable) refuse(`the admin commands need bun:ffi, which this runtime cannot use (${ffiError})`);
  // Loaded on demand so that every ordinary call does not pay to evaluate it.
  const { runAdmin } = await import("./admin/sys/cli.ts");
  process.exit(runAdmin(config, SHIM_VERSION, { argv: callerArgv, env: known(procStrings(probe, "environ")), euid }));
}
// Only root's plan depends on the whole environment (the opt-out, HOME on the drop path). Otherwise only the
// home variable is looked up: execv hands on the C library's environ, which the runtime leaves as passed.
const asRoot = euid === 0;
// Without bun:ffi there is no execv to hand environ on as it is: it is read, and must survive process.execve.
const callerEnv = asRoot || portable ? known(procStrings(probe, "environ")) : undefined;
const called = calledCommand(callerArgv[0], config.commands);
const plan = decide(config, gatherFacts(config, probe, called, euid, callerEnv ?? getenv));
if (plan.warning) writeStderr(plan.warning);
if (plan.kind === "refuse") {
  writeStderr(plan.message);
  process.exit(plan.code);
}
// The boot's variables the caller lacks (contract §15): only then is a caller's environment read whole to add them.
const imported: Bytes[] = [];
for (const i of plan.boot ?? []) if ("value" in i) imported.push(envEntry(i.name, i.value));
const given = imported.length > 0 ? [...(callerEnv ?? known(procStrings(probe, "environ"))), ...imported] : callerEnv;
// As root, what is executed gets exactly the environment the decision read, and what it imported.
const env = plan.setEnv
  ? envWith(given ?? [], plan.setEnv.name, plan.setEnv.value)
  : asRoot || imported.length > 0
    ? given
    : undefined;
const argv: Bytes[] = [];
// Loops, not map(): an array builtin costs tens of microseconds on its first call, on every call of the shim.
for (const arg of plan.prefix) argv.push(bytes(arg));
for (let i = 1; i < callerArgv.length; i++) argv.push(callerArgv[i] as Bytes);
let failure: number;
if (plan.relay) {
  // Root's terminal is never the runtime user's (contract §12): the CLI gets a pty of its own, relayed.
  if (portable) refuse("cannot give the CLI a terminal of its own without bun:ffi, and will not hand it root's");
  const { relay } = await import("./sys/relay.ts");
  try {
    const { fds, uid, gid } = plan.relay;
    failure = await relay(
      { path: bytes(plan.path), argv, env: env ?? [], umask: plan.umask, fds, uid, gid },
      config.name,
    );
  } catch (error) {
    if (error instanceof Unable) refuse(error.message);
    throw error;
  }
} else {
  if (portable) {
    // Without the JIT: process.execve, which takes strings, so only what it can carry exactly is run.
    const call = portable.representable(argv, env ?? callerEnv ?? []);
    if (!call) refuse("without bun:ffi, cannot pass on arguments or an environment that are not plain UTF-8 text");
    const why = portable.execve(plan.path, call.args, call.env, plan.umask);
    refuse(`cannot execute ${plan.path}: ${why}`);
  }
  try {
    failure = execve(bytes(plan.path), argv, env, plan.umask);
  } catch (error) {
    if (error instanceof Unable) refuse(error.message);
    throw error;
  }
}
// Only a known command gets this far: decide() refuses a name it does not know.
writeStderr(`${"name" in called ? called.name : config.name}: cannot execute ${plan.path}: ${strerror(failure)}\n`);
process.exit(failure === ENOENT ? 127 : 126);
