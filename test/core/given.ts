/**
 * The facts as a test states them: in one value, root's drop facts beside root's own. `split` hands them out as
 * src/sys gathers them, and `planOf` plans as src/main.ts does: decide(), then, where it asks, planDrop().
 */
import type { BootFile } from "../../src/core/bootEnv.ts";
import { bytes } from "../../src/core/bytes.ts";
import { cliHome } from "../../src/core/cliHome.ts";
import type { ShimConfig } from "../../src/core/config.ts";
import { decide, type Facts, type Plan } from "../../src/core/decide.ts";
import type { Homes } from "../../src/core/homes.ts";
import { planDrop, type RootFacts } from "../../src/root/core/drop.ts";

/** A file under the boot's environment directory, root's and 0644 unless `over` says otherwise. */
export const bootFile = (value: string | Uint8Array, over: { uid?: number; mode?: number } = {}): BootFile => ({
  kind: "file",
  uid: 0,
  gid: 0,
  mode: 0o100644,
  data: typeof value === "string" ? bytes(value) : value,
  ...over,
});

export type GivenRoot = NonNullable<Facts["asRoot"]> & RootFacts;
/** `homes`: the caller's where it is not root, else the runtime user's, as the drop gathers them. */
export type Given = Omit<Facts, "asRoot" | "homes"> & { asRoot?: GivenRoot; homes?: Homes };

/** As src/sys gathers them: the CLI's home from the boot's, unless the test states it. */
export function split(config: ShimConfig, given: Given): { facts: Facts; root: RootFacts } {
  const { asRoot, homes, ...stated } = given;
  const home = stated.home ?? (stated.boot?.home && cliHome(config, stated.boot.home, stated.boot));
  const every = { ...stated, ...(home ? { home } : {}) };
  const root: RootFacts = homes && given.euid === 0 ? { homes } : {};
  if (!asRoot) return { facts: { ...every, ...(homes && given.euid !== 0 ? { homes } : {}) }, root };
  const { runtimeUser, drop, terminal, runtimeDir, homes: _, ...own } = asRoot;
  return {
    facts: { ...every, ...(homes && given.euid !== 0 ? { homes } : {}), asRoot: own },
    root: {
      ...root,
      ...(runtimeUser === undefined ? {} : { runtimeUser }),
      ...(drop === undefined ? {} : { drop }),
      ...(terminal === undefined ? {} : { terminal }),
      ...(runtimeDir === undefined ? {} : { runtimeDir }),
    },
  };
}

/** The plan, and root's drop facts where decide() asked for the drop (undefined where it did not). */
export function planOf(config: ShimConfig, given: Given): { plan: Plan; facts: Facts; root: RootFacts | undefined } {
  const { facts, root } = split(config, given);
  const decided = decide(config, facts);
  if (decided.kind !== "drop") return { plan: decided, facts, root: undefined };
  return { plan: planDrop(config, facts, root, decided), facts, root };
}
