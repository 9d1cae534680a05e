/**
 * Notifications: the channels admins configure, and delivering events to them. `emit(event)` records one
 * delivery per matching enabled channel (its scope and event kinds) and returns at once; each delivery is then
 * attempted in this process, retried with back-off (core/notify/retry.ts) until it is delivered or fails for good,
 * and every attempt is written to the delivery log. `start()` (the server's `serve`) resumes the deliveries a
 * stop left pending. `sendTest(name)` sends a test event and waits for its first attempt.
 *
 * Secrets (a webhook's signing secret, an ntfy token) come in through create/update and go out only to the
 * transport: ChannelView carries `secretSet`, never the value, and no error or log line holds one.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelRow, DeliveryFilter, DeliveryRow, DeliveryStatus } from '../../store/notifications.js';
import { ConflictError, InvalidError, NotFoundError } from '../errors.js';
import {
  type AttemptVerdict,
  type ChannelConfig,
  type ChannelView,
  CONFIG_SCHEMAS,
  type CreateChannel,
  channelMatches,
  DEFAULT_RETRY,
  type EmailConfig,
  emailMessage,
  type HttpMessage,
  type MailMessage,
  makeEvent,
  type NotifyChannelKind,
  type NotifyEvent,
  type NotifyEventInput,
  type NtfyConfig,
  nextDelay,
  ntfyMessage,
  type OutgoingMessage,
  oneLine,
  type RetryPolicy,
  type StoredChannelInput,
  type StoredChannelPatch,
  type UpdateChannel,
  verdictOfSendmail,
  verdictOfStatus,
  webhookMessage,
} from '../notify/index.js';

/** How messages leave the machine (host/notify-transport.ts). */
export interface NotifyTransport {
  /** POSTs the message; the answer's status and the start of its body. Throws when no answer came (refused,
   * timed out). Redirects are not followed. */
  http(m: HttpMessage): Promise<{ status: number; body: string }>;
  /** Hands the message to the host's sendmail (`-t -oi`); its exit code (null: killed) and stderr. Throws when it
   * could not be started. */
  sendmail(m: MailMessage): Promise<{ exitCode: number | null; stderr: string }>;
}

