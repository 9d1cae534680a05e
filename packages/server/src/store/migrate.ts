// Applies the embedded migrations (migrations/index.ts, generated from drizzle-kit's SQL) to an open
// database: each one in its own transaction, recorded in `quadletman_migrations`, foreign keys checked after.
import { closeSync, openSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { ConflictError } from '../core/errors.js';
import { MIGRATIONS } from './migrations/index.js';

export const MIGRATIONS_TABLE = 'quadletman_migrations';

export interface MigrateOptions {
  /** Called once before the first pending migration of a database that has applied some before (not a new
   * one): quadletman copies the database there, so a migration that goes wrong loses nothing. */
  beforeMigrating?: (pending: readonly string[]) => void;
}

/** Applies the migrations the database has not seen; returns the tags applied. */
export function migrate(
  db: Database,
  migrations: readonly { tag: string; sql: string }[] = MIGRATIONS,
  options: MigrateOptions = {},
): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (tag TEXT PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(db.prepare(`SELECT tag FROM ${MIGRATIONS_TABLE}`).pluck().all() as string[]);
  const known = new Set(migrations.map((m) => m.tag));
  const unknown = [...applied].filter((t) => !known.has(t));
  if (unknown.length > 0) {
    throw new ConflictError(
      `the database was migrated by a newer quadletman (${unknown.join(', ')}); refusing to use it with this version`,
    );
  }
  const pending = migrations.filter((m) => !applied.has(m.tag));
  if (pending.length === 0) return [];
  if (applied.size > 0) options.beforeMigrating?.(pending.map((m) => m.tag));
  // Table rebuilds in drizzle's SQLite migrations need foreign keys off; the pragma is a no-op in a transaction.
  const fk = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of pending) {
      db.transaction(() => {
        for (const stmt of m.sql.split('--> statement-breakpoint')) {
          if (stmt.trim() !== '') db.exec(stmt);
        }
        db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (tag, applied_at) VALUES (?, ?)`).run(
          m.tag,
          new Date().toISOString(),
        );
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${m.tag} leaves ${broken.length} broken foreign key(s)`);
      })();
    }
  } finally {
    if (fk) db.pragma('foreign_keys = ON');
  }
  return pending.map((m) => m.tag);
}

/**
 * A consistent copy of an open database at `target` (`VACUUM INTO`), readable by its owner only: the file is
 * made empty with mode 0600 first (VACUUM INTO fills an empty file), never over an existing one.
 */
export function copyDatabase(db: Database, target: string): void {
  closeSync(openSync(target, 'wx', 0o600));
  db.prepare('VACUUM INTO ?').run(target);
}
