// Opening the database. Changes on the machine: creates the data directory (0700) and the SQLite database
// file (plus its -wal and -shm files) in it; nothing else.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { copyDatabase, migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import * as schema from './schema.js';

export { DB_FILE, DEFAULT_DATA_DIR } from '../core/layout.js';

import { DB_FILE, DEFAULT_DATA_DIR } from '../core/layout.js';

export interface OpenOptions {
  /** Folder of the database; default /var/lib/quadletman (the CLI's --data-dir). */
  dataDir?: string;
  /** The database file itself, or ':memory:'; overrides dataDir. */
  path?: string;
  /** How long a writer waits for another process's write lock (ms); default 5000. */
  busyTimeoutMs?: number;
}

export type Db = BetterSQLite3Database<typeof schema>;

/** Runs a function in a transaction; nested calls become savepoints (better-sqlite3's own transactions). */
export type Tx = <T>(fn: () => T) => T;

export interface OpenDb {
  sqlite: Database.Database;
  db: Db;
  tx: Tx;
  path: string;
}

/** better-sqlite3's compiled addon, found from here (the sources or the CLI bundle). Left to itself the
 * library looks for it with the `bindings` package, which tries a dozen paths on every start. */
let addon: string | undefined;
const addonPath = (): string =>
  (addon ??= createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node'));

/** Opens (creating as needed) and migrates the database: WAL, foreign keys on, a busy timeout, full sync. */
export function openDatabase(options: OpenOptions = {}): OpenDb {
  let path = options.path;
  if (path === undefined) {
    const dir = options.dataDir ?? DEFAULT_DATA_DIR;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    path = join(dir, DB_FILE);
  }
  const sqlite = new Database(path, { nativeBinding: addonPath() });
  try {
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
    // The apply journal must be on disk before the first unit file changes.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    // before a schema migration of an existing database: a copy beside it, named after the first migration
    migrate(sqlite, MIGRATIONS, {
      beforeMigrating: (pending) => {
        if (path !== ':memory:') copyDatabase(sqlite, `${path}.before-${pending[0]}`);
      },
    });
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const tx: Tx = <T>(fn: () => T): T => sqlite.transaction(fn).immediate();
  return { sqlite, db: drizzle(sqlite, { schema }), tx, path };
}
