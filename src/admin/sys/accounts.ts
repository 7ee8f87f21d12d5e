import { readAll } from "../../sys/files.ts";
import { type Account, parseAccount } from "../core/passwd.ts";

const decoder = new TextDecoder();

export function readAccount(name: string): Account | undefined {
  const passwd = readAll("/etc/passwd");
  const group = readAll("/etc/group");
  return passwd && parseAccount(decoder.decode(passwd), group ? decoder.decode(group) : "", name);
}
