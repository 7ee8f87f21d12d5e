/**
 * `explain`: the facts the shim sees and the plan decide() makes of them,
 * described without running anything.
 */
import type { BootImport } from "../../core/bootEnv.ts";
import { envValues, text } from "../../core/bytes.ts";
import type { CliHome } from "../../core/cliHome.ts";
import type { ShimConfig } from "../../core/config.ts";
import { type Facts, optedOut, type Plan, type Way } from "../../core/decide.ts";
import { type Failure, failed, failureText } from "../../core/failure.ts";
import { type Gateway, gatewayText } from "../../core/gateway.ts";
import { type DropGroup, groupsText } from "../../core/groups.ts";
import { blockText, whoText } from "../../core/homes.ts";
import { adminName } from "../../core/name.ts";
import { octal } from "../../core/node.ts";
import { openToOthers } from "../../core/sharing.ts";
import { type Terminal, terminalText } from "../../core/terminal.ts";
import { programStatusText, type Trust } from "../../core/trust.ts";
import { listNames } from "../../core/words.ts";
import type { RootFacts } from "../../root/core/drop.ts";
import { configJson, configRows, type Row, table } from "./usage.ts";

/** A fact a failed call kept the shim from knowing (contract §13), in JSON: the failure in its own words. */
export type NotExamined = { unable: string };

const notExamined = (failure: Failure): NotExamined => ({ unable: failureText(failure) });

type TrustReport =
  | { trusted: true; resolved: string }
  | { trusted: false; missing: boolean; reason: string }
  | NotExamined;

export interface ExplainReport {
  config: ReturnType<typeof configJson>;
  args: string[];
  facts: {
    /** The name explained; `target` is null when the build has no command of that name. */
    command: { name: string; target: string | null };
    euid: number;
    /** null for a name the build does not know: there is no CLI to look at. `text` says what `status` means. */
    cli: {
      path: string;
      status: "ok" | "missing" | NotExamined;
      text: string;
      trustForRoot: TrustReport | null;
    } | null;
    optOut: { variable: string; values: string[]; counts: boolean };
    /** null when the shim did not look at it: it does so only as root. */
    helper: { path: string; trust: TrustReport | null };
    /** The caller's terminal (contract §12), or why it could not be examined; null where nothing drops. */
    terminal: (Terminal & { text: string }) | NotExamined | null;
    /** The ids the drop gives, from /etc/passwd (contract §11); null where nothing drops or the user is not there. */
    identity: { uid: number; gid: number } | NotExamined | null;
    /** The drop's groups and where each came from (contract §11); null where nothing drops. */
    groups: DropGroup[] | NotExamined | null;
    /** The running gateway the groups were matched with (contract §15); null where the runtime granted none. */
    gateway: Gateway | null;
    /** null when not examined: only when the drop's identity is known, since only then would it run. */
    groupsHelper: { path: string; trust: TrustReport | null };
    /** The CLI's homes as the user it will run as finds them (contract §7); null when nothing would run. */
    homes: {
      runsAs: string;
      checks: {
        variable: string | null;
        path: string;
        usable: boolean;
        text: string;
        /** What at its top the runtime user cannot read, and what could not be examined: the drop path only, else null. */
        unreadable: { count: number; examples: string[]; unexamined: NotExamined[] } | null;
        /**
         * The group the home is shared with (contract §14): the drop path only, null where it is not shared, or
         * why that could not be known.
         */
        sharing: { gid: number; mode: string; setgid: true; othersMayRead: boolean } | NotExamined | null;
      }[];
    } | null;
    /** The CLI's home and where it came from (contract §16): null when nothing would run. */
    home: { variable: string; value: string; source: CliHome["source"]; text: string } | null;
    /** Each variable the build takes from the boot's environment (contract §15): null when nothing would run. */
    bootEnv: { variable: string; status: "imported" | "kept" | "not imported"; text: string }[] | null;
  };
  plan:
    | {
        kind: "exec";
        /** How the plan runs the CLI (decide.ts's Way): as the caller, as root, or dropped by ids or by name. */
        way: Way["way"];
        path: string;
        argv: string[];
        setEnv: Record<string, string>;
        /** Each variable changed beside the boot's imports, and why: value null where it is removed. */
        changes: { name: string; value: string | null; why: string }[];
        umask: string | null;
        /** Run on a pty of its own, relayed (contract §12): which of 0–2 get it, and its owner. */
        relay: { fds: number[]; owner: number | null } | null;
        warning: string | null;
      }
    | { kind: "refuse"; code: number; message: string };
}

