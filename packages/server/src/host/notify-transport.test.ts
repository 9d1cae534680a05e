/**
 * Notifications through the real transport: a local HTTP receiver (node:http on 127.0.0.1, a free port) checks
 * the webhook's signature as a receiver would, answers what each test scripts, and the delivery log shows the
 * outcome; sendmail is a script that records its argv and stdin.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateChannelSchema, isFreshTimestamp, verifySignature } from '../core/notify/index.js';
import { NotificationService } from '../core/service/notifications.js';
import { openStore, type Store } from '../store/index.js';
import { HostNotifyTransport } from './notify-transport.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

const SECRET = 'receiver-secret-0123456789';
let server: Server;
let base: string;
let received: Received[];
/** What the receiver answers, one status per request (then 200). */
let answers: number[];
let store: Store;
let dir: string;

beforeEach(async () => {
  received = [];
  answers = [];
  dir = mkdtempSync(join(tmpdir(), 'qm-notify-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ts = String(req.headers['x-quadletman-timestamp'] ?? '');
      const sig = req.headers['x-quadletman-signature'];
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        signatureValid: verifySignature(SECRET, ts, body, typeof sig === 'string' ? sig : undefined),
      });
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: '/hook' }).end();
        return;
      }
      if (req.url === '/slow') return; // never answers
      res.writeHead(answers.shift() ?? 200, { 'content-type': 'text/plain' }).end('receiver says hi');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  store = openStore({ path: ':memory:' });
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function service(transport = new HostNotifyTransport()) {
  return new NotificationService({
    store: store.notifications,
    transport,
    compartmentExists: () => true,
    retry: { delaysMs: [30, 30, 30] },
  });
}

async function settle(svc: NotificationService, done: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('the deliveries did not settle in time');
    await new Promise((r) => setTimeout(r, 10));
    await svc.idle();
  }
}

