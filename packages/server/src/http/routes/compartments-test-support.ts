/**
 * Test support for the route modules (and the API benchmark): an AppContext over a real store on a temporary
 * database with every host port faked at the composition root (core/apply's FakeHost per compartment, a
 * resource host and an image host in memory, a FakeExec for the doctor), and a bare Fastify instance with the zod type provider,
 * the one error handler, and a fake guard and audit log that follow http/types.ts: the principal is the user
 * named by the `x-test-user` header, with a global role and/or roles per compartment.
 */

import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app.js';
import { ApplyEngine } from '../../core/apply/engine.js';
import { FakeEdgeAdmin, FakeHost } from '../../core/apply/fakes.js';
import { MemoryLocks } from '../../core/apply/lock.js';
import type { GuardedPort } from '../../core/edge/guard.js';
import { CommandError, ConflictError, NotFoundError } from '../../core/errors.js';
import type { CompartmentId } from '../../core/ids.js';
import { BackupService } from '../../core/service/backups.js';
import { type AdoptSource, BundleService } from '../../core/service/bundles.js';
import { type CatalogFolderText, CatalogService } from '../../core/service/catalog.js';
import { CompartmentService } from '../../core/service/compartments.js';
import { EdgeService } from '../../core/service/edge.js';
import { ImageService } from '../../core/service/images.js';
import { FakeImageHost, FakeRegistry } from '../../core/service/images.test-support.js';
import { LinkService } from '../../core/service/links.js';
import { NotificationService, type NotifyTransport } from '../../core/service/notifications.js';
import { type ResourceHostPort, ResourceService } from '../../core/service/resources.js';
import { TemplateService } from '../../core/service/templates.js';
import { UpdateService } from '../../core/service/updates.js';
import { UnattendedUpgrades, UpgradeService } from '../../core/service/upgrades.js';
import { FakeExec } from '../../host/fake-exec.js';
import { createHostAdapters } from '../../host/index.js';
import { openStore } from '../../store/index.js';
import { SqliteRevisionStore } from '../../store/revision-store.js';
import { errorHandler } from '../errors.js';
import type { AuditEntry, Guard, Role, RoutePlugin } from '../types.js';
import { applyRoutes } from './apply.js';
import { backupRoutes } from './backups.js';
import { catalogRoutes } from './catalog.js';
import { compartmentRoutes } from './compartments.js';
import { bundleRoutes } from './compartments-bundles.js';
import { connectionRoutes } from './connections.js';
import { edgeRoutes } from './edge.js';
import { explainRoutes } from './explain.js';
import { imageRoutes } from './images.js';
import { notificationRoutes } from './notifications.js';
import { resourceRoutes } from './resources.js';
import { systemRoutes } from './system.js';
import { templateRoutes } from './templates.js';
import { unitRoutes } from './units.js';
import { updateRoutes } from './updates.js';

export const VOLUMES_ROOT = '/srv/qm-volumes';

/** Volumes, secrets and logins of compartments, in memory. Secret values are kept to prove they arrived. */
export class FakeResourceHost implements ResourceHostPort {
  podman = new Map<string, { name: string; mountpoint: string }[]>();
  /** path → usage of host paths that exist. */
  paths = new Map<string, { bytes: number; owner: string }>();
  secretValues = new Map<string, Map<string, string>>();
  logins = new Map<string, Map<string, { username: string; password: string }>>();
  calls: string[] = [];