/** What the service needs of the store (store/notifications.ts). */
export interface NotificationStorePort {
  createChannel(c: StoredChannelInput): boolean;
  updateChannel(name: string, patch: StoredChannelPatch): boolean;
  deleteChannel(name: string): boolean;
  channel(name: string): ChannelRow | undefined;
  channels(): ChannelRow[];
  secretOf(name: string): string | null;
  addDelivery(d: { id: string; channel: string; eventKind: string; compartment: string | null; event: string }): void;
  updateDelivery(
    id: string,
    u: { attempts: number; status: DeliveryStatus; lastError: string | null; nextAttemptAt: string | null },
  ): void;
  delivery(id: string): DeliveryRow | undefined;
  deliveries(filter?: DeliveryFilter): DeliveryRow[];
  pending(): DeliveryRow[];
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface NotificationServiceDeps {
  store: NotificationStorePort;
  transport: NotifyTransport;
  /** Whether a compartment exists (a channel's scope must name one, or be `*`). */
  compartmentExists: (id: string) => boolean;
  retry?: RetryPolicy;
  now?: () => Date;
  newId?: () => string;
  timers?: Timers;
  /** Where a delivery's failure is told (the server's log); never given a secret. */
  log?: (message: string) => void;
}

/** A delivery as the API and the CLI show it. */
export interface DeliveryView {
  id: string;
  channel: string;
  eventKind: string;
  compartment: string | null;
  title: string;
  attempts: number;
  status: DeliveryStatus;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt: string | null;
}

/** The end of one attempt. */
export interface AttemptOutcome {
  delivery: string;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
}

const NODE_TIMERS: Timers = {
  set: (fn, ms) => {
    const h = setTimeout(fn, ms);
    h.unref?.();
    return h;
  },
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** The keys of each kind's settings (and of its secret). */
const CONFIG_KEYS: Record<NotifyChannelKind, readonly string[]> = {
  webhook: ['url'],
  ntfy: ['url', 'priority', 'tags'],
  email: ['to', 'from'],
};
const SECRET_KEY: Record<NotifyChannelKind, 'secret' | 'token' | undefined> = {
  webhook: 'secret',
  ntfy: 'token',
  email: undefined,
};

const viewOf = (r: ChannelRow): ChannelView => ({
  name: r.name,
  kind: r.kind,
  scope: r.scope,
  events: r.events,
  enabled: r.enabled,
  config: r.config as ChannelConfig,
  secretSet: r.secretSet,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const titleOf = (event: string): string => {
  try {
    return String((JSON.parse(event) as { title?: unknown }).title ?? '');
  } catch {
    return '';
  }
};

/** A response body as one short line for the log. */
const snippet = (s: string) => oneLine(s, 200);

export class NotificationService {
  private readonly now: () => Date;
  private readonly retry: RetryPolicy;
  private readonly timers: Timers;
  /** Deliveries waiting for their attempt in this process: the timer and when it is due (ms since the epoch). */
  private readonly scheduled = new Map<string, { handle: unknown; due: number }>();
  private sweeper: unknown;
  private readonly inflight = new Map<string, Promise<AttemptOutcome | undefined>>();
  private stopped = false;

  constructor(private readonly deps: NotificationServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.retry = deps.retry ?? DEFAULT_RETRY;
    this.timers = deps.timers ?? NODE_TIMERS;
  }

  // ── Channels ──────────────────────────────────────────────────────────────────────────────────────────

  list(): ChannelView[] {
    return this.deps.store.channels().map(viewOf);
  }

  get(name: string): ChannelView {
    const r = this.deps.store.channel(name);
    if (!r) {
      throw new NotFoundError(`There is no notification channel '${name}'. \`quadletman notify list\` shows them.`, {
        details: { channel: name },
      });
    }
    return viewOf(r);
  }

  /** Adds a channel (input checked by CreateChannelSchema); 409 when the name is taken, 404 for an unknown scope. */
  create(input: CreateChannel): ChannelView {
    this.requireScope(input.scope);
    const raw = input as unknown as Record<string, unknown>;
    const config = this.configOf(input.kind, pick(raw, CONFIG_KEYS[input.kind]));
    const key = SECRET_KEY[input.kind];
    const secret = key && typeof raw[key] === 'string' ? (raw[key] as string) : null;
    const created = this.deps.store.createChannel({
      name: input.name,
      kind: input.kind,
      scope: input.scope,
      events: input.events,
      config,
      secret,
      enabled: input.enabled,
    });
    if (!created) {
      throw new ConflictError(`A notification channel named '${input.name}' exists already.`, {
        details: { channel: input.name },
      });
    }
    return this.get(input.name);
  }

  /** Changes a channel's settings (checked by UpdateChannelSchema, then against its kind). */
  update(name: string, patch: UpdateChannel): ChannelView {
    const current = this.get(name);
    const kind = current.kind;
    const p = patch as Record<string, unknown>;
    const allowed = new Set(['scope', 'events', 'enabled', ...CONFIG_KEYS[kind], SECRET_KEY[kind]]);
    const foreign = Object.keys(p).filter((k) => p[k] !== undefined && !allowed.has(k));
    if (foreign.length > 0) {
      throw new InvalidError(`A ${kind} channel has no ${foreign.map((k) => `'${k}'`).join(', ')} setting.`, {
        details: { channel: name, fields: foreign },
      });
    }
    if (patch.scope !== undefined) this.requireScope(patch.scope);
    const touched = CONFIG_KEYS[kind].filter((k) => p[k] !== undefined);
    let config: Record<string, unknown> | undefined;
    if (touched.length > 0) {
      const merged: Record<string, unknown> = { ...current.config };
      for (const k of touched) {
        if (p[k] === null) delete merged[k];
        else merged[k] = p[k];
      }
      config = this.configOf(kind, merged);
    }
    if (kind === 'webhook' && p.secret === null) throw new InvalidError('A webhook channel needs its secret.');
    const key = SECRET_KEY[kind];
    this.deps.store.updateChannel(name, {
      ...(patch.scope !== undefined ? { scope: patch.scope } : {}),
      ...(patch.events !== undefined ? { events: patch.events } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(config ? { config } : {}),
      ...(key && p[key] !== undefined ? { secret: p[key] as string | null } : {}),
    });
    return this.get(name);
  }

  /** Removes a channel and its delivery log (its pending deliveries are dropped). */
  remove(name: string): void {
    this.get(name);
    for (const d of this.deps.store.deliveries({ channel: name, status: 'pending', limit: 500 })) this.unschedule(d.id);
    this.deps.store.deleteChannel(name);
  }

  // ── Events ────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends an event to every enabled channel whose scope and event kinds match it, without waiting: the
   * deliveries are recorded (pending) and attempted in the background. Never throws (a notification must not
   * break what it reports); returns the ids of the deliveries.
   */
  emit(input: NotifyEventInput): string[] {
    try {
      const event = makeEvent(input, this.now());
      const ids: string[] = [];
      for (const ch of this.deps.store.channels()) {
        if (!channelMatches(ch, event)) continue;
        ids.push(this.enqueue(ch.name, event));
      }
      for (const id of ids) this.schedule(id, 0);
      return ids;
    } catch (e) {
      this.deps.log?.(`notifications: could not queue a ${input.kind} event: ${(e as Error).message}`);
      return [];
    }
  }

  /** Sends a test event to one channel (enabled or not) and waits for its first attempt; later retries, if it
   * asks for any, run in the background as for any delivery. */
  async sendTest(name: string, actor?: string): Promise<AttemptOutcome> {
    const ch = this.get(name);
    const event = makeEvent(
      {
        kind: 'test',
        title: `Test notification for channel ${ch.name}`,
        message: `This is a test of the ${ch.kind} channel '${ch.name}' of quadletman${actor ? `, sent by ${actor}` : ''}.`,
        details: { channel: ch.name, ...(actor ? { actor } : {}) },
      },
      this.now(),
    );
    const id = this.enqueue(ch.name, event);
    const outcome = await this.attempt(id, { ignoreDisabled: true });
    return outcome ?? { delivery: id, status: 'failed', attempts: 0, error: 'the delivery is gone' };
  }

  /** The delivery log, newest first. */
  deliveries(filter: DeliveryFilter = {}): DeliveryView[] {
    return this.deps.store.deliveries(filter).map((d) => ({
      id: d.id,
      channel: d.channel,
      eventKind: d.eventKind,
      compartment: d.compartment,
      title: titleOf(d.event),
      attempts: d.attempts,
      status: d.status,
      lastError: d.lastError,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      nextAttemptAt: d.nextAttemptAt,
    }));
  }

  /**
   * For the long-running server: resumes the deliveries left pending (by a stop or a crash), then every `sweepMs`
   * (default 30 s) takes over those another process left behind: pending, not handled here, and overdue by more
   * than `graceMs` (default 60 s, longer than an attempt may take), such as the retries of an event a CLI command
   * reported (the CLI makes the first attempts before it exits, never the retries).
   */
  start(options: { sweepMs?: number; graceMs?: number } = {}): void {
    this.stopped = false;
    const now = this.now().getTime();
    for (const d of this.deps.store.pending()) {
      const due = d.nextAttemptAt ? Date.parse(d.nextAttemptAt) : now;
      this.schedule(d.id, Math.max(0, due - now));
    }
    const sweepMs = options.sweepMs ?? 30_000;
    const graceMs = options.graceMs ?? 60_000;
    const tick = () => {
      this.sweeper = this.timers.set(() => {
        try {
          this.sweep(graceMs);
        } catch (e) {
          this.deps.log?.(`notifications: could not read the pending deliveries: ${(e as Error).message}`);
        }
        if (!this.stopped) tick();
      }, sweepMs);
    };
    if (this.sweeper === undefined) tick();
  }

  /** Schedules the pending deliveries overdue by more than `graceMs` that this process is not handling. */
  sweep(graceMs: number): void {
    const limit = this.now().getTime() - graceMs;
    for (const d of this.deps.store.pending()) {
      if (this.scheduled.has(d.id) || this.inflight.has(d.id)) continue;
      if (Date.parse(d.nextAttemptAt ?? d.createdAt) <= limit) this.schedule(d.id, 0);
    }
  }

  /** Cancels the retries waiting for their time (they stay pending, for the next start) and the sweeps. */
  stop(): void {
    this.stopped = true;
    for (const { handle } of this.scheduled.values()) this.timers.clear(handle);
    this.scheduled.clear();
    if (this.sweeper !== undefined) this.timers.clear(this.sweeper);
    this.sweeper = undefined;
  }

  /** Makes the attempts that are due now and waits for every running one (a CLI command, before it exits: the
   * first attempt of each event it reported is made; a retry is left pending, for the server). */
  async flush(): Promise<void> {
    const now = this.now().getTime();
    for (const [id, s] of [...this.scheduled.entries()]) {
      if (s.due > now) continue;
      this.unschedule(id);
      void this.attempt(id);
    }
    await this.idle();
  }

  /** Resolves when no attempt is running (tests, and a clean stop). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  // ── Delivering ────────────────────────────────────────────────────────────────────────────────────────

  private requireScope(scope: string): void {
    if (scope === '*' || this.deps.compartmentExists(scope)) return;
    throw new NotFoundError(
      `There is no compartment '${scope}': a notification channel is for an existing compartment, or for every one (*).`,
      { details: { compartment: scope } },
    );
  }

  private configOf(kind: NotifyChannelKind, raw: Record<string, unknown>): Record<string, unknown> {
    const r = CONFIG_SCHEMAS[kind].safeParse(raw);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new InvalidError(`The ${kind} channel's ${i.path.join('.') || 'settings'} ${i.message}.`, {
        details: { issues: r.error.issues.map((x) => ({ path: x.path.join('.'), message: x.message })) },
      });
    }
    return r.data as Record<string, unknown>;
  }

  private enqueue(channel: string, event: NotifyEvent): string {
    const id = this.deps.newId?.() ?? randomUUID();
    this.deps.store.addDelivery({
      id,
      channel,
      eventKind: event.kind,
      compartment: event.compartment,
      event: JSON.stringify(event),
    });
    return id;
  }

  private schedule(id: string, ms: number): void {
    if (this.stopped) return;
    this.unschedule(id);
    const handle = this.timers.set(() => {
      this.scheduled.delete(id);
      void this.attempt(id);
    }, ms);
    this.scheduled.set(id, { handle, due: this.now().getTime() + ms });
  }

  private unschedule(id: string): void {
    const s = this.scheduled.get(id);
    if (s !== undefined) this.timers.clear(s.handle);
    this.scheduled.delete(id);
  }

  private attempt(id: string, opts: { ignoreDisabled?: boolean } = {}): Promise<AttemptOutcome | undefined> {
    const running = this.inflight.get(id);
    if (running) return running;
    const p = this.runAttempt(id, opts)
      .catch((e) => {
        // the store was closed under a running attempt (a CLI run ending), or something unforeseen
        if (!this.stopped) this.deps.log?.(`notifications: delivery ${id}: ${(e as Error).message}`);
        return undefined;
      })
      .finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  private async runAttempt(id: string, opts: { ignoreDisabled?: boolean }): Promise<AttemptOutcome | undefined> {
    const d = this.deps.store.delivery(id);
    if (d?.status !== 'pending') return undefined;
    const ch = this.deps.store.channel(d.channel);
    const attempts = d.attempts + 1;
    const finish = (status: DeliveryStatus, error: string | null, nextAttemptAt: string | null = null) => {
      this.deps.store.updateDelivery(id, { attempts, status, lastError: error, nextAttemptAt });
      if (status === 'failed') this.deps.log?.(`notifications: delivery ${id} to ${d.channel} failed: ${error}`);
      return { delivery: id, status, attempts, error };
    };
    if (!ch) return undefined;
    if (!ch.enabled && !opts.ignoreDisabled && d.eventKind !== 'test')
      return finish('failed', 'the channel is disabled');

    let message: OutgoingMessage;
    try {
      message = this.build(ch, JSON.parse(d.event) as NotifyEvent, id);
    } catch (e) {
      return finish('failed', (e as Error).message);
    }
    let verdict: AttemptVerdict;
    let error: string | null;
    try {
      if (message.kind === 'http') {
        const res = await this.deps.transport.http(message);
        verdict = verdictOfStatus(res.status);
        error = verdict === 'delivered' ? null : `HTTP ${res.status}${res.body ? `: ${snippet(res.body)}` : ''}`;
      } else {
        const res = await this.deps.transport.sendmail(message);
        verdict = verdictOfSendmail(res.exitCode);
        error =
          verdict === 'delivered'
            ? null
            : `sendmail ${res.exitCode === null ? 'was killed' : `exited with code ${res.exitCode}`}${res.stderr ? `: ${snippet(res.stderr)}` : ''}`;
      }
    } catch (e) {
      verdict = 'retry';
      error = snippet((e as Error).message);
    }
    if (verdict !== 'retry') return finish(verdict, error);
    const delay = nextDelay(this.retry, attempts);
    if (delay === undefined) return finish('failed', `${error} (gave up after ${attempts} attempts)`);
    const out = finish('pending', error, new Date(this.now().getTime() + delay).toISOString());
    this.schedule(id, delay);
    return out;
  }

  private build(ch: ChannelRow, event: NotifyEvent, id: string): OutgoingMessage {
    const secret = this.deps.store.secretOf(ch.name);
    switch (ch.kind) {
      case 'webhook':
        if (!secret) throw new Error('the webhook channel has no secret');
        return webhookMessage((ch.config as { url: string }).url, secret, event, id, this.now());
      case 'ntfy':
        return ntfyMessage(ch.config as NtfyConfig, secret, event);
      case 'email':
        return emailMessage(ch.config as EmailConfig, event, id, this.now());
    }
  }
}

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
