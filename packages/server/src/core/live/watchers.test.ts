import { describe, expect, it } from 'vitest';
import { type CompartmentId, parseCompartmentId } from '../ids.js';
import type { LiveEvent } from './events.js';
import {
  type Clock,
  type LiveSource,
  type LiveSourceFactory,
  LiveWatchers,
  type SharedSourceFactory,
  Watcher,
} from './watchers.js';

/** A clock whose sleeps resolve only when the test advances time. */
class FakeClock implements Clock {
  t = 0;
  readonly sleeps: number[] = [];
  private waiters: { until: number; resolve: () => void }[] = [];
  now = () => this.t;
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      const w = { until: this.t + ms, resolve };
      this.waiters.push(w);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    for (const w of this.waiters.filter((x) => x.until <= this.t)) w.resolve();
    this.waiters = this.waiters.filter((x) => x.until > this.t);
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A source the test controls: push events, end it (the process died), see whether it was stopped. */
class FakeSource implements LiveSource {
  private queue: LiveEvent[] = [];
  private wake: (() => void) | undefined;
  ended = false;
  stopped = false;
  readonly events: AsyncIterable<LiveEvent> = {
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<LiveEvent>> => {
        for (;;) {
          const e = this.queue.shift();
          if (e) return { value: e, done: false };
          if (this.ended) return { value: undefined, done: true };
          await new Promise<void>((r) => {
            this.wake = r;
          });
        }
      },
    }),
  };
  push(e: LiveEvent) {
    this.queue.push(e);
    this.wake?.();
  }
  end() {
    this.ended = true;
    this.wake?.();
  }
  async stop() {
    this.stopped = true;
    this.end();
  }
}

class FakeFactory implements LiveSourceFactory {
  readonly name = 'fake';
  readonly started: { id: CompartmentId; src: FakeSource }[] = [];
  failNext = 0;
  async start(id: CompartmentId): Promise<LiveSource> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('cannot start');
    }
    const src = new FakeSource();
    this.started.push({ id, src });
    return src;
  }
  last(): FakeSource {
    return this.started[this.started.length - 1]!.src;
  }
}

/** A shared source the test controls: one process for all compartments; covers what `watch` was given. */
class FakeShared implements SharedSourceFactory {
  readonly name = 'shared';
  readonly started: FakeSource[] = [];
  readonly watched: CompartmentId[][] = [];
  private covered = new Set<CompartmentId>();
  slow: Set<CompartmentId> = new Set();
  async watch(ids: ReadonlySet<CompartmentId>): Promise<void> {
    this.watched.push([...ids]);
    this.covered = new Set([...ids].filter((id) => !this.slow.has(id)));
  }
  covers(id: CompartmentId): boolean {
    return this.covered.has(id);
  }
  async start(): Promise<LiveSource> {
    const src = new FakeSource();
    this.started.push(src);
    return src;
  }
  last(): FakeSource {
    return this.started[this.started.length - 1]!;
  }
}

const C = parseCompartmentId('web');
const died = (name = 'web'): LiveEvent => ({ compartment: C, kind: 'container', name, state: 'died', at: 'x' });

describe('Watcher', () => {
  it('publishes the source’s events, restarts it with growing back-off when it dies or fails to start', async () => {
    const clock = new FakeClock();
    const f = new FakeFactory();
    const got: LiveEvent[] = [];
    const w = new Watcher(C, f, (e) => got.push(e), clock, { initialMs: 100, maxMs: 350, factor: 2 });
    w.start();
    await flush();
    f.last().push(died('a'));
    await flush();
    expect(got.map((e) => e.name)).toEqual(['a']);
    expect(w.status()).toMatchObject({ state: 'running', restarts: 0 });

    f.last().end(); // the process died
    await flush();
    expect(w.status()).toMatchObject({
      state: 'backing-off',
      restarts: 1,
      nextDelayMs: 100,
      lastError: 'the source ended',
    });
    await clock.advance(99);
    expect(f.started).toHaveLength(1);
    f.failNext = 2; // and the next two starts fail
    await clock.advance(1);
    expect(w.status()).toMatchObject({ state: 'backing-off', restarts: 2, lastError: 'cannot start' });
    await clock.advance(200);
    await clock.advance(350);
    expect(f.started).toHaveLength(2);
    expect(clock.sleeps).toEqual([100, 200, 350]); // capped at maxMs
    f.last().push(died('b'));
    await flush();
    expect(got.map((e) => e.name)).toEqual(['a', 'b']);
    await w.stop();
    expect(f.last().stopped).toBe(true);
    expect(w.status().state).toBe('stopped');
  });

  it('resets the back-off after a run that lasted long enough', async () => {
    const clock = new FakeClock();
    const f = new FakeFactory();
    const w = new Watcher(C, f, () => {}, clock, { initialMs: 100, resetAfterMs: 1000 });
    w.start();
    await flush();
    f.last().end();
    await flush();
    await clock.advance(100);
    f.last().end();
    await flush();
    await clock.advance(200);
    await clock.advance(5000); // a long, healthy run
    f.last().end();
    await flush();
    expect(clock.sleeps).toEqual([100, 200, 100]);
    await w.stop();
  });

  it('stop() during back-off ends the loop without another start', async () => {
    const clock = new FakeClock();
    const f = new FakeFactory();
    const w = new Watcher(C, f, () => {}, clock, { initialMs: 100 });
    w.start();
    await flush();
    f.last().end();
    await flush();
    await w.stop();
    await clock.advance(1000);
    expect(f.started).toHaveLength(1);
  });
});

