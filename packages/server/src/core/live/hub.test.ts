import { describe, expect, it } from 'vitest';
import { type CompartmentId, parseCompartmentId } from '../ids.js';
import type { LiveEvent } from './events.js';
import { inCompartments, LiveHub, type LiveRecord } from './hub.js';

const ev = (compartment: string, name = 'web', state: 'died' | 'started' = 'died'): LiveEvent => ({
  compartment: parseCompartmentId(compartment),
  kind: 'container',
  name,
  state,
  at: '2026-11-23T07:00:00.000Z',
});

describe('LiveHub', () => {
  it('fans out to every subscriber whose filter takes the event, with increasing ids', () => {
    const hub = new LiveHub({ epoch: 'e1' });
    const a: LiveRecord[] = [];
    const b: LiveRecord[] = [];
    hub.subscribe((r) => a.push(r));
    hub.subscribe((r) => b.push(r), { filter: inCompartments([parseCompartmentId('db')]) });
    hub.publish(ev('web'));
    hub.publish(ev('db'));
    expect(a.map((r) => [r.id, r.event.compartment])).toEqual([
      ['e1-1', 'web'],
      ['e1-2', 'db'],
    ]);
    expect(b.map((r) => r.id)).toEqual(['e1-2']);
    expect(hub.lastId).toBe('e1-2');
  });

  it('stops delivering after close, and one throwing subscriber does not stop the others', () => {
    const hub = new LiveHub();
    const got: string[] = [];
    hub.subscribe(() => {
      throw new Error('broken');
    });
    const s = hub.subscribe((r) => got.push(r.id));
    hub.publish(ev('web'));
    s.close();
    hub.publish(ev('web'));
    expect(got).toHaveLength(1);
    expect(hub.subscriberCount).toBe(1);
  });

  it('replays what came after Last-Event-ID (filtered), with no gap', () => {
    const hub = new LiveHub({ epoch: 'e1', capacity: 10 });
    for (const c of ['web', 'db', 'web', 'db']) hub.publish(ev(c));
    const s = hub.subscribe(() => {}, {
      after: 'e1-1',
      filter: inCompartments(new Set<CompartmentId>([parseCompartmentId('db')])),
    });
    expect(s.gap).toBe(false);
    expect(s.replay.map((r) => r.id)).toEqual(['e1-2', 'e1-4']);
    expect(hub.subscribe(() => {}, { after: 'e1-4' })).toMatchObject({ replay: [], gap: false });
    expect(hub.subscribe(() => {}).replay).toEqual([]);
  });

  it('reports a gap when the id fell out of the ring buffer, and replays what is left', () => {
    const hub = new LiveHub({ epoch: 'e1', capacity: 3 });
    for (let i = 0; i < 6; i++) hub.publish(ev('web'));
    const s = hub.subscribe(() => {}, { after: 'e1-1' });
    expect(s.gap).toBe(true);
    expect(s.replay.map((r) => r.id)).toEqual(['e1-4', 'e1-5', 'e1-6']);
    // the last id the buffer still follows on: no gap
    expect(hub.subscribe(() => {}, { after: 'e1-3' })).toMatchObject({ gap: false });
  });

  it('reports a gap for ids of another server run, ids from the future and garbage', () => {
    const hub = new LiveHub({ epoch: 'e2' });
    hub.publish(ev('web'));
    for (const after of ['e1-1', 'e2-9', 'nonsense', 'e2-']) {
      expect(hub.subscribe(() => {}, { after })).toMatchObject({ replay: [], gap: true });
    }
  });

  it('registers the listener in the same tick as the replay (nothing published in between is lost)', () => {
    const hub = new LiveHub({ epoch: 'e1' });
    hub.publish(ev('web'));
    const got: string[] = [];
    const s = hub.subscribe((r) => got.push(r.id), { after: 'e1-0' });
    hub.publish(ev('web'));
    expect([...s.replay.map((r) => r.id), ...got]).toEqual(['e1-1', 'e1-2']);
  });
});