const decoder = new TextDecoder();

function bootReport(i: BootImport): NonNullable<ExplainReport["facts"]["bootEnv"]>[number] {
  if ("value" in i)
    return { variable: i.name, status: "imported", text: `${i.name}=${JSON.stringify(text(i.value))} from ${i.from}` };
  if ("kept" in i) return { variable: i.name, status: "kept", text: `${i.name} is set by the caller: kept as it is` };
  return {
    variable: i.name,
    status: "not imported",
    text: `${i.name} not imported: ${i.not}${i.warned ? " (a warning on stderr says so)" : ""}`,
  };
}

/** What the plan sets: what it imports from the boot's environment, then the home and the drop's user. */
function setEnvOf(plan: Extract<Plan, { kind: "exec" }>): Record<string, string> {
  const set: Record<string, string> = {};
  for (const i of plan.boot ?? []) if ("value" in i) set[i.name] = text(i.value);
  for (const c of plan.env ?? []) if ("value" in c) set[c.name] = text(c.value);
  return set;
}

/** Each variable the plan changes in the caller's environment, and why (contract §16). */
function changesOf(plan: Extract<Plan, { kind: "exec" }>): { name: string; value: string | null; why: string }[] {
  return (plan.env ?? []).map((c) => ({ name: c.name, value: "value" in c ? text(c.value) : null, why: c.why }));
}

/** "HERMES_HOME="/opt/data" from the boot's environment (…)": where the CLI's home came from (contract §16). */
function homeReport(home: CliHome): NonNullable<ExplainReport["facts"]["home"]> {
  const value = text(home.value);
  const set = `${home.variable}=${JSON.stringify(value)}`;
  const boot = home.boot;
  const why =
    home.source === "caller"
      ? `${set}, as the caller set it`
      : boot && "from" in boot
        ? `${set} from the boot's environment (${boot.from}): the caller's was unset or blank`
        : `${set}, the build's --home: the caller's was unset or blank${boot && "not" in boot ? `, and the boot's is not taken: ${boot.not}` : ""}`;
  return { variable: home.variable, value, source: home.source, text: why };
}

function trustReport(trust: Trust | undefined): TrustReport | null {
  if (!trust) return null;
  if (trust.ok) return { trusted: true, resolved: trust.resolved };
  return trust.unexamined
    ? notExamined(trust.unexamined)
    : { trusted: false, missing: trust.missing, reason: trust.reason };
}

function terminalReport(terminal: Terminal | Failure | undefined, user: string): ExplainReport["facts"]["terminal"] {
  if (failed(terminal)) return notExamined(terminal);
  return terminal ? { ...terminal, text: terminalText(terminal, user) } : null;
}

