/** `doctor`: gathers every fact its checks need, then reports them as findings. */
import { bootImports } from "../../core/bootEnv.ts";
import { type Bytes, bytes, envValues, text } from "../../core/bytes.ts";
import { cliHome } from "../../core/cliHome.ts";
import type { ShimConfig } from "../../core/config.ts";
import { type Failure, failed } from "../../core/failure.ts";
import { homeVar } from "../../core/homes.ts";
import { adminName } from "../../core/name.ts";
import type { Account } from "../../core/passwd.ts";
import { parseCapRow } from "../../core/privilege.ts";
import { checkTrust, checkTrustOf, type Trust } from "../../core/trust.ts";
import { readDropIdentity } from "../../root/sys/dropIdentity.ts";
import { readProcesses } from "../../root/sys/processes.ts";
import { runtimeHomes } from "../../root/sys/runtimeHomes.ts";
import { readAccountOfUid } from "../../sys/accounts.ts";
import { bootFacts, homeFact } from "../../sys/facts.ts";
import { access, entries, executableStatus, groups, libcProbe, lstat, readAll, readlink } from "../../sys/files.ts";
import { absolute, callerHomes } from "../../sys/homeProbe.ts";
import { AT_FDCWD, AT_SYMLINK_NOFOLLOW, cstr, failure, libc } from "../../sys/libc.ts";
import { statAt } from "../../sys/statx.ts";
import { writeStderr } from "../../sys/write.ts";
import { LOGIN_PATH } from "../core/checks.ts";
import { type DoctorFacts, doctorFindings, type HomeFacts } from "../core/doctorFindings.ts";
import { doctorReport, doctorText, failureItem, type Item } from "../core/finding.ts";
import { homeTrees, ownFiles, whyNotWalked } from "../core/homeTrees.ts";
import { pathDirList } from "../core/pathDirs.ts";
import { type SplitCandidate, STATE_ENTRIES, splitHomeName } from "../core/splitHome.ts";
import { commandsOnPath, pathOf, venvExecutables } from "./onPath.ts";
import { progressMeter } from "./progress.ts";
import { printed } from "./report.ts";
import { fdPath, resolvedPath } from "./stat.ts";
import { gatherTree } from "./supervisionWalk.ts";
import { walkHome } from "./walk.ts";

export function doctor(
  config: ShimConfig,
  { env, euid }: { env: readonly Bytes[]; euid: number },
  options: { fix: boolean; json: boolean },
): number {
  const { fix, json } = options;
  if (fix && euid !== 0) {
    writeStderr(`${adminName(config.name)}: doctor --fix changes owners, so it must run as root\n`);
    return 1;
  }
  const verdict = doctorFindings(config, gatherFacts(config, env, euid, fix));
  const { walked, examined, findings, judgedAs, sharedWith } = verdict;
  const report = doctorReport(config.home, walked, fix, examined, findings, judgedAs, sharedWith);
  const out = json ? `${JSON.stringify(report, null, 2)}\n` : doctorText(config.name, report);
  return printed(config.name, out, report.healthy ? 0 : 1);
}

/** Every fact doctor's checks judge; with --fix, the walks change owners as they go. */
function gatherFacts(config: ShimConfig, env: readonly Bytes[], euid: number, fix: boolean): DoctorFacts {
  // Judged as the drop makes the runtime user (contract §11): with the groups the container runtime granted.
  // Where /proc/self/status cannot be read, the groups come from getgroups, as the shim's own do.
  const status = readAll("/proc/self/status");
  const statusText = failed(status) ? undefined : text(status);
  // Where the runtime granted groups, they are matched with the running gateway's (contract §15).
  const user = readDropIdentity(config.user, readAll, statusText, groups, () => readProcesses(entries, readAll));
  const self = readlink("/proc/self/exe");
  const names = config.commands.map((c) => c.name);
  const path = pathOf(env);
  const pathDirTrust = new Map<string, Trust>();
  for (const dir of path === undefined ? [] : pathDirList(path))
    if (dir.startsWith("/")) pathDirTrust.set(dir, checkTrust(dir, lstat, "lookup-dir"));
  // The boot's environment as a caller that lacks every variable finds it: the gateway's home among them. The
  // home judged is the one the CLI will use (contract §16): the caller's own value, else the gateway's.
  const boot = bootFacts(config, libcProbe, () => undefined);
  const gatewayHome = cliHome(config, homeFact(config, libcProbe, undefined), boot);
  const home = cliHome(config, homeFact(config, libcProbe, envValues(env, homeVar(config.name))[0]), boot);
  const facts: DoctorFacts = {
    euid,
    fix,
    shim: { path: self, mode: failed(self) ? self : modeOf(self), trust: checkTrustOf(self, lstat) },
    clis: config.commands.map((command) => ({ command, status: executableStatus(command.target) })),
    helperTrust: checkTrust(config.helper, lstat),
    groupsHelperTrust: checkTrust(config.groupsHelper, lstat),
    user,
    onPath: commandsOnPath(names, env),
    venv: venvExecutables(config, env),
    onLoginPath: commandsOnPath(names, [bytes(`PATH=${LOGIN_PATH}`)]),
    path,
    pathDirTrust,
    boot: {
      dirTrust: boot.dirTrust(),
      imports: [...bootImports(boot), ...(gatewayHome.boot ? [gatewayHome.boot] : [])],
    },
    caps: {
      euid,
      effective: statusText === undefined ? undefined : parseCapRow(statusText, "CapEff:"),
      bounding: statusText === undefined ? undefined : parseCapRow(statusText, "CapBnd:"),
    },
    pid1: pid1Comm(),
  };
  const account = failed(user) ? undefined : user?.account;
  if (!account) return facts;
  const given = home.source === "build" ? undefined : home.value;
  const homes = { given, gatewayHome: text(gatewayHome.value), used: text(home.value) };
  return { ...facts, homes: gatherHomes(config, { account, euid, fix, self }, homes) };
}

