/**
 * The runtime user as /etc/passwd and /etc/group describe it. Parsed here
 * rather than through NSS: the container's user is a local one, and libc's
 * struct passwd differs between glibc and musl.
 */
import type { Principal } from "./access.ts";
import { decimal } from "./decimal.ts";

export interface Account extends Principal {
  name: string;
  gid: number;
  home: string;
}

function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter(
      // Stryker disable next-line ConditionalExpression,StringLiteral: a blank line names no user and no group, so letting one through changes nothing
      (line) => line !== "" && !line.startsWith("#"),
    )
    .map((line) => line.split(":"));
}

function id(field: string | undefined): number | undefined {
  const value = decimal(String(field));
  return value >= 0 ? value : undefined;
}

function accountOf(row: string[] | undefined, group: string): Account | undefined {
  const uid = id(row?.[2]);
  const gid = id(row?.[3]);
  if (!row || uid === undefined || gid === undefined) return undefined;
  // A line split on ":" always has a first field.
  const name = row[0] as string;
  const groups = [gid];
  for (const fields of rows(group)) {
    const member = id(fields[2]);
    // Stryker disable next-line StringLiteral: a group line without a member list names no one, and no user name has a space
    if (member !== undefined && member !== gid && (fields[3] ?? "").split(",").includes(name)) groups.push(member);
  }
  return { name, uid, gid, groups, home: row[5] ?? "" };
}

export function parseAccount(passwd: string, group: string, name: string): Account | undefined {
  return accountOf(
    rows(passwd).find((fields) => fields[0] === name),
    group,
  );
}

/** The first account with `uid`, as the C library's getpwuid finds it: root's own groups, whatever root is named. */
export function parseAccountOfUid(passwd: string, group: string, uid: number): Account | undefined {
  return accountOf(
    rows(passwd).find((fields) => id(fields[2]) === uid),
    group,
  );
}

/** A group as /etc/group lists it: its name and the members it names. */
export interface GroupEntry {
  name: string;
  members: string[];
}

/** The first group with `gid` in /etc/group, or undefined. */
export function parseGroup(group: string, gid: number): GroupEntry | undefined {
  const fields = rows(group).find((row) => id(row[2]) === gid);
  if (!fields) return undefined;
  const members = (fields[3] ?? "").split(",").filter((name) => name !== "");
  return { name: fields[0] as string, members };
}

/**
 * Whether the runtime user exists, as far as the shim can know: "local" in /etc/passwd; "absent" when it is
 * not there and nsswitch.conf names no other source for passwd (none at all means files, as glibc and musl
 * read it); "unknown" when LDAP, sssd or another source may still know it, which only the helper can ask.
 */
export type RuntimeUser = "local" | "absent" | "unknown";

export function runtimeUser(account: Account | undefined, nsswitch: string | undefined): RuntimeUser {
  if (account) return "local";
  const line = nsswitch?.split("\n").find((l) => /^\s*passwd\s*:/.test(l));
  // Stryker disable next-line MethodExpression,Regex: filter(Boolean) drops the empty words an untrimmed or one-blank split leaves
  const sources = (line?.replace(/#.*/, "").split(":")[1] ?? "").trim().split(/\s+/).filter(Boolean);
  // Bracketed actions ([NOTFOUND=return]) are not sources.
  return sources.every((s) => s === "files" || s.startsWith("[")) ? "absent" : "unknown";
}
