/**
 * The compartment service: what the CLI and the HTTP API do with compartments — create, list, show,
 * apply a spec, plan, history, roll back, start/stop/restart/status, delete. It decides; the apply engine
 * changes the host; the store remembers. Its dependencies are ports, wired in the composition root (app.ts).
 */
import type { FileReport } from '@quadletman/quadlet';
import {
  type ApplyEngine,
  type ApplyOptions,
  type ApplyResult,
  type ApplyTarget,
  lintVersion,
  type UpgradeRequest,
  type UpgradeResult,
} from '../apply/engine.js';
import type { CompartmentHost, UnitStatus } from '../apply/ports.js';
import { assignProvidePorts, type HeldProvide, type HeldUse } from '../edge/link-ports.js';
import { assignRoutePorts, type HeldPort, type HeldRoute } from '../edge/ports.js';
import { ConflictError, InvalidError, NotFoundError } from '../errors.js';
import { type CompartmentId, parseCompartmentId } from '../ids.js';
import { areaOf } from '../layout.js';
import type { NotifyEventInput } from '../notify/event.js';
import { type Plan, serviceOf } from '../plan.js';
import { publishedPorts } from '../published-ports.js';
import { type RenderOptions, render } from '../render.js';
import { type DesiredState, type ModelUnitSpec, parseSpecText } from '../spec.js';
import { type UnitGraph, unitGraph } from '../unit-graph.js';
import { plainTextProblem } from '../values.js';

export interface CompartmentInfo {
  id: CompartmentId;
  description: string;
  podmanVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RevisionInfo {
  number: number;
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  result: string;
  message: string;
}

/** The grants and API tokens scoped to a compartment, which the store deletes with it. */
export interface RemovedAccess {
  grants: { username: string; role: string }[];
  tokens: { id: string; name: string; username: string; role: string }[];
}

/** The store, as this service uses it (the SQLite repositories satisfy it). */
export interface CompartmentStorePort {
  compartments: {
    get(id: CompartmentId): CompartmentInfo | undefined;
    list(): CompartmentInfo[];
    create(c: { id: CompartmentId; description?: string; podmanVersion?: string | null }): CompartmentInfo;
    /** Deletes the compartment with its grants and API tokens, in one transaction; undefined when none. */
    delete(id: CompartmentId): RemovedAccess | undefined;
    saveState(state: DesiredState): CompartmentInfo;
    loadState(id: CompartmentId): DesiredState | undefined;
  };
  revisions: {
    list(id: CompartmentId, options?: { limit?: number; offset?: number }): RevisionInfo[];
    get(id: CompartmentId, number: number): (RevisionInfo & { state: DesiredState | null }) | undefined;
    /** The newest revision with this result (the SQLite store has it; without it no lost save is repaired). */
    latest?(id: CompartmentId, result: 'applied'): (RevisionInfo & { state: DesiredState | null }) | undefined;
  };
}

/** The compartment's Linux account (host/users.ts satisfies it). */
export interface AccountsPort {
  create(id: CompartmentId): Promise<unknown>;
  delete(id: CompartmentId): Promise<void>;
  exists(id: CompartmentId): Promise<boolean>;
}

export interface VolumesPort {
  /** Removes the compartment's managed host volume directories. */
  removeAll(id: CompartmentId): Promise<void>;
}

export interface CompartmentServiceDeps {
  store: CompartmentStorePort;
  accounts: AccountsPort;
  volumes: VolumesPort;
  hostFor: (id: CompartmentId) => Promise<CompartmentHost>;
  engine: ApplyEngine;
  render?: RenderOptions;
  /** The digest an image's name (a tag) points to at its registry now, asked with the compartment's logins
   * (for `pin: digest`). */
  resolveDigest?: (id: CompartmentId, image: string) => Promise<string>;
  /** Reports an event to the notification channels (never throws, never waits). */
  notify?: (event: NotifyEventInput) => void;
  /** Every compartment's routes as stored (the edge's port registry); without it routes get no ports. */
  heldRoutes?: () => HeldRoute[];
  /** Every compartment's provided services and uses as stored (connections between compartments); without it a
   * spec with `provides:` or `uses:` is refused. */
  links?: { allProvides(): HeldProvide[]; allUses(): HeldUse[] };
}

export interface UnitInfo {
  /** The systemd unit (`web.service`, `backup.timer`). */
  unit: string;
  /** The file it comes from (`web.container`). */
  source: string;
  status?: UnitStatus;
  /** A failed unit's reason: systemd's summary and the telling lines of its journal (Podman's, the program's). */
  failure?: string;
}

export class CompartmentService {
  constructor(private readonly deps: CompartmentServiceDeps) {}

