/**
 * The live hub: watchers publish events, SSE connections subscribe. Every event gets an id
 * `<epoch>-<seq>` and stays in a small ring buffer, so a client that reconnects with `Last-Event-ID` gets what
 * it missed. When it cannot (the id is from another server run, or older than the buffer), the
 * subscription says so (`gap`): the client must reload the state it shows.
 */
import type { CompartmentId } from '../ids.js';
import type { LiveEvent } from './events.js';

export interface LiveRecord {
  /** `<epoch>-<seq>`: unique for this server run, increasing. */
  id: string;
  event: LiveEvent;
}

export type LiveFilter = (e: LiveEvent) => boolean;

export interface SubscribeOptions {
  /** Only events this returns true for (e.g. compartments the principal may view). Default: all. */
  filter?: LiveFilter;
  /** Last-Event-ID of a reconnecting client: replay what came after it. */
  after?: string;
}

export interface Subscription {
  /** Buffered events after `after` (filtered), oldest first; empty when none or no `after`. */
  replay: LiveRecord[];
  /**
   * True when `after` was given but events after it may be missing: an id of another server run (replay is
   * then empty), or older than the buffer (replay holds what the buffer still has).
   */
  gap: boolean;
  close(): void;
}

export interface HubOptions {
  /** Ring buffer size. Default 1000. */
  capacity?: number;
  /** Distinguishes ids of this server run from a previous one. Default: the start time in base 36. */
  epoch?: string;
}

export class LiveHub {
  private readonly ring: (LiveRecord | undefined)[];
  private readonly capacity: number;
  readonly epoch: string;
  private seq = 0;
  private readonly subscribers = new Set<{ filter: LiveFilter; listener: (r: LiveRecord) => void }>();

  constructor(options: HubOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 1000);
    this.ring = new Array(this.capacity);
    this.epoch = options.epoch ?? Date.now().toString(36);
  }

  /** Records the event and hands it to every subscriber whose filter takes it. Returns its record. */
  publish(event: LiveEvent): LiveRecord {
    this.seq += 1;
    const rec: LiveRecord = { id: `${this.epoch}-${this.seq}`, event };
    this.ring[this.seq % this.capacity] = rec;
    for (const s of [...this.subscribers]) {
      if (!s.filter(event)) continue;
      try {
        s.listener(rec);
      } catch {
        // a broken subscriber must not stop the others; it is its own business to close itself
      }
    }
    return rec;
  }

  /**
   * Subscribes `listener` to future events; `replay` holds buffered ones after `options.after`. Nothing can
   * be published between computing the replay and registering the listener (both happen synchronously).
   */
  subscribe(listener: (r: LiveRecord) => void, options: SubscribeOptions = {}): Subscription {
    const filter = options.filter ?? (() => true);
    const { replay, gap } = this.since(options.after, filter);
    const entry = { filter, listener };
    this.subscribers.add(entry);
    return { replay, gap, close: () => void this.subscribers.delete(entry) };
  }

  /** How many subscriptions are open (for metrics and tests). */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** The newest id, or undefined before the first event. */
  get lastId(): string | undefined {
    return this.seq === 0 ? undefined : `${this.epoch}-${this.seq}`;
  }

  private since(after: string | undefined, filter: LiveFilter): { replay: LiveRecord[]; gap: boolean } {
    if (after === undefined || after === '') return { replay: [], gap: false };
    const m = /^([0-9a-z]+)-(\d+)$/.exec(after);
    // another server run's id (or garbage): nothing here relates to it; the client reloads its state
    if (!m || m[1] !== this.epoch) return { replay: [], gap: true };
    const last = Number(m[2]);
    if (!Number.isSafeInteger(last) || last > this.seq) return { replay: [], gap: true };
    const oldest = Math.max(1, this.seq - this.capacity + 1);
    // the client saw `last`; it misses last+1 … seq. A gap when last+1 is no longer buffered.
    const gap = last + 1 < oldest;
    return { replay: this.buffered(filter, Math.max(last + 1, oldest)), gap };
  }

  private buffered(filter: LiveFilter, fromSeq: number): LiveRecord[] {
    const out: LiveRecord[] = [];
    const oldest = Math.max(1, this.seq - this.capacity + 1);
    for (let s = Math.max(fromSeq, oldest); s <= this.seq; s++) {
      const r = this.ring[s % this.capacity];
      if (r && filter(r.event)) out.push(r);
    }
    return out;
  }
}

/** A filter for a set of compartments. */
export const inCompartments =
  (ids: ReadonlySet<CompartmentId> | readonly CompartmentId[]): LiveFilter =>
  (e) =>
    Array.isArray(ids) ? ids.includes(e.compartment) : (ids as ReadonlySet<CompartmentId>).has(e.compartment);
