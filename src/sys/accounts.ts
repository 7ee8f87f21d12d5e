/** The runtime user as the user database describes it at the time of the call: images remap it at boot. */
import { type Bytes, text } from "../core/bytes.ts";
import { type DropGroup, dropGroups, grantedGroups, statusGroups, withGroups } from "../core/groups.ts";
import { type Account, parseAccount, parseAccountOfUid } from "../core/passwd.ts";

type Read = (path: string) => Bytes | undefined;

/** /etc/passwd and /etc/group as text; an unreadable group file is an empty one. */
function userDatabase(read: Read): { passwd: string | undefined; group: string } {
  const passwd = read("/etc/passwd");
  const group = read("/etc/group");
  return { passwd: passwd && text(passwd), group: group ? text(group) : "" };
}

export function readAccount(name: string, read: Read): Account | undefined {
  const { passwd, group } = userDatabase(read);
  return passwd === undefined ? undefined : parseAccount(passwd, group, name);
}

/** The user the drop makes: `account` holds every group it will have, `groups` says where each came from. */
export interface DropIdentity {
  account: Account;
  groups: DropGroup[];
}

/**
 * The runtime user with the groups the drop gives it (contract §11). Root's groups are those on the `Groups:`
 * line of `status` (/proc/self/status, which root's path reads anyway), else getgroups(); those it does not hold
 * through the user database were granted by the container runtime.
 */
export function readDropIdentity(
  name: string,
  read: Read,
  status: string | undefined,
  held: () => number[],
): DropIdentity | undefined {
  const { passwd, group } = userDatabase(read);
  const account = passwd === undefined ? undefined : parseAccount(passwd, group, name);
  if (passwd === undefined || !account) return undefined;
  const root = parseAccountOfUid(passwd, group, 0);
  const groups = dropGroups(
    account,
    grantedGroups((status === undefined ? undefined : statusGroups(status)) ?? held(), root?.groups ?? []),
  );
  return { account: withGroups(account, groups), groups };
}
