/** The runtime user as the user database describes it at the time of the call: images remap it at boot. */
import { type Bytes, text } from "../core/bytes.ts";
import { absent, type Failure, failed } from "../core/failure.ts";
import { type Account, parseAccount, parseAccountOfUid } from "../core/passwd.ts";

export type Read = (path: string) => Bytes | Failure;

/** A file of the user database as text: undefined where it does not exist, the failure where it could not be read. */
function table(read: Read, path: string): string | undefined | Failure {
  const data = read(path);
  if (!failed(data)) return text(data);
  return absent(data) ? undefined : data;
}

/** /etc/passwd and /etc/group as text; a missing group file is an empty one. */
export function userDatabase(read: Read): { passwd: string | undefined; group: string } | Failure {
  const passwd = table(read, "/etc/passwd");
  if (failed(passwd)) return passwd;
  const group = table(read, "/etc/group");
  if (failed(group)) return group;
  return { passwd, group: group ?? "" };
}

export function readAccount(name: string, read: Read): Account | undefined | Failure {
  const db = userDatabase(read);
  if (failed(db)) return db;
  return db.passwd === undefined ? undefined : parseAccount(db.passwd, db.group, name);
}

/** The account of `uid`, root's for one, wherever /etc/passwd lists it. */
export function readAccountOfUid(uid: number, read: Read): Account | undefined | Failure {
  const db = userDatabase(read);
  if (failed(db)) return db;
  return db.passwd === undefined ? undefined : parseAccountOfUid(db.passwd, db.group, uid);
}
