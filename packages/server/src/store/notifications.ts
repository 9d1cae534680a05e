// Notification channels (notify_channels) and the delivery log (notify_deliveries). A channel's deliveries go
// with it (ON DELETE CASCADE); the log keeps the newest DELIVERY_LOG_LIMIT rows per channel (record() drops older
// finished ones). The secret column is read only by secretOf(), for the one thing that needs it: delivering.
import { and, asc, desc, eq, inArray, notInArray, type SQL, sql } from 'drizzle-orm';
import type {
  ChannelEvents,
  NotifyChannelKind,
  StoredChannelInput,
  StoredChannelPatch,
} from '../core/notify/channel.js';
import type { Db, Tx } from './db.js';
import * as t from './schema.js';

export const DELIVERY_LOG_LIMIT = 500;

export interface ChannelRow {
  name: string;
  kind: NotifyChannelKind;
  scope: string;
  events: ChannelEvents;
  config: Record<string, unknown>;
  /** Whether a secret is stored (the secret itself: secretOf). */
  secretSet: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  channel: string;
  eventKind: string;
  compartment: string | null;
  /** The event as stored (JSON text). */
  event: string;
  attempts: number;
  status: DeliveryStatus;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt: string | null;
}

export interface DeliveryFilter {
  channel?: string;
  status?: DeliveryStatus;
  compartment?: string;
  /** At most this many, newest first (default 100). */
  limit?: number;
}

const toChannel = (r: typeof t.notifyChannels.$inferSelect): ChannelRow => ({
  name: r.name,
  kind: r.kind,
  scope: r.scope,
  events: JSON.parse(r.events) as ChannelEvents,
  config: JSON.parse(r.config) as Record<string, unknown>,
  secretSet: r.secret !== null,
  enabled: r.enabled,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export class NotificationRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly now: () => Date,
  ) {}

  private stamp = () => this.now().toISOString();

  /** Adds a channel; false when one of that name exists. */
  createChannel(c: StoredChannelInput): boolean {
    const at = this.stamp();
    const r = this.db
      .insert(t.notifyChannels)
      .values({
        name: c.name,
        kind: c.kind,
        scope: c.scope,
        events: JSON.stringify(c.events),
        config: JSON.stringify(c.config),
        secret: c.secret,
        enabled: c.enabled,
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoNothing()
      .run();
    return r.changes > 0;
  }

  /** Changes what `patch` names (`secret: null` removes it); false when there is no such channel. */
  updateChannel(name: string, patch: StoredChannelPatch): boolean {
    const set: Partial<typeof t.notifyChannels.$inferInsert> = { updatedAt: this.stamp() };
    if (patch.scope !== undefined) set.scope = patch.scope;
    if (patch.events !== undefined) set.events = JSON.stringify(patch.events);
    if (patch.config !== undefined) set.config = JSON.stringify(patch.config);
    if (patch.secret !== undefined) set.secret = patch.secret;
    if (patch.enabled !== undefined) set.enabled = patch.enabled;
    return this.db.update(t.notifyChannels).set(set).where(eq(t.notifyChannels.name, name)).run().changes > 0;
  }

  /** Removes a channel and its deliveries; false when there was none. */
  deleteChannel(name: string): boolean {
    return this.db.delete(t.notifyChannels).where(eq(t.notifyChannels.name, name)).run().changes > 0;
  }

  channel(name: string): ChannelRow | undefined {
    const r = this.db.select().from(t.notifyChannels).where(eq(t.notifyChannels.name, name)).get();
    return r ? toChannel(r) : undefined;
  }

  channels(): ChannelRow[] {
    return this.db.select().from(t.notifyChannels).orderBy(asc(t.notifyChannels.name)).all().map(toChannel);
  }

  /** The channel's secret, for delivering only. */
  secretOf(name: string): string | null {
    return (
      this.db.select({ s: t.notifyChannels.secret }).from(t.notifyChannels).where(eq(t.notifyChannels.name, name)).get()
        ?.s ?? null
    );
  }

  /** Records a new delivery (pending) and trims the channel's log to the newest DELIVERY_LOG_LIMIT rows. */
  addDelivery(d: { id: string; channel: string; eventKind: string; compartment: string | null; event: string }): void {
    const at = this.stamp();
    this.tx(() => {
      this.db
        .insert(t.notifyDeliveries)
        .values({
          ...d,
          attempts: 0,
          status: 'pending',
          lastError: null,
          createdAt: at,
          updatedAt: at,
          nextAttemptAt: at,
        })
        .run();
      const keep = this.db
        .select({ id: t.notifyDeliveries.id })
        .from(t.notifyDeliveries)
        .where(eq(t.notifyDeliveries.channel, d.channel))
        .orderBy(desc(t.notifyDeliveries.createdAt), desc(sql`rowid`))
        .limit(DELIVERY_LOG_LIMIT);
      this.db
        .delete(t.notifyDeliveries)
        .where(and(eq(t.notifyDeliveries.channel, d.channel), notInArray(t.notifyDeliveries.id, keep)))
        .run();
    });
  }

  /** Records an attempt's outcome. */
  updateDelivery(
    id: string,
    u: { attempts: number; status: DeliveryStatus; lastError: string | null; nextAttemptAt: string | null },
  ): void {
    this.db
      .update(t.notifyDeliveries)
      .set({ ...u, updatedAt: this.stamp() })
      .where(eq(t.notifyDeliveries.id, id))
      .run();
  }

  delivery(id: string): DeliveryRow | undefined {
    return this.db.select().from(t.notifyDeliveries).where(eq(t.notifyDeliveries.id, id)).get();
  }

  /** Deliveries, newest first. */
  deliveries(filter: DeliveryFilter = {}): DeliveryRow[] {
    const where: SQL[] = [];
    if (filter.channel) where.push(eq(t.notifyDeliveries.channel, filter.channel));
    if (filter.status) where.push(eq(t.notifyDeliveries.status, filter.status));
    if (filter.compartment) where.push(eq(t.notifyDeliveries.compartment, filter.compartment));
    return this.db
      .select()
      .from(t.notifyDeliveries)
      .where(where.length > 0 ? and(...where) : undefined)
      .orderBy(desc(t.notifyDeliveries.createdAt), desc(sql`rowid`))
      .limit(Math.max(1, Math.min(filter.limit ?? 100, DELIVERY_LOG_LIMIT)))
      .all();
  }

  /** Deliveries still pending (to resume after a restart), oldest first. */
  pending(): DeliveryRow[] {
    return this.db
      .select()
      .from(t.notifyDeliveries)
      .where(inArray(t.notifyDeliveries.status, ['pending']))
      .orderBy(asc(t.notifyDeliveries.createdAt), asc(sql`rowid`))
      .all();
  }
}
