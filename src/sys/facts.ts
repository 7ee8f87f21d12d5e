/** What the shim sees before deciding: shared by the shim itself and `explain`, so the two cannot disagree. */
import { BOOT_ENV_DIR, type BootFacts, type BootFile } from "../core/bootEnv.ts";
import { type Bytes, envValues, splitNul, text } from "../core/bytes.ts";
import { type CliHome, cliHome, isBlank } from "../core/cliHome.ts";
import type { ShimConfig } from "../core/config.ts";
import type { Drop, Facts, RootFacts } from "../core/decide.ts";
import { absent, type Failure, failed } from "../core/failure.ts";
import { homeVar } from "../core/homes.ts";
import { lazy } from "../core/lazy.ts";
import type { Called } from "../core/name.ts";
import { type Account, type RuntimeUser, runtimeUser } from "../core/passwd.ts";
import type { Lstat } from "../core/pathWalk.ts";
import { parseCapEff, privilegedStart } from "../core/privilege.ts";
import { type TerminalObservation, terminalOf } from "../core/terminal.ts";
import { checkTrust, checkTrustOf, type ProgramStatus } from "../core/trust.ts";
import { RUNTIME_DIR_VAR, type RuntimeDir } from "../core/userEnv.ts";
import { readDropIdentity } from "./accounts.ts";
import { absolute, callerHomes, runtimeHomes } from "./homeProbe.ts";
import { readProcesses } from "./processes.ts";

/** How facts are read: through libc (src/sys/files.ts) or, where bun:ffi is unavailable, src/sys/portable.ts. */
export interface Probe {
  geteuid(): number | Failure;
  started(): Facts["started"];
  executableStatus(path: string): ProgramStatus;
  lstat: Lstat;
  /** A node through every link, as exec follows them. */
  stat: Lstat;
  /** What one open that follows no link finds at a path, and for a regular file what it holds. */
  readNoFollow(path: string): BootFile;
  /** The shim's own file. */
  self(): string | Failure;
  /** A whole file, or the failure that kept it from being read whole. */
  read(path: string): Bytes | Failure;
  /** access(2) with the caller's own ids: 0, or the errno. */
  access(path: Bytes, mode: number): number;
  /** The caller's effective gid and supplementary groups. */
  groups(): number[] | Failure;
  /** The names in a directory, or the failure that kept them from being listed whole. */
  entries(path: string): string[] | Failure;
  /** The caller's terminals (contract §12), or the failure of a call for another reason than "none there". */
  terminal(): TerminalObservation | Failure;
  /** `call` on `on` failed with `errno`, in this probe's words for it. */
  failure(call: string, on: string, errno: number): Failure;
}

/*
 * argv or the environment exactly as execve delivered them, read separately: a non-root call never needs
 * the environment. The runtime aborts at start-up when /proc is missing, so there is no other source to
 * fall back on; undefined only if /proc is mounted but unreadable.
 */
export function procStrings(probe: Probe, file: "cmdline" | "environ"): Bytes[] | Failure {
  const data = probe.read(`/proc/self/${file}`);
  return failed(data) ? data : splitNul(data);
}

/** The caller's environment: whole when it was read, else a lookup of one variable (a non-root call reads no more). */
export type Environment = readonly Bytes[] | ((name: string) => Bytes | undefined);

/** The caller's value of `name`, from the whole environment or through the C library's lookup. */
function callerValue(env: Environment, name: string): Bytes | undefined {
  return typeof env === "function" ? env(name) : envValues(env, name)[0];
}

/**
 * The boot's file of each variable the build names that the caller lacks: one open each, none where it is set;
 * and of the CLI's home variable where the caller's is blank (contract §16). doctor asks as a caller that lacks
 * every variable the build names.
 */
export function bootFacts(config: ShimConfig, probe: Probe, env: Environment, homeEnv: Environment = env): BootFacts {
  const vars: BootFacts["vars"][number][] = [];
  // A loop, not map(): an array builtin costs tens of microseconds on its first call, on every call of the shim.
  for (const v of config.bootEnv)
    vars.push(
      callerValue(env, v.name) === undefined ? { ...v, file: probe.readNoFollow(`${BOOT_ENV_DIR}/${v.name}`) } : v,
    );
  return {
    vars,
    home: homeFact(config, probe, callerValue(homeEnv, homeVar(config.name))),
    dirTrust: lazy(() => checkTrust(BOOT_ENV_DIR, probe.lstat, "dir")),
    target: probe.stat,
  };
}

