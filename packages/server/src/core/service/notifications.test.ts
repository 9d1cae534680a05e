import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/index.js';
import { parseCompartmentId } from '../ids.js';
import { CreateChannelSchema, type HttpMessage, type MailMessage, verifySignature } from '../notify/index.js';
import { NotificationService, type NotifyTransport, type Timers } from './notifications.js';

/** Timers run by hand: `due()` lists what waits, `fire()` runs the first. */
class ManualTimers implements Timers {
  private next = 1;
  waiting = new Map<number, { fn: () => void; ms: number }>();
  set(fn: () => void, ms: number) {
    const h = this.next++;
    this.waiting.set(h, { fn, ms });
    return h;
  }
  clear(h: unknown) {
    this.waiting.delete(h as number);
  }
  due(): number[] {
    return [...this.waiting.values()].map((w) => w.ms);
  }
  fireAll() {
    const all = [...this.waiting.entries()];
    this.waiting.clear();
    for (const [, w] of all) w.fn();
  }
}

class ScriptedTransport implements NotifyTransport {
  sent: (HttpMessage | MailMessage)[] = [];
  statuses: (number | Error)[] = [];
  mailExits: (number | null)[] = [];
  async http(m: HttpMessage) {
    this.sent.push(m);
    const s = this.statuses.shift() ?? 200;
    if (s instanceof Error) throw s;
    return { status: s, body: s >= 400 ? 'nope' : '' };
  }
  async sendmail(m: MailMessage) {
    this.sent.push(m);
    return { exitCode: this.mailExits.shift() ?? 0, stderr: '' };
  }
}

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function setup() {
  const store = openStore({ path: ':memory:' });
  stores.push(store);
  for (const id of ['shop', 'blog']) store.compartments.create({ id: parseCompartmentId(id) });
  const transport = new ScriptedTransport();
  const timers = new ManualTimers();
  const logs: string[] = [];
  let n = 0;
  const svc = new NotificationService({
    store: store.notifications,
    transport,
    compartmentExists: (id) => id === 'shop' || id === 'blog',
    retry: { delaysMs: [1_000, 5_000] },
    now: () => new Date('2026-12-03T21:30:00Z'),
    newId: () => `d${++n}`,
    timers,
    log: (m) => logs.push(m),
  });
  return { store, transport, timers, svc, logs };
}

const SECRET = 'webhook-secret-0123';
const hook = (over: object = {}) =>
  CreateChannelSchema.parse({
    name: 'hook',
    kind: 'webhook',
    url: 'https://hooks.example.test/q',
    secret: SECRET,
    ...over,
  });

describe('channels', () => {
  it('create shows no secret; 409 for a taken name, 404 for an unknown scope', () => {
    const { svc } = setup();
    const v = svc.create(hook());
    expect(v).toMatchObject({
      name: 'hook',
      kind: 'webhook',
      secretSet: true,
      config: { url: 'https://hooks.example.test/q' },
    });
    expect(JSON.stringify(svc.list())).not.toContain(SECRET);
    expect(() => svc.create(hook())).toThrow(/exists already/);
    expect(() => svc.create(hook({ name: 'x', scope: 'nope' }))).toThrow(/no compartment 'nope'/);
    expect(() => svc.get('nope')).toThrow(/no notification channel 'nope'/);
  });

  it('update merges a kind’s settings and refuses another kind’s', () => {
    const { svc } = setup();
    svc.create(CreateChannelSchema.parse({ name: 'n', kind: 'ntfy', url: 'https://n.example.test/t', token: 'tk' }));
    expect(svc.update('n', { priority: 5, tags: ['ops'] }).config).toEqual({
      url: 'https://n.example.test/t',
      priority: 5,
      tags: ['ops'],
    });
    expect(svc.update('n', { priority: null }).config).toEqual({ url: 'https://n.example.test/t', tags: ['ops'] });
    expect(svc.update('n', { token: null }).secretSet).toBe(false);
    expect(() => svc.update('n', { to: ['a@example.test'] })).toThrow("A ntfy channel has no 'to' setting.");
    expect(() => svc.update('n', { secret: 'x'.repeat(16) })).toThrow(/no 'secret' setting/);
    expect(svc.update('n', { enabled: false, scope: 'shop', events: ['unit-failed'] })).toMatchObject({
      enabled: false,
      scope: 'shop',
      events: ['unit-failed'],
    });
    svc.remove('n');
    expect(svc.list()).toEqual([]);
  });
});