  list(): CompartmentInfo[] {
    return this.deps.store.compartments.list();
  }

  /** The Podman version its units are linted against: the one it pins, else the host's (null: neither known). */
  async lintVersion(id: string): Promise<string | null> {
    const c = this.get(id);
    return c.podmanVersion ?? lintVersion(await this.deps.hostFor(c.id), null);
  }

  get(id: string): CompartmentInfo {
    const cid = parseCompartmentId(id, 'compartment');
    const c = this.deps.store.compartments.get(cid);
    if (!c) throw new NotFoundError(`There is no compartment '${cid}'. \`quadletman compartment list\` shows them.`);
    return c;
  }

  /**
   * The compartment's desired state. The engine records a revision `applied` and only then does this service
   * save the state it applied (two writes): a crash between them leaves the host and the revision at the new
   * state and the stored desired state at the old one. That shows as an applied revision that finished after
   * the state was last saved; its state is then the desired state, and is saved again here.
   */
  state(id: string): DesiredState {
    const c = this.get(id);
    const latest = this.deps.store.revisions.latest?.(c.id, 'applied');
    if (latest?.state && latest.finishedAt && latest.finishedAt > c.updatedAt) {
      this.deps.store.compartments.saveState(latest.state);
      return latest.state;
    }
    const state = this.deps.store.compartments.loadState(c.id);
    if (!state) throw new NotFoundError(`Compartment '${c.id}' has no desired state.`);
    return state;
  }

  /** The desired state, or an empty one for a compartment that has none yet (created, never applied). */
  stateOrEmpty(id: string): DesiredState {
    const c = this.get(id);
    try {
      return this.state(c.id);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      const empty = {
        network: null,
        units: {},
        volumes: {},
        files: {},
        secrets: [],
        registries: [],
        probes: [],
        routes: [],
        provides: [],
        uses: [],
      };
      return { id: c.id, description: c.description, podmanVersion: c.podmanVersion, ...empty };
    }
  }

  /** Creates the compartment: its record, then its Linux user, subids, linger and Podman storage. */
  async create(input: { id: string; description?: string; podmanVersion?: string | null }): Promise<CompartmentInfo> {
    const id = parseCompartmentId(input.id, 'compartment');
    // every edge (CLI, API, adopt) gets the same check as a spec's description: shown, never rendered
    const problem = plainTextProblem(input.description ?? '', 1000);
    if (problem) throw new InvalidError(`description: ${problem}`);
    if (this.deps.store.compartments.get(id)) throw new ConflictError(`Compartment '${id}' already exists.`);
    if (await this.deps.accounts.exists(id)) {
      throw new ConflictError(
        `A Linux user for compartment '${id}' (qm-${id}) already exists; adopt or delete it first.`,
      );
    }
    const created = this.deps.store.compartments.create({
      id,
      description: input.description ?? '',
      podmanVersion: input.podmanVersion ?? null,
    });
    try {
      await this.deps.accounts.create(id);
    } catch (err) {
      // Leave nothing half-made: undo what the account creation did before it failed.
      const undo = await this.deps.accounts.delete(id).then(
        () => undefined,
        (e: unknown) => e,
      );
      this.deps.store.compartments.delete(id);
      if (undo !== undefined) {
        const why = undo instanceof Error ? undo.message : String(undo);
        throw new AggregateError(
          [err, undo],
          `${err instanceof Error ? err.message : String(err)} (and undoing it failed: ${why})`,
        );
      }
      throw err;
    }
    return created;
  }

