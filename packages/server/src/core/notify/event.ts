// The notification event model: what happened (kind), where (a compartment, or none), a short title and message
// for people, and details for machines. Pure: no I/O.

/** Every kind of event a channel may receive. */
export const NOTIFY_EVENT_KINDS = [
  'unit-failed',
  'apply-refused',
  'apply-rolled-back',
  'update-available',
  'upgrade-finished',
  'upgrade-rolled-back',
  'backup-failed',
  'test',
] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENT_KINDS)[number];

export interface NotifyEvent {
  kind: NotifyEventKind;
  /** The compartment the event is about; null for one about the whole server (a test). */
  compartment: string | null;
  /** One line: no control characters (makeEvent replaces them). */
  title: string;
  message: string;
  /** JSON-safe facts for a webhook receiver (revision, unit, image, digests…). */
  details: Record<string, unknown>;
  /** ISO-8601 UTC. */
  time: string;
}

export interface NotifyEventInput {
  kind: NotifyEventKind;
  compartment?: string | null;
  title: string;
  message?: string;
  details?: Record<string, unknown>;
}

const TITLE_MAX = 200;
const MESSAGE_MAX = 8000;

/** A title on one line: control characters (CR and LF among them) become spaces, then it is cut to 200 chars. */
export function oneLine(s: string, max = TITLE_MAX): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const flat = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** An event as channels receive it, stamped with `now`. */
export function makeEvent(input: NotifyEventInput, now: Date): NotifyEvent {
  const message = input.message ?? '';
  return {
    kind: input.kind,
    compartment: input.compartment ?? null,
    title: oneLine(input.title) || input.kind,
    message: message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX - 1)}…` : message,
    details: input.details ?? {},
    time: now.toISOString(),
  };
}

/** The default `Tags`/priority of an event kind for ntfy: failures are urgent, good news is not. */
export function severityOf(kind: NotifyEventKind): 'high' | 'default' | 'low' {
  switch (kind) {
    case 'unit-failed':
    case 'apply-rolled-back':
    case 'upgrade-rolled-back':
    case 'backup-failed':
      return 'high';
    case 'apply-refused':
    case 'update-available':
      return 'default';
    default:
      return 'low';
  }
}
