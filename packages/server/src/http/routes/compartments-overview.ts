/**
 * The compartments overview behind the dashboard and the detail page, cached so that reading it costs no
 * store query per compartment and no host call per request:
 *
 * - a compartment's unit list is derived from its desired state (render), so it is kept until the
 *   compartment's `updatedAt` changes (every saved state changes it, whichever process saved it);
 * - unit states come from systemd and are kept for `ttlMs` (2 s): a request gets the cached states at once and
 *   a stale entry is refreshed in the background (one refresh per compartment at a time); only a compartment
 *   never read before is waited for. Changes made through the API drop the entry (`invalidate`), so the
 *   next read waits for fresh states. Live changes reach clients through the event stream, not this cache.
 */
import type { CompartmentSummary, UnitActiveState } from '../../api/contract.js';
import type { AppContext } from '../../app.js';
import type { UnitStatus } from '../../core/apply/ports.js';
import { NotFoundError } from '../../core/errors.js';
import type { CompartmentId } from '../../core/ids.js';
import type { CompartmentInfo, UnitInfo } from '../../core/service/compartments.js';
import { activeState } from './compartments-common.js';

interface StatusEntry {
  at: number;
  /** null: they could not be read (the compartment's user is missing, systemd does not answer). */
  value: Map<string, UnitStatus> | null;
}

export interface OverviewOptions {
  ttlMs?: number;
  now?: () => number;
}

export class CompartmentOverview {
  private readonly units = new Map<string, { updatedAt: string; units: UnitInfo[] }>();
  private readonly statuses = new Map<string, StatusEntry>();
  private readonly inflight = new Map<string, Promise<StatusEntry>>();
  /** Bumped by invalidate: a refresh that started before it does not store what it read. */
  private readonly generation = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly app: AppContext,
    options: OverviewOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  /** Forget a compartment's unit states (after a change through the API). */
  invalidate(id: string): void {
    this.statuses.delete(id);
    this.inflight.delete(id);
    this.generation.set(id, (this.generation.get(id) ?? 0) + 1);
  }

  /** Every compartment with its unit counts by state. */
  async summaries(): Promise<CompartmentSummary[]> {
    const list = this.app.compartments.list();
    const ids = new Set<string>(list.map((c) => c.id));
    for (const id of this.units.keys()) if (!ids.has(id)) this.units.delete(id);
    for (const id of this.statuses.keys()) if (!ids.has(id)) this.statuses.delete(id);
    return Promise.all(
      list.map(async (c) => {
        const units = await this.unitsOf(c);
        const st = await this.statusesOf(c.id, units);
        const counts: Partial<Record<UnitActiveState, number>> = {};
        if (st.value) {
          for (const u of units) {
            const s = activeState(st.value.get(u.unit)?.activeState ?? 'unknown');
            counts[s] = (counts[s] ?? 0) + 1;
          }
        }
        return {
          ...c,
          units: units.length,
          unitStates: counts,
          statusAt: st.value ? new Date(st.at).toISOString() : null,
        };
      }),
    );
  }

  /** The compartment's units with their (cached) states. */
  async unitsWithStatus(c: CompartmentInfo): Promise<UnitInfo[]> {
    const units = await this.unitsOf(c);
    const st = await this.statusesOf(c.id, units);
    return units.map((u) => {
      const s = st.value?.get(u.unit);
      return s ? { ...u, status: s } : { ...u };
    });
  }

  private async unitsOf(c: CompartmentInfo): Promise<UnitInfo[]> {
    const cached = this.units.get(c.id);
    if (cached && cached.updatedAt === c.updatedAt) return cached.units;
    let units: UnitInfo[];
    try {
      units = await this.app.compartments.units(c.id);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      units = []; // created, never applied: no desired state yet
    }
    this.units.set(c.id, { updatedAt: c.updatedAt, units });
    return units;
  }

  private statusesOf(id: CompartmentId, units: readonly UnitInfo[]): Promise<StatusEntry> | StatusEntry {
    const entry = this.statuses.get(id);
    const names = units.map((u) => u.unit);
    if (!entry) return this.refresh(id, names);
    const fresh = this.now() - entry.at < this.ttlMs && names.every((n) => entry.value === null || entry.value.has(n));
    if (!fresh) void this.refresh(id, names);
    return entry;
  }

  private refresh(id: CompartmentId, names: readonly string[]): Promise<StatusEntry> {
    const pending = this.inflight.get(id);
    if (pending) return pending;
    const gen = this.generation.get(id) ?? 0;
    const p = (async (): Promise<StatusEntry> => {
      let value: Map<string, UnitStatus> | null;
      try {
        const list = names.length > 0 ? await this.app.resources.unitStatuses(id, names) : [];
        value = new Map(list.map((s) => [s.unit, s]));
      } catch {
        value = null;
      }
      const entry: StatusEntry = { at: this.now(), value };
      if ((this.generation.get(id) ?? 0) === gen) {
        this.statuses.set(id, entry);
        this.inflight.delete(id);
      }
      return entry;
    })();
    this.inflight.set(id, p);
    return p;
  }
}

const overviews = new WeakMap<AppContext, CompartmentOverview>();

/** The overview of an app context (one per context, shared by every route module). */
export function overviewOf(app: AppContext): CompartmentOverview {
  let o = overviews.get(app);
  if (!o) {
    o = new CompartmentOverview(app);
    overviews.set(app, o);
  }
  return o;
}
