/**
 * The composition root: the one place that wires the store and the host adapters into the services. The CLI
 * and the HTTP server build their context here.
 */

import { ApplyEngine, type EngineOptions } from './core/apply/engine.js';
import { MemoryLocks } from './core/apply/lock.js';
import type { CompartmentId } from './core/ids.js';
import { DEFAULT_VOLUMES_ROOT } from './core/layout.js';
import type { RetryPolicy } from './core/notify/retry.js';
import { BackupService } from './core/service/backups.js';
import { BundleService } from './core/service/bundles.js';
import { CatalogService } from './core/service/catalog.js';
import { CompartmentService } from './core/service/compartments.js';
import { EdgeService } from './core/service/edge.js';
import { type ImageHostPort, ImageService } from './core/service/images.js';
import { type GuardHostPort, LinkService } from './core/service/links.js';
import { NotificationService } from './core/service/notifications.js';
import { type ResourceHostPort, ResourceService } from './core/service/resources.js';
import { TemplateService } from './core/service/templates.js';
import { UpdateService } from './core/service/updates.js';
import { UnattendedUpgrades, UpgradeService } from './core/service/upgrades.js';
import { readAdoptSource } from './host/adopt-source.js';
import { CaddyAdmin, requestThroughEdge } from './host/caddy-admin.js';
import { defaultCatalogDir, readCatalogFolders } from './host/catalog-source.js';
import { assertSystemdBooted, CombinedLocks, FileApplyLocks, HostCompartment } from './host/compartment-host.js';
import { HelperClient, HelperUserAccounts, HelperVolumes } from './host/helper/client.js';
import { HelperExec } from './host/helper/helper-exec.js';
import {
  createHostAdapters,
  type HostAdapters,
  type HostOptions,
  hostExec,
  selinuxEnabled,
  VolumeDirs,
  type VolumeFolders,
  volumeUsage,
} from './host/index.js';
import { LoopbackGuard } from './host/loopback-guard.js';
import { HostNotifyTransport, type NotifyTransportOptions } from './host/notify-transport.js';
import { readRegistriesConf } from './host/registries-conf.js';
import { RegistryCheck } from './host/registry-check.js';
import { Restic } from './host/restic.js';
import { type SelfBackupStatus, SelfBackups } from './host/self-backup.js';
import { userPodman } from './host/session.js';
import { resolveContainer } from './host/watch-terminal.js';
import { openStore, type Store } from './store/index.js';
import { SqliteRevisionStore } from './store/revision-store.js';

export interface AppOptions {
  /** Folder of the database (default /var/lib/quadletman). */
  dataDir?: string;
  /** Root of managed host volumes (default /var/lib/quadletman/volumes). */
  volumesRoot?: string;
  /** Folder of the cross-process apply locks (default /run/quadletman/locks). */
  locksDir?: string;
  host?: HostOptions;
  engine?: EngineOptions;
  /** The host's loopback guard (default: nftables as root, or through the helper; none otherwise). */
  guard?: GuardHostPort;
  /** The upgrades' health gate: settle window and timeout. */
  upgrades?: { settleMs?: number; healthTimeoutMs?: number };
  /** The privileged helper's socket: set when this process is not root (the installed server). Commands run as a
   * compartment user, compartment users themselves and volume folders then go through the helper. */
  helperSocket?: string;
  /** The app catalog's folder (default: the `catalog/` quadletman ships, or QUADLETMAN_CATALOG_DIR). */
  catalogDir?: string;
  /** How notifications are sent (HTTP timeout, the sendmail program) and retried (default: core/notify/retry.ts). */
  notify?: NotifyTransportOptions & { retry?: RetryPolicy };
}

