/**
 * Apply with live progress. The server answers POST …/apply with an event stream (`event: progress` for each
 * step, `event: result` at the end); a plain JSON answer (a server without streaming) is taken as the result.
 */
import { ApiError, failure, getCsrfToken, url } from './client';
import type { ApplyResult, Body, ProgressEvent } from './types';

/** Splits an SSE body into events (`event:` and `data:` lines, blank line between events). */
export function parseSse(chunk: string): { events: { type: string; data: string }[]; rest: string } {
  const events: { type: string; data: string }[] = [];
  const blocks = chunk.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) events.push({ type, data: data.join('\n') });
  }
  return { events, rest };
}

/** Applies `body` (`{ spec }`, `{ text }` or `{}` for the stored state) and reports its progress. */
export function applyStream(
  compartment: string,
  body: NonNullable<Body<'/api/compartments/{id}/apply', 'post'>>,
  onProgress: (e: ProgressEvent) => void,
): Promise<ApplyResult> {
  return streamed(url('/api/compartments/{id}/apply', { id: compartment }), body, onProgress);
}

/** Upgrades units (`{ units, to }`; none: every unit whose image comes from a registry) and reports its progress. */
export function upgradeStream(
  compartment: string,
  body: Body<'/api/compartments/{id}/upgrade', 'post'>,
  onProgress: (e: ProgressEvent) => void,
): Promise<ApplyResult> {
  return streamed(url('/api/compartments/{id}/upgrade', { id: compartment }), body, onProgress);
}

/** POSTs `body` to an apply-like route and reads its event stream (or its JSON answer). */
async function streamed(url: string, body: object, onProgress: (e: ProgressEvent) => void): Promise<ApplyResult> {
  const csrf = getCsrfToken();
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      accept: 'text/event-stream, application/json',
      'content-type': 'application/json',
      ...(csrf ? { 'x-csrf-token': csrf } : {}),
    },
    body: JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) throw await failure(res, 'POST', url);
  if (!type.includes('text/event-stream') || !res.body) return (await res.json()) as ApplyResult;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let result: ApplyResult | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const { events, rest } = parseSse(buffer);
    buffer = rest;
    for (const ev of events) {
      if (ev.type === 'progress') onProgress(JSON.parse(ev.data) as ProgressEvent);
      else if (ev.type === 'result') result = JSON.parse(ev.data) as ApplyResult;
      else if (ev.type === 'error') {
        const e = JSON.parse(ev.data) as { code?: string; message?: string };
        throw new ApiError(500, e.code ?? 'internal', e.message ?? 'apply failed');
      }
    }
  }
  if (!result) throw new ApiError(502, 'internal', 'The apply stream ended without a result.');
  return result;
}
