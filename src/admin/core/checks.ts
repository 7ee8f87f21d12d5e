/** doctor's checks of the installation: each turns one gathered fact into a finding with its remedy. */
import { BOOT_ENV_DIR, type BootImport } from "../../core/bootEnv.ts";
import type { Command, ShimConfig } from "../../core/config.ts";
import { EACCES, type Failure, failed } from "../../core/failure.ts";
import { type Gateway, gatewayText } from "../../core/gateway.ts";
import { octal } from "../../core/node.ts";
import type { Account } from "../../core/passwd.ts";
import { dirname } from "../../core/paths.ts";
import { type ProgramStatus, programStatusText, type Trust } from "../../core/trust.ts";
import { listNames } from "../../core/words.ts";
import type { DropWay } from "../../root/core/drop.ts";
import { type Finding, failureItem, findingFor, unexaminedFinding } from "./finding.ts";

/** An ok or a problem about `check`: only a problem carries its remedy. */
function finding(check: Finding["check"], ok: boolean, message: string, remedy: string | null = null): Finding {
  return findingFor(check)(ok ? "ok" : "problem", message, ok ? null : remedy);
}

/** A check whose subject a failed call kept doctor from examining: `what` says what is not known. */
function unexamined(check: Finding["check"], what: string, failure: Failure): Finding {
  return unexaminedFinding(check, what, [failureItem(failure.on, failure)]);
}

/**
 * The shim's own installation: `path` is its file (readlink /proc/self/exe), `mode` that file's mode.
 * A setuid or setgid bit makes every call refuse (and the runtime itself obeys BUN_* variables first);
 * a file or directory above it that someone but root can write lets them replace what root runs.
 */
export function shimCheck(config: ShimConfig, path: string | Failure, mode: number | Failure, trust: Trust): Finding[] {
  if (failed(path)) return [unexamined("shim", "cannot find this shim's own file (/proc/self/exe)", path)];
  if (failed(mode)) return [unexamined("shim", `this shim ${path} could not be examined`, mode)];
  if (!trust.ok && trust.unexamined)
    return [unexamined("shim", `cannot tell whether anyone but root can replace this shim ${path}`, trust.unexamined)];
  const found: Finding[] = [];
  const bits = [mode & 0o4000 ? "setuid" : "", mode & 0o2000 ? "setgid" : ""].filter(Boolean).join(" and ");
  if (bits)
    found.push(
      finding(
        "shim",
        false,
        `this shim ${path} is ${bits} (mode ${octal(mode)}): anyone who runs it could steer a privileged process, so every call exits 126`,
        `as root: chmod u-s,g-s ${path}`,
      ),
    );
  if (!trust.ok)
    found.push(
      finding(
        "shim",
        false,
        `this shim cannot be trusted by root: ${trust.reason}; whoever can write there can replace ${config.name}, which root runs`,
        `make ${path} and every directory above it owned by root and writable only by root (chown root:root, chmod go-w)`,
      ),
    );
  return found.length > 0
    ? found
    : [
        finding(
          "shim",
          true,
          `this shim ${path} is root-only: root-owned, not setuid or setgid, nothing above it writable by others`,
        ),
      ];
}

export function cliCheck(command: Command, status: ProgramStatus): Finding {
  const { name, target } = command;
  // EACCES is the kernel's own answer (not executable); any other failure leaves the CLI unexamined.
  if (failed(status) && status.errno !== EACCES)
    return unexamined("cli", `the ${name} CLI ${target} could not be examined`, status);
  return finding(
    "cli",
    status === "ok",
    `the ${name} CLI ${target} ${programStatusText(status)}`,
    `install the ${name} CLI there, or rebuild the shim with --command ${name}=PATH for where it is; until then every ${name} call exits 127`,
  );
}

/**
 * The groups helper (contract §11): what root's calls exec whenever the runtime user is in /etc/passwd
 * (`granted` is then the groups the container runtime granted, possibly none). Where the user is not there
 * (`granted` undefined), or the helper is missing and no group would be lost, the drop is the helper's, and
 * nothing is said about it.
 */
export function groupsHelperCheck(
  config: ShimConfig,
  granted: readonly number[] | undefined,
  trust: Trust,
  way: DropWay,
): Finding[] {
  if (granted === undefined) return [];
  const gids = granted.join(", ");
  const { groupsHelper } = config;
  // Whether root's calls exit 126 is decide's own choice of the way (dropWay), never worked out here again.
  const exits = way.way === "refuse" ? ": root calls exit 126" : "";
  if (!trust.ok && trust.unexamined)
    return [unexamined("helper", `the groups helper ${groupsHelper} could not be examined${exits}`, trust.unexamined)];
  if (trust.ok)
    return [
      finding(
        "helper",
        true,
        `the groups helper ${groupsHelper} is trusted (resolves to ${trust.resolved}): root's calls drop through it ` +
          `with the ids in /etc/passwd${granted.length > 0 ? ` and the granted groups ${gids}` : ""}`,
      ),
    ];
  if (trust.missing)
    return granted.length === 0
      ? []
      : [
          findingFor("helper")(
            "note",
            `the groups helper ${groupsHelper} cannot be used: ${trust.reason}; root's calls drop without the groups the container runtime granted (${gids})`,
            `install s6-applyuidgid there (s6-overlay provides it), or rebuild the shim with --groups-helper PATH`,
          ),
        ];
  return [
    finding(
      "helper",
      false,
      `the groups helper ${groupsHelper} cannot be trusted: ${trust.reason}${exits.replace(":", ";")}`,
      "make it and every directory on its way owned by root and writable only by root (chown root:root, chmod go-w)",
    ),
  ];
}

