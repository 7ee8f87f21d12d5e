/** A command that can fail only for a moment: another run holding the passwd lock, an engine still settling. */
import { spawnSync } from "node:child_process";

/** Runs argv until it succeeds, about 10 s at most; then throws with its last stderr. */
export function persist(argv: string[]): string {
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8" });
    if (r.status === 0) return r.stdout;
    if (attempt === 40) throw new Error(`test platform: ${argv.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
    spawnSync("sleep", ["0.25"]);
  }
}
