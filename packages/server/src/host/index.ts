// The host layer's public API: every adapter with side effects on the machine. Services receive these
// through the composition root (see createHostAdapters); nothing outside host/ imports node:fs or
// node:child_process.

export * from './busybox-image.js';
export * from './doctor.js';
export * from './exec.js';
export * from './fake-exec.js';
export * from './fs.js';
export * from './generator.js';
export * from './journal.js';
export * from './lock.js';
export * from './podman.js';
export * from './registry-check.js';
export * from './session.js';
export * from './storage-conf.js';
export * from './subid.js';
export * from './systemd.js';
export * from './unit-files.js';
export * from './user-files.js';
export * from './users.js';
export * from './volume-dirs.js';

import { type Exec, hostExec } from './exec.js';
import { QuadletGenerator } from './generator.js';
import { Journal } from './journal.js';
import { Podman } from './podman.js';
import { DEFAULT_SUBID_PATHS, SubidAllocator, type SubidPaths } from './subid.js';
import { UserSystemd } from './systemd.js';
import { CompartmentUsers } from './users.js';

export interface HostAdapters {
  exec: Exec;
  users: CompartmentUsers;
  subids: SubidAllocator;
  systemd: UserSystemd;
  podman: Podman;
  journal: Journal;
  generator: QuadletGenerator;
}

export interface HostOptions {
  exec?: Exec;
  homeBase?: string;
  subidPaths?: SubidPaths;
  generatorBinary?: string;
  managerTimeoutMs?: number;
}

/** Wire the real adapters (or adapters over a fake Exec in tests). */
export function createHostAdapters(options: HostOptions = {}): HostAdapters {
  const exec = options.exec ?? hostExec;
  const subids = new SubidAllocator(options.subidPaths ?? DEFAULT_SUBID_PATHS);
  return {
    exec,
    subids,
    users: new CompartmentUsers({
      exec,
      subids,
      ...(options.homeBase ? { homeBase: options.homeBase } : {}),
      ...(options.managerTimeoutMs ? { managerTimeoutMs: options.managerTimeoutMs } : {}),
    }),
    systemd: new UserSystemd(exec),
    podman: new Podman(exec),
    journal: new Journal(exec),
    generator: new QuadletGenerator(exec, options.generatorBinary ? { binary: options.generatorBinary } : {}),
  };
}
