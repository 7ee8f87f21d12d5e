/** The runtime user as the user database describes it at the time of the call: images remap it at boot. */
import type { Bytes } from "../core/bytes.ts";
import { type Account, parseAccount } from "../core/passwd.ts";

export function readAccount(name: string, read: (path: string) => Bytes | undefined): Account | undefined {
  const passwd = read("/etc/passwd");
  const group = read("/etc/group");
  // Made here, not at load: the hot path loads this module and never calls it.
  const decoder = new TextDecoder();
  return passwd && parseAccount(decoder.decode(passwd), group ? decoder.decode(group) : "", name);
}
