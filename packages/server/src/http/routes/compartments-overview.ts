/**
 * The compartments overview behind the dashboard list and the detail page, cached so that the hot reads cost
 * no store query per compartment and no host call per request:
 *
 * - the compartment rows (the list) and each compartment's latest revisions are kept for `rowsTtlMs` (1 s);
 * - a compartment's unit list is derived from its desired state (render), so it is kept until the
 *   compartment's `updatedAt` changes (every saved state changes it, whichever process saved it);
 * - unit states come from systemd and are kept for `ttlMs` (2 s): a request gets the cached states at once and
 *   a stale entry is refreshed in the background (one refresh per compartment at a time); only a compartment
 *   never read before is waited for;
 * - the answers themselves (JSON text): the list for `rowsTtlMs`, a detail until one of its parts changes.
 *
 * Changes made through this server's API drop what they touch (`invalidate`), so the next read is fresh.
 * Changes made by another process (the CLI) show within `rowsTtlMs` (rows, revisions). A unit's state change,
 * whoever made it, drops the compartment's states when its live event arrives (`statesChanged`, from the live
 * runtime), so the client that refetches on that event reads them fresh; without the live runtime they show
 * within `ttlMs + rowsTtlMs` of the next read.
 */
import { isContainerSource, type UnitStateWord, unitStateWord } from '@quadletman/quadlet';
import type { CompartmentDetail, CompartmentSummary, RevisionSummaryDto, UnitActiveState } from '../../api/contract.js';
import type { AppContext } from '../../app.js';
import type { UnitStatus } from '../../core/apply/ports.js';
import { lastLines, NotFoundError } from '../../core/errors.js';
import type { CompartmentId } from '../../core/ids.js';
import type { PolicyView } from '../../core/service/backups.js';
import type { CompartmentInfo, UnitInfo } from '../../core/service/compartments.js';
import { activeState, unitDtos } from './compartments-common.js';

interface StatusEntry {
  at: number;
  /** null: they could not be read (the compartment's user is missing, systemd does not answer). */
  value: Map<string, UnitStatus> | null;
}

export interface OverviewOptions {
  /** How long unit states are served before they are read again (ms, default 2000). */
  ttlMs?: number;
  /** How long compartment rows and revisions are served before they are read again (ms, default 1000). */
  rowsTtlMs?: number;
  now?: () => number;
}

export class CompartmentOverview {
  private readonly units = new Map<string, { updatedAt: string; units: UnitInfo[] }>();
  private readonly statuses = new Map<string, StatusEntry>();
  private readonly inflight = new Map<string, Promise<StatusEntry>>();
  /** Bumped by invalidate: a refresh that started before it does not store what it read. */
  private readonly generation = new Map<string, number>();
  private rows: { at: number; list: CompartmentInfo[]; byId: Map<string, CompartmentInfo> } | undefined;
  /** Bumped by invalidate and statesChanged: a list built across one (from states read before it) is not kept. */
  private epoch = 0;
  private list: { at: number; summaries: CompartmentSummary[]; json: string } | undefined;
  private readonly details = new Map<
    string,
    {
      at: number;
      info: CompartmentInfo;
      history: RevisionSummaryDto[];
      lintPodmanVersion: string | null;
      status?: StatusEntry;
      units?: UnitInfo[];
      json?: string;
    }
  >();
  private readonly ttlMs: number;
  private readonly rowsTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly app: AppContext,
    options: OverviewOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 2_000;
    this.rowsTtlMs = options.rowsTtlMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** Forget what is cached about a compartment (after a change to it through the API). */
  invalidate(id: string): void {
    this.statuses.delete(id);
    this.inflight.delete(id);
    this.details.delete(id);
    this.generation.set(id, (this.generation.get(id) ?? 0) + 1);
    this.epoch++;
    this.rows = undefined;
    this.list = undefined;
  }

  /**
   * A unit of the compartment changed state (a live event from the journal, whoever caused it: the API, the CLI,
   * systemd restarting it): the next read of its states waits for systemd instead of serving the cached ones.
   * Without this a client that refetches on the event gets the states from before it (the list is cached for
   * `rowsTtlMs`, states are served stale while they refresh in the background) and nothing makes it ask again.
   */
  statesChanged(id: string): void {
    this.statuses.delete(id);
    this.inflight.delete(id);
    this.generation.set(id, (this.generation.get(id) ?? 0) + 1);
    this.epoch++;
    this.list = undefined;
  }

