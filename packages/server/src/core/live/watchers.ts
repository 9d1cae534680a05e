/**
 * Watcher supervision (pure logic over ports): one watcher per compartment and source (podman events, unit
 * states), each publishing into the hub. A watcher whose source ends or fails is restarted with exponential
 * back-off (reset once a run has lasted long enough); `sync` starts watchers for compartments that appeared
 * and stops those of compartments that are gone.
 */
import type { CompartmentId } from '../ids.js';
import type { LiveEvent } from './events.js';

/** A running source of events for one compartment (a `podman events` or `journalctl -f` process). */
export interface LiveSource {
  /** Ends when the underlying process ends. */
  readonly events: AsyncIterable<LiveEvent>;
  stop(): Promise<unknown>;
}

/** Starts a source for a compartment (host/watch*.ts implement it). */
export interface LiveSourceFactory {
  readonly name: string;
  start(compartment: CompartmentId): Promise<LiveSource>;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
};

export interface BackoffOptions {
  /** First restart delay. Default 250 ms. */
  initialMs?: number;
  /** Cap. Default 30 s. */
  maxMs?: number;
  /** Growth per failed run. Default 2. */
  factor?: number;
  /** A run that lasted at least this long resets the delay. Default 60 s. */
  resetAfterMs?: number;
}

export type WatcherState = 'starting' | 'running' | 'backing-off' | 'stopped';

export interface WatcherStatus {
  compartment: CompartmentId;
  source: string;
  state: WatcherState;
  /** How many times the source was restarted. */
  restarts: number;
  /** Why the last run ended. */
  lastError?: string;
  /** The delay before the next start, while backing off. */
  nextDelayMs?: number;
}

export interface WatcherLog {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface WatchersOptions {
  factories: readonly LiveSourceFactory[];
  publish: (e: LiveEvent) => void;
  clock?: Clock;
  backoff?: BackoffOptions;
  log?: WatcherLog;
}

/** One compartment × one source, restarted with back-off until stopped. */
export class Watcher {
  private state: WatcherState = 'starting';
  private restarts = 0;
  private lastError: string | undefined;
  private nextDelayMs: number | undefined;
  private current: LiveSource | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  private loopDone: Promise<void> | undefined;
  private readonly b: Required<BackoffOptions>;

  constructor(
    readonly compartment: CompartmentId,
    private readonly factory: LiveSourceFactory,
    private readonly publish: (e: LiveEvent) => void,
    private readonly clock: Clock = realClock,
    backoff: BackoffOptions = {},
    private readonly log?: WatcherLog,
  ) {
    this.b = {
      initialMs: backoff.initialMs ?? 250,
      maxMs: backoff.maxMs ?? 30_000,
      factor: backoff.factor ?? 2,
      resetAfterMs: backoff.resetAfterMs ?? 60_000,
    };
  }

  start(): void {
    this.loopDone ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.current?.stop().catch(() => undefined);
    await this.loopDone;
    this.state = 'stopped';
  }

  status(): WatcherStatus {
    const s: WatcherStatus = {
      compartment: this.compartment,
      source: this.factory.name,
      state: this.state,
      restarts: this.restarts,
    };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.state === 'backing-off' && this.nextDelayMs !== undefined) s.nextDelayMs = this.nextDelayMs;
    return s;
  }

  private async loop(): Promise<void> {
    let delay = this.b.initialMs;
    while (!this.stopped) {
      this.state = 'starting';
      const startedAt = this.clock.now();
      try {
        const src = await this.factory.start(this.compartment);
        this.current = src;
        if (this.stopped) {
          await src.stop().catch(() => undefined);
          break;
        }
        this.state = 'running';
        for await (const e of src.events) {
          if (this.stopped) break;
          this.publish(e);
        }
        this.lastError = 'the source ended';
      } catch (err) {
        this.lastError = err instanceof Error ? err.message : String(err);
      }
      this.current = undefined;
      if (this.stopped) break;
      if (this.clock.now() - startedAt >= this.b.resetAfterMs) delay = this.b.initialMs;
      this.restarts += 1;
      this.state = 'backing-off';
      this.nextDelayMs = delay;
      this.log?.warn('live watcher ended; restarting', {
        compartment: this.compartment,
        source: this.factory.name,
        error: this.lastError,
        delayMs: delay,
      });
      await this.clock.sleep(delay, this.abort.signal);
      delay = Math.min(this.b.maxMs, delay * this.b.factor);
    }
    this.state = 'stopped';
  }
}

/** Every compartment's watchers. */
export class LiveWatchers {
  private readonly watchers = new Map<CompartmentId, Watcher[]>();
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly options: WatchersOptions) {}

  /** Makes the watched set equal `ids`: starts watchers of new compartments, stops those of removed ones. */
  async sync(ids: Iterable<CompartmentId>): Promise<void> {
    const want = new Set(ids);
    const stops: Promise<void>[] = [];
    for (const [id, ws] of this.watchers) {
      if (want.has(id)) continue;
      this.watchers.delete(id);
      stops.push(...ws.map((w) => w.stop()));
    }
    for (const id of want) {
      if (this.watchers.has(id)) continue;
      const ws = this.options.factories.map(
        (f) => new Watcher(id, f, this.options.publish, this.options.clock, this.options.backoff, this.options.log),
      );
      this.watchers.set(id, ws);
      for (const w of ws) w.start();
    }
    await Promise.all(stops);
  }

  /**
   * Calls `list` every `intervalMs` and syncs to it (compartments created or deleted by the API or the CLI
   * are picked up within one interval). The first sync runs at once.
   */
  autoSync(list: () => Iterable<CompartmentId> | Promise<Iterable<CompartmentId>>, intervalMs = 2_000): void {
    const tick = () => {
      this.syncing = this.syncing
        .then(async () => this.sync(await list()))
        .catch((err: unknown) => this.options.log?.warn('live watchers: listing compartments failed', { err }));
    };
    tick();
    this.syncTimer = setInterval(tick, intervalMs);
    this.syncTimer.unref();
  }

  /** Stops everything (server shutdown). */
  async close(): Promise<void> {
    if (this.syncTimer) clearInterval(this.syncTimer);
    await this.syncing;
    await this.sync([]);
  }

  status(): WatcherStatus[] {
    return [...this.watchers.values()].flat().map((w) => w.status());
  }

  compartments(): CompartmentId[] {
    return [...this.watchers.keys()];
  }
}