describe('webhooks through the real transport', () => {
  it('carries a valid signature over the exact body, fresh timestamp, event and delivery headers', async () => {
    const svc = service();
    svc.create(CreateChannelSchema.parse({ name: 'hook', kind: 'webhook', url: `${base}/hook`, secret: SECRET }));
    const out = await svc.sendTest('hook', 'alice');
    expect(out).toMatchObject({ status: 'delivered', attempts: 1, error: null });
    expect(received.length).toBe(1);
    const r = received[0]!;
    expect(r).toMatchObject({ method: 'POST', url: '/hook', signatureValid: true });
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-quadletman-event']).toBe('test');
    expect(r.headers['x-quadletman-delivery']).toBe(out.delivery);
    expect(isFreshTimestamp(String(r.headers['x-quadletman-timestamp']), new Date())).toBe(true);
    expect(JSON.parse(r.body)).toMatchObject({ id: out.delivery, kind: 'test', details: { actor: 'alice' } });
    // the same body under another secret does not verify
    expect(
      verifySignature(
        'another-secret-000000',
        String(r.headers['x-quadletman-timestamp']),
        r.body,
        String(r.headers['x-quadletman-signature']),
      ),
    ).toBe(false);
  });

  it('a 500 is retried and then delivered; a 404 fails for good; the log shows each', async () => {
    const svc = service();
    svc.create(CreateChannelSchema.parse({ name: 'flaky', kind: 'webhook', url: `${base}/flaky`, secret: SECRET }));
    answers = [500, 500];
    const [id] = svc.emit({ kind: 'unit-failed', compartment: 'shop', title: 'web.container failed' });
    await settle(svc, () => store.notifications.delivery(id!)?.status !== 'pending');
    expect(received.map((r) => [r.url, r.signatureValid])).toEqual([
      ['/flaky', true],
      ['/flaky', true],
      ['/flaky', true],
    ]);
    // each attempt is signed again, with the same delivery id
    expect(new Set(received.map((r) => r.headers['x-quadletman-delivery']))).toEqual(new Set([id]));

    svc.create(CreateChannelSchema.parse({ name: 'gone', kind: 'webhook', url: `${base}/gone`, secret: SECRET }));
    svc.update('flaky', { enabled: false });
    answers = [404];
    const [gone] = svc.emit({ kind: 'apply-refused', compartment: 'shop', title: 'refused' });
    await settle(svc, () => store.notifications.delivery(gone!)?.status !== 'pending');
    expect(received.length).toBe(4);

    expect(svc.deliveries().map((d) => [d.channel, d.eventKind, d.status, d.attempts, d.lastError])).toEqual([
      ['gone', 'apply-refused', 'failed', 1, 'HTTP 404: receiver says hi'],
      ['flaky', 'unit-failed', 'delivered', 3, null],
    ]);
  });

  it('does not follow a redirect (failed for good) and gives up on a receiver that never answers', async () => {
    const svc = service(new HostNotifyTransport({ timeoutMs: 100 }));
    svc.create(CreateChannelSchema.parse({ name: 'r', kind: 'webhook', url: `${base}/redirect`, secret: SECRET }));
    expect(await svc.sendTest('r')).toMatchObject({ status: 'failed', error: 'HTTP 302' });
    expect(received.map((r) => r.url)).toEqual(['/redirect']);
    svc.create(CreateChannelSchema.parse({ name: 's', kind: 'webhook', url: `${base}/slow`, secret: SECRET }));
    expect(await svc.sendTest('s')).toMatchObject({ status: 'pending', error: 'no answer within 0.1 s' });
    svc.stop();
  });

  it('a refused connection is retried with its cause', async () => {
    const svc = service();
    const port = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    server = createServer();
    svc.create(
      CreateChannelSchema.parse({ name: 'x', kind: 'webhook', url: `http://127.0.0.1:${port}/`, secret: SECRET }),
    );
    expect(await svc.sendTest('x')).toMatchObject({ status: 'pending', error: 'the request failed (ECONNREFUSED)' });
    svc.stop();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
});

describe('ntfy and sendmail through the real transport', () => {
  it('ntfy: the message as body, title, priority, tags, the token as a Bearer', async () => {
    const svc = service();
    svc.create(
      CreateChannelSchema.parse({ name: 'n', kind: 'ntfy', url: `${base}/alerts`, token: 'tk_secret', priority: 5 }),
    );
    expect(await svc.sendTest('n')).toMatchObject({ status: 'delivered' });
    const r = received[0]!;
    expect(r.headers).toMatchObject({
      title: 'Test notification for channel n',
      priority: '5',
      authorization: 'Bearer tk_secret',
    });
    expect(r.headers.tags).toBe('white_check_mark,test');
    expect(r.body).toMatch(/^This is a test of the ntfy channel 'n'/);
  });

  it('sendmail gets -t -oi and the message on stdin, nothing from input on its command line', async () => {
    const script = join(dir, 'sendmail');
    writeFileSync(
      script,
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\ncat > "${dir}/stdin"\nexit "\${QM_EXIT:-0}"\n`,
    );
    chmodSync(script, 0o755);
    const svc = service(new HostNotifyTransport({ sendmailPath: script }));
    svc.create(
      CreateChannelSchema.parse({ name: 'm', kind: 'email', from: 'qm@example.test', to: ['-oQ/tmp@example.test'] }),
    );
    expect(await svc.sendTest('m')).toMatchObject({ status: 'delivered' });
    expect(readFileSync(join(dir, 'argv'), 'utf8')).toBe('-t\n-oi\n');
    const text = readFileSync(join(dir, 'stdin'), 'utf8');
    expect(text).toMatch(
      /^From: qm@example.test\nTo: -oQ\/tmp@example.test\nSubject: \[quadletman\] Test notification/,
    );

    const missing = service(new HostNotifyTransport({ sendmailPath: join(dir, 'nope') }));
    expect(await missing.sendTest('m')).toMatchObject({
      status: 'pending',
      error: expect.stringMatching(/could not start .*nope \(ENOENT\)/),
    });
    missing.stop();
  });
});
