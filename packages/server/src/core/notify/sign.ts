// Webhook signatures. A delivery is signed with HMAC-SHA256, keyed by the channel's secret, over
//
//     <timestamp> "." <body>
//
// where <timestamp> is the X-Quadletman-Timestamp header (Unix seconds, decimal) and <body> the exact bytes of
// the request body. The signature travels as `X-Quadletman-Signature: sha256=<64 lowercase hex digits>`.
// A receiver recomputes it (verifySignature), refuses a timestamp more than a few minutes from its own clock
// (isFreshTimestamp), and remembers X-Quadletman-Delivery ids it has seen to refuse a replay within that window.
// Pure computation: no I/O.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Quadletman-Signature';
export const TIMESTAMP_HEADER = 'X-Quadletman-Timestamp';
export const EVENT_HEADER = 'X-Quadletman-Event';
export const DELIVERY_HEADER = 'X-Quadletman-Delivery';

/** The hex HMAC-SHA256 of `<timestamp>.<body>` with `secret`. */
export function signatureHex(secret: string, timestamp: string, body: string | Uint8Array): string {
  const h = createHmac('sha256', secret);
  h.update(`${timestamp}.`);
  h.update(body);
  return h.digest('hex');
}

/** The value of the X-Quadletman-Signature header: `sha256=<hex>`. */
export const signatureHeader = (secret: string, timestamp: string, body: string | Uint8Array): string =>
  `sha256=${signatureHex(secret, timestamp, body)}`;

/** Whether `header` (`sha256=<hex>`) is the signature of `body` sent at `timestamp`; compared in constant time. */
export function verifySignature(
  secret: string,
  timestamp: string,
  body: string | Uint8Array,
  header: string | undefined,
): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  if (!/^[0-9]{1,12}$/.test(timestamp)) return false;
  const expected = Buffer.from(signatureHex(secret, timestamp, body), 'hex');
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether a timestamp header is within `toleranceSeconds` (default 300) of `now`: older ones may be replays. */
export function isFreshTimestamp(timestamp: string, now: Date, toleranceSeconds = 300): boolean {
  if (!/^[0-9]{1,12}$/.test(timestamp)) return false;
  return Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) <= toleranceSeconds;
}
