/**
 * argv and environ as the kernel gave them: NUL-separated byte strings,
 * never decoded, so bytes that are not UTF-8 reach the CLI unchanged.
 */
export type Bytes = Uint8Array;

const encoder = new TextEncoder();

export function bytes(text: string): Bytes {
  return encoder.encode(text);
}

// Made when first needed: the hot path decodes nothing.
let lenient: TextDecoder | undefined;
let strict: TextDecoder | undefined;

/** Bytes as text, any that are not UTF-8 shown as U+FFFD: for what is only shown or compared. */
export function text(data: Bytes): string {
  lenient ??= new TextDecoder();
  return lenient.decode(data);
}

/** Bytes as text only where they are UTF-8, else undefined: for what is handed on or checked. */
export function utf8(data: Bytes): string | undefined {
  try {
    strict ??= new TextDecoder("utf-8", { fatal: true });
    return strict.decode(data);
  } catch {
    return undefined;
  }
}

/** A directory entry's name as a listing gives it, NUL-terminated for the *at calls, as text. */
export function nameText(name: Bytes): string {
  return text(name.subarray(0, -1));
}

/** Splits `/proc/self/cmdline`-style data into its strings (views, no copies). */
export function splitNul(data: Bytes): Bytes[] {
  const parts: Bytes[] = [];
  let start = 0;
  // indexOf scans natively: a JS loop over every byte runs hot enough to start the JIT's compiler thread.
  for (let end = data.indexOf(0); end !== -1; end = data.indexOf(0, start)) {
    parts.push(data.subarray(start, end));
    start = end + 1;
  }
  if (start < data.length) parts.push(data.subarray(start));
  return parts;
}

function startsWithName(entry: Bytes, name: Bytes): boolean {
  if (entry.length <= name.length || entry[name.length] !== 0x3d) return false;
  for (let i = 0; i < name.length; i++) if (entry[i] !== name[i]) return false;
  return true;
}

/** Every value the environment gives `name`, in order (duplicates are possible). */
export function envValues(env: readonly Bytes[], name: string): Bytes[] {
  const key = bytes(name);
  return env.filter((entry) => startsWithName(entry, key)).map((entry) => entry.subarray(key.length + 1));
}

/** `name=value`, the value's bytes as they are. */
export function envEntry(name: string, value: Bytes): Bytes {
  const key = bytes(`${name}=`);
  const entry = new Uint8Array(key.length + value.length);
  entry.set(key);
  entry.set(value, key.length);
  return entry;
}

/**
 * The environment with `name` set to `value` (first entry replaced in place, duplicates dropped), or with every
 * entry of `name` removed where `value` is undefined.
 */
export function envWith(env: readonly Bytes[], name: string, value: string | Bytes | undefined): Bytes[] {
  const key = bytes(name);
  const entry = value === undefined ? undefined : envEntry(name, typeof value === "string" ? bytes(value) : value);
  const out: Bytes[] = [];
  let placed = false;
  for (const e of env) {
    if (!startsWithName(e, key)) out.push(e);
    else if (!placed && entry) {
      out.push(entry);
      placed = true;
    }
  }
  if (!placed && entry) out.push(entry);
  return out;
}
