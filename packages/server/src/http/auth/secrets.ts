/** Random secrets and their digests (session ids, CSRF tokens, API tokens, the setup token). */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url. */
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
/** An id people type as an argument (`user token revoke ID`): hex, so it never starts with `-` like an option. */
export const randomId = (bytes = 9): string => randomBytes(bytes).toString('hex');

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
