/**
 * The one question the shim asks of argv[0] on every call. Kept apart from
 * the admin CLI, which is loaded only when the answer is yes.
 */
import type { Bytes } from "./bytes.ts";

const SLASH = 0x2f;

/** The name under which the binary is its own admin CLI. */
export function adminName(product: string): string {
  return `${product}-exec-shim`;
}

/** True when the basename of the raw argv[0] is the admin name. */
export function isAdminName(argv0: Bytes | undefined, product: string): boolean {
  if (!argv0) return false;
  const base = argv0.subarray(argv0.lastIndexOf(SLASH) + 1);
  // config.ts admits only ASCII names, so comparing char codes with bytes is exact.
  const admin = adminName(product);
  if (base.length !== admin.length) return false;
  for (let i = 0; i < base.length; i++) if (base[i] !== admin.charCodeAt(i)) return false;
  return true;
}
