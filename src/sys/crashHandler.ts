/**
 * Imported first by main.ts, so it is in place before any other module of
 * the shim evaluates: any error that would otherwise reach the runtime's
 * default report (a stack trace with source lines) ends the process with one
 * line and exit 126 instead. It writes through node:fs, loaded only then, so
 * it works where bun:ffi does not.
 */
import type { ShimConfig } from "../core/config.ts";
import { lastResortMessage } from "../core/lastResort.ts";

declare const SHIM_CONFIG: ShimConfig;

function die(error: unknown): never {
  try {
    const fs = process.getBuiltinModule("node:fs");
    fs.writeSync(2, lastResortMessage(SHIM_CONFIG.name, error));
  } catch {
    // Nothing left to report with.
  }
  process.exit(126);
}

process.on("uncaughtException", die);
process.on("unhandledRejection", die);