describe('LiveWatchers', () => {
  it('starts one watcher per compartment and source, and stops those of compartments that are gone', async () => {
    const clock = new FakeClock();
    const a = new FakeFactory();
    const b = new FakeFactory();
    const got: LiveEvent[] = [];
    const ws = new LiveWatchers({ factories: [a, b], publish: (e) => got.push(e), clock });
    const web = parseCompartmentId('web');
    const db = parseCompartmentId('db');
    await ws.sync([web, db]);
    await flush();
    expect(a.started.map((s) => s.id)).toEqual(['web', 'db']);
    expect(b.started.map((s) => s.id)).toEqual(['web', 'db']);
    expect(ws.status().map((s) => `${s.compartment}/${s.source}/${s.state}`)).toHaveLength(4);

    await ws.sync([db]);
    expect(a.started[0]!.src.stopped).toBe(true);
    expect(b.started[0]!.src.stopped).toBe(true);
    expect(a.started[1]!.src.stopped).toBe(false);
    expect(ws.compartments()).toEqual(['db']);

    await ws.sync([db]); // no change: nothing restarted
    expect(a.started).toHaveLength(2);
    await ws.close();
    expect(a.started[1]!.src.stopped).toBe(true);
  });

  it('autoSync follows the listing', async () => {
    const f = new FakeFactory();
    let ids: CompartmentId[] = [parseCompartmentId('web')];
    const ws = new LiveWatchers({ factories: [f], publish: () => {} });
    ws.autoSync(() => ids, 10);
    await new Promise((r) => setTimeout(r, 30));
    expect(ws.compartments()).toEqual(['web']);
    ids = [parseCompartmentId('db')];
    await new Promise((r) => setTimeout(r, 40));
    expect(ws.compartments()).toEqual(['db']);
    await ws.close();
    expect(ws.compartments()).toEqual([]);
  });

  it('runs one shared source for every compartment, publishing only the watched compartments’ events', async () => {
    const clock = new FakeClock();
    const shared = new FakeShared();
    const got: LiveEvent[] = [];
    const ws = new LiveWatchers({ shared: [shared], publish: (e) => got.push(e), clock });
    const web = parseCompartmentId('web');
    const db = parseCompartmentId('db');
    shared.slow.add(db); // its UID is not known yet
    await ws.sync([web, db]);
    await flush();
    expect(shared.started).toHaveLength(1);
    expect(ws.status().map((s) => `${s.compartment}/${s.source}/${s.state}`)).toEqual([
      'web/shared/running',
      'db/shared/starting',
    ]);
    shared.slow.clear();
    await ws.sync([web, db]);
    expect(ws.status().every((s) => s.state === 'running')).toBe(true);
    await ws.sync([web, db, parseCompartmentId('new')]);
    expect(shared.started).toHaveLength(1); // the watched set changes, the process does not
    expect(shared.watched.at(-1)).toEqual(['web', 'db', 'new']);

    shared.last().push({ ...died('a'), compartment: web });
    shared.last().push({ ...died('b'), compartment: parseCompartmentId('gone') });
    await flush();
    expect(got.map((e) => `${e.compartment}/${e.name}`)).toEqual(['web/a']);

    shared.last().end(); // journalctl died: restarted with back-off, once for everyone
    await flush();
    expect(ws.status()[0]).toMatchObject({ state: 'backing-off', restarts: 1 });
    await clock.advance(250);
    expect(shared.started).toHaveLength(2);

    await ws.close();
    expect(shared.last().stopped).toBe(true);
    expect(shared.watched.at(-1)).toEqual([]);
    expect(ws.status()).toEqual([]);
  });

  it('starts a per-compartment source only where it is wanted, and stops it when it no longer is', async () => {
    const clock = new FakeClock();
    const legacy = new FakeFactory();
    const want = new Set<CompartmentId>([parseCompartmentId('old')]);
    const factory: LiveSourceFactory = {
      name: 'file-events',
      start: (id) => legacy.start(id),
      wants: (id) => want.has(id),
    };
    const ws = new LiveWatchers({ shared: [new FakeShared()], factories: [factory], publish: () => {}, clock });
    const old = parseCompartmentId('old');
    const fresh = parseCompartmentId('fresh');
    await ws.sync([old, fresh]);
    await flush();
    expect(legacy.started.map((s) => s.id)).toEqual(['old']);
    expect(ws.status().map((s) => `${s.compartment}/${s.source}`)).toEqual([
      'old/shared',
      'old/file-events',
      'fresh/shared',
    ]);
    want.clear(); // its last old container restarted
    await ws.sync([old, fresh]);
    expect(legacy.started[0]!.src.stopped).toBe(true);
    expect(ws.status().map((s) => `${s.compartment}/${s.source}`)).toEqual(['old/shared', 'fresh/shared']);
    expect(ws.compartments()).toEqual(['old', 'fresh']);
    await ws.close();
  });
});