export interface AppContext {
  store: Store;
  host: HostAdapters;
  engine: ApplyEngine;
  /** quadletman's Caddy: routes of every compartment, loaded whole through its admin socket. */
  edge: EdgeService;
  /** Connections between compartments and the loopback guard that enforces them and guards route ports. */
  links: LinkService;
  compartments: CompartmentService;
  resources: ResourceService;
  images: ImageService;
  updates: UpdateService;
  upgrades: UpgradeService;
  /** The unattended upgrades the server's update schedule runs after each check. */
  unattended: UnattendedUpgrades;
  bundles: BundleService;
  /** Saved templates, and compartments created from them. */
  templates: TemplateService;
  /** The app catalog quadletman ships. */
  catalog: CatalogService;
  /** Backups of compartments' data (restic). */
  backups: BackupService;
  /** Notification channels and deliveries. Services report events with `notifications.emit({...})`; `serve`
   * calls `start()` to resume pending deliveries. */
  notifications: NotificationService;
  /** quadletman's own backups (root's: through the helper when this process is not root). */
  selfBackup: SelfBackupControl;
  /** The privileged helper's client, when this process works without root. */
  helper?: HelperClient;
  close(): void;
}

/** What the server may do with quadletman's own backups: read their state (no secrets) and start one. */
export interface SelfBackupControl {
  status(): Promise<SelfBackupStatus>;
  start(): Promise<void>;
}

