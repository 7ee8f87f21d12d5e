/**
 * What the shim sees before deciding, on every call: shared by the shim itself and `explain`, so the two cannot
 * disagree. Root's drop facts are src/root/sys/rootFacts.ts's.
 */
import { BOOT_ENV_DIR, type BootFacts } from "../core/bootEnv.ts";
import { type Bytes, envValues, text } from "../core/bytes.ts";
import { type CliHome, cliHome, isBlank } from "../core/cliHome.ts";
import type { ShimConfig } from "../core/config.ts";
import type { Facts } from "../core/decide.ts";
import { failed } from "../core/failure.ts";
import { homeVar } from "../core/homes.ts";
import { lazy } from "../core/lazy.ts";
import type { Called } from "../core/name.ts";
import { parseCapEff, privilegedStart } from "../core/privilege.ts";
import { checkTrust, checkTrustOf } from "../core/trust.ts";
import { callerHomes } from "./homeProbe.ts";
import type { Environment, Probe } from "./probe.ts";

/** The caller's value of `name`, from the whole environment or through the C library's lookup. */
export function callerValue(env: Environment, name: string): Bytes | undefined {
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
  const every = { command, euid, started, ...(self !== undefined ? { self } : {}), env: given };
  // A name the build does not know has no target: decide() refuses it once it knows the start is not steered.
  if ("unknown" in command) return { ...every, cli: "missing" };
  const cli = probe.executableStatus(command.target);
  const boot = bootFacts(config, probe, env);
  // The homes are looked at where the CLI will use them (contract §16): that home comes first.
  const home = boot.home && cliHome(config, boot.home, boot);
  if (euid !== 0) return { ...every, cli, boot, home, homes: callerHomes(config, probe, euid, homeValue(home)) };
  const status = probe.read("/proc/self/status");
  return {
    ...every,
    cli,
    boot,
    home,
    asRoot: {
      helperTrust: checkTrust(config.helper, probe.lstat),
      cliTrust: checkTrust(command.target, probe.lstat),
      selfTrust: checkTrustOf(self ?? probe.self(), probe.lstat),
      ...(failed(status) ? { capEff: status } : statusFacts(text(status))),
    },
  };
}

/** Root's effective capabilities, and its status text for the drop's groups (contract §11). */
function statusFacts(status: string): { capEff: ReturnType<typeof parseCapEff>; status: string } {
  return { capEff: parseCapEff(status), status };
}

/** The value of the CLI's home variable the homes are checked at: the build's home stands for itself. */
export function homeValue(home: CliHome | undefined): Bytes | undefined {
  return home && home.source !== "build" ? home.value : undefined;
}
