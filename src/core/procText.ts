/**
 * The "Key   value value" rows of /proc text files (/proc/PID/limits,
 * /proc/self/status). Parsed by hand: core code runs on every call, and a
 * regular expression or an array builtin costs more to load than the parse.
 */

/** The rest of the line that starts with `key`, or undefined when no line does. */
export function procRow(text: string, key: string): string | undefined {
  const at = text.startsWith(key) ? 0 : text.indexOf(`\n${key}`) + 1;
  if (at === 0 && !text.startsWith(key)) return undefined;
  const end = text.indexOf("\n", at);
  return text.slice(at + key.length, end < 0 ? text.length : end);
}

/** The words of a line, split on spaces and tabs. */
export function words(line: string): string[] {
  const found: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = line.charCodeAt(i);
    const blank = i === line.length || c === 0x20 || c === 0x09;
    if (!blank && start < 0) start = i;
    if (blank && start >= 0) {
      found.push(line.slice(start, i));
      start = -1;
    }
  }
  return found;
}
