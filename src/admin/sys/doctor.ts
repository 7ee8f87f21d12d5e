/** `doctor`: gathers every fact its checks need, then reports them as findings. */
import { bootImports } from "../../core/bootEnv.ts";
import { type Bytes, bytes, envValues, text } from "../../core/bytes.ts";
import { cliHome } from "../../core/cliHome.ts";
import type { ShimConfig } from "../../core/config.ts";
import { type Failure, failed } from "../../core/failure.ts";
import { addedGids } from "../../core/groups.ts";
import { homeVar } from "../../core/homes.ts";
import { adminName } from "../../core/name.ts";
import { parseGroup } from "../../core/passwd.ts";
import { parseCapRow } from "../../core/privilege.ts";
import { checkTrust, checkTrustOf } from "../../core/trust.ts";
import { readAccountOfUid, readDropIdentity } from "../../sys/accounts.ts";
import { bootFacts } from "../../sys/facts.ts";
import { access, entries, executableStatus, groups, libcProbe, lstat, readAll, readlink } from "../../sys/files.ts";
import { absolute, callerHomes, runtimeHomes } from "../../sys/homeProbe.ts";
import { AT_FDCWD, AT_SYMLINK_NOFOLLOW, cstr, failure } from "../../sys/libc.ts";
import { readProcesses } from "../../sys/processes.ts";
import { statAt } from "../../sys/statx.ts";
import { writeStderr } from "../../sys/write.ts";
import { type Capabilities, capabilityChecks, fixLacking, initCheck } from "../core/capabilities.ts";
import {
  bootEnvCheck,
  cliCheck,
  gatewayCheck,
  groupsHelperCheck,
  helperCheck,
  LOGIN_PATH,
  loginPathChecks,
  pathCheck,
  shimCheck,
  userCheck,
} from "../core/checks.ts";
import { entryPointChecks } from "../core/entryPoints.ts";
import { type DoctorReport, doctorReport, doctorText, type Finding, failureItem, type Item } from "../core/finding.ts";
import { groupText, type SharedGroup } from "../core/groupChecks.ts";
import { homeTrees, ownFiles, treeName, whyNotWalked } from "../core/homeTrees.ts";
import { pathDirChecks } from "../core/pathDirs.ts";
import { type SplitCandidate, STATE_ENTRIES, splitHomeChecks, splitHomeName } from "../core/splitHome.ts";
import { supervisionChecks } from "../core/supervision.ts";
import { callerReachChecks, homeCheck, homeReachChecks, otherTreeChecks, treeChecks } from "../core/treeChecks.ts";
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
  // Judged as the drop makes the runtime user (contract §11): with the groups the container runtime granted.
  // Where /proc/self/status cannot be read, the groups come from getgroups, as the shim's own do.
  const status = readAll("/proc/self/status");
  // Where the runtime granted groups, they are matched with the running gateway's (contract §15).
  const found = readDropIdentity(config.user, readAll, failed(status) ? undefined : text(status), groups, () =>
    readProcesses(entries, readAll),
  );
  const identity = failed(found) ? undefined : found;
  const statusText = failed(status) ? undefined : text(status);
  const caps: Capabilities = {
    euid,
    effective: statusText === undefined ? undefined : parseCapRow(statusText, "CapEff:"),
    bounding: statusText === undefined ? undefined : parseCapRow(statusText, "CapBnd:"),
  };
  const account = identity?.account;
  const granted = identity ? addedGids(identity.groups) : [];
  const groupsTrust = checkTrust(config.groupsHelper, lstat);
  const self = readlink("/proc/self/exe");
  const venv = venvExecutables(config, env);
  // The boot's environment as a caller that lacks every variable finds it: the gateway's home among them. The
  // home judged is the one the CLI will use (contract §16): the caller's own value, else the gateway's.
  const boot = bootFacts(config, libcProbe, () => undefined);
  const gatewayHome = cliHome(config, { given: undefined, ...boot.home }, boot);
  const home = cliHome(config, { ...boot.home, given: envValues(env, homeVar(config.name))[0] }, boot);
  const findings: Finding[] = [
    ...shimCheck(config, self, failed(self) ? self : modeOf(self), checkTrustOf(self, lstat)),
    ...config.commands.map((c) => cliCheck(c, executableStatus(c.target))),
    helperCheck(config, checkTrust(config.helper, lstat), account !== undefined && groupsTrust.ok),
    ...groupsHelperCheck(config, identity && granted, groupsTrust),
    ...userCheck(config, failed(found) ? found : account),
    ...gatewayCheck(config, identity?.gateway),
    ...commandsOnPath(
      config.commands.map((c) => c.name),
      env,
    ).map((p) => pathCheck(p.name, p.found, p.isShim, p.shim)),
    ...entryPointChecks(config, venv.executables, venv.unlisted, venv.failures),
    ...loginPathChecks(
      commandsOnPath(
        config.commands.map((c) => c.name),
        [bytes(`PATH=${LOGIN_PATH}`)],
      ),
    ),
    ...pathDirChecks(pathOf(env), (dir) => checkTrust(dir, lstat, "lookup-dir")),
    ...bootEnvCheck(config, boot.dirTrust(), [...bootImports(boot), ...(gatewayHome.boot ? [gatewayHome.boot] : [])]),
    ...capabilityChecks(config, caps),
    ...initCheck(pid1Comm()),
  ];
  let examined = 0;
  const walked: string[] = [];
  const sharedWith: DoctorReport["sharedWith"] = [];
  if (account) {
    const given = home.source === "build" ? undefined : home.value;
    const value = given && absolute(given);
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
      const walk = walkHome(tree.path, account, {
        fix,
        onProgress: progress.update,
        ...(tree.variable === null ? {} : { whyNotWalk }),
      });
      progress.done();
      return { tree, walk };
    });
    // After the walks: what --fix changed counts.
    const homes = runtimeHomes(config, account, { lstat, access }, given);
    const lacking = fixLacking(caps);
    const etcGroup = walks.some((w) => w.walk.sharing) ? readAll("/etc/group") : undefined;
    for (const { tree, walk } of walks) {
      examined += walk.entries;
      if (walk.home.kind === "dir") walked.push(treeName(tree));
      const group = walk.sharing && sharedGroup(walk.sharing.gid, etcGroup);
      if (group) sharedWith.push({ home: treeName(tree), group: groupText(group) });
      if (tree.variable !== null) findings.push(...otherTreeChecks(config, account, walk, tree, group, lacking));
      else {
        findings.push(homeCheck(config, account, walk, homes));
        if (walk.home.kind === "dir") findings.push(...treeChecks(config, account, walk, walk.path, group, lacking));
      }
    }
    findings.push(...homeReachChecks(config, homes));
    if (euid !== 0 && euid !== account.uid)
      findings.push(...callerReachChecks(config, callerHomes(config, libcProbe, euid, given)));
    findings.push(...splitHomes(config, text(gatewayHome.value), text(home.value), euid === 0));
    // Only where s6 supervises: without a scan directory there is nothing to say about one.
    const tree = gatherTree(config.scanDir, account, fix);
    if (tree) findings.push(...supervisionChecks(config, account, tree, fix));
  }
  const judgedAs = identity
    ? { user: config.user, uid: identity.account.uid, groups: identity.groups, gateway: identity.gateway ?? null }
    : null;
  const report = doctorReport(config.home, walked, fix, examined, findings, judgedAs, sharedWith);
  const out = json ? `${JSON.stringify(report, null, 2)}\n` : doctorText(config.name, report);
  return printed(config.name, out, report.healthy ? 0 : 1);
}

/** The group a home is shared with, as /etc/group (read once, when some home is shared) lists it. */
function sharedGroup(gid: number, etcGroup: Bytes | Failure | undefined): SharedGroup {
  if (etcGroup === undefined || failed(etcGroup)) return { gid, entry: etcGroup };
  return { gid, entry: parseGroup(text(etcGroup), gid) };
}

/**
 * A `.hermes` under the gateway's home, the build's, or root's (/etc/passwd's home of uid 0) that holds the CLI's
 * state (contract §16), beside what the gateway's home has of the same: one lstat a name. `used` is the home the
 * caller's variable names, which is no split.
 */
function splitHomes(config: ShimConfig, home: string, used: string, asRoot: boolean): Finding[] {
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
  return splitHomeChecks(config.name, home, homeHas, candidates);
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
