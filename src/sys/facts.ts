/** What the shim sees before deciding: shared by the shim itself and `explain`, so the two cannot disagree. */
import { BOOT_ENV_DIR, type BootFacts, type BootFile } from "../core/bootEnv.ts";
import { type Bytes, envValues, splitNul, text } from "../core/bytes.ts";
import { type CliHome, isBlank } from "../core/cliHome.ts";
import type { ShimConfig } from "../core/config.ts";
import type { Facts } from "../core/decide.ts";
import { absent, type Failure, failed } from "../core/failure.ts";
import { type Homes, homeVar } from "../core/homes.ts";
import { lazy, lazyOf } from "../core/lazy.ts";
import type { Called } from "../core/name.ts";
import { type Account, type RuntimeUser, runtimeUser } from "../core/passwd.ts";
import type { Lstat } from "../core/pathLookup.ts";
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

/**
 * The homes of the user the CLI will run as: the caller's own, or on the drop path the runtime user's. The home
 * variable's is the one the CLI will use (contract §16); the build's home stands for itself.
 */
function homesFor(
  config: ShimConfig,
  probe: Probe,
  euid: number,
  home: CliHome | undefined,
  account: Account | undefined,
): Homes | undefined {
  const value = home && home.source !== "build" ? home.value : undefined;
  if (euid !== 0) return callerHomes(config, probe, euid, value);
  return account && runtimeHomes(config, account, probe, value);
}

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
  const variable = homeVar(config.name);
  const given = callerValue(homeEnv, variable);
  return {
    vars,
    home: isBlank(given) ? { given, file: probe.readNoFollow(`${BOOT_ENV_DIR}/${variable}`) } : { given },
    dirTrust: lazy(() => checkTrust(BOOT_ENV_DIR, probe.lstat, "dir")),
    target: probe.stat,
  };
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
  const status = euid === 0 ? probe.read("/proc/self/status") : undefined;
  const statusText = status === undefined || failed(status) ? undefined : text(status);
  // What only some of decide()'s ways need is read when it asks, once: nothing here works out which way it takes.
  // The user to drop to, with every group the drop gives it: read once for its homes, the plan and whether it exists.
  const identity = lazy(() =>
    readDropIdentity(config.user, probe.read, statusText, probe.groups, () => readProcesses(probe.entries, probe.read)),
  );
  const account = () => {
    const found = identity();
    return failed(found) ? found : found?.account;
  };
  const homes = lazyOf((home: CliHome | undefined) => {
    const user = euid === 0 ? account() : undefined;
    return failed(user) ? undefined : homesFor(config, probe, euid, home, user);
  });
  if (euid !== 0) return { ...known, cli, homes, boot };
  return {
    ...known,
    cli,
    homes,
    boot,
    asRoot: {
      helperTrust: checkTrust(config.helper, probe.lstat),
      cliTrust: checkTrust(command.target, probe.lstat),
      selfTrust: checkTrustOf(self ?? probe.self(), probe.lstat),
      capEff: failed(status) ? status : statusText === undefined ? undefined : parseCapEff(statusText),
      runtimeUser: lazy(() => runtimeUserFact(probe, account())),
      runtimeDir: lazy(() => runtimeDirFact(probe, env)),
      terminal: lazy(() => {
        const seen = probe.terminal();
        return failed(seen) ? seen : terminalOf(seen);
      }),
      drop: lazy(() => {
        const found = identity();
        if (failed(found)) return found;
        return (
          found && {
            uid: found.account.uid,
            gid: found.account.gid,
            groups: found.groups,
            ...(found.gateway ? { gateway: found.gateway } : {}),
            // What the drop execs whenever the identity is known (contract §11).
            groupsHelperTrust: checkTrust(config.groupsHelper, probe.lstat),
          }
        );
      }),
    },
  };
}