  /** Every compartment with its unit counts by state, and the same as JSON text. */
  async summaries(): Promise<{ summaries: CompartmentSummary[]; json: string }> {
    const at = this.now();
    if (this.list && at - this.list.at < this.rowsTtlMs) {
      // stale states are refreshed in the background; the list takes them when it is next built
      for (const c of this.list.summaries) this.touchStatus(c.id as CompartmentId);
      return this.list;
    }
    const epoch = this.epoch;
    const { list } = this.currentRows();
    const summaries = await Promise.all(
      list.map(async (c) => {
        const units = await this.unitsOf(c);
        const st = await this.statusesOf(c.id, units);
        const counts: Partial<Record<UnitActiveState, number>> = {};
        const containerStates: Partial<Record<UnitStateWord, number>> = {};
        const otherStates: Partial<Record<UnitStateWord, number>> = {};
        if (st.value) {
          for (const u of units) {
            const status = st.value.get(u.unit);
            const s = activeState(status?.activeState ?? 'unknown');
            counts[s] = (counts[s] ?? 0) + 1;
            // a network, volume, image or build unit that ran is done (active/exited), not a running container
            const word = status ? unitStateWord(s, status.subState) : 'unknown';
            const by = isContainerSource(u.source) ? containerStates : otherStates;
            by[word] = (by[word] ?? 0) + 1;
          }
        }
        return {
          ...c,
          units: units.length,
          unitStates: counts,
          containerStates,
          otherStates,
          statusAt: st.value ? new Date(st.at).toISOString() : null,
          updates: this.app.updates.list(c.id).filter((u) => u.status === 'update-available').length,
          backupFailed: backupFailure(this.app.backups.policy(c.id)),
        };
      }),
    );
    const built = { at, summaries, json: JSON.stringify({ compartments: summaries }) };
    if (this.epoch === epoch) this.list = built;
    return built;
  }

  /** One compartment as JSON text: its row, units with their states and its latest revisions. */
  async detailJson(id: string): Promise<string> {
    const at = this.now();
    let d = this.details.get(id);
    if (!d || at - d.at >= this.rowsTtlMs) {
      const info = this.app.compartments.get(id); // NotFound for a compartment that does not exist
      const history = this.app.compartments.history(info.id, { limit: 5 }) as RevisionSummaryDto[];
      const lintPodmanVersion = await this.app.compartments.lintVersion(info.id).catch(() => null);
      d = { at, info, history, lintPodmanVersion };
      this.details.set(info.id, d);
    }
    const units = await this.unitsOf(d.info);
    const status = await this.statusesOf(d.info.id, units);
    if (d.json !== undefined && d.status === status && d.units === units) return d.json;
    const detail: CompartmentDetail = {
      ...d.info,
      units: unitDtos(
        units.map((u) => {
          const s = status.value?.get(u.unit);
          return s ? { ...u, status: s } : u;
        }),
      ),
      history: d.history,
      lintPodmanVersion: d.lintPodmanVersion,
    };
    d.status = status;
    d.units = units;
    d.json = JSON.stringify(detail);
    return d.json;
  }

  /**
   * Container units of every compartment by state (active, failed, inactive…, `unknown` when systemd could
   * not be asked), from what is cached; stale entries are refreshed in the background for the next call.
   */
  containerStates(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.currentRows().list) {
      const units = this.units.get(c.id)?.units;
      if (!units) {
        void this.unitsOf(c).then((us) => this.statusesOf(c.id, us));
        continue;
      }
      this.touchStatus(c.id);
      const st = this.statuses.get(c.id);
      for (const u of units) {
        if (!isContainerSource(u.source)) continue;
        const state = activeState(st?.value?.get(u.unit)?.activeState ?? 'unknown');
        out[state] = (out[state] ?? 0) + 1;
      }
    }
    return out;
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

  private currentRows() {
    const at = this.now();
    if (this.rows && at - this.rows.at < this.rowsTtlMs) return this.rows;
    const list = this.app.compartments.list();
    const byId = new Map<string, CompartmentInfo>(list.map((c) => [c.id, c]));
    for (const id of this.units.keys()) if (!byId.has(id)) this.units.delete(id);
    for (const id of this.statuses.keys()) if (!byId.has(id)) this.statuses.delete(id);
    for (const id of this.details.keys()) if (!byId.has(id)) this.details.delete(id);
    this.rows = { at, list, byId };
    return this.rows;
  }

  private async unitsOf(c: CompartmentInfo): Promise<UnitInfo[]> {
    const cached = this.units.get(c.id);
    if (cached && cached.updatedAt === c.updatedAt) return cached.units;
    let units: UnitInfo[];
    try {
      units = await this.app.compartments.units(c.id);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      units = []; // no desired state yet
    }
    this.units.set(c.id, { updatedAt: c.updatedAt, units });
    return units;
  }

  /** Starts a background refresh of a compartment's states when they are stale. */
  private touchStatus(id: CompartmentId): void {
    const entry = this.statuses.get(id);
    if (entry && this.now() - entry.at >= this.ttlMs) {
      const names = this.units.get(id)?.units.map((u) => u.unit) ?? [];
      void this.refresh(id, names);
    }
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

/** A failed last scheduled backup, for the dashboard; null when it did not fail. */
/** The last scheduled run's failure, else a failed check of the repository since (asked for or scheduled). */
function backupFailure({ lastRun, lastCheck }: PolicyView): { at: string; error: string } | null {
  // a check asked for after a run whose check failed speaks for the repository now
  const checkedSince = lastCheck !== null && (!lastRun || lastCheck.at > lastRun.at);
  if (lastRun?.result === 'failed' && !(lastRun.stage === 'check' && checkedSince && lastCheck?.ok))
    return { at: lastRun.at, error: lastRun.error ?? '' };
  if (checkedSince && !lastCheck.ok)
    return {
      at: lastCheck.at,
      error: `restic check found problems: ${lastLines(lastCheck.output, 2)}`,
    };
  return null;
}
