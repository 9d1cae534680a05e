/**
 * The composition root: the one place that wires the store and the host adapters into the services. The CLI
 * and the HTTP server build their context here.
 */
import { ApplyEngine, type EngineOptions } from './core/apply/engine.js';
import { MemoryLocks } from './core/apply/lock.js';
import type { CompartmentId } from './core/ids.js';
import { DEFAULT_VOLUMES_ROOT } from './core/layout.js';
import { BundleService } from './core/service/bundles.js';
import { CompartmentService } from './core/service/compartments.js';
import { readAdoptSource } from './host/adopt-source.js';
import {
  assertSystemdBooted,
  CombinedLocks,
  FileApplyLocks,
  HostCompartment,
  removeHostVolumes,
} from './host/compartment-host.js';
import { createHostAdapters, type HostAdapters, type HostOptions } from './host/index.js';
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
}

export interface AppContext {
  store: Store;
  host: HostAdapters;
  engine: ApplyEngine;
  compartments: CompartmentService;
  bundles: BundleService;
  close(): void;
}

export function createApp(options: AppOptions = {}): AppContext {
  const store = openStore(options.dataDir ? { dataDir: options.dataDir } : {});
  const host = createHostAdapters(options.host);
  const volumesRoot = options.volumesRoot ?? DEFAULT_VOLUMES_ROOT;
  const hostFor = async (id: string) =>
    new HostCompartment(await host.users.sessionFor(id as CompartmentId), {
      systemd: host.systemd,
      generator: host.generator,
      volumesRoot,
    });
  const locks = new CombinedLocks([new MemoryLocks(), new FileApplyLocks(options.locksDir)]);
  const engine = new ApplyEngine(hostFor, new SqliteRevisionStore(store), locks, options.engine);
  const compartments = new CompartmentService({
    store,
    accounts: {
      create: async (id) => {
        await assertSystemdBooted();
        return host.users.create(id);
      },
      delete: (id) => host.users.delete(id),
      exists: async (id) => (await host.users.lookup(`qm-${id}`)) !== undefined,
    },
    volumes: { removeAll: (id) => removeHostVolumes(volumesRoot, id) },
    hostFor,
    engine,
    render: { volumesRoot },
  });
  const bundles = new BundleService({ compartments, readSource: readAdoptSource, render: { volumesRoot } });
  return { store, host, engine, compartments, bundles, close: () => store.close() };
}