/** `root`: root's drop facts, where decide() asked for the drop and they were gathered; explain says only those. */
export function explainReport(
  config: ShimConfig,
  facts: Facts,
  root: RootFacts | undefined,
  plan: Plan,
  args: readonly string[],
): ExplainReport {
  const values = envValues(facts.env, config.optOutVar);
  const called = facts.command;
  const found = root?.drop;
  const drop = failed(found) ? undefined : found;
  const homes = root ? root.homes : facts.homes;
  return {
    config: configJson(config),
    args: [...args],
    facts: {
      command: "unknown" in called ? { name: called.unknown, target: null } : { ...called },
      euid: facts.euid,
      cli:
        "unknown" in called
          ? null
          : {
              path: called.target,
              status: failed(facts.cli) ? notExamined(facts.cli) : facts.cli,
              text: programStatusText(facts.cli),
              trustForRoot: trustReport(facts.asRoot?.cliTrust),
            },
      optOut: {
        variable: config.optOutVar,
        values: values.map((v) => decoder.decode(v)),
        counts: optedOut(config, facts.env),
      },
      helper: { path: config.helper, trust: trustReport(facts.asRoot?.helperTrust) },
      terminal: terminalReport(root?.terminal, config.user),
      identity: failed(found) ? notExamined(found) : drop ? { uid: drop.uid, gid: drop.gid } : null,
      groups: failed(found) ? notExamined(found) : (drop?.groups ?? null),
      gateway: drop?.gateway ?? null,
      groupsHelper: { path: config.groupsHelper, trust: trustReport(drop?.groupsHelperTrust) },
      homes: homes
        ? {
            runsAs: whoText(homes),
            checks: homes.checks.map((c) => ({
              variable: c.variable,
              path: c.path,
              usable: c.reach.ok,
              text: `${whoText(homes)} ${blockText(c)}`,
              unreadable: c.unreadable
                ? {
                    count: c.unreadable.count,
                    examples: c.unreadable.examples.map((e) => e.path),
                    unexamined: c.unreadable.unexamined.map(notExamined),
                  }
                : null,
              sharing: failed(c.sharing)
                ? notExamined(c.sharing)
                : c.sharing
                  ? {
                      gid: c.sharing.gid,
                      mode: octal(c.sharing.mode),
                      setgid: true,
                      othersMayRead: openToOthers(c.sharing),
                    }
                  : null,
            })),
          }
        : null,
      home: plan.kind === "exec" && plan.home ? homeReport(plan.home) : null,
      bootEnv: plan.kind === "exec" && plan.boot ? plan.boot.map(bootReport) : null,
    },
    plan:
      plan.kind === "refuse"
        ? { kind: "refuse", code: plan.code, message: plan.message }
        : {
            kind: "exec",
            way: plan.way,
            path: plan.path,
            argv: [...plan.prefix, ...args],
            setEnv: setEnvOf(plan),
            changes: changesOf(plan),
            umask: plan.umask === undefined ? null : octal(plan.umask),
            relay: plan.relay ? { fds: plan.relay.fds, owner: plan.relay.uid ?? null } : null,
            warning: plan.warning ?? null,
          },
  };
}

const quote = (text: string) => JSON.stringify(text);

/** A fact a failed call kept from being known, as its row says it. */
const notExaminedText = (fact: NotExamined) => `could not be examined: ${fact.unable}`;

function describeTrust(trust: TrustReport): string {
  if ("unable" in trust) return notExaminedText(trust);
  return trust.trusted ? `trusted (resolves to ${trust.resolved})` : `not trusted: ${trust.reason}`;
}

type UnreadableReport = NonNullable<NonNullable<ExplainReport["facts"]["homes"]>["checks"][number]["unreadable"]>;

/** What the runtime user cannot read at a home's top; "nothing" only where every entry there was examined. */
function unreadableRows(path: string, found: UnreadableReport | null): Row[] {
  if (found === null) return [];
  const rows = found.unexamined.map((fact): Row => ["unreadable", notExaminedText(fact)]);
  const rest = found.count - found.examples.length;
  if (found.count > 0) rows.push(["unreadable", `${found.examples.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}`]);
  else if (rows.length === 0)
    rows.push(["unreadable", `nothing at the top of ${path} that the runtime user cannot read`]);
  return rows;
}

type SharingReport = Exclude<
  NonNullable<NonNullable<ExplainReport["facts"]["homes"]>["checks"][number]["sharing"]>,
  NotExamined
>;

