import { describe, expect, it } from 'vitest';
import { type CompartmentId, parseCompartmentId } from '../ids.js';
import type { LiveEvent } from './events.js';
import { type Clock, type LiveSource, type LiveSourceFactory, LiveWatchers, Watcher } from './watchers.js';

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
});