/** The homes doctor walks, walked (with --fix, repaired), then as the runtime user and the caller find them. */
function gatherHomes(
  config: ShimConfig,
  { account, euid, fix, self }: { account: Account; euid: number; fix: boolean; self: string | Failure },
  { given, gatewayHome, used }: { given: Bytes | undefined; gatewayHome: string; used: string },
): HomeFacts {
  const value = given && absolute(given);
  // Run as a uid that is neither root nor the runtime user's (an arbitrary uid in group 0, OpenShift's), the CLI
  // runs as that uid: the trees are judged for it and its groups.
  const judged = euid !== 0 && euid !== account.uid ? callerAccount(euid, account) : account;
  const walks = homeTrees(config, value).map((tree) => {
    const progress = progressMeter(`${adminName(config.name)} doctor: ${tree.path}`);
    // Only a second home may hold the image's own files; where they really are is asked only then. Where any
    // of them cannot be known, the home is not walked: --fix could hand the image's own files over.
    const whyNotWalk = (fd: number) => {
      const at = fdPath(fd);
      if (failed(at)) return at;
      if (failed(self)) return self;
      const own: (string | undefined)[] = [];
      for (const file of ownFiles(config, self)) {
        const resolved = file && resolvedPath(file);
        if (failed(resolved)) return resolved;
        own.push(resolved);
      }
      return whyNotWalked(tree, at, own);
    };
    const walk = walkHome(tree.path, judged, {
      fix,
      onProgress: progress.update,
      ...(tree.variable === null ? {} : { whyNotWalk }),
    });
    progress.done();
    return { tree, walk };
  });
  return {
    judged,
    walks,
    etcGroup: walks.some((w) => w.walk.sharing) ? readAll("/etc/group") : undefined,
    // After the walks: what --fix changed counts.
    runtime: runtimeHomes(config, account, { lstat, access }, given),
    ...(euid !== 0 && euid !== account.uid ? { caller: callerHomes(config, libcProbe, euid, given) } : {}),
    split: splitHomes(config, gatewayHome, used, euid === 0),
    // Only where s6 supervises: without a scan directory there is nothing to say about one.
    supervision: gatherTree(config.scanDir, account, fix),
  };
}

/** The caller as an account: named by its uid, with the groups it holds (its primary group where they cannot be read). */
function callerAccount(euid: number, runtime: Account): Account {
  const gid = libc.getegid();
  const held = groups();
  return { name: `uid ${euid}`, uid: euid, gid, groups: failed(held) ? [gid] : held, home: runtime.home };
}

/**
 * A `.hermes` under the gateway's home, the build's, or root's (/etc/passwd's home of uid 0) that holds the CLI's
 * state (contract §16), beside what the gateway's home has of the same: one lstat a name. `used` is the home the
 * caller's variable names, which is no split.
 */
function splitHomes(config: ShimConfig, home: string, used: string, asRoot: boolean): HomeFacts["split"] {
  // Root's home is root's own: only root's sessions write there, and only root may look.
  const root = asRoot ? readAccountOfUid(0, readAll) : undefined;
  const rootHome = failed(root) || root === undefined ? "/root" : root.home;
  const has = (dir: string, unexamined: Item[]) =>
    STATE_ENTRIES.filter((name) => {
      const node = lstat(`${dir}/${name}`);
      if (node.kind === "unexamined") unexamined.push(failureItem(`${dir}/${name}`, node.failure));
      return node.kind !== "missing" && node.kind !== "unexamined";
    });
  const homeHas = has(home, []);
  const candidates: SplitCandidate[] = [];
  // The home the caller's own variable names is no split: it is the one doctor walks.
  const seen = new Set<string>([used]);
  const places = [
    [home, `the gateway's home ${home}`],
    [config.home, `the build's home ${config.home}`],
    ...(asRoot ? [[rootHome, `root's home ${rootHome}`]] : []),
  ];
  for (const [dir, under] of places as [string, string][]) {
    const path = `${dir === "/" ? "" : dir}/${splitHomeName(config.name)}`;
    if (seen.has(path)) continue;
    seen.add(path);
    const node = lstat(path);
    const unexamined: Item[] = node.kind === "unexamined" ? [failureItem(path, node.failure)] : [];
    const held = node.kind === "dir" ? has(path, unexamined) : [];
    candidates.push({ path, under, held, unexamined });
  }
  return { home, homeHas, candidates };
}

/** What runs as PID 1, by its name; /proc/1/comm, which any user may read. */
function pid1Comm(): string | Failure {
  const comm = readAll("/proc/1/comm");
  return failed(comm) ? comm : text(comm);
}

/** The mode of the shim's own file, or the failure of its statx. */
function modeOf(self: string): number | Failure {
  const st = statAt(AT_FDCWD, cstr(self), AT_SYMLINK_NOFOLLOW);
  return st.ok ? st.node.mode : failure("statx", self, st.errno);
}
