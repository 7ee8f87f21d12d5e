/**
 * Root's drop facts (contract §11–§16), gathered in one step once decide() asked for the drop: each a fact or the
 * failure that kept it from being known, for planDrop() to judge.
 */
import { text } from "../../core/bytes.ts";
import type { ShimConfig } from "../../core/config.ts";
import type { Drop, Facts } from "../../core/decide.ts";
import { absent, type Failure, failed } from "../../core/failure.ts";
import { type Account, type RuntimeUser, runtimeUser } from "../../core/passwd.ts";
import { terminalOf } from "../../core/terminal.ts";
import { checkTrust } from "../../core/trust.ts";
import { RUNTIME_DIR_VAR, type RuntimeDir } from "../../core/userEnv.ts";
import { callerValue, homeValue } from "../../sys/facts.ts";
import { absolute } from "../../sys/homeProbe.ts";
import type { Environment, Probe } from "../../sys/probe.ts";
import type { RootFacts } from "../core/drop.ts";
import { readDropIdentity } from "./dropIdentity.ts";
import { readProcesses } from "./processes.ts";
import { runtimeHomes } from "./runtimeHomes.ts";

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
