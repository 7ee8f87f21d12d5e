/** The admin commands' report on stdout: a report that could not be written whole is said on stderr, never lost. */
import { failureText } from "../../core/failure.ts";
import { adminName } from "../../core/name.ts";
import { writeStderr, writeStdout } from "../../sys/write.ts";

/** Writes `text` and returns `code`, or 1 when the write failed (contract §13): a reader got less than the report. */
export function printed(name: string, text: string, code: number): number {
  const lost = writeStdout(text);
  if (lost === undefined) return code;
  writeStderr(`${adminName(name)}: ${failureText(lost)}\n`);
  return 1;
}
