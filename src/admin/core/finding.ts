/** One line of doctor's verdict, and how the lot is shown. */
import { type Failure, failureText, refusedPermission } from "../../core/failure.ts";
import { type Gateway, pidsText } from "../../core/gateway.ts";
import { type DropGroup, groupsText } from "../../core/groups.ts";
import { adminName } from "../../core/name.ts";
import { type NodeStat, octal } from "../../core/node.ts";

export type Status = "ok" | "fixed" | "note" | "problem";

export interface Item {
  path: string;
  detail: string;
  /** A permission refused the call that kept doctor from it (EACCES, EPERM): a permission, not a disk. */
  permission?: true;
}

export interface Finding {
  check:
    | "shim"
    | "cli"
    | "helper"
    | "user"
    | "path"
    | "path-dirs"
    | "entry-points"
    | "home"
    | "reach"
    | "tree"
    | "supervision"
    | "boot-env"
    | "capabilities";
  status: Status;
  message: string;
  remedy: string | null;
  items: Item[];
  /** How many entries the finding is about, where `items` shows only the first of them. */
  count?: number;
  /** How many of the parts it names doctor did not examine: no other line claims anything about them. */
  unexamined?: number;
}

export interface DoctorReport {
  healthy: boolean;
  fix: boolean;
  home: string;
  /** The trees walked: the build's home, and the one HERMES_HOME names when it is another ("HERMES_HOME /srv"). */
  walked: string[];
  /** Entries examined in all of them. */
  entries: number;
  /**
   * Who the runtime user is as the drop makes it, which every entry was judged as, but where doctor runs as a uid
   * neither root's nor the runtime user's: the trees' findings then name that uid. Null without the user.
   */
  judgedAs: JudgedAs | null;
  /** Parts doctor did not examine, counted by the findings that name them. */
  unexamined: number;
  /** The groups the walked homes are shared with (contract §14), which their entries were judged for too. */
  sharedWith: { home: string; group: string }[];
  findings: Finding[];
}

export interface JudgedAs {
  user: string;
  uid: number;
  groups: DropGroup[];
  /** The running gateway the groups were matched with (contract §15); null where the runtime granted none. */
  gateway: Gateway | null;
}

/** Enough to act on in a terminal. */
const SHOWN_ITEMS = 20;

const LABEL: Record<Status, string> = { ok: "ok", fixed: "fixed", note: "note", problem: "PROBLEM" };

/** What a finding may add: how many entries it is about, how many of the parts it names were not examined. */
type Counts = Pick<Finding, "count" | "unexamined">;

/** The maker of one check's findings: the one way a finding is made. */
export function findingFor(check: Finding["check"]) {
  return (status: Status, message: string, remedy: string | null = null, items: Item[] = [], counts: Counts = {}) => ({
    check,
    status,
    message,
    remedy,
    items,
    ...counts,
  });
}

/** An item for a part a call kept doctor from examining or changing: its path, and the failure in its own words. */
export function failureItem(path: string, failure: Failure): Item {
  return { path, detail: failureText(failure), ...(refusedPermission(failure) ? { permission: true as const } : {}) };
}

/** What to do about a part a failed call kept doctor from examining. */
export const LOOK_AGAIN =
  "look at each (the error says which call failed on what: a flaky NFS or FUSE volume, a failing disk), then run doctor again";

/** What to do about a part a permission kept doctor from: it is no fault of the disk. */
export const PERMISSION_REFUSED =
  "a permission refused each: run doctor as a user allowed to read them (their owner, or root with " +
  "CAP_DAC_READ_SEARCH), then again";

/** The remedy for parts doctor could not examine, by what kept it from them: a permission, another failure, or both. */
export function unexaminedRemedy(items: readonly Item[]): string {
  const denied = items.filter((i) => i.permission).length;
  if (denied === 0) return LOOK_AGAIN;
  if (denied === items.length) return PERMISSION_REFUSED;
  return `where the error is a permission: ${PERMISSION_REFUSED}; for the others: ${LOOK_AGAIN}`;
}

/**
 * The one finding about parts a failed call kept doctor from examining (contract §13): each named with the failure,
 * all counted as not examined, and a problem, so that no ok line nor "healthy" covers them and doctor exits 1.
 * `count` is how many there are in all, where `items` shows only the first of them.
 */
export function unexaminedFinding(
  check: Finding["check"],
  message: string,
  items: Item[],
  count = items.length,
): Finding {
  return findingFor(check)("problem", message, unexaminedRemedy(items), items, { count, unexamined: count });
}

const KIND = { dir: "directory", file: "file", symlink: "symlink", other: "special file" };

/** An item's detail: "directory, uid 0 gid 0, mode 0755", or with `before` "…, was uid 0 …" for what --fix changed. */
export function describeNode(node: NodeStat, before = false, what: string = KIND[node.kind]): string {
  return `${what}, ${before ? "was " : ""}uid ${node.uid} gid ${node.gid}, mode ${octal(node.mode)}`;
}

export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

export function doctorReport(
  home: string,
  walked: string[],
  fix: boolean,
  entries: number,
  findings: Finding[],
  judgedAs: JudgedAs | null,
  sharedWith: DoctorReport["sharedWith"] = [],
): DoctorReport {
  const unexamined = findings.reduce((sum, f) => sum + (f.unexamined ?? 0), 0);
  // A part a call kept doctor from examining is a problem of its own (unexaminedFinding): never healthy then.
  const healthy = !findings.some((f) => f.status === "problem");
  return { healthy, fix, home, walked, entries, judgedAs, unexamined, sharedWith, findings };
}

function findingText({ status, message, remedy, items, count = items.length }: Finding): string {
  const pad = " ".repeat(9);
  let out = `${LABEL[status].padEnd(9)}${message}\n`;
  const shown = items.slice(0, SHOWN_ITEMS);
  for (const { path, detail } of shown) out += `${pad}  ${path} (${detail})\n`;
  if (count > shown.length) out += `${pad}  … and ${(count - shown.length).toLocaleString("en-US")} more\n`;
  if (remedy) out += `${pad}remedy: ${remedy}\n`;
  return out;
}

/** ", as the running gateway holds them (pid 57)": where the runtime granted groups and a gateway runs (§15). */
function gatewayNote({ gateway }: JudgedAs): string {
  return gateway && gateway.pids.length > 0 ? `, as the running gateway holds them (${pidsText(gateway.pids)})` : "";
}

export function doctorText(name: string, report: DoctorReport): string {
  const problems = report.findings.filter((f) => f.status === "problem").length;
  const judged = report.judgedAs;
  const found =
    problems > 0
      ? plural(problems, "problem", "problems")
      : report.unexamined > 0
        ? "no problem in what was examined"
        : "healthy";
  const verdict =
    report.unexamined > 0 ? `${found}, ${plural(report.unexamined, "part", "parts")} not examined` : found;
  return (
    `${adminName(name)} doctor${report.fix ? " --fix" : ""}\n` +
    (judged
      ? `judged as ${judged.user} (uid ${judged.uid}) with groups ${groupsText(judged.groups)}${gatewayNote(judged)}` +
        report.sharedWith.map((s) => `, and for ${s.group}, which ${s.home} is shared with`).join("") +
        "\n"
      : "") +
    report.findings.map(findingText).join("") +
    `${plural(report.entries, "entry", "entries")} examined under ${(report.walked.length > 0 ? report.walked : [report.home]).join(" and ")}: ${verdict}\n`
  );
}
