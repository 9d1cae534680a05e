// The compartment aggregate: the compartment row and its desired state (units, volumes, files, secrets,
// registry logins, probes). `saveState` replaces the whole desired state in one transaction; the small methods
// read one part. Deleting a compartment also deletes the grants and API tokens scoped to it (see scope.ts).
import type { NetworkSection, UnitModel } from '@quadletman/quadlet';
import { and, asc, eq } from 'drizzle-orm';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { type CompartmentId, parseCompartmentId } from '../core/ids.js';
import type {
  BackupHookSpec,
  DesiredState,
  FileSpec,
  ProbeSpec,
  SecretSpec,
  UnitSpec,
  UpdatesMode,
  VolumeSpec,
} from '../core/spec.js';
import { type RouteOptions, type RouteSpec, routeOptions } from '../core/spec-routes.js';
import type { Db, Tx } from './db.js';
import * as t from './schema.js';

export interface Compartment {
  id: CompartmentId;
  description: string;
  podmanVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface UnitRow {
  name: string;
  type: string;
  format: UnitSpec['format'];
}

/** The grants and API tokens scoped to a compartment, deleted with it. */
export interface RemovedAccess {
  grants: { username: string; role: string }[];
  tokens: { id: string; name: string; username: string; role: string }[];
}

type Clock = () => Date;

function toCompartment(r: typeof t.compartments.$inferSelect): Compartment {
  return {
    id: parseCompartmentId(r.id, 'store: compartments.id'),
    description: r.description,
    podmanVersion: r.podmanVersion,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** A host folder volume from its row: its owner inside the container is kept in `options`. */
function hostVolumeFromRow(options: unknown): VolumeSpec {
  const owner = (options as { owner?: unknown } | null)?.owner;
  return typeof owner === 'number' && owner > 0 ? { kind: 'host', owner } : { kind: 'host' };
}

/** The `backup:` block's hook from its column (null: none). */
function backupFromRow(backup: unknown): Pick<DesiredState, 'backupHook'> {
  const hook = (backup as { hook?: BackupHookSpec } | null)?.hook;
  return hook ? { backupHook: hook } : {};
}

const unitType = (name: string) => name.slice(name.lastIndexOf('.') + 1);

function unitBody(u: UnitSpec): string {
  if (u.format === 'text') return u.text;
  if (u.format === 'timer') return JSON.stringify({ timer: u.timer, job: u.job });
  if (u.format === 'systemd') {
    const { format: _f, ...rest } = u;
    return JSON.stringify(rest);
  }
  // a container's image policy goes beside its model (older rows hold the model alone)
  if (u.pin !== undefined || u.updates !== undefined)
    return JSON.stringify({
      model: u.model,
      ...(u.pin ? { pin: u.pin } : {}),
      ...(u.updates ? { updates: u.updates } : {}),
    });
  return JSON.stringify(u.model);
}

function unitFromRow(r: typeof t.units.$inferSelect): UnitSpec {
  if (r.format === 'text') return { format: 'text', text: r.body };
  if (r.format === 'timer') {
    const { timer, job } = JSON.parse(r.body) as Omit<Extract<UnitSpec, { format: 'timer' }>, 'format'>;
    return { format: 'timer', timer, job };
  }
  if (r.format === 'systemd') {
    const body = JSON.parse(r.body) as Omit<Extract<UnitSpec, { format: 'systemd' }>, 'format'>;
    return { format: 'systemd', ...body };
  }
  const body = JSON.parse(r.body) as Record<string, unknown>;
  if (!('model' in body) || 'type' in body) return { format: 'model', model: body as unknown as UnitModel };
  const { model, pin, updates } = body as { model: UnitModel; pin?: string; updates?: UpdatesMode };
  return { format: 'model', model, ...(pin ? { pin } : {}), ...(updates ? { updates } : {}) };
}

/** A route as the `routes` table keeps it: its options (headers, basic auth, redirected names) in `options`. */
export function routeFromRow(r: typeof t.routes.$inferSelect): RouteSpec {
  const o = (r.options ?? null) as RouteOptions | null;
  return {
    host: r.host,
    path: r.path,
    to: r.target,
    ...(r.port ? { port: r.port } : {}),
    ...(o?.headers ? { headers: o.headers } : {}),
    ...(o?.basicAuth ? { basicAuth: o.basicAuth } : {}),
    ...(o?.redirectFrom ? { redirectFrom: o.redirectFrom } : {}),
  };
}

export class CompartmentRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly now: Clock = () => new Date(),
  ) {}

  get(id: CompartmentId): Compartment | undefined {
    const r = this.db.select().from(t.compartments).where(eq(t.compartments.id, id)).get();
    return r ? toCompartment(r) : undefined;
  }

  require(id: CompartmentId): Compartment {
    const c = this.get(id);
    if (!c) throw new NotFoundError(`compartment ${id} does not exist`, { details: { compartment: id } });
    return c;
  }

  list(): Compartment[] {
    return this.db.select().from(t.compartments).orderBy(asc(t.compartments.id)).all().map(toCompartment);
  }

  /** Creates an empty compartment (default network, nothing else). ConflictError when it exists. */
  create(c: { id: CompartmentId; description?: string; podmanVersion?: string | null }): Compartment {
    const at = this.now().toISOString();
    return this.tx(() => {
      const tx = this.db;
      if (tx.select({ id: t.compartments.id }).from(t.compartments).where(eq(t.compartments.id, c.id)).get()) {
        throw new ConflictError(`compartment ${c.id} already exists`, { details: { compartment: c.id } });
      }
      tx.insert(t.compartments)
        .values({
          id: c.id,
          description: c.description ?? '',
          podmanVersion: c.podmanVersion ?? null,
          network: {},
          createdAt: at,
          updatedAt: at,
        })
        .run();
      return this.require(c.id);
    });
  }

  /**
   * Deletes the compartment and everything it owns (desired state, revisions, journal), and the grants and API
   * tokens scoped to it, in one transaction. Returns those grants and tokens (for the audit log), or undefined
   * when there was no such compartment.
   */
  delete(id: CompartmentId): RemovedAccess | undefined {
    return this.tx(() => {
      const tx = this.db;
      const grants = tx
        .select({ username: t.grants.username, role: t.grants.role })
        .from(t.grants)
        .where(eq(t.grants.compartment, id))
        .orderBy(asc(t.grants.username))
        .all();
      const tokens = tx
        .select({ id: t.apiTokens.id, name: t.apiTokens.name, username: t.apiTokens.username, role: t.apiTokens.role })
        .from(t.apiTokens)
        .where(eq(t.apiTokens.compartment, id))
        .orderBy(asc(t.apiTokens.id))
        .all();
      // Deleted here in so many words; the trigger compartments_delete_access (scope.ts) would do it as well.
      tx.delete(t.grants).where(eq(t.grants.compartment, id)).run();
      tx.delete(t.apiTokens).where(eq(t.apiTokens.compartment, id)).run();
      if (tx.delete(t.compartments).where(eq(t.compartments.id, id)).run().changes === 0) return undefined;
      return { grants, tokens };
    });
  }

  /** Replaces the compartment's whole desired state (creating the compartment when new). */
  saveState(state: DesiredState): Compartment {
    const at = this.now().toISOString();
    const id = state.id;
    this.tx(() => {
      const tx = this.db;
      const existing = tx.select().from(t.compartments).where(eq(t.compartments.id, id)).get();
      const row = {
        description: state.description,
        podmanVersion: state.podmanVersion,
        network: state.network,
        backup: state.backupHook ? { hook: state.backupHook } : null,
        updatedAt: at,
      };
      if (existing) tx.update(t.compartments).set(row).where(eq(t.compartments.id, id)).run();
      else
        tx.insert(t.compartments)
          .values({ id, ...row, createdAt: at })
          .run();
      for (const table of [
        t.units,
        t.volumes,
        t.files,
        t.secrets,
        t.registryLogins,
        t.probes,
        t.routes,
        t.provides,
        t.uses,
      ]) {
        tx.delete(table).where(eq(table.compartmentId, id)).run();
      }
      const units = Object.entries(state.units).map(([name, u]) => ({
        compartmentId: id,
        name,
        type: unitType(name),
        format: u.format,
        body: unitBody(u),
      }));
      if (units.length) tx.insert(t.units).values(units).run();
      const volumes = Object.entries(state.volumes).map(([name, v]) => ({
        compartmentId: id,
        name,
        kind: v.kind,
        // a host folder's options hold its owner inside the container, when it has one
        options: v.kind === 'podman' ? v.options : v.owner ? { owner: v.owner } : null,
      }));
      if (volumes.length) tx.insert(t.volumes).values(volumes).run();
      const files = Object.entries(state.files).map(([path, f]) => ({
        compartmentId: id,
        path,
        location: f.in,
        content: f.content,
        mode: f.mode,
      }));
      if (files.length) tx.insert(t.files).values(files).run();
      const secrets = state.secrets.map((s) => ({
        compartmentId: id,
        name: s.name,
        description: s.description ?? null,
      }));
      if (secrets.length) tx.insert(t.secrets).values(secrets).run();
      const logins = state.registries.map((r) => ({ compartmentId: id, ...r }));
      if (logins.length) tx.insert(t.registryLogins).values(logins).run();
      const probes = state.probes.map((p) => {
        const { name, type, ...spec } = p;
        return { compartmentId: id, name, type, spec };
      });
      if (probes.length) tx.insert(t.probes).values(probes).run();
      const routes = state.routes.map((r) => ({
        compartmentId: id,
        host: r.host,
        path: r.path,
        target: r.to,
        port: r.port ?? null,
        options: routeOptions(r) ?? null,
      }));
      if (routes.length) tx.insert(t.routes).values(routes).run();
      const provides = state.provides.map((p) => ({
        compartmentId: id,
        service: p.service,
        target: p.to,
        port: p.port ?? null,
      }));
      if (provides.length) tx.insert(t.provides).values(provides).run();
      const uses = state.uses.map((u) => ({
        compartmentId: id,
        provider: u.compartment,
        service: u.service,
        as: u.as,
      }));
      if (uses.length) tx.insert(t.uses).values(uses).run();
    });
    return this.require(id);
  }

  /** The compartment's desired state, or undefined when the compartment does not exist. */
  loadState(id: CompartmentId): DesiredState | undefined {
    return this.tx(() => {
      const tx = this.db;
      const c = tx.select().from(t.compartments).where(eq(t.compartments.id, id)).get();
      if (!c) return undefined;
      const by = <T extends { compartmentId: unknown }>(table: T) =>
        eq((table as unknown as typeof t.units).compartmentId, id);
      const units = tx.select().from(t.units).where(by(t.units)).orderBy(asc(t.units.name)).all();
      const volumes = tx.select().from(t.volumes).where(by(t.volumes)).orderBy(asc(t.volumes.name)).all();
      const files = tx.select().from(t.files).where(by(t.files)).orderBy(asc(t.files.path)).all();
      const secrets = tx.select().from(t.secrets).where(by(t.secrets)).orderBy(asc(t.secrets.name)).all();
      const logins = tx
        .select()
        .from(t.registryLogins)
        .where(by(t.registryLogins))
        .orderBy(asc(t.registryLogins.registry))
        .all();
      const probes = tx.select().from(t.probes).where(by(t.probes)).orderBy(asc(t.probes.name)).all();
      const routes = tx
        .select()
        .from(t.routes)
        .where(by(t.routes))
        .orderBy(asc(t.routes.host), asc(t.routes.path))
        .all();
      const provides = tx.select().from(t.provides).where(by(t.provides)).orderBy(asc(t.provides.service)).all();
      const uses = tx.select().from(t.uses).where(by(t.uses)).orderBy(asc(t.uses.as)).all();
      // a use's port is the provider's, as stored now
      const portOf = (provider: string, service: string) =>
        tx
          .select({ port: t.provides.port })
          .from(t.provides)
          .where(and(eq(t.provides.compartmentId, provider), eq(t.provides.service, service)))
          .get()?.port ?? undefined;
      return {
        id: parseCompartmentId(c.id, 'store: compartments.id'),
        description: c.description,
        podmanVersion: c.podmanVersion,
        network: (c.network ?? null) as NetworkSection | null,
        ...backupFromRow(c.backup),
        units: Object.fromEntries(units.map((u) => [u.name, unitFromRow(u)])),
        volumes: Object.fromEntries(
          volumes.map((v): [string, VolumeSpec] => [
            v.name,
            v.kind === 'host' ? hostVolumeFromRow(v.options) : { kind: 'podman', options: (v.options ?? {}) as object },
          ]),
        ),
        files: Object.fromEntries(
          files.map((f): [string, FileSpec] => [f.path, { content: f.content, mode: f.mode, in: f.location }]),
        ),
        secrets: secrets.map(
          (s): SecretSpec => (s.description ? { name: s.name, description: s.description } : { name: s.name }),
        ),
        registries: logins.map((r) => ({ registry: r.registry, username: r.username })),
        probes: probes.map((p) => ({ name: p.name, type: p.type, ...(p.spec as object) }) as ProbeSpec),
        routes: routes.map(routeFromRow),
        provides: provides.map((p) => ({ service: p.service, to: p.target, ...(p.port ? { port: p.port } : {}) })),
        uses: uses.map((u) => {
          const port = portOf(u.provider, u.service);
          return { compartment: u.provider, service: u.service, as: u.as, ...(port ? { port } : {}) };
        }),
      };
    });
  }

  /** The units of a compartment: name, type and format (not their bodies). */
  listUnits(id: CompartmentId): UnitRow[] {
    return this.db
      .select({ name: t.units.name, type: t.units.type, format: t.units.format })
      .from(t.units)
      .where(eq(t.units.compartmentId, id))
      .orderBy(asc(t.units.name))
      .all();
  }

  /** One unit's spec. */
  getUnit(id: CompartmentId, name: string): UnitSpec | undefined {
    const r = this.db
      .select()
      .from(t.units)
      .where(and(eq(t.units.compartmentId, id), eq(t.units.name, name)))
      .get();
    return r ? unitFromRow(r) : undefined;
  }

  /** Secret names the compartment needs (values live in Podman only). */
  listSecrets(id: CompartmentId): SecretSpec[] {
    return this.db
      .select()
      .from(t.secrets)
      .where(eq(t.secrets.compartmentId, id))
      .orderBy(asc(t.secrets.name))
      .all()
      .map((s) => (s.description ? { name: s.name, description: s.description } : { name: s.name }));
  }

  listProbes(id: CompartmentId): ProbeSpec[] {
    return this.loadState(id)?.probes ?? [];
  }
}
