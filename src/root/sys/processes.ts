/** The container's processes as /proc shows them, for the gateway's groups (contract §15). */
import { type Bytes, text } from "../../core/bytes.ts";
import { type Failure, failed, unseen } from "../../core/failure.ts";
import { type ProcessStatus, pidOfEntry, processStatus } from "../../core/gateway.ts";

/**
 * One listing of /proc and one read of each process's status file. A process that ended between the two (ENOENT,
 * ESRCH), or that /proc's hidepid hides (EPERM), is no evidence; any other failure is reported (contract §13).
 */
export function readProcesses(
  list: (path: string) => string[] | Failure,
  read: (path: string) => Bytes | Failure,
): ProcessStatus[] | Failure {
  const names = list("/proc");
  if (failed(names)) return names;
  const found: ProcessStatus[] = [];
  for (const name of names) {
    const pid = pidOfEntry(name);
    if (pid === undefined) continue;
    const status = read(`/proc/${pid}/status`);
    if (failed(status)) {
      if (unseen(status)) continue;
      return status;
    }
    const process = processStatus(pid, text(status));
    if (process) found.push(process);
  }
  return found;
}
