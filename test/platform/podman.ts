/**
 * Podman for the run, both ways operators run it: rootful as root, and rootless as a user the run makes
 * (its own subordinate ids, home and XDG_RUNTIME_DIR) and removes at its end, with its storage.
 */
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LABEL } from "./docker.ts";
import { persist } from "./persist.ts";
import { runDir, runsRoot } from "./runs.ts";
import { outcome } from "./spawn.ts";

/** The run's rootless user. */
export interface Rootless {
  user: string;
  uid: number;
  gid: number;
  home: string;
  runtimeDir: string;
  /** The first of its 65536 subordinate uids (and gids): ids no other user on the machine has. */
  subid: number;
}

/**
 * Podman 4.3's defaults (nofile 1048576, nproc) are above this machine's hard limits, and runc then starts
 * nothing ("error setting rlimits for ready process"), so every container is given limits within them.
 */
export const ulimits = (nofile = "4096:4096") => ["--ulimit", `nofile=${nofile}`, "--ulimit", "nproc=4096:4096"];

/**
 * The podman command, as root or as the rootless user. No systemd runs here: cgroupfs and a file for
 * events. Rootless, with no storage.conf installed, podman would pick vfs (a full copy per layer and per
 * container) where the kernel has native overlay. Warnings ("/" is not a shared mount) would mix with the
 * CLI's stderr, which the tests compare.
 */
export function podmanArgv(rootless: Rootless | null): string[] {
  const podman = ["podman", "--log-level", "error", "--cgroup-manager", "cgroupfs", "--events-backend", "file"];
  if (!rootless) return podman;
  const { uid, gid, home, runtimeDir } = rootless;
  return [
    ...["setpriv", "--reuid", `${uid}`, "--regid", `${gid}`, "--init-groups"],
    ...["env", "-i", `HOME=${home}`, `XDG_RUNTIME_DIR=${runtimeDir}`, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
    ...podman,
    ...["--storage-driver", "overlay"],
  ];
}

/**
 * Everything run as the rootless user starts in /, a directory it can enter: a clone in a folder only root
 * can enter (/root, mktemp -d) is no working directory for it ("cannot chdir").
 */
const spawnArgv = (argv: string[]) => outcome(argv, { cwd: "/" });

async function must(argv: string[]): Promise<string> {
  const r = await spawnArgv(argv);
  if (r.code !== 0) throw new Error(`test platform: ${argv.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** A user for rootless Podman: useradd gives it a range in /etc/subuid and /etc/subgid. */
export async function makeRootlessUser(runId: string): Promise<Rootless> {
  const user = `hermes-test-${runId}`;
  await persist(["useradd", "--create-home", "--user-group", "--shell", "/usr/sbin/nologin", user]);
  try {
    const [, , uid, gid, , home] = (await must(["getent", "passwd", user])).trim().split(":");
    const range = (file: string) =>
      readFileSync(file, "utf8")
        .split("\n")
        .find((line) => line.startsWith(`${user}:`))
        ?.split(":");
    const [subuid, subgid] = [range("/etc/subuid"), range("/etc/subgid")];
    if (!subuid || !subgid || subuid[1] !== subgid[1] || subuid[2] !== "65536")
      throw new Error(`test platform: useradd gave ${user} no matching subordinate uid and gid ranges`);
    // No login session here makes /run/user/UID; podman needs one of the user's own.
    const runtimeDir = mkdtempSync(join(tmpdir(), "hermes-xdg-"));
    const ids = { uid: Number(uid), gid: Number(gid) };
    chownSync(runtimeDir, ids.uid, ids.gid);
    return { user, ...ids, home: home as string, runtimeDir, subid: Number(subuid[1]) };
  } catch (error) {
    await outcome(["userdel", "--remove", user]);
    throw error;
  }
}

/**
 * Everything the rootless user left: `podman system reset` removes its containers, images and storage and
 * stops its pause process, so no process of the user is left and userdel can remove it with its home.
 */
export async function removeRootlessUser(rootless: Rootless): Promise<void> {
  await spawnArgv([...podmanArgv(rootless), "system", "reset", "--force"]);
  // What the reset cannot stop: a container a killed worker's `podman run` went on to start after the run was
  // stopped, or one whose state went with a runtime directory of a run killed outright. Its conmon and its
  // PID 1 are the user's; the rest of the container dies with its PID 1.
  await outcome(["pkill", "--signal", "KILL", "--uid", `${rootless.uid}`]);
  try {
    // Refused while a process of the user is still exiting.
    await persist(["userdel", "--remove", rootless.user]);
  } finally {
    rmSync(rootless.runtimeDir, { recursive: true, force: true });
  }
}

/**
 * The run's rootless user as /etc/passwd and /etc/subuid hold it, or null when the run has none; its runtime
 * directory the one the run made, found by its owner, or a new one (the run's may be gone with its folder).
 */
export function rootlessUserOf(runId: string): Rootless | null {
  const user = `hermes-test-${runId}`;
  const entry = (file: string) =>
    readFileSync(file, "utf8")
      .split("\n")
      .find((line) => line.startsWith(`${user}:`))
      ?.split(":");
  const passwd = entry("/etc/passwd");
  if (!passwd) return null;
  const [uid, gid] = [Number(passwd[2]), Number(passwd[3])];
  const owned = (dir: string) => {
    try {
      return readdirSync(dir)
        .filter((name) => name.startsWith("hermes-xdg-"))
        .map((name) => join(dir, name))
        .find((path) => statSync(path).uid === uid);
    } catch {
      return undefined;
    }
  };
  let runtimeDir = owned(runDir(runId)) ?? owned(runsRoot());
  if (!runtimeDir) {
    runtimeDir = mkdtempSync(join(runsRoot(), "hermes-xdg-"));
    chownSync(runtimeDir, uid, gid);
  }
  const subid = Number(entry("/etc/subuid")?.[1] ?? 0);
  return { user, uid, gid, home: passwd[5] as string, runtimeDir, subid };
}

/** Removes what a run labelled in root's Podman (the test images keep the label docker build gave them); counts it. */
export async function removeRootfulLabelled(runId: string): Promise<Record<string, number>> {
  const podman = podmanArgv(null);
  const list = async (args: string[]) =>
    (await must([...podman, ...args, "--filter", `label=${LABEL}=${runId}`])).split("\n").filter(Boolean);
  const containers = await list(["ps", "-aq"]);
  if (containers.length) await spawnArgv([...podman, "rm", "-f", "-v", ...containers]);
  const volumes = await list(["volume", "ls", "-q"]);
  if (volumes.length) await spawnArgv([...podman, "volume", "rm", "-f", ...volumes]);
  const networks = await list(["network", "ls", "-q"]);
  if (networks.length) await spawnArgv([...podman, "network", "rm", "-f", ...networks]);
  const images = [...new Set(await list(["images", "-q"]))];
  if (images.length) await spawnArgv([...podman, "rmi", "-f", ...images]);
  return {
    "Podman container": containers.length,
    "Podman volume": volumes.length,
    "Podman network": networks.length,
    "Podman image": images.length,
  };
}