/**
 * The CLI's home variable as the caller gives it, and the boot's file only where that value is blank: the one place
 * the blank value is judged, so that cliHome() takes the boot's where, and only where, a file was read.
 */
export function homeFact(config: ShimConfig, probe: Probe, given: Bytes | undefined): NonNullable<BootFacts["home"]> {
  return isBlank(given)
    ? { given, file: probe.readNoFollow(`${BOOT_ENV_DIR}/${homeVar(config.name)}`) }
    : { given: given as Bytes };
}

/** The caller's runtime directory and what lstat finds there, where it is set: the drop path only. */
function runtimeDirFact(probe: Probe, env: Environment): RuntimeDir | undefined {
  const value = callerValue(env, RUNTIME_DIR_VAR);
  if (value === undefined) return undefined;
  const path = absolute(value);
  return path === undefined ? { value } : { value, node: probe.lstat(path) };
}

/** Whether the runtime user exists: nsswitch.conf is read only when /etc/passwd lacks it, for another source. */
function runtimeUserFact(probe: Probe, account: Account | undefined | Failure): RuntimeUser | Failure {
  if (failed(account)) return account;
  const conf = account ? undefined : probe.read("/etc/nsswitch.conf");
  if (conf === undefined || !failed(conf)) return runtimeUser(account, conf && text(conf));
  return absent(conf) ? runtimeUser(undefined, undefined) : conf;
}

/**
 * What every call's decision needs: how it started, the CLI, the boot's environment and the CLI's home; the caller's
 * homes where it is not root, and root's own few facts (trust, capabilities) where it is. Nothing of the drop.
 */
export function gatherFacts(config: ShimConfig, probe: Probe, command: Called, euid: number, env: Environment): Facts {
  const started = probe.started();
  const steered = !failed(started) && privilegedStart({ ...started, euid });
  // The shim's own file matters to root and to the refusal of a steered start, which names it.
  const self = euid === 0 || steered ? probe.self() : undefined;
  const given = typeof env === "function" ? [] : env;
  const known = { command, euid, started, ...(self !== undefined ? { self } : {}), env: given };
  // A name the build does not know has no target: decide() refuses it once it knows the start is not steered.
  if ("unknown" in command) return { ...known, cli: "missing" };
  const cli = probe.executableStatus(command.target);
  const boot = bootFacts(config, probe, env);
  // The homes are looked at where the CLI will use them (contract §16): that home comes first.
  const home = boot.home && cliHome(config, boot.home, boot);
  if (euid !== 0) return { ...known, cli, boot, home, homes: callerHomes(config, probe, euid, homeValue(home)) };
  const status = probe.read("/proc/self/status");
  const statusText = failed(status) ? undefined : text(status);
  return {
    ...known,
    cli,
    boot,
    home,
    asRoot: {
      helperTrust: checkTrust(config.helper, probe.lstat),
      cliTrust: checkTrust(command.target, probe.lstat),
      selfTrust: checkTrustOf(self ?? probe.self(), probe.lstat),
      capEff: failed(status) ? status : statusText === undefined ? undefined : parseCapEff(statusText),
      ...(statusText === undefined ? {} : { status: statusText }),
    },
  };
}

/** The value of the CLI's home variable the homes are checked at: the build's home stands for itself. */
function homeValue(home: CliHome | undefined): Bytes | undefined {
  return home && home.source !== "build" ? home.value : undefined;
}

/**
 * Root's drop facts, in one step, once decide() asked for the drop: the user with every group the drop gives it,
 * the terminal, the runtime directory, then the homes as that user finds them, which need its account.
 */
export function gatherRootFacts(config: ShimConfig, probe: Probe, facts: Facts, env: Environment): RootFacts {
  const found = readDropIdentity(config.user, probe.read, facts.asRoot?.status, probe.groups, () =>
    readProcesses(probe.entries, probe.read),
  );
  const account = failed(found) ? found : found?.account;
  const drop: Drop | undefined | Failure = failed(found)
    ? found
    : found && {
        uid: found.account.uid,
        gid: found.account.gid,
        groups: found.groups,
        ...(found.gateway ? { gateway: found.gateway } : {}),
        // What the drop execs whenever the identity is known (contract §11).
        groupsHelperTrust: checkTrust(config.groupsHelper, probe.lstat),
      };
  const seen = probe.terminal();
  return {
    runtimeUser: runtimeUserFact(probe, account),
    drop,
    terminal: failed(seen) ? seen : terminalOf(seen),
    homes: account && !failed(account) ? runtimeHomes(config, account, probe, homeValue(facts.home)) : undefined,
    runtimeDir: runtimeDirFact(probe, env),
  };
}
