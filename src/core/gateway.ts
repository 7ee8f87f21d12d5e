/**
 * The groups the gateway really runs with (contract §15). Upstream starts its gateways and main program through
 * `s6-setuidgid hermes`, which rebuilds the group list from /etc/group: a group the container runtime granted
 * (`docker run --group-add`) is root's under `docker exec`, and so the drop's (§11), but not the gateway's. The
 * drop keeps such a group only where the running gateway holds it too, so that what works from `docker exec`
 * works in the gateway.
 */

import { decimalId } from "./decimal.ts";
import type { DropGroup } from "./groups.ts";
import { statusGroups } from "./groups.ts";
import { procRow, words } from "./procText.ts";

/** A process as its /proc/PID/status shows it: enough to tell the gateway's and read its groups. */
export interface ProcessStatus {
  pid: number;
  /** 0 for a process whose parent is outside the container's PID namespace: a `docker exec`'s. */
  ppid: number;
  /** The real uid, the first of the `Uid:` line. */
  uid: number;
  groups: number[];
}

/** The running gateway, looked for because the drop would add granted groups (§11). */
export interface Gateway {
  /** The gateway's processes (gatewayProcesses); none where no gateway runs, and the drop is §11's. */
  pids: number[];
  /** The granted groups one of them lacks: the drop leaves them out. */
  withheld: number[];
}

/** The pid a name in /proc stands for, or undefined for the names that are not processes (self, sys, …). */
export function pidOfEntry(name: string): number | undefined {
  return decimalId(name) || undefined;
}

/** The status file's PPid:, Uid: and Groups: lines; undefined where one is missing or not ids. */
export function processStatus(pid: number, status: string): ProcessStatus | undefined {
  const first = (key: string) => decimalId(words(String(procRow(status, key)))[0]);
  const ppid = first("PPid:");
  const uid = first("Uid:");
  const groups = statusGroups(status);
  return ppid === undefined || uid === undefined || groups === undefined ? undefined : { pid, ppid, uid, groups };
}

/**
 * The gateway's processes: each process of the runtime user whose parent is not the runtime user's, and whose
 * parents lead to PID 1 (or that is PID 1). That is what the container's own start made run as the user: a
 * service under s6-supervise, the main program under s6-overlay's rc.init, a PID 1 that is the user's. A process
 * a `docker exec` started leads to parent 0 instead, and one whose parent vanished while /proc was read leads
 * nowhere; neither is the gateway. Their children hold their groups (a process of the user cannot change them),
 * so only the first of each line counts.
 */
export function gatewayProcesses(processes: readonly ProcessStatus[], uid: number): ProcessStatus[] {
  const byPid = new Map<number, ProcessStatus>();
  for (const p of processes) byPid.set(p.pid, p);
  const fromBoot = (process: ProcessStatus): boolean => {
    // Each process once: a loop in a racy snapshot ends too.
    const seen = new Set<number>();
    for (let at = byPid.get(process.pid); at && !seen.has(at.pid); at = byPid.get(at.ppid)) {
      if (at.pid === 1) return true;
      seen.add(at.pid);
    }
    return false;
  };
  return processes.filter((p) => p.uid === uid && byPid.get(p.ppid)?.uid !== uid && fromBoot(p));
}

/**
 * The drop's groups (§11) as the running gateway holds them: a granted group one of the gateway's processes lacks
 * is left out. The runtime user's own groups stay (the gateway's start reads them from the same /etc/group), and
 * nothing is added that the drop would not give: where no gateway runs, the groups are §11's.
 */
export function matchGateway(
  groups: readonly DropGroup[],
  gateway: readonly ProcessStatus[],
): { groups: DropGroup[]; gateway: Gateway } {
  const withheld = groups
    .filter((g) => g.origin === "granted" && gateway.some((p) => !p.groups.includes(g.gid)))
    .map((g) => g.gid);
  return {
    groups: groups.filter((g) => !withheld.includes(g.gid)),
    gateway: { pids: gateway.map((p) => p.pid), withheld },
  };
}

/** "pid 57", "pids 57, 112": the gateway's processes as explain and doctor name them. */
export function pidsText(pids: readonly number[]): string {
  return `${pids.length === 1 ? "pid" : "pids"} ${pids.join(", ")}`;
}

/**
 * What explain and doctor say of the gateway where the drop looked for it, or undefined where no gateway runs:
 * then there is nothing to match and the drop is §11's.
 */
export function gatewayText(user: string, gateway: Gateway): string | undefined {
  if (gateway.pids.length === 0) return undefined;
  const running = `the running gateway of ${user} (${pidsText(gateway.pids)})`;
  if (gateway.withheld.length === 0) return `${running} holds the granted groups too: the drop keeps them`;
  const gids = gateway.withheld.join(", ");
  return (
    `${running} lacks ${gateway.withheld.length === 1 ? "the group" : "the groups"} ${gids} that the container ` +
    `runtime granted (a start through s6-setuidgid takes its groups from /etc/group alone), so the drop leaves ` +
    `${gateway.withheld.length === 1 ? "it" : "them"} out: what works from docker exec works in the gateway`
  );
}