  async podmanVolumes(id: CompartmentId) {
    return this.podman.get(id) ?? [];
  }
  async removePodmanVolume(id: CompartmentId, name: string) {
    this.calls.push(`volume rm ${id} ${name}`);
    this.podman.set(
      id,
      (this.podman.get(id) ?? []).filter((v) => v.name !== name),
    );
  }
  async removeHostVolume(id: CompartmentId, name: string) {
    this.calls.push(`host volume rm ${id} ${name}`);
    this.paths.delete(`${VOLUMES_ROOT}/${id}/${name}`);
  }
  async hostVolumes(id: CompartmentId) {
    const prefix = `${VOLUMES_ROOT}/${id}/`;
    return [...this.paths.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  }
  async usage(_id: CompartmentId, paths: readonly string[]) {
    const out = new Map<string, { bytes: number; owner: string }>();
    for (const p of paths) {
      const u = this.paths.get(p);
      if (u) out.set(p, u);
    }
    return out;
  }
  async secrets(id: CompartmentId) {
    return [...(this.secretValues.get(id)?.keys() ?? [])];
  }
  async createSecret(id: CompartmentId, name: string, value: string) {
    this.calls.push(`secret create ${id} ${name}`);
    const m = this.secretValues.get(id) ?? new Map<string, string>();
    this.secretValues.set(id, m);
    m.set(name, value);
  }
  async removeSecret(id: CompartmentId, name: string) {
    this.calls.push(`secret rm ${id} ${name}`);
    this.secretValues.get(id)?.delete(name);
  }
  async login(id: CompartmentId, registry: string, username: string, password: string) {
    this.calls.push(`login ${id} ${registry} ${username}`);
    const m = this.logins.get(id) ?? new Map<string, { username: string; password: string }>();
    this.logins.set(id, m);
    m.set(registry, { username, password });
  }
  async logout(id: CompartmentId, registry: string) {
    this.calls.push(`logout ${id} ${registry}`);
    this.logins.get(id)?.delete(registry);
  }
  async loginName(id: CompartmentId, registry: string) {
    return this.logins.get(id)?.get(registry)?.username;
  }
}

export interface TestContext {
  app: AppContext;
  /** The fake host of each compartment (created on first use). */
  hosts: Map<string, FakeHost>;
  accounts: Set<string>;
  resourceHost: FakeResourceHost;
  imageHost: FakeImageHost;
  registry: FakeRegistry;
  exec: FakeExec;
  /** The edge's Caddy, in memory. */
  edgeAdmin: FakeEdgeAdmin;
  /** Every guard the fake host was given, oldest first. */
  guardLoads: GuardedPort[][];
  /** Set `error` to make every load of the fake guard fail with it. */
  guardFailure: { error?: Error };
  /** What the default notification transport was given. */
  notifyCalls: unknown[];
  /** The backup before each upgrade (null, none: the default), as BackupService.beforeUpgrade would answer. */
  upgradeBackup: { fn?: (id: string, units: readonly string[]) => Promise<{ snapshot: string; mode: string } | null> };
  close(): void;
}

/**
 * An AppContext over a database in `dataDir` (a temporary folder the caller owns; default: in memory);
 * nothing touches the machine.
 */
export function createTestContext(
  options: {
    dataDir?: string;
    /** How notifications leave (default: every HTTP request answered 204, every mail accepted). */
    notifyTransport?: NotifyTransport;
    hostFor?: (id: string) => FakeHost;
    /** The folders adopt reads (by path). */
    folders?: Record<string, AdoptSource>;
    /** The catalog's app folders. */
    catalog?: CatalogFolderText[];
  } = {},
): TestContext {
  const store = openStore(options.dataDir ? { dataDir: options.dataDir } : { path: ':memory:' });
  const exec = new FakeExec();
  const host = createHostAdapters({ exec });
  const hosts = new Map<string, FakeHost>();
  const hostOf = (id: string): FakeHost => {
    let h = hosts.get(id);
    if (!h) {
      h = options.hostFor?.(id) ?? new FakeHost();
      hosts.set(id, h);
    }
    return h;
  };
  const accounts = new Set<string>();
  const registry = new FakeRegistry();
  const hostFor = async (id: string) => {
    if (!accounts.has(id)) throw new NotFoundError(`compartment user qm-${id} does not exist`);
    return hostOf(id);
  };
  const locks = new MemoryLocks();
  const edgeAdmin = new FakeEdgeAdmin();
  const edge = new EdgeService({
    store: store.edge,
    admin: () => edgeAdmin,
    request: (r) => edgeAdmin.request(r),
  });
  const guardLoads: GuardedPort[][] = [];
  const guardFailure: { error?: Error } = {};
  const links = new LinkService({
    store: {
      allRoutes: () => store.edge.allRoutes(),
      allProvides: () => store.links.allProvides(),
      allUses: () => store.links.allUses(),
    },
    guard: {
      apply: async (ports) => {
        if (guardFailure.error) throw guardFailure.error;
        guardLoads.push([...ports]);
      },
    },
  });
  const engine = new ApplyEngine(hostFor, new SqliteRevisionStore(store), locks, {
    settleMs: 0,
    pollMs: 0,
    verifyTimeoutMs: 0,
    sleep: async () => {},
    edge,
    guard: links,
  });
  const render = { volumesRoot: VOLUMES_ROOT };
  const compartments = new CompartmentService({
    store,
    accounts: {
      create: async (id) => accounts.add(id),
      delete: async (id) => {
        accounts.delete(id);
      },
      exists: async (id) => accounts.has(id),
    },
    volumes: { removeAll: async () => {} },
    hostFor,
    engine,
    render,
    notify: (e) => void notifications.emit(e),
    heldRoutes: () => edge.held(),
    links: store.links,
    resolveDigest: async (id, image) => {
      const [r] = await registry.check(id, [image]);
      if (!r?.ok) throw new Error(r ? `${r.code}: ${r.message}` : 'no answer');
      return r.digest;
    },
  });
  const upgradeBackup: TestContext['upgradeBackup'] = {};
  const upgrades = new UpgradeService({
    compartments,
    resolveDigest: async (id, image) => {
      const [r] = await registry.check(id, [image]);
      if (!r?.ok) throw new Error(r ? `${r.code}: ${r.message}` : 'no answer');
      return r.digest;
    },
    render,
    settleMs: 0,
    healthTimeoutMs: 10_000,
    backupBefore: async (id, units) => (upgradeBackup.fn ? upgradeBackup.fn(id, units) : null),
  });
  const resourceHost = new FakeResourceHost();
  const resources = new ResourceService({
    compartments,
    hostFor,
    revisions: store.revisions,
    host: resourceHost,
    volumesRoot: VOLUMES_ROOT,
  });
  const imageHost = new FakeImageHost();
  const images = new ImageService({ compartments, host: imageHost, locks, render });
  const updates = new UpdateService({
    compartments,
    checks: store.imageChecks,
    host: { imagesJson: (id) => imageHost.imagesJson(id), registryCheck: (id, list) => registry.check(id, list) },
    render,
    notify: (e) => void notifications.emit(e),
  });
  const bundles = new BundleService({
    compartments,
    readSource: async (d) => {
      const folder = options.folders?.[d];
      if (!folder) throw new NotFoundError(`There is no folder ${d}.`);
      return folder;
    },
    render,
  });
  const templates = new TemplateService({ store: store.templates, compartments, secrets: resources, render });
  const catalog = new CatalogService({
    read: async () => options.catalog ?? [],
    templates,
    store: store.templates,
  });
  // (no restic in the route tests: every call of the backup host fails as a restic command that failed would)
  const noRestic = async (): Promise<never> => {
    throw new CommandError({
      argv: ['restic'],
      exitCode: 1,
      signal: null,
      stdout: '',
      stderr: 'restic is not part of the route tests',
      timedOut: false,
    });
  };
  const backups = new BackupService({
    compartments,
    store: store.backups,
    volumesRoot: VOLUMES_ROOT,
    host: {
      home: noRestic,
      podmanVolumes: noRestic,
      init: noRestic,
      sshSetup: noRestic,
      setAccess: async () => undefined,
      backup: noRestic,
      snapshots: noRestic,
      restore: noRestic,
      grantRead: noRestic,
      revokeRead: noRestic,
      execInContainer: noRestic,
      ls: noRestic,
      restoreFiles: noRestic,
      putStaged: noRestic,
      check: noRestic,
      forget: noRestic,
      swapContents: noRestic,
      removeTrees: noRestic,
    },
  });
  const notifyCalls: Parameters<NotifyTransport['http'] | NotifyTransport['sendmail']>[0][] = [];
  const notifications = new NotificationService({
    store: store.notifications,
    transport: options.notifyTransport ?? {
      http: async (m) => {
        notifyCalls.push(m);
        return { status: 204, body: '' };
      },
      sendmail: async (m) => {
        notifyCalls.push(m);
        return { exitCode: 0, stderr: '' };
      },
    },
    compartmentExists: (id) => store.compartments.get(id as CompartmentId) !== undefined,
    retry: { delaysMs: [] },
  });
  const app: AppContext = {
    store,
    host,
    engine,
    edge,
    links,
    compartments,
    resources,
    images,
    updates,
    upgrades,
    unattended: new UnattendedUpgrades(upgrades),
    bundles,
    templates,
    catalog,
    backups,
    notifications,
    // root's own backups: none set, no timer; a test replaces it to say more
    selfBackup: {
      status: async () => ({
        repository: null,
        snapshots: [],
        lastRun: null,
        schedule: { installed: false, next: null, running: false },
      }),
      start: async () => {
        throw new ConflictError("no repository for quadletman's own backups yet");
      },
    },
    close: () => {
      notifications.stop();
      store.close();
    },
  };
  return {
    app,
    hosts,
    accounts,
    resourceHost,
    imageHost,
    registry,
    exec,
    edgeAdmin,
    guardLoads,
    guardFailure,
    notifyCalls,
    upgradeBackup,
    close: () => {
      notifications.stop();
      store.close();
    },
  };
}

export const ROUTE_PLUGINS: readonly RoutePlugin[] = [
  compartmentRoutes,
  applyRoutes,
  unitRoutes,
  resourceRoutes,
  imageRoutes,
  updateRoutes,
  notificationRoutes,
  systemRoutes,
  bundleRoutes,
  templateRoutes,
  catalogRoutes,
  backupRoutes,
  edgeRoutes,
  connectionRoutes,
  explainRoutes,
];

export interface TestUser {
  global?: Role;
  /** Roles per compartment id. */
  grants?: Record<string, Role>;
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export interface TestServer {
  server: FastifyInstance;
  audits: (AuditEntry & { user: string | undefined })[];
  /** Every line the server logged. */
  logs: string[];
  /** `METHOD url` of every route the plugins registered (HEAD left out). */
  routes: string[];
  /** inject as a user (or nobody). */
  as(
    user: string | undefined,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

/** A bare Fastify server with the route plugins, a fake guard (users by `x-test-user`) and an audit log. */
export async function createTestServer(
  app: AppContext,
  users: Record<string, TestUser>,
  plugins: readonly RoutePlugin[] = ROUTE_PLUGINS,
): Promise<TestServer> {
  const logs: string[] = [];
  const audits: TestServer['audits'] = [];
  const server = Fastify({
    logger: { level: process.env.QM_TEST_LOG_LEVEL ?? 'trace', stream: { write: (line: string) => logs.push(line) } },
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  server.setErrorHandler(errorHandler);
  const routes: string[] = [];
  server.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push(`${m} ${r.url}`);
  });
  server.addHook('onRequest', async (req) => {
    const name = req.headers['x-test-user'];
    if (typeof name === 'string' && users[name]) req.principal = { kind: 'session', username: name, address: req.ip };
  });
  const guard: Guard = (role, options) => async (req, reply) => {
    const p = req.principal;
    if (!p) {
      await reply.status(401).send({ error: { code: 'unauthorized', message: 'Log in first.' } });
      return;
    }
    const user = users[p.username]!;
    const param = options?.compartmentParam === false ? undefined : (options?.compartmentParam ?? 'id');
    const field = options?.compartmentField;
    const named = field ? (req.body as Record<string, string> | undefined)?.[field] : undefined;
    if (field && named === undefined) return;
    const compartment = field ? named : param ? (req.params as Record<string, string> | undefined)?.[param] : undefined;
    const held = Math.max(
      user.global ? RANK[user.global] : 0,
      compartment && user.grants?.[compartment] ? RANK[user.grants[compartment]] : 0,
    );
    if (held < RANK[role]) {
      await reply.status(403).send({ error: { code: 'forbidden', message: `This needs the ${role} role.` } });
    }
  };
  const audit = (req: { principal?: { username: string } }, entry: AuditEntry) =>
    audits.push({ ...entry, user: req.principal?.username });
  for (const plugin of plugins) await server.register(async (i) => plugin(i, { app, guard, audit }));
  await server.ready();
  return {
    server,
    audits,
    logs,
    routes,
    as: (user, method, url, body, headers = {}) =>
      server.inject({
        method: method as 'GET',
        url,
        headers: { ...(user ? { 'x-test-user': user } : {}), ...headers },
        ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
      }),
  };
}

/** A spec with `n` containers (and a host volume, a config file, a secret and a registry login). */
export function specText(id: string, n = 2, tag = '1'): string {
  const units = Array.from(
    { length: n },
    (_, i) =>
      `  c${i}.container:\n    container: { image: localhost/app:${tag}, exec: [sleep, infinity], volume: ["data:/data"] }\n`,
  ).join('');
  return [
    `compartment: ${id}`,
    'units:',
    units.trimEnd(),
    'volumes:',
    '  data: {}',
    'files:',
    '  app.env: { content: "A=1\\n", mode: 0o600 }',
    'secrets: [db-password]',
    'registries: [{ registry: quay.io, username: bob }]',
    '',
  ].join('\n');
}
