/** A container for one describe block, on any engine: started before its tests, destroyed after them. */
import { afterAll, beforeAll } from "vitest";

/** Starts the container with `start` before the block's tests and destroys it after them; returns the way to it. */
export function perDescribe<T extends { destroy(): Promise<void> }>(start: () => Promise<T>): () => T {
  const holder: { ct?: T } = {};
  beforeAll(async () => {
    holder.ct = await start();
  });
  afterAll(() => holder.ct?.destroy());
  return () => holder.ct as T;
}