  /**
   * Deletes the compartment: stops and removes its units, its user and ranges; volumes only when asked. Its
   * grants and API tokens go with its record (a compartment made later under the same id inherits none); they
   * are returned for the audit log.
   */
  async delete(id: string, options: { volumes?: boolean } = {}): Promise<RemovedAccess> {
    const c = this.get(id);
    const users = (this.deps.links?.allUses() ?? []).filter((u) => u.compartment === c.id && u.consumer !== c.id);
    if (users.length > 0) {
      throw new ConflictError(
        `Compartment '${c.id}' provides services others use: ${users
          .map((u) => `'${u.consumer}' uses ${u.service} (as ${u.as})`)
          .join(', ')}. Remove those uses first.`,
        { details: { usedBy: users } },
      );
    }
    if (await this.deps.accounts.exists(c.id)) {
      const units = await this.units(c.id).catch(() => [] as UnitInfo[]);
      const host = await this.deps.hostFor(c.id);
      if (units.length > 0) await host.stopUnits(units.map((u) => u.unit)).catch(() => undefined);
      await this.deps.accounts.delete(c.id);
    }
    if (options.volumes) await this.deps.volumes.removeAll(c.id);
    return this.deps.store.compartments.delete(c.id) ?? { grants: [], tokens: [] };
  }

  /** Parses a spec (YAML or JSON text) and applies it, creating the compartment first when it is new. */
  async applySpecText(
    text: string,
    source: string,
    options: ApplyOptions & { create?: boolean },
  ): Promise<ApplyResult> {
    return this.applyState(parseSpecText(text, source), options);
  }

  /**
   * Applies a desired state. The store keeps the new state only when the host matches it afterwards (applied
   * or nothing to do): a refused or rolled-back apply leaves the previous state in place, as on the host.
   */
  async applyState(state: DesiredState, options: ApplyOptions & { create?: boolean }): Promise<ApplyResult> {
    if (!this.deps.store.compartments.get(state.id)) {
      if (options.create === false) throw new NotFoundError(`There is no compartment '${state.id}'.`);
      await this.create({ id: state.id, description: state.description, podmanVersion: state.podmanVersion });
    }
    state = this.placed(await this.resolvePins(state));
    const result = await this.deps.engine.apply(this.target(state), options);
    // A no-op with the very state already stored writes nothing (a write is a durable transaction: an fsync)
    const unchanged = result.outcome === 'noop' && sameJson(this.deps.store.compartments.loadState(state.id), state);
    if ((result.outcome === 'applied' || result.outcome === 'noop') && !unchanged) {
      this.deps.store.compartments.saveState(state);
    }
    this.report(state.id, result, options.message ?? 'apply');
    return result;
  }

  /** Tells the notification channels of an apply or upgrade that did not hold, and of an upgrade that did. */
  private report(id: CompartmentId, r: ApplyResult | UpgradeResult, what: string): void {
    const notify = this.deps.notify;
    if (!notify || r.outcome === 'noop') return;
    const upgrade = 'images' in r;
    const details = {
      outcome: r.outcome,
      revision: r.revision ?? null,
      ...(upgrade ? { images: (r as UpgradeResult).images } : {}),
    };
    const kind =
      r.outcome === 'refused'
        ? 'apply-refused'
        : r.outcome === 'applied'
          ? upgrade
            ? 'upgrade-finished'
            : undefined
          : upgrade
            ? 'upgrade-rolled-back'
            : 'apply-rolled-back';
    if (!kind) return;
    const title =
      r.outcome === 'refused'
        ? `${id}: ${what} refused, nothing changed`
        : r.outcome === 'applied'
          ? `${id}: upgraded (revision ${r.revision})`
          : r.outcome === 'failed'
            ? `${id}: ${what} failed, and its roll back failed too`
            : `${id}: ${what} failed and was rolled back`;
    notify({ kind, compartment: id, title, message: r.message, details });
  }

  /**
   * Upgrades units of the compartment to the images `state` names for them, behind the engine's health gate
   * (ApplyEngine.upgrade). The store keeps `state` (a new tag, a new pin) only when the upgrade held.
   */
  async upgradeState(state: DesiredState, request: UpgradeRequest, options: ApplyOptions): Promise<UpgradeResult> {
    this.get(state.id);
    state = this.placed(state);
    const result = await this.deps.engine.upgrade(this.target(state), request, options);
    if (result.outcome === 'applied' && !sameJson(this.deps.store.compartments.loadState(state.id), state)) {
      this.deps.store.compartments.saveState(state);
    }
    this.report(state.id, result, options.message ?? 'upgrade');
    return result;
  }

