/**
 * Watcher supervision (pure logic over ports). Two kinds of sources publish into the hub:
 *   - shared sources: ONE process for every compartment (host/watch-journal.ts: a `journalctl -f` of the
 *     system journal whose entries name their compartment by UID). `sync` tells it which compartments to
 *     publish; its cost does not grow with their number.
 *   - per-compartment sources: one process per compartment that asks for one (`wants`), e.g. `podman events`
 *     of a compartment whose containers still log their events to a file (host/watch-legacy.ts).
 * A source whose process ends or fails is restarted with exponential back-off (reset once a run has lasted
 * long enough); `sync` starts and stops per-compartment watchers as compartments and their wishes change.
 */
import type { CompartmentId } from '../ids.js';
import type { LiveEvent } from './events.js';

/** A running source of events (a `journalctl -f` or `podman events` process). */
export interface LiveSource {
  /** Ends when the underlying process ends. */
  readonly events: AsyncIterable<LiveEvent>;
  stop(): Promise<unknown>;
}

/** Starts a source for one compartment (host/watch*.ts implement it). */
export interface LiveSourceFactory {
  readonly name: string;
  start(compartment: CompartmentId): Promise<LiveSource>;
  /** Whether the compartment needs this source now; asked at every sync. Default: every compartment does. */
  wants?(compartment: CompartmentId): boolean;
}

/** Starts one source for every compartment: its events name their compartment. */
export interface SharedSourceFactory {
  readonly name: string;
  /**
   * The compartments whose events to publish: the whole watched set, at every sync (the source resolves what
   * it needs for new ones, e.g. their UID, and forgets the others). Events of other compartments are dropped.
   */
  watch(ids: ReadonlySet<CompartmentId>): Promise<void>;
  /** True once the source can tell this compartment's events apart (its UID is known). */
  covers(compartment: CompartmentId): boolean;
  start(): Promise<LiveSource>;
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

/** How one source serves one compartment (a shared source gives one status per compartment it watches). */
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
  /** Sources with one process per compartment that wants one. */
  factories?: readonly LiveSourceFactory[];
  /** Sources with one process for all compartments. */
  shared?: readonly SharedSourceFactory[];
  publish: (e: LiveEvent) => void;
  clock?: Clock;
  backoff?: BackoffOptions;
  log?: WatcherLog;
}

interface SupervisorStatus {
  state: WatcherState;
  restarts: number;
  lastError?: string;
  nextDelayMs?: number;
}

/** Runs a source until stopped, restarting it with back-off whenever it ends or fails to start. */
class Supervisor {
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
    private readonly label: { compartment?: CompartmentId; source: string },
    private readonly startSource: () => Promise<LiveSource>,
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

  supervisorStatus(): SupervisorStatus {
    const s: SupervisorStatus = { state: this.state, restarts: this.restarts };
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
        const src = await this.startSource();
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
        ...(this.label.compartment !== undefined ? { compartment: this.label.compartment } : {}),
        source: this.label.source,
        error: this.lastError,
        delayMs: delay,
      });
      await this.clock.sleep(delay, this.abort.signal);
      delay = Math.min(this.b.maxMs, delay * this.b.factor);
    }
    this.state = 'stopped';
  }
}

/** One compartment × one per-compartment source, restarted with back-off until stopped. */
export class Watcher extends Supervisor {
  constructor(
    readonly compartment: CompartmentId,
    private readonly factory: LiveSourceFactory,
    publish: (e: LiveEvent) => void,
    clock: Clock = realClock,
    backoff: BackoffOptions = {},
    log?: WatcherLog,
  ) {
    super({ compartment, source: factory.name }, () => factory.start(compartment), publish, clock, backoff, log);
  }

  status(): WatcherStatus {
    return { compartment: this.compartment, source: this.factory.name, ...this.supervisorStatus() };
  }
}

/** One shared source for every compartment, restarted with back-off until stopped. */
export class SharedWatcher extends Supervisor {
  constructor(
    readonly factory: SharedSourceFactory,
    publish: (e: LiveEvent) => void,
    clock: Clock = realClock,
    backoff: BackoffOptions = {},
    log?: WatcherLog,
  ) {
    super({ source: factory.name }, () => factory.start(), publish, clock, backoff, log);
  }

  /** Its status as seen by one compartment: `starting` until the source can tell that compartment's events. */
  statusFor(compartment: CompartmentId): WatcherStatus {
    const st = this.supervisorStatus();
    const s: WatcherStatus = { compartment, source: this.factory.name, ...st };
    if (!this.factory.covers(compartment) && st.state === 'running') s.state = 'starting';
    return s;
  }
}

/** Every compartment's watching: the shared sources, and per-compartment watchers where wanted. */
export class LiveWatchers {
  private readonly watched = new Set<CompartmentId>();
  private readonly perCompartment = new Map<CompartmentId, Map<LiveSourceFactory, Watcher>>();
  private shared: SharedWatcher[] | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: WatchersOptions) {}

  /**
   * Makes the watched set equal `ids`: tells the shared sources (starting them at the first sync), starts the
   * per-compartment watchers that are wanted and stops those that are not (or whose compartment is gone).
   */
  async sync(ids: Iterable<CompartmentId>): Promise<void> {
    const want = new Set(ids);
    this.watched.clear();
    for (const id of want) this.watched.add(id);
    const stops: Promise<void>[] = [];
    for (const [id, ws] of this.perCompartment) {
      for (const [f, w] of ws) {
        if (want.has(id) && (f.wants?.(id) ?? true)) continue;
        ws.delete(f);
        stops.push(w.stop());
      }
      if (ws.size === 0) this.perCompartment.delete(id);
    }
    const sharedFactories = this.options.shared ?? [];
    await Promise.all(
      sharedFactories.map((f) =>
        f.watch(want).catch((err: unknown) => this.options.log?.warn('live watchers: watch failed', { err })),
      ),
    );
    if (this.shared === undefined && sharedFactories.length > 0 && !this.closed) {
      // a shared source publishes only what the watched set holds right now
      const publish = (e: LiveEvent) => {
        if (this.watched.has(e.compartment)) this.options.publish(e);
      };
      this.shared = sharedFactories.map(
        (f) => new SharedWatcher(f, publish, this.options.clock, this.options.backoff, this.options.log),
      );
      for (const w of this.shared) w.start();
    }
    for (const id of want) {
      for (const f of this.options.factories ?? []) {
        if (!(f.wants?.(id) ?? true)) continue;
        let ws = this.perCompartment.get(id);
        if (ws?.has(f)) continue;
        if (!ws) {
          ws = new Map();
          this.perCompartment.set(id, ws);
        }
        const w = new Watcher(id, f, this.options.publish, this.options.clock, this.options.backoff, this.options.log);
        ws.set(f, w);
        w.start();
      }
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
        .then(async () => {
          if (!this.closed) await this.sync(await list());
        })
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
    this.closed = true;
    await this.sync([]);
    const shared = this.shared ?? [];
    this.shared = undefined;
    await Promise.all(shared.map((w) => w.stop()));
  }

  /** One row per watched compartment and shared source, and one per per-compartment watcher. */
  status(): WatcherStatus[] {
    const out: WatcherStatus[] = [];
    for (const id of this.watched) {
      for (const w of this.shared ?? []) out.push(w.statusFor(id));
      for (const w of this.perCompartment.get(id)?.values() ?? []) out.push(w.status());
    }
    return out;
  }

  compartments(): CompartmentId[] {
    return [...this.watched];
  }
}
