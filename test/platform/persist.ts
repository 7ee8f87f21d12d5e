/** A command that can fail only for a moment: another run holding the passwd lock, an engine still settling. */
import { setTimeout as sleep } from "node:timers/promises";
import { outcome } from "./spawn.ts";

/** Runs argv until it succeeds, about 10 s at most; then throws with its last stderr. */
export async function persist(argv: string[]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const r = await outcome(argv);
    if (r.code === 0) return r.stdout;
    if (attempt === 40) throw new Error(`test platform: ${argv.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
    await sleep(250);
  }
}
