import { afterEach, describe, expect, it } from 'vitest';
import { parseCompartmentId } from '../core/ids.js';
import { DELIVERY_LOG_LIMIT, openStore, type Store } from './index.js';

const stores: Store[] = [];
function store(): Store {
  let t = Date.parse('2026-12-01T00:00:00Z');
  const s = openStore({
    path: ':memory:',
    now: () => {
      t += 1000;
      return new Date(t);
    },
  });
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const hook = {
  name: 'ops',
  kind: 'webhook' as const,
  scope: '*',
  events: 'all' as const,
  config: { url: 'https://hooks.example.test/q' },
  secret: 'x'.repeat(16),
  enabled: true,
};
const delivery = (id: string, channel = 'ops') => ({
  id,
  channel,
  eventKind: 'test',
  compartment: null,
  event: '{}',
});

describe('notification channels', () => {
  it('create, read back without the secret, update, delete', () => {
    const st = store();
    st.compartments.create({ id: parseCompartmentId('shop') });
    const s = st.notifications;
    expect(s.createChannel(hook)).toBe(true);
    expect(s.createChannel({ ...hook, kind: 'ntfy' })).toBe(false);
    const row = s.channel('ops')!;
    expect(row).toMatchObject({
      name: 'ops',
      kind: 'webhook',
      scope: '*',
      events: 'all',
      enabled: true,
      secretSet: true,
    });
    expect(JSON.stringify(row)).not.toContain('x'.repeat(16));
    expect(s.secretOf('ops')).toBe('x'.repeat(16));

    expect(s.updateChannel('ops', { enabled: false, events: ['unit-failed'], scope: 'shop' })).toBe(true);
    expect(s.channel('ops')).toMatchObject({ enabled: false, events: ['unit-failed'], scope: 'shop' });
    expect(s.channel('ops')!.updatedAt > row.updatedAt).toBe(true);
    expect(s.updateChannel('ops', { secret: null })).toBe(true);
    expect(s.channel('ops')!.secretSet).toBe(false);
    expect(s.updateChannel('nope', { enabled: true })).toBe(false);

    s.createChannel({ ...hook, name: 'alpha' });
    expect(s.channels().map((c) => c.name)).toEqual(['alpha', 'ops']);
    expect(s.deleteChannel('ops')).toBe(true);
    expect(s.deleteChannel('ops')).toBe(false);
    expect(s.channels().map((c) => c.name)).toEqual(['alpha']);
  });

  it('a scope names an existing compartment or *; a compartment’s channels go with it', () => {
    const st = store();
    const s = st.notifications;
    expect(() => s.createChannel({ ...hook, scope: 'shop' })).toThrow(/must name an existing compartment or \*/);
    st.compartments.create({ id: parseCompartmentId('shop') });
    s.createChannel({ ...hook, scope: 'shop' });
    s.createChannel({ ...hook, name: 'global' });
    expect(() => s.updateChannel('global', { scope: 'blog' })).toThrow(/must name an existing compartment or \*/);
    s.addDelivery(delivery('a'));
    st.compartments.delete(parseCompartmentId('shop'));
    expect(s.channels().map((c) => c.name)).toEqual(['global']);
    expect(s.delivery('a')).toBeUndefined();
  });
});

describe('the delivery log', () => {
  it('records attempts; lists newest first with filters; pending oldest first', () => {
    const s = store().notifications;
    s.createChannel(hook);
    s.createChannel({ ...hook, name: 'other' });
    s.addDelivery(delivery('a'));
    s.addDelivery({ ...delivery('b'), compartment: 'shop', eventKind: 'unit-failed' });
    s.addDelivery(delivery('c', 'other'));
    expect(s.delivery('a')).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    s.updateDelivery('a', { attempts: 2, status: 'failed', lastError: 'HTTP 404', nextAttemptAt: null });
    expect(s.delivery('a')).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'HTTP 404',
      nextAttemptAt: null,
    });

    expect(s.deliveries().map((d) => d.id)).toEqual(['c', 'b', 'a']);
    expect(s.deliveries({ channel: 'ops' }).map((d) => d.id)).toEqual(['b', 'a']);
    expect(s.deliveries({ status: 'failed' }).map((d) => d.id)).toEqual(['a']);
    expect(s.deliveries({ compartment: 'shop' }).map((d) => d.id)).toEqual(['b']);
    expect(s.deliveries({ limit: 1 }).map((d) => d.id)).toEqual(['c']);
    expect(s.pending().map((d) => d.id)).toEqual(['b', 'c']);
  });

  it(`keeps the newest ${DELIVERY_LOG_LIMIT} per channel; a channel's deliveries go with it`, () => {
    const s = store().notifications;
    s.createChannel(hook);
    s.createChannel({ ...hook, name: 'other' });
    s.addDelivery(delivery('keep', 'other'));
    for (let i = 0; i < DELIVERY_LOG_LIMIT + 3; i++) s.addDelivery(delivery(`d${i}`));
    const ids = s.deliveries({ channel: 'ops', limit: 1000 }).map((d) => d.id);
    expect(ids.length).toBe(DELIVERY_LOG_LIMIT);
    expect(ids[0]).toBe(`d${DELIVERY_LOG_LIMIT + 2}`);
    expect(ids.at(-1)).toBe('d3');
    expect(s.delivery('d2')).toBeUndefined();
    expect(s.delivery('keep')).toBeDefined();
    s.deleteChannel('ops');
    expect(s.deliveries({ limit: 1000 }).map((d) => d.id)).toEqual(['keep']);
  });
});
