/**
 * The shim: gather the facts, let decide() choose, carry out the plan.
 * Nothing here parses the caller's arguments; they reach the CLI as bytes.
 * The name it is called as (argv[0]'s last path element) picks the command;
 * under its admin name the binary is an admin CLI instead.
 */
// First: from here on no error reaches the runtime's report with its stack trace and source lines.
import "./sys/crashHandler.ts";
import { type Bytes, bytes, envEntry, splitNul } from "./core/bytes.ts";
import type { ShimConfig } from "./core/config.ts";
import { decide, refuseSteered } from "./core/decide.ts";
import { ENOENT, type Failure, failed, failureText } from "./core/failure.ts";
import { calledCommand, isAdminName } from "./core/name.ts";
import { privilegedStart } from "./core/privilege.ts";
import { QUIET_MARK, quietNeeded, stringCount, withoutQuietOptions, withQuietOptions } from "./core/threads.ts";
import { envChanged } from "./core/userEnv.ts";
import { planDrop } from "./root/core/drop.ts";
import { gatherRootFacts } from "./root/sys/rootFacts.ts";
import { execve, execveStrings } from "./sys/exec.ts";
import { gatherFacts } from "./sys/facts.ts";
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
const cmdline = known(probe.read("/proc/self/cmdline"));
const nameEnd = cmdline.indexOf(0);
const admin = isAdminName(cmdline.subarray(0, nameEnd === -1 ? cmdline.length : nameEnd), config.name);
/** The caller's environment as the kernel gave it, read once, where a path needs it. */
let environ: Bytes | undefined;
const readEnviron = (): Bytes => {
  environ ??= known(probe.read("/proc/self/environ"));
  return environ;
};
/** Whether this process was started setuid, setgid or otherwise privileged, or cannot tell (decide refuses it). */
function steeredStart(): boolean {
  const started = probe.started();
  return failed(started) || privilegedStart({ ...started, euid }) !== undefined;
}
/** Runs this binary again as it was called, under the options; returns only where that exec could not be made. */
function rerunQuietly(argc: number): void {
  const env = withQuietOptions(readEnviron());
  try {
    execveStrings(bytes("/proc/self/exe"), cmdline, argc, env, stringCount(env));
  } catch (error) {
    // The call then goes on as it is, and may start them.
    if (!(error instanceof Unable)) throw error;
  }
}
if (admin) {
  // The admin commands change owners as root: a start a caller could steer runs none of them either, nor reads
  // anything more (a setgid process cannot read its own environment).
  const steered = refuseSteered(config, { ...known(probe.started()), euid }, probe.self());
  if (steered) {
    writeStderr(steered.message);
    process.exit(steered.code);
  }
}
// A second run under options that stop the runtime's threads (src/core/threads.ts) for the admin commands and a
// call with many strings, decided before anything makes an object of each: enough of them start one. Never for
// a steered start, which the decision refuses in its own words.
const firstRun = !portable && getenv(QUIET_MARK) === undefined;
if (firstRun) {
  const argc = stringCount(cmdline);
  const envc = admin || euid === 0 ? stringCount(readEnviron()) : undefined;
  if (quietNeeded(admin, argc, envc) && (admin || !steeredStart())) rerunQuietly(argc);
}
const callerArgv = splitNul(cmdline);
if (admin) {
  if (portable) refuse(`the admin commands need bun:ffi, which this runtime cannot use (${ffiError})`);
  const { env, quiet } = withoutQuietOptions(splitNul(readEnviron()));
  // No compiler threads in this run: the JIT compiles on this one, and a walk of a million entries wants it back.
  if (quiet) Bun.unsafe.setJITPolicy(1);
  // Loaded on demand so that every ordinary call does not pay to evaluate it.
  const { runAdmin } = await import("./admin/sys/cli.ts");
  process.exit(runAdmin(config, SHIM_VERSION, { argv: callerArgv, env, euid }));
}
// Only root's plan depends on the whole environment (the opt-out, HOME on the drop path). Otherwise only the
// home variable is looked up: execv hands on the C library's environ, which the runtime leaves as passed.
const asRoot = euid === 0;
// Without bun:ffi there is no execv to hand environ on as it is: it is read, and must survive process.execve.
// The second run reads it too, to hand it on without the options it added.
let callerEnv = asRoot || portable || getenv(QUIET_MARK) !== undefined ? splitNul(readEnviron()) : undefined;
// Whatever the first run added is taken off again: the CLI gets the caller's environment as it was.
if (callerEnv !== undefined) callerEnv = withoutQuietOptions(callerEnv).env;
const called = calledCommand(callerArgv[0], config.commands);
const facts = gatherFacts(config, probe, called, euid, callerEnv ?? getenv);
const decided = decide(config, facts);
// Root's drop facts, in one step, only where the decision on what every call has asks for the drop.
const plan =
  decided.kind === "drop"
    ? planDrop(config, facts, gatherRootFacts(config, probe, facts, callerEnv ?? getenv), decided)
    : decided;
if (plan.warning) writeStderr(plan.warning);
if (plan.kind === "refuse") {
  writeStderr(plan.message);
  process.exit(plan.code);
}
// The boot's variables the caller lacks (contract §15), the CLI's home and the drop's user (contract §16): only
// then is a caller's environment read whole, to add them.
const imported: Bytes[] = [];
for (const i of plan.boot ?? []) if ("value" in i) imported.push(envEntry(i.name, i.value));
const changed = imported.length > 0 || plan.env !== undefined;
const given = changed ? [...(callerEnv ?? splitNul(readEnviron())), ...imported] : callerEnv;
// As root, and in a second run, what is executed gets exactly the environment the decision read (less the
// second run's options), and what the plan changed.
const env = plan.env ? envChanged(given ?? [], plan.env) : given;
const argv: Bytes[] = [];
// Loops, not map(): an array builtin costs tens of microseconds on its first call, on every call of the shim.
for (const arg of plan.prefix) argv.push(bytes(arg));
for (let i = 1; i < callerArgv.length; i++) argv.push(callerArgv[i] as Bytes);
let failure: number;
if (plan.relay) {
  // Root's terminal is never the runtime user's (contract §12): the CLI gets a pty of its own, relayed.
  if (portable) refuse("cannot give the CLI a terminal of its own without bun:ffi, and will not hand it root's");
  // The relay runs until the CLI exits, long enough to grow the heap: it too runs again under the options.
  if (firstRun) rerunQuietly(stringCount(cmdline));
  const { relay } = await import("./relay/sys/relay.ts");
  try {
    const { fds, uid, gid } = plan.relay;
    failure = relay({ path: bytes(plan.path), argv, env: env ?? [], umask: plan.umask, fds, uid, gid }, config.name);
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
