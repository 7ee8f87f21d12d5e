/** A one-line progress count on stderr, only on a terminal and only for trees large enough to wonder about. */
import { moreLibc } from "../../sys/libc.ts";
import { writeStderr } from "../../sys/write.ts";

/** Smaller trees are done before anyone could read a count. */
const LARGE = 10_000;
/** Fast enough to see it move, slow enough not to cost the walk anything. */
const EVERY_MS = 100;

export interface Progress {
  update(count: number): void;
  done(): void;
}

export function progressMeter(label: string): Progress {
  if (moreLibc().isatty(2) !== 1) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(count) {
      const now = performance.now();
      if (count < LARGE || (shown && now - last < EVERY_MS)) return;
      last = now;
      shown = true;
      writeStderr(`\r\x1b[K${label}: ${count.toLocaleString("en-US")} entries…`);
    },
    done() {
      if (shown) writeStderr("\r\x1b[K");
    },
  };
}
