/**
 * Words the shim reads and writes: a yes in an environment variable (the
 * opt-out), and a list of names in a message.
 */
import type { Bytes } from "./bytes.ts";

const TRUTHY = new Set(["1", "true", "yes"]);

function asciiLower(value: Bytes): string {
  let out = "";
  // Stryker disable next-line EqualityOperator: no truthy word holds an a or a z, so whether A and Z fold changes no verdict
  for (const b of value) out += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
  return out;
}

/**
 * Exactly 1, true or yes, any case, nothing trimmed. With duplicate entries
 * every one must agree: an ambiguous environment never keeps root.
 */
export function isStrictlyTruthy(values: readonly Bytes[]): boolean {
  return values.length > 0 && values.every((v) => TRUTHY.has(asciiLower(v)));
}

/** "a", "a and b", "a, b and c": the known commands in the refusal of an unknown name, the lacking capabilities. */
export function listNames(names: readonly string[]): string {
  // Stryker disable next-line StringLiteral: fewer than two names have no gap for join's separator to fill
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
