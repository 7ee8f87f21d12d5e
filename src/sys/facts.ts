/** What the shim sees before deciding: shared by the shim itself and `explain`, so the two cannot disagree. */
import { type Bytes, envValues, splitNul } from "../core/bytes.ts";
import type { ShimConfig } from "../core/config.ts";
import type { Facts } from "../core/decide.ts";
import { type Homes, homeVar } from "../core/homes.ts";
import { lazy } from "../core/lazy.ts";
import type { Called } from "../core/name.ts";
import { type Account, runtimeUser } from "../core/passwd.ts";
import type { Lstat } from "../core/pathWalk.ts";
import { parseCapEff, privilegedStart } from "../core/privilege.ts";
import { type Terminal, type TerminalObservation, terminalOf } from "../core/terminal.ts";
import { checkTrust, type ProgramStatus } from "../core/trust.ts";
import { readDropIdentity } from "./accounts.ts";
import { callerHomes, runtimeHomes } from "./homeProbe.ts";

/** How facts are read: through libc (src/sys/files.ts) or, where bun:ffi is unavailable, src/sys/portable.ts. */
export interface Probe {
  geteuid(): number;
  started(): Facts["started"];
  executableStatus(path: string): ProgramStatus;
  lstat: Lstat;
  /** The shim's own file. */
  self(): string | undefined;
  /** A whole file, or undefined if it cannot be read. */
  read(path: string): Bytes | undefined;
  /** access(2) with the caller's own ids: 0, or the errno. */
  access(path: Bytes, mode: number): number;
  /** The caller's effective gid and supplementary groups. */
  groups(): number[];
  /** The names in a directory, or undefined if it cannot be read. */
  entries(path: string): string[] | undefined;
  /** The caller's terminals (contract §12); throws when a call fails for another reason than "none there". */
  terminal(): TerminalObservation;
  strerror(code: number): string;
}

/** The caller's terminal as the drop sees it, or the failure that kept it from being examined. */
function terminalFact(probe: Probe): Terminal | { unable: string } {
  try {
    return terminalOf(probe.terminal());
  } catch (error) {
    return { unable: error instanceof Error ? error.message : String(error) };
  }
}

/*
 * argv or the environment exactly as execve delivered them, read separately: a non-root call never needs
 * the environment. The runtime aborts at start-up when /proc is missing, so there is no other source to
 * fall back on; undefined only if /proc is mounted but unreadable.
 */
export function procStrings(probe: Probe, file: "cmdline" | "environ"): Bytes[] | undefined {
  const data = probe.read(`/proc/self/${file}`);
  return data && splitNul(data);
}

/** The caller's environment: whole when it was read, else a lookup of one variable (a non-root call reads no more). */
export type Environment = readonly Bytes[] | ((name: string) => Bytes | undefined);

/** The homes of the user the CLI will run as: the caller's own, or on the drop path the runtime user's. */
function homesFor(
  config: ShimConfig,
  probe: Probe,
  euid: number,
  env: Environment,
  account: Account | undefined,
): Homes | undefined {
  const variable = homeVar(config.name);
  const value = typeof env === "function" ? env(variable) : envValues(env, variable)[0];
  if (euid !== 0) return callerHomes(config, probe, euid, value);
  return account && runtimeHomes(config, account, probe, value);
}

/** nsswitch.conf, read only when /etc/passwd lacks the user: whether another source may know it. */
function nsswitch(probe: Probe, account: Account | undefined): string | undefined {
  const text = account ? undefined : probe.read("/etc/nsswitch.conf");
  return text && new TextDecoder().decode(text);
}

export function gatherFacts(config: ShimConfig, probe: Probe, command: Called, euid: number, env: Environment): Facts {
  const started = probe.started();
  const steered = privilegedStart({ ...started, euid });
  // The shim's own file matters to root and to the refusal of a steered start, which names it.
  const self = euid === 0 || steered ? probe.self() : undefined;
  const given = typeof env === "function" ? [] : env;
  const known = { command, euid, started, ...(self !== undefined ? { self } : {}), env: given };
  // A name the build does not know has no target: decide() refuses it once it knows the start is not steered.
  if ("unknown" in command) return { ...known, cli: "missing" };
  const cli = probe.executableStatus(command.target);
  const status = euid === 0 ? probe.read("/proc/self/status") : undefined;
  const statusText = status && new TextDecoder().decode(status);
  // What only some of decide()'s ways need is read when it asks, once: nothing here works out which way it takes.
  // The user to drop to, with every group the drop gives it: read once for its homes, the plan and whether it exists.
  const identity = lazy(() => readDropIdentity(config.user, probe.read, statusText, probe.groups));
  const homes = lazy(() => homesFor(config, probe, euid, env, euid === 0 ? identity()?.account : undefined));
  if (euid !== 0) return { ...known, cli, homes };
  return {
    ...known,
    cli,
    homes,
    asRoot: {
      helperTrust: checkTrust(config.helper, probe.lstat),
      cliTrust: checkTrust(command.target, probe.lstat),
      selfTrust: self ? checkTrust(self, probe.lstat) : { ok: false, missing: true, reason: "its own file is unknown" },
      capEff: statusText === undefined ? undefined : parseCapEff(statusText),
      runtimeUser: lazy(() => runtimeUser(identity()?.account, nsswitch(probe, identity()?.account))),
      terminal: lazy(() => terminalFact(probe)),
      drop: lazy(() => {
        const found = identity();
        return (
          found && {
            uid: found.account.uid,
            gid: found.account.gid,
            groups: found.groups,
            // What the drop execs whenever the identity is known (contract §11).
            groupsHelperTrust: checkTrust(config.groupsHelper, probe.lstat),
          }
        );
      }),
    },
  };
}