export function createApp(options: AppOptions = {}): AppContext {
  const store = openStore(options.dataDir ? { dataDir: options.dataDir } : {});
  // ── Notifications: channels and the delivery log in the store; HTTP and sendmail through the host's transport.
  // Made first, so that every service below can be given it and report events with `notifications.emit(...)`.
  // Nothing is sent until an event is emitted; `serve` resumes the deliveries a stop left pending (start()).
  const { retry, ...transport } = options.notify ?? {};
  const notifications = new NotificationService({
    store: store.notifications,
    transport: new HostNotifyTransport(transport),
    ...(retry ? { retry } : {}),
    compartmentExists: (id) => store.compartments.get(id as CompartmentId) !== undefined,
  });
  // ── (end of notifications)

  const helper = options.helperSocket ? new HelperClient(options.helperSocket) : undefined;
  const host = createHostAdapters({
    ...options.host,
    ...(helper ? { exec: new HelperExec(helper, options.host?.exec ?? hostExec) } : {}),
  });
  const volumesRoot = options.volumesRoot ?? DEFAULT_VOLUMES_ROOT;
  // how every service renders: declared host volumes get a relabel option on SELinux hosts
  const renderOptions = { volumesRoot, selinux: selinuxEnabled() };
  const volumes: VolumeFolders = helper
    ? new HelperVolumes(helper, volumesRoot)
    : new VolumeDirs(host.exec, volumesRoot);
  const hostFor = async (id: string) =>
    new HostCompartment(await host.users.sessionFor(id as CompartmentId), {
      exec: host.exec,
      systemd: host.systemd,
      generator: host.generator,
      volumes,
      helperUsers: helper ? new HelperUserAccounts(helper) : { sync: (c, ids) => host.users.syncHelperUsers(c, ids) },
    });
  const locks = new CombinedLocks([new MemoryLocks(), new FileApplyLocks(options.locksDir)]);
  const anyApplyRunning = async () => {
    for (const c of store.compartments.list()) {
      const release = await locks.acquire(c.id, false).catch(() => undefined);
      if (!release) return true;
      release();
    }
    return false;
  };
  const edge = new EdgeService({
    store: store.edge,
    admin: (socket) => new CaddyAdmin(socket),
    request: requestThroughEdge,
    // an apply may be loading its routes: sync leaves the edge alone while any compartment's lock is held
    busy: anyApplyRunning,
  });
  // ── Connections between compartments: the loopback guard (nftables) as root, through the helper when this process
  // is not root; none where neither can load it (a developer's unprivileged server).
  const guardHost: GuardHostPort | undefined = options.guard
    ? options.guard
    : helper
      ? {
          apply: async (ports) =>
            void (await helper.call('loopback-guard', { ports: ports.map((p) => ({ ...p })) as never })),
        }
      : process.getuid?.() === 0
        ? new LoopbackGuard(host.exec, host.users)
        : undefined;
  const links = new LinkService({
    store: {
      allRoutes: () => store.edge.allRoutes(),
      allProvides: () => store.links.allProvides(),
      allUses: () => store.links.allUses(),
    },
    ...(guardHost ? { guard: guardHost } : {}),
    busy: anyApplyRunning,
  });
  const engine = new ApplyEngine(hostFor, new SqliteRevisionStore(store), locks, {
    ...options.engine,
    edge,
    guard: links,
  });
  const compartments = new CompartmentService({
    store,
    accounts: {
      create: async (id) => {
        if (helper) return void (await helper.call('compartment-create', { id }));
        await assertSystemdBooted();
        await host.users.create(id);
      },
      delete: async (id) => {
        if (helper) await helper.call('compartment-delete', { id });
        else await host.users.delete(id);
      },
      exists: async (id) => (await host.users.lookup(`qm-${id}`)) !== undefined,
    },
    volumes: { removeAll: (id) => volumes.removeAll(id) },
    hostFor,
    engine,
    render: renderOptions,
    resolveDigest: (id, image) => resolveDigest(id, image),
    notify: (e) => void notifications.emit(e),
    heldRoutes: () => edge.held(),
    links: store.links,
  });
  const bundles = new BundleService({ compartments, readSource: readAdoptSource, render: renderOptions });
  const resources = new ResourceService({
    compartments,
    hostFor,
    revisions: store.revisions,
    host: resourceHost(host, volumes),
    volumesRoot,
  });
  const templates = new TemplateService({
    store: store.templates,
    compartments,
    secrets: resources,
    render: renderOptions,
  });
  const catalogDir = options.catalogDir ?? defaultCatalogDir();
  const catalog = new CatalogService({
    read: async () => (catalogDir ? readCatalogFolders(catalogDir) : []),
    templates,
    store: store.templates,
  });
  const restic = new Restic(host.exec);
  const sessionOf = (id: CompartmentId) => host.users.sessionFor(id);
  const backups = new BackupService({
    compartments,
    store: store.backups,
    volumesRoot,
    locks,
    host: {
      home: async (id) => (await sessionOf(id)).home,
      podmanVolumes: async (id) =>
        (await host.podman.volumes(await sessionOf(id))).map((v) => ({ name: v.name, mountpoint: v.mountpoint })),
      init: async (id, repo, pw) => restic.init(await sessionOf(id), repo, pw),
      sshSetup: async (id, l, scan) => restic.sshSetup(await sessionOf(id), l, scan),
      setAccess: async (id, l, credentials) => restic.setAccess(await sessionOf(id), l, credentials),
      backup: async (id, repo, pw, paths, tags, onStatus) =>
        restic.backup(await sessionOf(id), repo, pw, paths, tags, onStatus),
      snapshots: async (id, repo, pw) => restic.snapshots(await sessionOf(id), repo, pw),
      restore: async (id, repo, pw, snap, target, o) => restic.restore(await sessionOf(id), repo, pw, snap, target, o),
      grantRead: async (source, reader, paths) =>
        restic.grantRead(await sessionOf(source), (await sessionOf(reader)).user, paths),
      revokeRead: async (source, reader, paths) =>
        restic.revokeRead(await sessionOf(source), (await sessionOf(reader)).user, paths),
      ls: async (id, repo, pw, snap, path) => restic.ls(await sessionOf(id), repo, pw, snap, path),
      restoreFiles: async (id, repo, pw, snap, target, includes) =>
        restic.restoreFiles(await sessionOf(id), repo, pw, snap, target, includes),
      putStaged: async (id, f) => restic.putStaged(await sessionOf(id), f),
      check: async (id, repo, pw) => restic.check(await sessionOf(id), repo, pw),
      forget: async (id, repo, pw, tag, keep) => restic.forget(await sessionOf(id), repo, pw, tag, keep),
      swapContents: async (id, dirs) => restic.swapContents(await sessionOf(id), dirs),
      removeTrees: async (id, paths) => restic.removeTrees(await sessionOf(id), paths),
      execInContainer: async (id, unit, argv, timeoutMs) => {
        const s = await sessionOf(id);
        const container = await resolveContainer(host.exec, s, unit);
        const r = await host.exec.run(userPodman(s, ['exec', '--', container, ...argv]), {
          timeoutMs,
          expectCodes: Array.from({ length: 256 }, (_, i) => i),
        });
        return { code: r.code, output: `${r.stdout}${r.stderr}` };
      },
    },
  });
  const images = new ImageService({ compartments, host: imageHost(host), locks, render: renderOptions });
  const registryCheck = new RegistryCheck(host.exec);
  const updates = new UpdateService({
    compartments,
    checks: store.imageChecks,
    host: {
      imagesJson: async (id) => host.podman.imagesJson(await host.users.sessionFor(id)),
      registryCheck: async (id, list) => registryCheck.check(await host.users.sessionFor(id), list),
    },
    render: renderOptions,
    notify: (e) => void notifications.emit(e),
  });
  // the digest an image's name points to at its registry now (pins): one manifest HEAD, as the compartment user
  const resolveDigest = async (id: CompartmentId, image: string): Promise<string> => {
    const [r] = await registryCheck.check(await host.users.sessionFor(id), [image]);
    if (!r) throw new Error('the registry gave no answer');
    if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
    return r.digest;
  };
  const upgrades = new UpgradeService({
    compartments,
    resolveDigest,
    render: renderOptions,
    afterUpgrade: (id) => updates.check(id),
    backupBefore: (id, units) => backups.beforeUpgrade(id, units),
    ...options.upgrades,
  });
  const unattended = new UnattendedUpgrades(upgrades);
  const selfBackup: SelfBackupControl = helper
    ? {
        status: async () => (await helper.call('self-backup-status', {})) as SelfBackupStatus,
        start: async () => void (await helper.call('self-backup-start', {})),
      }
    : new SelfBackups({ exec: host.exec, dbPath: store.path });

  const close = () => {
    notifications.stop();
    helper?.close();
    store.close();
  };
  return {
    store,
    host,
    engine,
    edge,
    links,
    compartments,
    bundles,
    templates,
    catalog,
    backups,
    resources,
    images,
    updates,
    upgrades,
    unattended,
    notifications,
    selfBackup,
    close,
    ...(helper ? { helper } : {}),
  };
}

