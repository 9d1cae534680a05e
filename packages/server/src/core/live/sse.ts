/**
 * Server-Sent Events framing (pure): one frame per event, JSON data on a single `data:` line, comments for
 * heartbeats. See the WHATWG HTML standard, "Server-sent events", for the format.
 */

export interface SseMessage {
  /** `event:` field; omitted means the default `message` event. */
  event?: string;
  /** `id:` field (becomes the client's Last-Event-ID). */
  id?: string;
  /** Serialized as JSON unless it is a string. */
  data: unknown;
  /** `retry:` field: the client's reconnection delay in ms. */
  retry?: number;
}

/** A field value must not contain CR or LF (it would end the field); ids must not contain NUL either. */
function clean(v: string): string {
  return v.replace(/[\r\n\0]/g, ' ');
}

/** One SSE frame, ending with the blank line that dispatches it. */
export function sseFrame(m: SseMessage): string {
  let out = '';
  if (m.event !== undefined) out += `event: ${clean(m.event)}\n`;
  if (m.id !== undefined) out += `id: ${clean(m.id)}\n`;
  if (m.retry !== undefined && Number.isInteger(m.retry) && m.retry >= 0) out += `retry: ${m.retry}\n`;
  const text = typeof m.data === 'string' ? m.data : JSON.stringify(m.data);
  // a string with line breaks becomes several data lines; the client joins them with \n again
  for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment frame: clients ignore it; it keeps proxies and the TCP connection from idling out. */
export function sseComment(text = ''): string {
  return `: ${clean(text)}\n\n`;
}

/** The response headers of an event stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx and similar proxies would otherwise buffer the stream
  'x-accel-buffering': 'no',
};

/**
 * Parses a stream of SSE text into messages (for tests and the benchmark's client). Feed chunks; complete
 * messages come back.
 */
export class SseParser {
  private buf = '';
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;

  push(chunk: string): { event: string; id: string | undefined; data: string }[] {
    this.buf += chunk;
    const out: { event: string; id: string | undefined; data: string }[] = [];
    for (;;) {
      const nl = this.buf.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + (this.buf.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (this.data.length > 0) out.push({ event: this.event ?? 'message', id: this.id, data: this.data.join('\n') });
        this.data = [];
        this.event = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') this.id = value;
    }
    return out;
  }
}