/**
 * The helper as decide's own choice of the drop's way (decide.ts dropWay) has it: where root's calls drop through a
 * trusted groups helper they do not run the helper at all; otherwise a helper that cannot be used refuses them.
 */
export function helperCheck(config: ShimConfig, trust: Trust, way: DropWay): Finding {
  const bypassed = way.way === "drop-ids";
  if (trust.ok)
    return finding("helper", true, `the helper ${config.helper} is trusted (resolves to ${trust.resolved})`);
  if (trust.unexamined) {
    const exits = bypassed ? "" : ": root calls exit 126";
    return unexamined("helper", `the helper ${config.helper} could not be examined${exits}`, trust.unexamined);
  }
  const remedy = trust.missing
    ? `install it (s6-overlay provides ${config.helper}), or rebuild the shim with --helper set to a root-owned drop helper such as /usr/sbin/gosu`
    : "make it and every directory on its way owned by root and writable only by root (chown root:root, chmod go-w)";
  if (bypassed)
    return {
      check: "helper",
      status: "note",
      message: `the helper ${config.helper} cannot be used: ${trust.reason}; root's calls drop through ${config.groupsHelper} and do not run it`,
      remedy,
      items: [],
    };
  return finding(
    "helper",
    false,
    `the helper ${config.helper} cannot be used: ${trust.reason}; root calls exit 126`,
    remedy,
  );
}

/**
 * Where the runtime granted groups and a gateway runs (contract §15): whether it holds them, which the drop and
 * doctor's judgment follow. A group it lacks is a note: the drop leaves it out, and the remedy gives it to both.
 */
export function gatewayCheck(config: ShimConfig, gateway: Gateway | undefined): Finding[] {
  const text = gateway && gatewayText(config.user, gateway);
  if (!gateway || text === undefined) return [];
  if (gateway.withheld.length === 0) return [findingFor("user")("ok", text, null)];
  const gid = gateway.withheld[0];
  return [
    findingFor("user")(
      "note",
      `${text}; doctor judges with the gateway's groups`,
      `to give them to the gateway and the CLI both, list ${config.user} in each in the image's /etc/group ` +
        `(groupadd -g ${gid} NAME && usermod -aG NAME ${config.user}), then restart the gateway`,
    ),
  ];
}

export function userCheck(config: ShimConfig, account: Account | undefined | Failure): Finding[] {
  if (failed(account)) {
    const what = `the runtime user ${config.user} could not be looked up; its home and ${config.home} were not checked`;
    return [unexamined("user", what, account)];
  }
  if (!account) {
    return [
      finding(
        "user",
        false,
        `the runtime user ${config.user} is not in /etc/passwd; its home and ${config.home} were not checked`,
        `create it (useradd --home-dir ${config.home} ${config.user}), or rebuild the shim with --user`,
      ),
    ];
  }
  if (account.uid === 0)
    return [
      finding(
        "user",
        false,
        `the runtime user ${config.user} has uid 0 in /etc/passwd, which is root: root calls exit 126 rather than run as root`,
        `give ${config.user} a uid other than 0 in the image, or rebuild the shim with --user NAME for a user that is not root`,
      ),
    ];
  // A primary group of 0 is the user's own (OpenShift-style images): the drop keeps it, and says so.
  const gid =
    account.gid === 0 ? "gid 0, root's group, as its own primary group, which the drop keeps" : `gid ${account.gid}`;
  const found = finding("user", true, `the runtime user ${config.user} exists (uid ${account.uid}, ${gid})`);
  if (account.home === config.home) return [found];
  const note = findingFor("user")(
    "note",
    `/etc/passwd gives ${config.user} the home ${account.home}; the shim sets HOME=${config.home} when it drops`,
  );
  return [found, note];
}

/**
 * `found` is what PATH resolves the command's name to, `isShim` whether that is this very binary, `shim` this
 * binary's own path: any of them a failure, which of the three doctor could not tell.
 */