/** "/opt/data with group 2000 (mode 2770, setgid, closed to others)". */
function sharingText(path: string, sharing: SharingReport): string {
  const others = sharing.othersMayRead ? "others may read it" : "closed to others";
  return `${path} with group ${sharing.gid} (mode ${sharing.mode}, setgid, ${others})`;
}

/** The umask row: the plan's, and the shared home it follows when the CLI's home is one (contract §14). */
function umaskText(report: ExplainReport, umask: string | null): string {
  if (umask === null) return "as given";
  const home = report.facts.homes?.checks[0];
  // A sharing that could not be examined refuses the drop: an exec plan's home has a sharing, or none.
  if (!home?.sharing || "unable" in home.sharing) return umask;
  const built = umask === report.config.umask ? "the build's" : `the build's ${report.config.umask}, narrowed`;
  return `${umask} (${built}: the CLI's home is shared ${sharingText(home.path, home.sharing)})`;
}

/** The ids /etc/passwd gives the runtime user: uid 0 is root, which the drop refuses; gid 0 as its own is kept. */
function identityText(config: ShimConfig, identity: { uid: number; gid: number } | NotExamined): string {
  if ("unable" in identity) return notExaminedText(identity);
  const { uid, gid } = identity;
  const ids = `${config.user} in /etc/passwd: uid ${uid}, gid ${gid}`;
  if (uid === 0) return `${ids}: uid 0 is root, so the drop refuses`;
  return gid === 0 ? `${ids} (root's group, as its own primary group: the drop keeps it)` : ids;
}

/** Where the runtime granted groups: the gateway they were matched with, or §11's rule where none runs. */
function gatewayRow(user: string, gateway: Gateway): string {
  return (
    gatewayText(user, gateway) ??
    `no gateway of ${user} runs (no process of ${user} that the container's start made): the drop gives the granted groups`
  );
}

function factRows(config: ShimConfig, report: ExplainReport): Row[] {
  const { command, euid, cli, optOut, helper, homes } = report.facts;
  const setTo =
    optOut.values.length === 0
      ? "is not set"
      : optOut.values.length === 1
        ? `is ${optOut.values.map(quote).join("")}`
        : `is set ${optOut.values.length} times (${optOut.values.map(quote).join(", ")})`;
  const counts = optOut.counts
    ? "opts out: keeps root"
    : optOut.values.length === 0
      ? "no opt-out"
      : "does not opt out (only 1, true or yes do, in any case)";
  return [
    [
      "command",
      command.target === null
        ? `${quote(command.name)} is not one of this build's commands (${listNames(config.commands.map((c) => c.name))})`
        : `${command.name}, whose CLI is ${command.target}`,
    ],
    ["effective uid", euid === 0 ? "0 (root)" : `${euid} (not root: the shim passes straight through)`],
    ...(cli ? ([["CLI", `${cli.path} ${cli.text}`]] as Row[]) : []),
    ...(cli?.trustForRoot
      ? ([["CLI as root", `${describeTrust(cli.trustForRoot)} (only the opt-out runs it as root)`]] as Row[])
      : []),
    ["opt-out", `${optOut.variable} ${setTo}: ${counts}${euid === 0 ? "" : " (matters only for root)"}`],
    [
      "helper",
      `${helper.path} ${helper.trust ? describeTrust(helper.trust) : command.target === null ? "not examined: nothing runs under that name" : "not examined: the shim looks at it only as root"}`,
    ],
    ...(report.facts.identity ? ([["identity", identityText(config, report.facts.identity)]] as Row[]) : []),
    ...(report.facts.groups
      ? ([
          [
            "groups",
            "unable" in report.facts.groups ? notExaminedText(report.facts.groups) : groupsText(report.facts.groups),
          ],
          ...(report.facts.gateway ? [["gateway", gatewayRow(config.user, report.facts.gateway)] as Row] : []),
          [
            "groups helper",
            `${report.facts.groupsHelper.path} ${report.facts.groupsHelper.trust ? describeTrust(report.facts.groupsHelper.trust) : "not examined, so not trusted"}`,
          ],
        ] as Row[])
      : []),
    ...(homes?.checks.flatMap((c): Row[] => [
      ["home", c.text],
      ...unreadableRows(c.path, c.unreadable),
      ...(c.sharing
        ? ([["shared", "unable" in c.sharing ? notExaminedText(c.sharing) : sharingText(c.path, c.sharing)]] as Row[])
        : []),
    ]) ?? []),
    ...(report.facts.home ? ([["CLI home", report.facts.home.text]] as Row[]) : []),
    ...(report.facts.bootEnv?.map((b): Row => ["boot env", b.text]) ?? []),
    [
      "terminal",
      report.facts.terminal === null
        ? terminalText(undefined, config.user)
        : "unable" in report.facts.terminal
          ? notExaminedText(report.facts.terminal)
          : report.facts.terminal.text,
    ],
  ];
}