  /**
   * Records a registry the compartment logs in to (or, with `username` undefined, no longer uses) in its desired
   * state. Registry logins render no file, so the host matches the state as before: no apply is needed.
   */
  setRegistry(id: string, registry: string, username: string | undefined): void {
    const c = this.get(id);
    const state = this.deps.store.compartments.loadState(c.id) ?? this.stateOrEmpty(c.id);
    const others = state.registries.filter((r) => r.registry !== registry);
    const registries = username === undefined ? others : [...others, { registry, username }];
    registries.sort((a, b) => (a.registry < b.registry ? -1 : a.registry > b.registry ? 1 : 0));
    if (sameJson(registries, state.registries)) return;
    this.deps.store.compartments.saveState({ ...state, registries });
  }

  /** The state with every `pin: digest` replaced by the digest its image's name has at its registry now. */
  private async resolvePins(state: DesiredState): Promise<DesiredState> {
    const open = Object.entries(state.units).filter(
      (e): e is [string, ModelUnitSpec] => e[1].format === 'model' && e[1].pin === 'digest',
    );
    if (open.length === 0) return state;
    const resolve = this.deps.resolveDigest;
    if (!resolve) throw new InvalidError('pin: digest needs a registry to ask, and none is wired here');
    const units = { ...state.units };
    for (const [name, u] of open) {
      const image = (u.model as { container?: { image?: string } }).container?.image ?? '';
      try {
        units[name] = { ...u, pin: await resolve(state.id, image) };
      } catch (e) {
        throw new InvalidError(
          `units["${name}"].pin: the digest of ${image} cannot be read from its registry: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    return { ...state, units };
  }

  /** What applying `state` (default: the stored desired state) would change. */
  async plan(
    id: string,
    state?: DesiredState,
  ): Promise<{ plan: Plan; diagnostics: FileReport[]; podmanVersion: string | null }> {
    const s = state ?? this.state(id);
    if (s.id !== this.get(id).id) throw new InvalidError(`The spec is for compartment '${s.id}', not '${id}'.`);
    return this.deps.engine.plan(this.target(this.placed(s)));
  }

  history(id: string, options: { limit?: number } = {}): RevisionInfo[] {
    const c = this.get(id);
    return this.deps.store.revisions.list(c.id, options.limit ? { limit: options.limit } : {});
  }

  /** The revision live now: the last one applied (a failed, refused or rolled-back apply left it running);
   * null before the first. */
  liveRevision(id: string): number | null {
    const c = this.get(id);
    const revisions = this.deps.store.revisions;
    const live = revisions.latest
      ? revisions.latest(c.id, 'applied')
      : revisions.list(c.id, { limit: 1000 }).find((r) => r.result === 'applied');
    return live?.number ?? null;
  }

  /** The desired state revision `revision` applied: what a roll back to it applies again. */
  private rollbackState(id: string, revision: number): DesiredState {
    const c = this.get(id);
    const rev = this.deps.store.revisions.get(c.id, revision);
    if (!rev) throw new NotFoundError(`Compartment '${c.id}' has no revision ${revision}.`);
    if (!rev.state) throw new InvalidError(`Revision ${revision} of '${c.id}' kept no desired state to return to.`);
    return rev.state;
  }

  /** What rolling back to `revision` would change: the plan of its desired state against the files on the host
   * (the same plan an apply of it makes first). Changes nothing. */
  async rollbackPlan(
    id: string,
    revision: number,
  ): Promise<{ plan: Plan; diagnostics: FileReport[]; podmanVersion: string | null }> {
    return this.plan(id, this.rollbackState(id, revision));
  }

  /** Returns the compartment to the desired state of an earlier revision, as a new revision. */
  async rollback(id: string, revision: number, options: ApplyOptions): Promise<ApplyResult> {
    const state = this.rollbackState(id, revision);
    return this.applyState(state, { ...options, create: false, message: `roll back to revision ${revision}` });
  }

  /** The compartment's systemd units (services of its Quadlet files, and its own timers, sockets, services and
   * targets but not its templates), with their state. */
  async units(id: string, options: { withStatus?: boolean } = {}): Promise<UnitInfo[]> {
    const state = this.state(id);
    const rendered = render(state, this.deps.render);
    const out: UnitInfo[] = [];
    for (const [path, text] of rendered.files) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (areaOf(path) === 'systemd') {
        if (name !== `${state.id}.target` && !name.includes('@.')) out.push({ unit: name, source: name });
        continue;
      }
      const unit = serviceOf(name, text);
      if (unit) out.push({ unit, source: name });
    }
    out.sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
    if (options.withStatus && out.length > 0) {
      const host = await this.deps.hostFor(state.id);
      const statuses = await host.unitStatuses(out.map((u) => u.unit));
      for (const u of out) {
        const st = statuses.find((s) => s.unit === u.unit);
        if (st) u.status = st;
      }
      // the failed units' reasons side by side (each is a systemctl and a journal read as the user)
      await Promise.all(
        out
          .filter((u) => u.status?.activeState === 'failed')
          .map(async (u) => {
            const reason = await host.failureReason(u.unit).catch(() => undefined);
            if (reason !== undefined) u.failure = reason;
          }),
      );
    }
    return out;
  }

  /** The dependencies between the compartment's units and their start order, from its desired state. */
  dependencies(id: string): UnitGraph {
    return unitGraph(render(this.state(id), this.deps.render).files);
  }

  /** Starts, stops or restarts units of the compartment (all of them when none are named). */
  /** Runs the compartment's probes (its desired state's) now: the failures; none when all answer or it has none. */
  async probe(id: string): Promise<string[]> {
    const c = this.get(id);
    return this.deps.engine.probe(c.id, this.stateOrEmpty(c.id).probes);
  }

  async control(id: string, action: 'start' | 'stop' | 'restart', names: readonly string[] = []): Promise<UnitInfo[]> {
    const all = await this.units(id);
    const chosen = names.length === 0 ? all : names.map((n) => this.pick(all, n, id));
    const host = await this.deps.hostFor(this.get(id).id);
    const units = chosen.map((u) => u.unit);
    if (action === 'start') await host.startUnits(units);
    else if (action === 'stop') await host.stopUnits(units);
    else await host.restartUnits(units);
    return this.units(id, { withStatus: true }).then((us) => us.filter((u) => units.includes(u.unit)));
  }

  private pick(all: readonly UnitInfo[], name: string, id: string): UnitInfo {
    const found = all.find((u) => u.unit === name || u.source === name || u.unit === `${name}.service`);
    if (!found) {
      throw new NotFoundError(
        `Compartment '${id}' has no unit '${name}'. Its units: ${all.map((u) => u.unit).join(', ') || 'none'}.`,
      );
    }
    return found;
  }

  /** The state with a loopback port for each route (kept, shared or given: core/edge/ports.ts); throws
   * ConflictError when another compartment holds a route's host and path, or its port. */
  withRoutePorts(state: DesiredState): DesiredState {
    if (state.routes.length === 0 || !this.deps.heldRoutes) return state;
    // the loopback ports of other compartments' provided services are held like their published ports
    const provided: HeldPort[] = (this.deps.links?.allProvides() ?? []).flatMap((p) =>
      p.port === undefined || p.compartment === state.id
        ? []
        : [{ compartment: p.compartment, port: p.port, what: `service ${p.service}` }],
    );
    const published = [...this.publishedByOthers(state.id), ...provided];
    return { ...state, routes: assignRoutePorts(state.id, state.routes, this.deps.heldRoutes(), published) };
  }

  /** The host ports other compartments publish themselves (`PublishPort=`), as stored. */
  private publishedByOthers(id: CompartmentId): HeldPort[] {
    const published: HeldPort[] = [];
    for (const c of this.deps.store.compartments.list()) {
      if (c.id === id) continue;
      const other = this.deps.store.compartments.loadState(c.id);
      for (const p of other ? publishedPorts(other) : []) {
        if (p.hostPort && /^[0-9]+$/.test(p.hostPort)) {
          published.push({ compartment: c.id, port: Number(p.hostPort), what: `${p.unit} PublishPort=${p.value}` });
        }
      }
    }
    return published;
  }

  /** The state with its loopback ports: routes' (withRoutePorts), provided services' and uses' (withLinks). */
  placed(state: DesiredState): DesiredState {
    return this.withLinks(this.withRoutePorts(state));
  }

  /**
   * The state with a loopback port for each provided service (kept or given: core/edge/link-ports.ts) and the
   * provider's port for each use. Refuses (ConflictError) a use of a compartment or service that does not exist,
   * a port another compartment holds, and removing (or moving) a service another compartment uses.
   */
  withLinks(state: DesiredState): DesiredState {
    const links = this.deps.links;
    const used = (links?.allUses() ?? []).filter((u) => u.compartment === state.id && u.consumer !== state.id);
    if (!links) {
      if (state.provides.length > 0 || state.uses.length > 0) {
        throw new InvalidError('provides and uses need the loopback guard, which this quadletman does not have');
      }
      return state;
    }
    const taken: HeldPort[] = [];
    for (const r of this.deps.heldRoutes?.() ?? []) {
      if (r.port !== undefined)
        taken.push({ compartment: r.compartment, port: r.port, what: `route ${r.host}${r.path}` });
    }
    if (state.provides.length > 0) taken.push(...this.publishedByOthers(state.id));
    const provides = assignProvidePorts(
      state.id,
      state.provides,
      links.allProvides(),
      taken,
      state.routes.flatMap((r) => (r.port === undefined ? [] : [r.port])),
    );
    const problems: string[] = [];
    for (const p of provides) {
      const route = state.routes.find((r) => r.port === p.port);
      if (route)
        problems.push(`provides.${p.service}.port: ${p.port} is the port of its route ${route.host}${route.path}`);
    }
    const stored = links.allProvides().filter((p) => p.compartment === state.id);
    for (const u of used) {
      const now = provides.find((p) => p.service === u.service);
      const before = stored.find((p) => p.service === u.service);
      if (!now)
        problems.push(`provides.${u.service}: compartment '${u.consumer}' uses it (as ${u.as}); remove that use first`);
      else if (before?.port !== undefined && now.port !== before.port) {
        problems.push(
          `provides.${u.service}.port: compartment '${u.consumer}' uses it on ${before.port} (as ${u.as}); keep the port or remove that use first`,
        );
      }
    }
    const all = links.allProvides();
    const uses = state.uses.map((u, i) => {
      if (!this.deps.store.compartments.get(u.compartment as CompartmentId)) {
        problems.push(`uses[${i}].compartment: there is no compartment '${u.compartment}'`);
        return u;
      }
      const offered = all.filter((p) => p.compartment === u.compartment);
      const p = offered.find((o) => o.service === u.service);
      if (!p || p.port === undefined) {
        const list = offered.map((o) => o.service).join(', ');
        problems.push(
          `uses[${i}].service: compartment '${u.compartment}' provides no '${u.service}' (${list ? `it provides ${list}` : 'it provides nothing'})`,
        );
        return u;
      }
      return { ...u, port: p.port };
    });
    if (problems.length > 0) {
      throw new ConflictError(`The connections between compartments do not hold:\n${problems.join('\n')}`, {
        details: { problems },
      });
    }
    return { ...state, provides, uses };
  }

  private target(state: DesiredState): ApplyTarget {
    const r = render(state, this.deps.render);
    const applied = this.deps.store.compartments.loadState(state.id);
    return {
      compartment: state.id,
      files: { files: r.files, modes: r.modes },
      hostVolumes: r.hostVolumes,
      helperIds: r.helperIds,
      probes: state.probes,
      podmanVersion: state.podmanVersion,
      spec: state,
      routes: { desired: state.routes, applied: applied?.routes ?? [] },
      links: {
        desired: { provides: state.provides, uses: state.uses },
        applied: { provides: applied?.provides ?? [], uses: applied?.uses ?? [] },
      },
    };
  }
}

/** The audit details of a compartment's deletion: the grants and API tokens that went with it (when any). */
export function removedAccessDetails(removed: RemovedAccess): Record<string, unknown> {
  return {
    ...(removed.grants.length > 0 ? { removedGrants: removed.grants } : {}),
    ...(removed.tokens.length > 0 ? { removedTokens: removed.tokens } : {}),
  };
}

/** Deep equality of JSON-like values, object key order ignored (undefined members count as absent). */
function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .sort()
          .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
