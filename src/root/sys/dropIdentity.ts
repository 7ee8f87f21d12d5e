/** The user root's drop makes (contract §11): the runtime user with every group the drop gives it. */
import { type Failure, failed } from "../../core/failure.ts";
import { type Gateway, gatewayProcesses, matchGateway, type ProcessStatus } from "../../core/gateway.ts";
import { addedGids, type DropGroup, dropGroups, grantedGroups, statusGroups, withGroups } from "../../core/groups.ts";
import { type Account, parseAccount, parseAccountOfUid } from "../../core/passwd.ts";
import { type Read, userDatabase } from "../../sys/accounts.ts";

/** The user the drop makes: `account` holds every group it will have, `groups` says where each came from. */
export interface DropIdentity {
  account: Account;
  groups: DropGroup[];
  /** The running gateway the groups were matched with; looked for only where the drop would add granted groups. */
  gateway?: Gateway;
}

/**
 * The runtime user with the groups the drop gives it (contract §11). Root's groups are those on the `Groups:`
 * line of `status` (/proc/self/status, which root's path reads anyway), else getgroups(); those it does not hold
 * through the user database were granted by the container runtime. Only where there are such groups are the
 * container's processes read (`processes`), and the drop keeps those of them the running gateway holds (§15).
 */
export function readDropIdentity(
  name: string,
  read: Read,
  status: string | undefined,
  held: () => number[] | Failure,
  processes: () => ProcessStatus[] | Failure,
): DropIdentity | undefined | Failure {
  const db = userDatabase(read);
  if (failed(db)) return db;
  const { passwd, group } = db;
  const account = passwd === undefined ? undefined : parseAccount(passwd, group, name);
  if (passwd === undefined || !account) return undefined;
  const root = parseAccountOfUid(passwd, group, 0);
  const holds = (status === undefined ? undefined : statusGroups(status)) ?? held();
  if (failed(holds)) return holds;
  const groups = dropGroups(account, grantedGroups(holds, root?.groups ?? []));
  if (addedGids(groups).length === 0) return { account: withGroups(account, groups), groups };
  const seen = processes();
  if (failed(seen)) return seen;
  const matched = matchGateway(groups, gatewayProcesses(seen, account.uid));
  return { account: withGroups(account, matched.groups), groups: matched.groups, gateway: matched.gateway };
}
