/**
 * The one line the shim prints when its own code fails in a way nothing
 * else caught: no stack trace and no source excerpt (the runtime's default
 * report prints both), only what failed and that nothing ran.
 */
export function lastResortMessage(name: string, error: unknown): string {
  const what =
    error instanceof Error ? `${error.name}: ${error.message}` : `uncaught ${typeof error}: ${String(error)}`;
  let line = "";
  // First line only, printable ASCII only: an error message must not smuggle a multi-line report back in.
  for (let i = 0; i < what.length && i < 200; i++) {
    const c = what.charCodeAt(i);
    if (c === 0x0a) break;
    line += c >= 0x20 && c < 0x7f ? what[i] : "?";
  }
  return `${name}: internal error, nothing was run (${line})\n`;
}
