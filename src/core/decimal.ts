/**
 * A number written in ASCII decimal digits, as the kernel and /etc/passwd
 * write ids, limits and descriptor numbers. The one parser of them all, by
 * hand: it runs on every call, where a regular expression or an array
 * builtin costs more to load than the parse.
 */

/**
 * The value of the digits before `end` in `text` (a string, or the bytes of a
 * name from a directory listing), or -1 when there are none or anything else
 * is there: no sign, no space, no point. Exact up to 2⁵³.
 */
export function decimal(text: string | Uint8Array, end: number = text.length): number {
  let value = 0;
  for (let i = 0; i < end; i++) {
    const digit = (typeof text === "string" ? text.charCodeAt(i) : (text[i] as number)) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return end > 0 ? value : -1;
}

/** A decimal id as /proc writes it, up to 2³²−1, or undefined ("undefined", what a missing word reads as, is none). */
export function decimalId(word: string | undefined): number | undefined {
  const value = decimal(String(word));
  return value >= 0 && value <= 0xffffffff ? value : undefined;
}
