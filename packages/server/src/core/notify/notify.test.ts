import { describe, expect, it } from 'vitest';
import {
  CreateChannelSchema,
  channelMatches,
  DEFAULT_RETRY,
  emailMessage,
  encodedWord,
  HeaderInjectionError,
  headerValue,
  isFreshTimestamp,
  makeEvent,
  nextDelay,
  ntfyMessage,
  rfc5322Date,
  signatureHeader,
  UpdateChannelSchema,
  verdictOfSendmail,
  verdictOfStatus,
  verifySignature,
  webhookMessage,
} from './index.js';

const NOW = new Date('2026-12-03T21:30:00Z');
const event = (over: Partial<Parameters<typeof makeEvent>[0]> = {}) =>
  makeEvent(
    { kind: 'unit-failed', compartment: 'shop', title: 'web.container failed', message: 'exit 1', ...over },
    NOW,
  );

describe('signatures', () => {
  // computed apart from this code: node -e "require('crypto').createHmac('sha256','test-secret-0123456789')
  //   .update('1796342400.{\"hello\":\"world\"}').digest('hex')"
  const VECTOR = '17bde0a31be8cc86d63ffac6201d2eecc68fa5f848d0f15e45d8c80cc4d2aed9';
  const body = '{"hello":"world"}';

  it('signs <timestamp>.<body> with HMAC-SHA256 (a known vector)', () => {
    expect(signatureHeader('test-secret-0123456789', '1796342400', body)).toBe(`sha256=${VECTOR}`);
    expect(verifySignature('test-secret-0123456789', '1796342400', body, `sha256=${VECTOR}`)).toBe(true);
    expect(verifySignature('test-secret-0123456789', '1796342400', Buffer.from(body), `sha256=${VECTOR}`)).toBe(true);
  });

  it('refuses another secret, timestamp, body, or a malformed header', () => {
    const h = `sha256=${VECTOR}`;
    expect(verifySignature('test-secret-0123456780', '1796342400', body, h)).toBe(false);
    expect(verifySignature('test-secret-0123456789', '1796342401', body, h)).toBe(false);
    expect(verifySignature('test-secret-0123456789', '1796342400', `${body} `, h)).toBe(false);
    expect(verifySignature('test-secret-0123456789', '1796342400', body, VECTOR)).toBe(false);
    expect(verifySignature('test-secret-0123456789', '1796342400', body, `sha256=${VECTOR.slice(2)}`)).toBe(false);
    expect(verifySignature('test-secret-0123456789', '1796342400', body, `sha1=${VECTOR}`)).toBe(false);
    expect(verifySignature('test-secret-0123456789', '1796342400', body, undefined)).toBe(false);
    expect(verifySignature('test-secret-0123456789', '17963424.00', body, h)).toBe(false);
  });

  it('round trip through a webhook message; the timestamp header is the signed one', () => {
    const m = webhookMessage('https://hooks.example.test/x', 's'.repeat(16), event(), 'd-1', NOW);
    expect(m.headers['X-Quadletman-Timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(m.headers['X-Quadletman-Event']).toBe('unit-failed');
    expect(m.headers['X-Quadletman-Delivery']).toBe('d-1');
    expect(
      verifySignature(
        's'.repeat(16),
        m.headers['X-Quadletman-Timestamp']!,
        m.body,
        m.headers['X-Quadletman-Signature'],
      ),
    ).toBe(true);
    expect(JSON.parse(m.body)).toEqual({
      id: 'd-1',
      kind: 'unit-failed',
      compartment: 'shop',
      title: 'web.container failed',
      message: 'exit 1',
      details: {},
      time: '2026-12-03T21:30:00.000Z',
    });
  });

  it('a timestamp older or newer than the tolerance is not fresh', () => {
    const ts = String(NOW.getTime() / 1000);
    expect(isFreshTimestamp(ts, new Date(NOW.getTime() + 300_000))).toBe(true);
    expect(isFreshTimestamp(ts, new Date(NOW.getTime() + 301_000))).toBe(false);
    expect(isFreshTimestamp(ts, new Date(NOW.getTime() - 301_000))).toBe(false);
    expect(isFreshTimestamp('abc', NOW)).toBe(false);
  });
});

describe('events', () => {
  it('a title is one line: line breaks and control characters become spaces', () => {
    const e = event({ title: 'evil\r\nBcc: someone@example.test\u0007' });
    expect(e.title).toBe('evil Bcc: someone@example.test');
    expect(e.compartment).toBe('shop');
    expect(makeEvent({ kind: 'test', title: '' }, NOW)).toMatchObject({ title: 'test', compartment: null });
  });
});

describe('ntfy', () => {
  it('message as body, Title/Priority/Tags headers, the token as a Bearer', () => {
    const m = ntfyMessage({ url: 'https://ntfy.example.test/alerts' }, 'tk_abc', event());
    expect(m).toMatchObject({ kind: 'http', url: 'https://ntfy.example.test/alerts', body: 'exit 1' });
    expect(m.headers).toMatchObject({
      Title: 'web.container failed',
      Priority: '4',
      Tags: 'rotating_light,unit-failed',
      Authorization: 'Bearer tk_abc',
    });
  });

  it('the channel priority and tags win; no token, no Authorization; a non-ASCII title is RFC 2047', () => {
    const m = ntfyMessage(
      { url: 'https://n.example.test/t', priority: 1, tags: ['ops'] },
      null,
      event({ kind: 'upgrade-finished', title: 'Überlauf in ünit', message: '' }),
    );
    expect(m.headers).toMatchObject({ Priority: '1', Tags: 'ops', Title: '=?UTF-8?B?w5xiZXJsYXVmIGluIMO8bml0?=' });
    expect(m.headers.Authorization).toBeUndefined();
    expect(m.body).toBe('Überlauf in ünit');
  });

  it('a token with a line break is refused, not sent', () => {
    expect(() => ntfyMessage({ url: 'https://n.example.test/t' }, 'a\r\nX-Evil: 1', event())).toThrow(
      HeaderInjectionError,
    );
  });
});

describe('email', () => {
  const cfg = { from: 'qm@example.test', to: ['ops@example.test', 'b.c+x@mail.example.test'] };

  it('an RFC 5322 message: recipients in headers, subject, date, the facts in the body', () => {
    const m = emailMessage(cfg, event({ details: { revision: 4 } }), 'd-9', NOW);
    const cut = m.text.indexOf('\n\n');
    const head = m.text.slice(0, cut);
    const body = m.text.slice(cut + 2);
    expect(head.split('\n')).toEqual([
      'From: qm@example.test',
      'To: ops@example.test, b.c+x@mail.example.test',
      'Subject: [quadletman] web.container failed',
      'Date: Thu, 03 Dec 2026 21:30:00 +0000',
      'Message-ID: <d-9@example.test>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      'X-Quadletman-Event: unit-failed',
      'X-Quadletman-Delivery: d-9',
    ]);
    expect(body).toContain('exit 1\n\nEvent: unit-failed\nCompartment: shop\n');
    expect(body).toContain('revision: 4');
    expect(rfc5322Date(new Date('2027-01-05T03:04:05Z'))).toBe('Tue, 05 Jan 2027 03:04:05 +0000');
  });

  it('refuses CR/LF in any header value and any address that is not plain', () => {
    expect(() => emailMessage({ ...cfg, from: 'qm@example.test\nBcc: x@example.test' }, event(), 'd', NOW)).toThrow(
      /From header's value holds a line break/,
    );
    expect(() => emailMessage({ ...cfg, to: ['ops@example.test\r\nBcc: x@e.test'] }, event(), 'd', NOW)).toThrow(
      HeaderInjectionError,
    );
    expect(() => emailMessage({ ...cfg, to: ['Ops <ops@example.test>'] }, event(), 'd', NOW)).toThrow(
      /not a plain address/,
    );
    expect(() => headerValue('Subject', 'a\rb')).toThrow(HeaderInjectionError);
    // an event title cannot carry a header line either: makeEvent made it one line
    const m = emailMessage(cfg, event({ title: 'x\nBcc: y@example.test' }), 'd', NOW);
    expect(m.text.split('\n').filter((l) => l.startsWith('Bcc'))).toEqual([]);
  });

  it('a long non-ASCII subject becomes several encoded words, none splitting a character', () => {
    const v = encodedWord('Subject', 'ü'.repeat(40));
    const words = v.split(' ');
    expect(words.length).toBe(2);
    const decoded = words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe('ü'.repeat(40));
  });
});

describe('retries', () => {
  it('2xx delivered; 408, 429, 5xx retried; other 4xx, 3xx failed for good', () => {
    expect([200, 201, 204, 299].map(verdictOfStatus)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect([408, 429, 500, 502, 503].map(verdictOfStatus)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
    expect([400, 401, 403, 404, 410, 301, 302].map(verdictOfStatus)).toEqual(Array(7).fill('failed'));
  });

  it('sendmail: 0 delivered, 75/71/74 and signals retried, others failed', () => {
    expect([0, 75, 71, 74, null, 67, 64, 1].map(verdictOfSendmail)).toEqual([
      'delivered',
      'retry',
      'retry',
      'retry',
      'retry',
      'failed',
      'failed',
      'failed',
    ]);
  });

  it('back-off: 1 s, 5 s, 30 s, 2 min, 10 min, then no more', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => nextDelay(DEFAULT_RETRY, n))).toEqual([
      1_000,
      5_000,
      30_000,
      120_000,
      600_000,
      undefined,
    ]);
    expect(nextDelay({ delaysMs: [7] }, 0)).toBeUndefined();
  });
});

describe('channel input', () => {
  const ok = { name: 'ops-hook', kind: 'webhook', url: 'https://hooks.example.test/q', secret: 'x'.repeat(16) };

  it('defaults: every compartment, every event, enabled', () => {
    expect(CreateChannelSchema.parse(ok)).toMatchObject({ scope: '*', events: 'all', enabled: true });
  });

  it('refuses credentials in the URL with a message that names the token field', () => {
    const r = CreateChannelSchema.safeParse({ ...ok, url: 'https://user:pw@hooks.example.test/q' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/user name or password.*token field/);
    expect(r.error!.issues[0]!.path).toEqual(['url']);
  });

  it('refuses a URL that is not http(s), a short secret, a bad name, unknown keys', () => {
    const issues = (v: object) => CreateChannelSchema.safeParse(v).error?.issues.map((i) => i.message) ?? [];
    expect(issues({ ...ok, url: 'file:///etc/passwd' })).toEqual(['must be an http or https URL, not file']);
    expect(issues({ ...ok, url: 'not a url' })[0]).toMatch(/is not a URL/);
    expect(issues({ ...ok, secret: 'short' })).toEqual(['must be at least 16 characters']);
    expect(issues({ ...ok, secret: `${'x'.repeat(16)}\n` })[0]).toMatch(/visible ASCII/);
    expect(issues({ ...ok, name: 'Ops' })[0]).toMatch(/lowercase letter/);
    expect(issues({ ...ok, extra: 1 }).length).toBe(1);
    expect(issues({ ...ok, url: `https://h.example.test/${'a'.repeat(2048)}` })).toEqual([
      'must be at most 2048 characters',
    ]);
  });

  it('email addresses are checked strictly; a token may not hold a line break', () => {
    const mail = { name: 'm', kind: 'email', from: 'qm@example.test', to: ['ops@example.test'] };
    expect(CreateChannelSchema.safeParse(mail).success).toBe(true);
    for (const bad of ['ops@example', 'a b@example.test', 'ops@example.test\n', '<ops@example.test>', '.a@x.test'])
      expect(CreateChannelSchema.safeParse({ ...mail, to: [bad] }).success, bad).toBe(false);
    const ntfy = { name: 'n', kind: 'ntfy', url: 'https://n.example.test/t' };
    expect(CreateChannelSchema.safeParse({ ...ntfy, token: 'tk\r\nX: y' }).success).toBe(false);
    expect(UpdateChannelSchema.safeParse({ token: null }).success).toBe(true);
  });
});

describe('filtering', () => {
  const ch = { scope: '*', events: 'all' as const, enabled: true };
  it('scope, kinds and enabled decide', () => {
    const e = { kind: 'unit-failed', compartment: 'shop' };
    expect(channelMatches(ch, e)).toBe(true);
    expect(channelMatches({ ...ch, enabled: false }, e)).toBe(false);
    expect(channelMatches({ ...ch, scope: 'shop' }, e)).toBe(true);
    expect(channelMatches({ ...ch, scope: 'blog' }, e)).toBe(false);
    expect(channelMatches({ ...ch, scope: 'shop' }, { kind: 'test', compartment: null })).toBe(false);
    expect(channelMatches({ ...ch, events: ['apply-refused'] }, e)).toBe(false);
    expect(channelMatches({ ...ch, events: ['unit-failed'] }, e)).toBe(true);
  });
});
