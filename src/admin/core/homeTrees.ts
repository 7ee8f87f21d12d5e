/**
 * Which trees doctor walks: the build's home, and the home the CLI really uses when the environment's
 * HERMES_HOME names another directory, with every rule the first walk has. A second home that holds the
 * image's own files (HERMES_HOME=/, /opt) is never walked: --fix would hand them to the runtime user.
 */
import type { ShimConfig } from "../../core/config.ts";
import { homeVar } from "../../core/homes.ts";
import { names } from "../../core/paths.ts";

export interface Tree {
  path: string;
  /** The variable that names it, or null for the build's home. */
  variable: string | null;
}

/** "/srv//state/./" as the kernel looks it up: "/srv/state". `..` is left for the kernel to resolve. */
const tidy = (path: string) => `/${names(path).join("/")}`;

const within = (path: string, dir: string) => path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);

/** How findings and doctor's last line name a tree: "/opt/data", "HERMES_HOME /srv/state". */
export const treeName = (tree: Tree) => (tree.variable === null ? tree.path : `${tree.variable} ${tree.path}`);

/** `value` is the variable's, when it is set to an absolute path: undefined otherwise. */
export function homeTrees(config: ShimConfig, value: string | undefined): Tree[] {
  const trees: Tree[] = [{ path: config.home, variable: null }];
  if (value === undefined) return trees;
  const path = tidy(value);
  // One the first walk covers, unless another filesystem is mounted there: that one it only names.
  if (!within(path, config.home)) trees.push({ path, variable: homeVar(config.name) });
  return trees;
}

/** The first of `files` that lies in `dir` or is `dir`, both as the kernel resolved them. */
export function holds(dir: string, files: readonly (string | undefined)[]): string | undefined {
  return files.find((file) => file !== undefined && within(file, dir));
}

/** The image's own files, none of which a walk may reach: the shim, the CLIs, the helper, the supervision tree. */
export function ownFiles(config: ShimConfig, self: string | undefined): (string | undefined)[] {
  return [self, ...config.commands.map((c) => c.target), config.helper, config.scanDir, config.home];
}

/** Why doctor must not walk `tree`, found at `resolved`, or undefined: the build's home is the image's to name. */
export function whyNotWalked(tree: Tree, resolved: string, own: readonly (string | undefined)[]): string | undefined {
  const held = tree.variable === null ? undefined : holds(resolved, own);
  return held === undefined
    ? undefined
    : `holds the image's own files (${held}): doctor neither checks nor changes them`;
}
