/** The runtime user and filesystem nodes as doctor's pure checks are given them. */
import type { Failure } from "../../../src/core/failure.ts";
import type { NodeStat } from "../../../src/core/node.ts";
import type { Account } from "../../../src/core/passwd.ts";

export const account: Account = { name: "hermes", uid: 10000, gid: 10000, groups: [10000], home: "/opt/data" };

/** Makes nodes: a root-owned 0600 file on device 0:1, changed by `defaults`, then by each call's own fields. */
export const nodeMaker =
  (defaults: Partial<NodeStat> = {}) =>
  (over: Partial<NodeStat> = {}): NodeStat => ({
    kind: "file",
    uid: 0,
    gid: 0,
    mode: 0o100600,
    nlink: 1,
    dev: "0:1",
    mountRoot: false,
    ...defaults,
    ...over,
  });

/** A failed call as src/sys reports one: EIO unless told, with the C library's words. */
export const failureOf = (call: string, on: string, errno = 5): Failure => ({
  call,
  on,
  errno,
  words: { 5: "Input/output error", 13: "Permission denied", 1: "Operation not permitted" }[errno] ?? `errno ${errno}`,
});
