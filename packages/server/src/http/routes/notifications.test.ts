import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NotifyChannelListSchema,
  NotifyChannelSchema,
  NotifyDeliveryListSchema,
  NotifyTestResultSchema,
} from '../../api/contract.js';
import { type HttpMessage, verifySignature } from '../../core/notify/index.js';
import { type Setup, setup } from './compartments-test-setup.js';

let dir: string;
let s: Setup;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-notify-'));
  s = await setup(dir, { shop: true });
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'route-test-secret-0123';
const HOOK = { name: 'ops', kind: 'webhook', url: 'https://hooks.example.test/q', secret: SECRET };
const BASE = '/api/notifications';

describe('notification channels', () => {
  it('an admin adds, lists, changes and deletes a channel; the secret never comes back, not even in the audit log', async () => {
    const created = await s.t.as('admin', 'POST', `${BASE}/channels`, HOOK);
    expect(created.statusCode).toBe(201);
    expect(NotifyChannelSchema.parse(created.json())).toMatchObject({
      name: 'ops',
      kind: 'webhook',
      scope: '*',
      events: 'all',
      enabled: true,
      secretSet: true,
      config: { url: 'https://hooks.example.test/q' },
    });
    expect(created.body).not.toContain(SECRET);

    const list = await s.t.as('admin', 'GET', `${BASE}/channels`);
    expect(NotifyChannelListSchema.parse(list.json()).channels.map((c) => c.name)).toEqual(['ops']);
    expect(list.body).not.toContain(SECRET);

    const patched = await s.t.as('admin', 'PATCH', `${BASE}/channels/ops`, {
      enabled: false,
      scope: 'shop',
      events: ['unit-failed', 'apply-rolled-back'],
      secret: `${SECRET}-new`,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      enabled: false,
      scope: 'shop',
      events: ['unit-failed', 'apply-rolled-back'],
    });
    expect(patched.body).not.toContain(SECRET);

    expect((await s.t.as('admin', 'DELETE', `${BASE}/channels/ops`)).statusCode).toBe(204);
    expect((await s.t.as('admin', 'DELETE', `${BASE}/channels/ops`)).statusCode).toBe(404);

    expect(s.t.audits.map((a) => [a.action, a.target, a.result])).toEqual([
      ['notify.channel.create', 'notify-channel:ops', 'ok'],
      ['notify.channel.update', 'notify-channel:ops', 'ok'],
      ['notify.channel.delete', 'notify-channel:ops', 'ok'],
      ['notify.channel.delete', 'notify-channel:ops', 'failed'],
    ]);
    expect(s.t.audits[0]!.details).toMatchObject({ secret: 'set', url: 'https://hooks.example.test/q' });
    expect(JSON.stringify(s.t.audits)).not.toContain(SECRET);
    expect(s.t.logs.join('\n')).not.toContain(SECRET);
  });

  it('refuses bad input with the field named: credentials in the URL, a short secret, a taken name, an unknown scope', async () => {
    const cred = await s.t.as('admin', 'POST', `${BASE}/channels`, { ...HOOK, url: 'https://u:p@hooks.example.test/' });
    expect(cred.statusCode).toBe(400);
    expect(cred.body).toMatch(/user name or password.*token field/);
    expect(cred.body).not.toContain(SECRET);
    const short = await s.t.as('admin', 'POST', `${BASE}/channels`, { ...HOOK, secret: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toMatch(/at least 16 characters/);
    const mail = await s.t.as('admin', 'POST', `${BASE}/channels`, {
      name: 'mail',
      kind: 'email',
      from: 'qm@example.test',
      to: ['ops@example.test\r\nBcc: x@example.test'],
    });
    expect(mail.statusCode).toBe(400);
    expect((await s.t.as('admin', 'POST', `${BASE}/channels`, HOOK)).statusCode).toBe(201);
    const taken = await s.t.as('admin', 'POST', `${BASE}/channels`, HOOK);
    expect(taken.statusCode).toBe(409);
    const scope = await s.t.as('admin', 'POST', `${BASE}/channels`, { ...HOOK, name: 'x', scope: 'nope' });
    expect(scope.statusCode).toBe(404);
    expect(scope.json().error.message).toMatch(/no compartment 'nope'/);
    const foreign = await s.t.as('admin', 'PATCH', `${BASE}/channels/ops`, { to: ['a@example.test'] });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.message).toBe("A webhook channel has no 'to' setting.");
  });

  it('admin only: 401 without a session, 403 for an operator or a compartment admin', async () => {
    expect((await s.t.as(undefined, 'GET', `${BASE}/channels`)).statusCode).toBe(401);
    for (const user of ['operator', 'viewer', 'shopAdmin']) {
      expect((await s.t.as(user, 'GET', `${BASE}/channels`)).statusCode, user).toBe(403);
      expect((await s.t.as(user, 'POST', `${BASE}/channels`, HOOK)).statusCode, user).toBe(403);
      expect((await s.t.as(user, 'GET', `${BASE}/deliveries`)).statusCode, user).toBe(403);
    }
    expect(s.ctx.app.notifications.list()).toEqual([]);
  });
});

describe('test and the delivery log', () => {
  it('sends a signed test and shows it in the log; audited with its outcome', async () => {
    await s.t.as('admin', 'POST', `${BASE}/channels`, HOOK);
    const res = await s.t.as('admin', 'POST', `${BASE}/channels/ops/test`);
    expect(res.statusCode).toBe(200);
    const out = NotifyTestResultSchema.parse(res.json());
    expect(out).toMatchObject({ status: 'delivered', attempts: 1, error: null });
    const sent = s.ctx.notifyCalls[0] as HttpMessage;
    expect(sent.url).toBe('https://hooks.example.test/q');
    expect(
      verifySignature(
        SECRET,
        sent.headers['X-Quadletman-Timestamp']!,
        sent.body,
        sent.headers['X-Quadletman-Signature'],
      ),
    ).toBe(true);
    expect(JSON.parse(sent.body).details).toMatchObject({ actor: 'admin' });
    expect(s.t.audits.at(-1)).toMatchObject({
      action: 'notify.channel.test',
      result: 'ok',
      details: { delivery: out.delivery, status: 'delivered' },
    });

    s.ctx.app.notifications.emit({ kind: 'unit-failed', compartment: 'shop', title: 'web failed' });
    await s.ctx.app.notifications.idle();
    await new Promise((r) => setTimeout(r, 20));
    await s.ctx.app.notifications.idle();
    const log = NotifyDeliveryListSchema.parse((await s.t.as('admin', 'GET', `${BASE}/deliveries`)).json());
    expect(log.deliveries.map((d) => [d.channel, d.eventKind, d.compartment, d.status])).toEqual([
      ['ops', 'unit-failed', 'shop', 'delivered'],
      ['ops', 'test', null, 'delivered'],
    ]);
    const filtered = await s.t.as('admin', 'GET', `${BASE}/deliveries?compartment=shop&limit=5`);
    expect(NotifyDeliveryListSchema.parse(filtered.json()).deliveries.length).toBe(1);
    expect((await s.t.as('admin', 'GET', `${BASE}/deliveries?status=lost`)).statusCode).toBe(400);
  });

  it('a test of a channel that does not exist: 404', async () => {
    expect((await s.t.as('admin', 'POST', `${BASE}/channels/nope/test`)).statusCode).toBe(404);
  });
});
