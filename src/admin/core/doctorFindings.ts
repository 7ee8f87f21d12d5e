/**
 * doctor's judgement: the facts src/admin/sys/doctor.ts gathered, as one
 * record, turned into findings, in the order the report lists them. Nothing
 * here reads or changes anything, as explain's report is made from its facts.
 */
import type { BootImport } from "../../core/bootEnv.ts";
import { text } from "../../core/bytes.ts";
import type { Command, ShimConfig } from "../../core/config.ts";
import { type Failure, failed } from "../../core/failure.ts";
import type { Gateway } from "../../core/gateway.ts";
import { addedGids, type DropGroup } from "../../core/groups.ts";
import type { Homes } from "../../core/homes.ts";
import { type Account, parseGroup } from "../../core/passwd.ts";
import type { ProgramStatus, Trust } from "../../core/trust.ts";
import { dropWay } from "../../root/core/drop.ts";
import { type Capabilities, capabilityChecks, fixLacking, initCheck } from "./capabilities.ts";
import {
  bootEnvCheck,
  cliCheck,
  gatewayCheck,
  groupsHelperCheck,
  helperCheck,
  type LoginLookup,
  loginPathChecks,
  pathCheck,
  shimCheck,
  userCheck,
} from "./checks.ts";
import { entryPointChecks, type VenvExecutable } from "./entryPoints.ts";
import type { DoctorReport, Finding, Item, JudgedAs } from "./finding.ts";
import { groupText, type SharedGroup } from "./groupChecks.ts";
import { type Tree, treeName } from "./homeTrees.ts";
import { pathDirChecks } from "./pathDirs.ts";
import { type SplitCandidate, splitHomeChecks } from "./splitHome.ts";
import { supervisionChecks, type TreeFacts } from "./supervision.ts";
import { callerReachChecks, homeCheck, homeReachChecks, otherTreeChecks, treeChecks } from "./treeChecks.ts";
import type { WalkResult } from "./walkResult.ts";

/** Everything doctor's checks judge, gathered before any of them runs. */
export interface DoctorFacts {
  euid: number;
  fix: boolean;
  /** This binary, as the kernel resolved it, its mode, and whether root may run it. */
  shim: { path: string | Failure; mode: number | Failure; trust: Trust };
  clis: { command: Command; status: ProgramStatus }[];
  helperTrust: Trust;
  groupsHelperTrust: Trust;
  /** The runtime user as the drop makes it (contract §11); undefined where there is none. */
  user: { account: Account; groups: DropGroup[]; gateway?: Gateway } | undefined | Failure;
  /** Each command's name as PATH, then a login shell's PATH, finds it. */
  onPath: LoginLookup[];
  onLoginPath: LoginLookup[];
  venv: { executables: VenvExecutable[]; unlisted: Item[]; failures: Item[] };
  path: string | undefined;
  /** Each absolute directory on `path`, judged as root would. */
  pathDirTrust: ReadonlyMap<string, Trust>;
  boot: { dirTrust: Trust; imports: BootImport[] };
  caps: Capabilities;
  pid1: string | Failure;
  /** Only where the runtime user is known: its homes, walked. */
  homes?: HomeFacts;
}

export interface HomeFacts {
  /** Whose access the walks judged: the runtime user, or the caller where doctor runs as another uid but root. */
  judged: Account;
  walks: { tree: Tree; walk: WalkResult }[];
  /** /etc/group, read only where some home is shared. */
  etcGroup: Uint8Array | Failure | undefined;
  /** The homes as the runtime user finds them after the walks: what --fix changed counts. */
  runtime: Homes;
  /** As the caller finds them, where doctor runs as a uid that is neither root nor the runtime user's. */
  caller?: Homes;
  /** The `.hermes` directories that may have split off the home the CLI uses (contract §16). */
  split: { home: string; homeHas: string[]; candidates: SplitCandidate[] };
  /** s6's tree, where s6 supervises. */
  supervision: TreeFacts | undefined;
}

export interface DoctorVerdict {
  findings: Finding[];
  walked: string[];
  examined: number;
  sharedWith: DoctorReport["sharedWith"];
  judgedAs: JudgedAs | null;
}