function planText(config: ShimConfig, report: ExplainReport): string {
  const { plan, facts } = report;
  if (plan.kind === "refuse") {
    const message = plan.message.trimEnd().split("\n").join("\n    ");
    return `plan: refuse, exit ${plan.code}, with this on stderr:\n    ${message}\n`;
  }
  // A drop whose identity could not be read is refused: an exec plan has it, or none.
  const { groups, identity } = facts;
  const granted =
    Array.isArray(groups) && groups.some((g) => g.origin === "granted")
      ? ", with the groups the container runtime granted"
      : "";
  const ids = identity && !("unable" in identity) ? ` (uid ${identity.uid}, gid ${identity.gid})` : "";
  const what = {
    "drop-name": `drop to ${config.user} through ${config.helper}`,
    "drop-ids": `drop to ${config.user}${ids}${granted ? `${granted},` : ""} through ${config.groupsHelper}`,
    "opt-out": `run the CLI as root`,
    "pass-through": `pass straight through as uid ${facts.euid}`,
  }[plan.way];
  const env = Object.entries(plan.setEnv).map(([name, value]) => `${name}=${value}`);
  const unset = plan.changes.filter((c) => c.value === null).map((c) => `${c.name} removed`);
  const changed = env.length > 0 ? [env.join(" "), ...unset] : unset;
  const rows: Row[] = [
    ["execve", plan.path],
    ["argv", plan.argv.map(quote).join(" ")],
    ["environment", changed.length > 0 ? `${changed.join(", ")}, the rest as given` : "as given"],
    ...plan.changes.map((c): Row => [`  ${c.name}`, c.why]),
    ["umask", umaskText(report, plan.umask)],
  ];
  if (plan.relay) {
    const owner = plan.relay.owner === null ? `root's, mode 0620` : `uid ${plan.relay.owner}'s, mode 0620`;
    rows.push([
      "terminal",
      `a pty of its own (${owner}) on its controlling terminal` +
        `${plan.relay.fds.length > 0 ? ` and on ${listNames(plan.relay.fds.map(String))}` : ""}, ` +
        "started as the leader of a new session and relayed by the shim until it exits: the CLI is the shim's child",
    ]);
  }
  const warning = plan.warning ? `  warning: ${plan.warning.trimEnd()}\n` : "";
  return `plan: ${what}${plan.relay ? ", on a terminal of its own" : ""}\n${table(rows)}${warning}`;
}

export function explainText(config: ShimConfig, report: ExplainReport): string {
  const command = [report.facts.command.name, ...report.args].map((a) => (/^[\w./=:@%+-]+$/.test(a) ? a : quote(a)));
  return (
    `${adminName(config.name)} explain: what \`${command.join(" ")}\` would do here. Nothing was run.\n\n` +
    `facts\n${table(factRows(config, report))}\n${planText(config, report)}\n` +
    `configuration (baked in at build time)\n${table(configRows(config))}`
  );
}