describe('emit', () => {
  it('fans out to the matching enabled channels only, without waiting', async () => {
    const { svc, transport, timers, store } = setup();
    svc.create(hook());
    svc.create(hook({ name: 'shop-only', scope: 'shop' }));
    svc.create(hook({ name: 'blog-only', scope: 'blog' }));
    svc.create(hook({ name: 'refusals', events: ['apply-refused'] }));
    svc.create(hook({ name: 'off', enabled: false }));
    const ids = svc.emit({ kind: 'unit-failed', compartment: 'shop', title: 'web failed', details: { unit: 'web' } });
    expect(ids).toEqual(['d1', 'd2']);
    expect(transport.sent).toEqual([]);
    expect(store.notifications.deliveries().map((d) => [d.channel, d.status])).toEqual([
      ['shop-only', 'pending'],
      ['hook', 'pending'],
    ]);
    timers.fireAll();
    await svc.idle();
    expect(transport.sent.length).toBe(2);
    const m = transport.sent[0] as HttpMessage;
    expect(
      verifySignature(SECRET, m.headers['X-Quadletman-Timestamp']!, m.body, m.headers['X-Quadletman-Signature']),
    ).toBe(true);
    expect(svc.deliveries().map((d) => [d.channel, d.status, d.attempts, d.title])).toEqual([
      ['shop-only', 'delivered', 1, 'web failed'],
      ['hook', 'delivered', 1, 'web failed'],
    ]);
  });

  it('retries 5xx and network errors with the policy’s back-off, then gives up', async () => {
    const { svc, transport, timers, logs } = setup();
    svc.create(hook());
    transport.statuses = [503, new Error('the request failed (ECONNREFUSED)'), 500];
    svc.emit({ kind: 'apply-refused', compartment: 'shop', title: 'refused' });
    timers.fireAll();
    await svc.idle();
    expect(svc.deliveries()[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503: nope' });
    expect(svc.deliveries()[0]!.nextAttemptAt).toBe('2026-12-03T21:30:01.000Z');
    expect(timers.due()).toEqual([1_000]);
    timers.fireAll();
    await svc.idle();
    expect(svc.deliveries()[0]).toMatchObject({ status: 'pending', attempts: 2 });
    expect(timers.due()).toEqual([5_000]);
    timers.fireAll();
    await svc.idle();
    expect(svc.deliveries()[0]).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'HTTP 500: nope (gave up after 3 attempts)',
      nextAttemptAt: null,
    });
    expect(timers.due()).toEqual([]);
    expect(logs.join('\n')).toMatch(/to hook failed/);
    expect(logs.join('\n')).not.toContain(SECRET);
  });

  it('a 404 fails for good at once; 429 is retried', async () => {
    const { svc, transport, timers } = setup();
    svc.create(hook());
    transport.statuses = [404, 429];
    svc.emit({ kind: 'test', title: 'a' });
    svc.emit({ kind: 'test', title: 'b' });
    timers.fireAll();
    await svc.idle();
    expect(svc.deliveries().map((d) => [d.title, d.status, d.lastError])).toEqual([
      ['b', 'pending', 'HTTP 429: nope'],
      ['a', 'failed', 'HTTP 404: nope'],
    ]);
  });

  it('never throws to the caller', () => {
    const { svc, store } = setup();
    store.close();
    stores.splice(0);
    expect(svc.emit({ kind: 'unit-failed', compartment: 'shop', title: 'x' })).toEqual([]);
  });

  it('a delivery to a channel disabled since is failed, not sent', async () => {
    const { svc, transport, timers } = setup();
    svc.create(hook());
    svc.emit({ kind: 'unit-failed', compartment: 'shop', title: 'x' });
    svc.update('hook', { enabled: false });
    timers.fireAll();
    await svc.idle();
    expect(transport.sent).toEqual([]);
    expect(svc.deliveries()[0]).toMatchObject({ status: 'failed', lastError: 'the channel is disabled' });
  });
});