export function pathCheck(
  name: string,
  found: string | undefined | Failure,
  isShim: boolean | Failure,
  shim: string | Failure,
): Finding {
  const cannotTell = (failure: Failure) =>
    unexamined("path", `cannot tell whether ${name} on PATH is this shim`, failure);
  if (failed(shim)) return cannotTell(shim);
  if (failed(found)) return cannotTell(found);
  if (failed(isShim)) return cannotTell(isShim);
  const dir = dirname(shim);
  const onPath = `put ${dir} first on PATH (in the image: ENV PATH=${dir}:$PATH)`;
  // Every command is a link to the one binary, next to it (install.sh makes them).
  const link = `link it to the shim (ln -sf ${shim.slice(dir.length + 1)} ${dir}/${name})`;
  if (found === undefined) return finding("path", false, `${name} is not on PATH`, `${link} and ${onPath}`);
  return finding(
    "path",
    isShim,
    isShim
      ? `${name} on PATH is this shim (${found})`
      : `${name} on PATH is ${found}, not this shim (${shim}): root calls would not drop`,
    dirname(found) === dir ? link : onPath,
  );
}

/** Root's PATH in a login shell (su -, bash -l, an SSH login), as Debian's /etc/profile sets it for uid 0. */
export const LOGIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** One command as a login shell's PATH finds it: what it reaches, and whether that is this binary. */
export interface LoginLookup {
  name: string;
  found: string | undefined | Failure;
  isShim: boolean | Failure;
  shim: string | Failure;
}

/**
 * Whether a login shell reaches the shim under each command's name (contract §16): the shim is ok, another
 * program a problem (root's login shell runs it as root), none a note (the operator finds no command at all).
 */
export function loginPathChecks(lookups: readonly LoginLookup[]): Finding[] {
  const findings: Finding[] = [];
  const shims: string[] = [];
  const missing: string[] = [];
  const where = `a login shell's PATH (${LOGIN_PATH}, as Debian's /etc/profile sets root's)`;
  for (const { name, found, isShim, shim } of lookups) {
    const lost = [shim, found, isShim].find(failed);
    if (lost) {
      findings.push(unexamined("path", `cannot tell whether ${name} on a login shell's PATH is this shim`, lost));
      continue;
    }
    const self = shim as string;
    const link = `ln -sf ${dirname(self)}/${name} /usr/local/bin/${name} (install.sh --link-dir /usr/local/bin)`;
    if (found === undefined) missing.push(name);
    else if (isShim) shims.push(`${name} (${found})`);
    else
      findings.push(
        finding(
          "path",
          false,
          `${name} on ${where} is ${found}, not this shim (${self}): root's login shells (su -, SSH) run it as root`,
          dirname(found as string) === "/usr/local/bin" ? `link it to the shim: ${link}` : `${link}, which comes first`,
        ),
      );
  }
  if (missing.length > 0)
    findings.push(
      findingFor("path")(
        "note",
        `${listNames(missing)} ${missing.length === 1 ? "is" : "are"} not on ${where}: su -, bash -l and SSH logins find none`,
        "link each to the shim in /usr/local/bin (install.sh --link-dir /usr/local/bin)",
      ),
    );
  if (shims.length > 0 && findings.length === 0)
    findings.push(
      finding(
        "path",
        true,
        `on a login shell's PATH, ${listNames(shims)} ${shims.length === 1 ? "is" : "are"} this shim`,
      ),
    );
  return findings;
}

/**
 * The boot's environment (contract §15), judged as a caller that lacks every variable the build names would find
 * it: a directory someone but root could write, or a variable's file the shim will not take because of who could
 * have written it. Nothing is said where there is no such directory (no s6-overlay), nor of the boot's own say
 * (a variable it did not set, left empty, or that names no executable).
 */
export function bootEnvCheck(config: ShimConfig, dirTrust: Trust, imports: readonly BootImport[]): Finding[] {
  const names = listNames(config.bootEnv.map((v) => v.name));
  if (!dirTrust.ok) {
    if (dirTrust.unexamined)
      return [unexamined("boot-env", `cannot tell whether only root can write ${BOOT_ENV_DIR}`, dirTrust.unexamined)];
    if (!dirTrust.rewritable) return [];
    return [
      finding(
        "boot-env",
        false,
        `the boot's environment cannot be trusted: ${dirTrust.reason}; whoever can write there could set ${names} for every ${config.name} call, so the shim takes nothing from it`,
        `make ${BOOT_ENV_DIR} and every directory above it owned by root and writable only by root (chown root:root, chmod go-w)`,
      ),
    ];
  }
  const found: Finding[] = [];
  for (const i of imports) {
    if (!("warned" in i) || !i.warned) continue;
    found.push(
      i.unexamined
        ? unexamined(
            "boot-env",
            `cannot tell whether the shim may take ${i.name} from the boot's environment`,
            i.unexamined,
          )
        : finding(
            "boot-env",
            false,
            `the shim will not take ${i.name} from the boot's environment: ${i.not}; every ${config.name} call that lacks it runs without it`,
            `as root, replace ${BOOT_ENV_DIR}/${i.name} with a regular file owned by root and writable only by root (as s6-overlay's boot writes it), or restart the container`,
          ),
    );
  }
  return found.length > 0
    ? found
    : [
        finding(
          "boot-env",
          true,
          `only root can write the boot's environment ${BOOT_ENV_DIR}, from which a call that lacks ${names} takes it`,
        ),
      ];
}