/** The group a home is shared with, as /etc/group lists it. */
export function sharedGroup(gid: number, etcGroup: Uint8Array | Failure | undefined): SharedGroup {
  // Stryker disable next-line ConditionalExpression: /etc/group unread reads as an empty text, which lists no group either
  if (etcGroup === undefined || failed(etcGroup)) return { gid, entry: etcGroup };
  return { gid, entry: parseGroup(text(etcGroup), gid) };
}

/** The findings, in the report's order, and what the report's last line counts. */
export function doctorFindings(config: ShimConfig, facts: DoctorFacts): DoctorVerdict {
  const identity = failed(facts.user) ? undefined : facts.user;
  const account = identity?.account;
  const { shim } = facts;
  // The way root's drop takes, as decide() chooses it from the same facts: the helpers' verdicts follow it.
  const groupsHelperTrust = facts.groupsHelperTrust;
  const drop = account && { uid: account.uid, gid: account.gid, groups: identity.groups, groupsHelperTrust };
  const way = dropWay(config, drop, facts.helperTrust);
  const findings: Finding[] = [
    ...shimCheck(config, shim.path, shim.mode, shim.trust),
    ...facts.clis.map((c) => cliCheck(c.command, c.status)),
    helperCheck(config, facts.helperTrust, way),
    ...groupsHelperCheck(config, identity && addedGids(identity.groups), facts.groupsHelperTrust, way),
    ...userCheck(config, failed(facts.user) ? facts.user : account),
    ...gatewayCheck(config, identity?.gateway),
    ...facts.onPath.map((p) => pathCheck(p.name, p.found, p.isShim, p.shim)),
    ...entryPointChecks(config, facts.venv.executables, facts.venv.unlisted, facts.venv.failures),
    ...loginPathChecks(facts.onLoginPath),
    ...pathDirChecks(facts.path, (dir) => facts.pathDirTrust.get(dir) as Trust),
    ...bootEnvCheck(config, facts.boot.dirTrust, facts.boot.imports),
    ...capabilityChecks(config, facts.caps),
    ...initCheck(facts.pid1),
  ];
  const verdict: DoctorVerdict = { findings, walked: [], examined: 0, sharedWith: [], judgedAs: null };
  const caller = facts.homes?.judged;
  // Where doctor runs as a uid neither root's nor the runtime user's, the trees were judged as that caller.
  if (identity && caller && caller.uid !== identity.account.uid)
    verdict.judgedAs = {
      user: "the caller",
      uid: caller.uid,
      groups: caller.groups.map((gid) => ({ gid, origin: gid === caller.gid ? "primary" : "granted" })),
      gateway: null,
    };
  else if (identity)
    verdict.judgedAs = {
      user: config.user,
      uid: identity.account.uid,
      groups: identity.groups,
      gateway: identity.gateway ?? null,
    };
  if (identity && facts.homes) homeFindings(config, facts, identity.account, facts.homes, verdict);
  return verdict;
}

function homeFindings(
  config: ShimConfig,
  facts: DoctorFacts,
  account: Account,
  homes: HomeFacts,
  verdict: DoctorVerdict,
): void {
  const { findings } = verdict;
  const { judged } = homes;
  const lacking = fixLacking(facts.caps);
  for (const { tree, walk } of homes.walks) {
    verdict.examined += walk.entries;
    if (walk.home.kind === "dir") verdict.walked.push(treeName(tree));
    const group = walk.sharing && sharedGroup(walk.sharing.gid, homes.etcGroup);
    if (group) verdict.sharedWith.push({ home: treeName(tree), group: groupText(group) });
    if (tree.variable !== null) findings.push(...otherTreeChecks(config, judged, walk, tree, group, lacking));
    else {
      // The home's own finding is the runtime user's (the caller's reach of it is callerReachChecks').
      findings.push(homeCheck(config, account, walk, homes.runtime));
      if (walk.home.kind === "dir") findings.push(...treeChecks(config, judged, walk, walk.path, group, lacking));
    }
  }
  findings.push(...homeReachChecks(config, homes.runtime));
  if (homes.caller) findings.push(...callerReachChecks(config, homes.caller));
  const { split } = homes;
  findings.push(...splitHomeChecks(config.name, split.home, split.homeHas, split.candidates));
  if (homes.supervision) findings.push(...supervisionChecks(config, account, homes.supervision, facts.fix));
}