describe('sendTest, email, resume', () => {
  it('sendTest waits for the first attempt and says how it went, even on a disabled channel', async () => {
    const { svc, transport } = setup();
    svc.create(hook({ enabled: false }));
    transport.statuses = [204];
    expect(await svc.sendTest('hook', 'alice')).toEqual({
      delivery: 'd1',
      status: 'delivered',
      attempts: 1,
      error: null,
    });
    transport.statuses = [410];
    expect(await svc.sendTest('hook')).toMatchObject({ status: 'failed', error: 'HTTP 410: nope' });
    const body = JSON.parse((transport.sent[0] as HttpMessage).body);
    expect(body).toMatchObject({ kind: 'test', compartment: null, details: { channel: 'hook', actor: 'alice' } });
    await expect(svc.sendTest('nope')).rejects.toThrow(/no notification channel/);
  });

  it('email goes to sendmail; EX_TEMPFAIL is retried, EX_NOUSER is not', async () => {
    const { svc, transport, timers } = setup();
    svc.create(
      CreateChannelSchema.parse({ name: 'm', kind: 'email', from: 'qm@example.test', to: ['ops@example.test'] }),
    );
    transport.mailExits = [75, 67];
    expect(await svc.sendTest('m')).toMatchObject({ status: 'pending', error: 'sendmail exited with code 75' });
    timers.fireAll();
    await svc.idle();
    expect(svc.deliveries()[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'sendmail exited with code 67',
    });
    expect((transport.sent[0] as MailMessage).text).toMatch(/^From: qm@example.test\nTo: ops@example.test\n/);
  });

  it('start() resumes pending deliveries when they are due; stop() leaves them pending', async () => {
    const { svc, timers, store, transport } = setup();
    svc.create(hook());
    transport.statuses = [500];
    svc.emit({ kind: 'unit-failed', compartment: 'shop', title: 'x' });
    timers.fireAll();
    await svc.idle();
    svc.stop();
    expect(timers.due()).toEqual([]);
    expect(store.notifications.pending().length).toBe(1);
    svc.start();
    // the retry, and the sweep for deliveries other processes left
    expect(timers.due()).toEqual([1_000, 30_000]);
    timers.fireAll();
    await svc.idle();
    expect(svc.deliveries()[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    svc.stop();
    expect(timers.due()).toEqual([]);
  });

  it('a CLI run makes the first attempt (flush); the server sweeps up its retry once overdue', async () => {
    const { svc: cli, store, transport, timers: cliTimers } = setup();
    let now = Date.parse('2026-12-03T21:30:00Z');
    const serverTimers = new ManualTimers();
    const server = new NotificationService({
      store: store.notifications,
      transport,
      compartmentExists: () => true,
      retry: { delaysMs: [1_000, 5_000] },
      now: () => new Date(now),
      timers: serverTimers,
    });
    server.start({ sweepMs: 10_000, graceMs: 60_000 });
    expect(serverTimers.due()).toEqual([10_000]);

    cli.create(hook());
    transport.statuses = [503];
    cli.emit({ kind: 'apply-rolled-back', compartment: 'shop', title: 'rolled back' });
    await cli.flush();
    expect(transport.sent.length).toBe(1);
    expect(store.notifications.pending()[0]).toMatchObject({ attempts: 1, nextAttemptAt: '2026-12-03T21:30:01.000Z' });
    cli.stop();
    expect(cliTimers.due()).toEqual([]);

    // not overdue by the grace yet: left alone (the CLI might still be at it)
    now += 30_000;
    serverTimers.fireAll();
    await server.idle();
    expect(transport.sent.length).toBe(1);
    expect(serverTimers.due()).toEqual([10_000]);
    // overdue by more than the grace: taken over
    now += 40_000;
    serverTimers.fireAll();
    expect(serverTimers.due()).toEqual([0, 10_000]);
    serverTimers.fireAll();
    await server.idle();
    expect(transport.sent.length).toBe(2);
    expect(server.deliveries()[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    server.stop();
  });
});
