/**
 * The CLI's home as the user it will run as finds it (contract §7), and the
 * warning line for one it cannot reach or write: the drop is correct, and
 * still the CLI fails there with a traceback that names nothing to act on.
 */
import type { ShimConfig } from "./config.ts";
import { type Failure, failureText } from "./failure.ts";
import { adminName, productVar } from "./name.ts";
import { octal } from "./node.ts";
import type { Blocker, Reach } from "./reach.ts";
import type { Sharing } from "./sharing.ts";
import { type Unreadable, unreadableLines } from "./unreadable.ts";

/** The variable that moves the CLI's home: HERMES_HOME for hermes. */
export function homeVar(name: string): string {
  return productVar(name, "HOME");
}

export interface HomeCheck {
  /** The home variable when the path is its value; null for the drop HOME (the build's --home). */
  variable: string | null;
  path: string;
  reach: Reach;
  /** On the drop path, what at its top the runtime user cannot read (contract §11); undefined when not looked at. */
  unreadable?: Unreadable;
  /**
   * On the drop path, the group the home is shared with (contract §14) when it is shared, or the failure that kept
   * that from being known.
   */
  sharing?: Sharing | Failure;
}

export interface Homes {
  /**
   * Who the CLI will run as: the runtime user by name on the drop path, the caller by uid otherwise, with its
   * groups and the uid PID 1 runs as where they were read: an arbitrary uid in group 0 that the container itself
   * runs as (OpenShift's) has its own remedies.
   */
  who: { uid: number; user?: string; groups?: readonly number[]; containerUid?: number };
  /** The runtime user's uid, when the caller is someone else and cannot use its home. */
  runtimeUid?: number;
  checks: HomeCheck[];
}

const owned = (at: Blocker) => `owned by uid ${at.uid} gid ${at.gid}, mode ${octal(at.mode)}`;

/** "hermes (uid 10000)" or "uid 1000". */
export function whoText(homes: Homes): string {
  return homes.who.user === undefined ? `uid ${homes.who.uid}` : `${homes.who.user} (uid ${homes.who.uid})`;
}

/** What stops the user: "cannot write HERMES_HOME /srv/h: it is owned by …". */
export function blockText(check: HomeCheck): string {
  const { reach, path } = check;
  const what = check.variable === null ? `its home ${path}` : `${check.variable} ${path}`;
  if (reach.ok) return `can reach and write ${what}`;
  if (reach.blocks === "other") return `cannot use ${what}: ${reach.reason}`;
  if (reach.blocks === "unexamined") return `may not be able to use ${what}: ${failureText(reach.failure)}`;
  if (reach.blocks === "readonly")
    return `cannot ${reach.missing ? "create" : "write"} ${what}: ${reach.dir} is on a read-only filesystem`;
  const { at } = reach;
  if (reach.blocks === "search") return `cannot reach ${what}: ${at.dir} is ${owned(at)}, and not searchable by it`;
  if (reach.missing) return `cannot create ${what}: ${at.dir} is ${owned(at)}`;
  return `cannot write ${what}: it is ${owned(at)}`;
}

/**
 * Root cannot write there either, so the opt-out is no remedy: only a writable home is. The drop HOME is the
 * build's, which no variable moves: a writable volume goes there.
 */
function readOnlyRemedies(config: ShimConfig, check: HomeCheck, dir: string): string[] {
  const { variable } = check;
  if (variable === null)
    return [`mount a writable volume on ${config.home} (docker run -v NAME:${config.home}, an emptyDir in Kubernetes)`];
  return [
    `mount ${dir} read-write (no :ro on the volume, readOnly: false in Kubernetes)`,
    `point ${variable} at a writable volume (docker run -e ${variable}=/data -v NAME:/data)`,
  ];
}

/** What works on the drop path (and for doctor), the most direct first. */
export function homeRemedies(config: ShimConfig, check: HomeCheck): string[] {
  const { user, home, optOutVar } = config;
  const { reach, path } = check;
  const keepRoot = `set ${optOutVar}=1 to keep root`;
  if (reach.ok) return [];
  if (reach.blocks === "readonly") return readOnlyRemedies(config, check, reach.dir);
  if (reach.blocks === "search")
    return [`move ${check.variable ?? "the home"} where ${user} can reach it (under ${home})`, keepRoot];
  if (reach.blocks === "other") return [keepRoot];
  if (reach.blocks === "unexamined") return [`look at ${path} again once the failure is fixed`];
  const remedies = [
    reach.missing
      ? `mkdir -p ${path} && chown ${user}:${user} ${path}`
      : path === home
        ? `as root, run ${adminName(config.name)} doctor --fix`
        : `chown -R ${user}:${user} ${path}`,
  ];
  // A directory someone else owns is usually a volume from the host: its owner can use it as it is.
  const { uid, gid } = reach.at;
  if (uid !== 0 && !reach.missing)
    remedies.push(`run the container as the volume's owner (docker run --user ${uid}:${gid})`);
  remedies.push(keepRoot);
  return remedies;
}

/**
 * Whether the caller is the container's own arbitrary uid in group 0 (OpenShift's restricted policy): the uid PID 1
 * runs as, neither root nor the runtime user. `kubectl exec` picks no other user there.
 */
export function podsOwnUid(homes: Homes): boolean {
  const { who } = homes;
  return who.groups?.includes(0) === true && who.uid !== homes.runtimeUid && who.containerUid === who.uid;
}

/**
 * What works for a caller that is not root: the drop, the runtime user, or the owner of what blocks. The pod's own
 * arbitrary uid (podsOwnUid) cannot be exchanged for another, so only the home can change, as OpenShift's
 * guidelines for such images say, or the volume.
 */
export function passRemedies(config: ShimConfig, homes: Homes, check: HomeCheck): string[] {
  const { user } = config;
  const { reach } = check;
  if (!reach.ok && reach.blocks === "readonly") return readOnlyRemedies(config, check, reach.dir);
  if (podsOwnUid(homes)) {
    const dir = "at" in reach ? reach.at.dir : check.path;
    return [
      `give ${dir} to group 0 with the owner's rights, in the image (chgrp -R 0 ${dir} && chmod -R g=u ${dir})`,
      `mount a volume there that uid ${homes.who.uid} can write (one it owns, or fsGroup in the pod's securityContext)`,
    ];
  }
  const remedies = [
    `run it as root (docker exec without --user: the shim drops to ${user})`,
    `as ${user} (docker exec --user ${user})`,
  ];
  // A node's owner, where one blocks: neither root nor the runtime user, whom the remedies above already name.
  if ("at" in reach && reach.at.uid !== 0 && reach.at.uid !== homes.runtimeUid)
    remedies.push(`as its owner (docker exec --user ${reach.at.uid}:${reach.at.gid})`);
  return remedies;
}

/**
 * One line for every home the user cannot use, or "". Dropping (root's plan) names the runtime user and how
 * to give it the home; passing through names the caller's uid and who can use the home instead.
 */
export function homeWarnings(config: ShimConfig, command: string, homes: Homes | undefined, dropping: boolean): string {
  if (!homes) return "";
  let out = "";
  for (const check of homes.checks) {
    if (check.unreadable) out += unreadableLines(config, command, whoText(homes), check.path, check.unreadable);
    if (check.reach.ok) continue;
    const remedies = dropping ? homeRemedies(config, check) : passRemedies(config, homes, check);
    out += `${command}: warning: ${whoText(homes)} ${blockText(check)}, so the ${command} CLI may fail; ${remedies.join(", or ")}\n`;
  }
  return out;
}
