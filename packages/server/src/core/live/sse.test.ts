import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, sseComment, sseFrame } from './sse.js';

describe('SSE framing', () => {
  it('writes event, id, retry and JSON data, ending with a blank line', () => {
    expect(sseFrame({ id: 'e1-1', data: { a: 1 } })).toBe('id: e1-1\ndata: {"a":1}\n\n');
    expect(sseFrame({ event: 'reset', id: 'x', retry: 2000, data: 'hi' })).toBe(
      'event: reset\nid: x\nretry: 2000\ndata: hi\n\n',
    );
    expect(sseComment('ping')).toBe(': ping\n\n');
  });

  it('splits multi-line data into data lines and cleans line breaks out of fields', () => {
    expect(sseFrame({ data: 'a\nb\r\nc' })).toBe('data: a\ndata: b\ndata: c\n\n');
    expect(sseFrame({ event: 'x\ny', id: 'a\rb', data: '' })).toBe('event: x y\nid: a b\ndata: \n\n');
  });

  it('round-trips through the parser whatever the data and however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            event: fc.constantFrom('message', 'reset', 'end'),
            id: fc.stringMatching(/^[a-z0-9-]{1,8}$/),
            data: fc.jsonValue(),
          }),
          {
            maxLength: 8,
          },
        ),
        fc.integer({ min: 1, max: 7 }),
        (msgs, chunk) => {
          const text = msgs
            .map((m) => sseFrame({ event: m.event, id: m.id, data: { v: m.data } }))
            .join(sseComment('ping'));
          const p = new SseParser();
          const got: { event: string; id: string | undefined; data: string }[] = [];
          for (let i = 0; i < text.length; i += chunk) got.push(...p.push(text.slice(i, i + chunk)));
          expect(got.map((g) => ({ event: g.event, id: g.id, data: JSON.parse(g.data) }))).toEqual(
            msgs.map((m) => ({ event: m.event, id: m.id, data: JSON.parse(JSON.stringify({ v: m.data })) })),
          );
        },
      ),
    );
  });
});
