// What is sent for an event on each kind of channel: an HTTP request (webhook, ntfy) or an RFC 5322 message for
// sendmail (email). Pure: the transport (host/notify-transport.ts) sends what these build.
//
// No input reaches a header line unchecked: every header value is refused when it holds CR, LF or another
// control character (headerValue), addresses are checked strictly, and a non-ASCII title or subject is
// encoded (RFC 2047) rather than sent raw.
import { EmailAddressSchema, type EmailConfig, type NtfyConfig } from './channel.js';
import type { NotifyEvent } from './event.js';
import { severityOf } from './event.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader, TIMESTAMP_HEADER } from './sign.js';

export interface HttpMessage {
  kind: 'http';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface MailMessage {
  kind: 'mail';
  /** The whole message, headers and body, LF line ends (sendmail -t -oi reads the recipients from it). */
  text: string;
}

export type OutgoingMessage = HttpMessage | MailMessage;

export class HeaderInjectionError extends Error {
  override readonly name = 'HeaderInjectionError';
}

/** `value` as a header value: refused (naming the header) when it holds CR, LF or any other control character. */
export function headerValue(name: string, value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new HeaderInjectionError(`The ${name} header's value holds a line break or a control character.`);
  }
  return value;
}

/** A header value that may hold any text: ASCII as is, otherwise RFC 2047 `=?UTF-8?B?…?=` words. */
export function encodedWord(name: string, value: string): string {
  headerValue(name, value);
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  // words of at most 45 bytes of UTF-8 (60 base64 characters), never splitting a character
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(' ');
}

/** The JSON body a webhook receives. */
export function webhookBody(event: NotifyEvent, deliveryId: string): string {
  return JSON.stringify({
    id: deliveryId,
    kind: event.kind,
    compartment: event.compartment,
    title: event.title,
    message: event.message,
    details: event.details,
    time: event.time,
  });
}

/** A webhook delivery: the event as JSON, signed (sign.ts) at `now`. */
export function webhookMessage(
  url: string,
  secret: string,
  event: NotifyEvent,
  deliveryId: string,
  now: Date,
): HttpMessage {
  const body = webhookBody(event, deliveryId);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    kind: 'http',
    url,
    body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'quadletman',
      [EVENT_HEADER]: headerValue(EVENT_HEADER, event.kind),
      [DELIVERY_HEADER]: headerValue(DELIVERY_HEADER, deliveryId),
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, body),
    },
  };
}

const PRIORITY = { high: 4, default: 3, low: 2 } as const;
const TAG = { high: 'rotating_light', default: 'bell', low: 'white_check_mark' } as const;

/** An ntfy publish: the message as the body, title, priority and tags as headers, the token as a Bearer. */
export function ntfyMessage(config: NtfyConfig, token: string | null, event: NotifyEvent): HttpMessage {
  const severity = severityOf(event.kind);
  const tags = config.tags ?? [TAG[severity], event.kind];
  const body = event.message || event.title;
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'User-Agent': 'quadletman',
    Title: encodedWord('Title', event.title),
    Priority: String(config.priority ?? PRIORITY[severity]),
    Tags: headerValue('Tags', tags.join(',')),
  };
  if (token) headers.Authorization = `Bearer ${headerValue('Authorization', token)}`;
  return { kind: 'http', url: config.url, headers, body };
}

/** An address checked again (a stored one, or one that bypassed the edge). */
function address(header: string, value: string): string {
  headerValue(header, value);
  if (!EmailAddressSchema.safeParse(value).success) {
    throw new HeaderInjectionError(`The ${header} address '${value.slice(0, 100)}' is not a plain address.`);
  }
  return value;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
/** RFC 5322 date-time in UTC: `Thu, 03 Dec 2026 21:30:00 +0000`. */
export const rfc5322Date = (d: Date): string =>
  `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
  `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;

/** A plain-text mail: the title as subject, the message and the details as the body. */
export function emailMessage(config: EmailConfig, event: NotifyEvent, deliveryId: string, now: Date): MailMessage {
  const from = address('From', config.from);
  const to = config.to.map((a) => address('To', a));
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const headers = [
    `From: ${from}`,
    `To: ${to.join(', ')}`,
    `Subject: ${encodedWord('Subject', `[quadletman] ${event.title}`)}`,
    `Date: ${rfc5322Date(now)}`,
    `Message-ID: <${headerValue('Message-ID', deliveryId)}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    `${EVENT_HEADER}: ${headerValue(EVENT_HEADER, event.kind)}`,
    `${DELIVERY_HEADER}: ${headerValue(DELIVERY_HEADER, deliveryId)}`,
  ];
  const facts = [
    `Event: ${event.kind}`,
    ...(event.compartment ? [`Compartment: ${event.compartment}`] : []),
    `Time: ${event.time}`,
    ...Object.entries(event.details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
  ];
  const body = [event.message, '', ...facts].join('\n').replace(/\r\n?/g, '\n');
  return { kind: 'mail', text: `${headers.join('\n')}\n\n${body}\n` };
}
