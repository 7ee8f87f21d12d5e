/** What the walk of the home (src/admin/sys/walk.ts) reports, for doctor's findings to judge. */
import type { NodeStat } from "../../core/node.ts";
import type { Verdict } from "./verdict.ts";

export type Outcome =
  /** A node that is not simply the runtime user's, as it was when last examined. */
  | { path: string; node: NodeStat; verdict: Exclude<Verdict, { kind: "owned" }>; changed: boolean }
  /** A node that could not be examined, entered or changed; `refused` when its filesystem would not change the owner. */
  | { path: string; error: string; refused?: true };

export type HomeState =
  | { kind: "dir"; node: NodeStat; changed: boolean }
  | { kind: "unusable"; reason: string; missing: boolean };

export interface WalkResult {
  home: HomeState;
  /** Nodes examined, the home included. */
  entries: number;
  outcomes: Outcome[];
}
