/**
 * containerd, the runtime Kubernetes nodes run, reached with its own client `ctr`: the containerd that
 * Debian's docker.io starts for dockerd, in a namespace of the run's own, removed at its end.
 */
import { readdirSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { persist } from "./persist.ts";
import { outcome } from "./spawn.ts";

export const CONTAINERD_SOCKET = "/var/run/docker/containerd/containerd.sock";

export const namespaceFor = (runId: string) => `hermes-exec-shim-test-${runId}`;

export const ctrArgv = (namespace: string) => ["ctr", "--address", CONTAINERD_SOCKET, "--namespace", namespace];

/** The name `ctr images import` gives an image that `docker save` wrote under `tag`. */
export const ctrImage = (tag: string) => `docker.io/${tag}`;

const ctrIn = (namespace: string) => {
  const ctr = ctrArgv(namespace);
  // containerd answers in milliseconds; only a shim that is stuck (below) takes this long.
  return (...args: string[]) => outcome([...ctr, ...args], { timeoutMs: 30_000 });
};

/**
 * Removes a container and its task. containerd 1.6's shim holds its event lock while it starts an exec,
 * until the exec's client opens its output FIFOs: a `ctr tasks exec` killed before that (by a test's
 * timeout) leaves the shim waiting for ever, and every later call to it hangs. Such a shim is killed,
 * which containerd cleans up after.
 */
export async function removeContainer(namespace: string, id: string): Promise<void> {
  const run = ctrIn(namespace);
  if ((await run("tasks", "rm", "--force", id)).signal) {
    await outcome([
      "pkill",
      "--signal",
      "KILL",
      "--full",
      `containerd-shim-runc-v2 -namespace ${namespace} -id ${id} `,
    ]);
    await run("tasks", "rm", "--force", id);
  }
  await run("containers", "rm", id);
}

/**
 * Removes the namespace and everything in it: tasks, containers with their snapshots, images (and, --sync,
 * their content), then the namespace itself, and the cgroup that runc made for it under each hierarchy. False when
 * there was no such namespace.
 */
export async function removeNamespace(namespace: string): Promise<boolean> {
  const ctr = ctrArgv(namespace);
  const run = ctrIn(namespace);
  const list = async (...args: string[]) => (await run(...args)).stdout.split("\n").filter(Boolean);
  if (!(await list("namespaces", "ls", "-q")).includes(namespace)) return false;
  for (const id of await list("containers", "ls", "-q")) await removeContainer(namespace, id);
  const images = await list("images", "ls", "-q");
  if (images.length) await run("images", "rm", "--sync", ...images);
  // Refused while the namespace holds anything, such as content the garbage collector has yet to remove.
  if ((await list("namespaces", "ls", "-q")).includes(namespace))
    await persist([...ctr, "namespaces", "rm", namespace]);
  // runc leaves the namespace's own directory, empty, under the cgroup root (v2) or each controller's (v1).
  const root = "/sys/fs/cgroup";
  for (const dir of ["", ...readdirSync(root)].map((hierarchy) => join(root, hierarchy, namespace))) {
    try {
      rmdirSync(dir);
    } catch {
      // Not a hierarchy, or none made there.
    }
  }
  return true;
}
