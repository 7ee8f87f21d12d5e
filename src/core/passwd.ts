/**
 * The runtime user as /etc/passwd and /etc/group describe it. Parsed here
 * rather than through NSS: the container's user is a local one, and libc's
 * struct passwd differs between glibc and musl.
 */
import type { Principal } from "./access.ts";

export interface Account extends Principal {
  name: string;
  gid: number;
  home: string;
}

function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.split(":"));
}

function id(field: string | undefined): number | undefined {
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : undefined;
}

export function parseAccount(passwd: string, group: string, name: string): Account | undefined {
  const row = rows(passwd).find((fields) => fields[0] === name);
  const uid = id(row?.[2]);
  const gid = id(row?.[3]);
  if (!row || uid === undefined || gid === undefined) return undefined;
  const groups = [gid];
  for (const fields of rows(group)) {
    const member = id(fields[2]);
    if (member !== undefined && member !== gid && (fields[3] ?? "").split(",").includes(name)) groups.push(member);
  }
  return { name, uid, gid, groups, home: row[5] ?? "" };
}