/** Volumes, secrets and registry logins of a compartment, through its Podman and `du`/`stat`, as its user. */
function resourceHost(host: HostAdapters, volumes: VolumeFolders): ResourceHostPort {
  const session = (id: CompartmentId) => host.users.sessionFor(id);
  return {
    podmanVolumes: async (id) =>
      (await host.podman.volumes(await session(id))).map((v) => ({ name: v.name, mountpoint: v.mountpoint })),
    removePodmanVolume: async (id, name) => host.podman.removeVolume(await session(id), name),
    removeHostVolume: async (id, name) => volumes.remove(await session(id), id, name),
    hostVolumes: (id) => volumes.list(id),
    usage: async (id, paths) => volumeUsage(host.exec, await session(id), paths),
    secrets: async (id) => (await host.podman.secrets(await session(id))).map((s) => s.name),
    createSecret: async (id, name, value, replace) =>
      host.podman.createSecret(await session(id), name, value, { replace }),
    removeSecret: async (id, name) => host.podman.removeSecret(await session(id), name),
    login: async (id, registry, username, password) =>
      host.podman.login(await session(id), registry, username, password),
    logout: async (id, registry) => host.podman.logout(await session(id), registry),
    loginName: async (id, registry) => host.podman.loginName(await session(id), registry),
  };
}

/** A compartment's images through its Podman, as its user; registries.conf read from /etc/containers. */
function imageHost(host: HostAdapters): ImageHostPort {
  const session = (id: CompartmentId) => host.users.sessionFor(id);
  return {
    imagesJson: async (id) => host.podman.imagesJson(await session(id)),
    removeImage: async (id, ref) => host.podman.removeImage(await session(id), ref),
    registriesConf: () => readRegistriesConf(),
  };
}
