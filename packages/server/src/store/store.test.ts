import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../core/errors.js';
import { parseCompartmentId } from '../core/ids.js';
import { parseSpecText, validateSpec } from '../core/spec.js';
import { BLOG_YAML, minimal } from '../core/test-support/specs.js';
import { readMigrationFolder } from './embed-migrations.js';
import { DB_FILE, openStore, type Store } from './index.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import * as schema from './schema.js';

const dirs: string[] = [];
const stores: Store[] = [];
function tempStore(): { store: Store; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'qm-store-'));
  dirs.push(dir);
  let t = Date.parse('2026-01-01T00:00:00Z');
  const store = openStore({
    dataDir: join(dir, 'data'),
    now: () => {
      t += 1000;
      return new Date(t);
    },
  });
  stores.push(store);
  return { store, dir };
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const blog = () => parseSpecText(BLOG_YAML);
const id = parseCompartmentId('blog');

describe('opening and migrations', () => {
  it('creates the database in the data dir with WAL, foreign keys and the migrations applied', () => {
    const { store, dir } = tempStore();
    expect(store.path).toBe(join(dir, 'data', DB_FILE));
    const db = new Database(store.path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tags = db.prepare('SELECT tag FROM quadletman_migrations').pluck().all();
      expect(tags).toEqual(MIGRATIONS.map((m) => m.tag));
    } finally {
      db.close();
    }
  });

  it('applies nothing twice when reopened, and keeps the data', () => {
    const { store } = tempStore();
    store.compartments.saveState(blog());
    const path = store.path;
    store.close();
    stores.pop();
    const again = openStore({ path });
    stores.push(again);
    expect(again.compartments.loadState(id)).toEqual(blog());
  });

  it('the embedded migrations are the SQL drizzle-kit generated (run npm run db:generate)', () => {
    expect(MIGRATIONS).toEqual(readMigrationFolder());
  });

  it('refuses a database migrated by a newer version', () => {
    const db = new Database(':memory:');
    migrate(db);
    db.prepare('INSERT INTO quadletman_migrations VALUES (?, ?)').run('9999_future', 'x');
    expect(() => migrate(db)).toThrow(ConflictError);
    db.close();
  });

  it('the migrations create every table and column of schema.ts', () => {
    const store = openStore({ path: ':memory:' });
    stores.push(store);
    const db = new Database(':memory:');
    migrate(db);
    for (const table of Object.values(schema)) {
      if (!is(table, SQLiteTable)) continue;
      const cols = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(getTableName(table)) as string[];
      expect(cols.sort(), getTableName(table)).toEqual(
        Object.values(getTableColumns(table))
          .map((c) => c.name)
          .sort(),
      );
    }
    db.close();
  });
});

describe('compartments', () => {
  it('round-trips a whole desired state', () => {
    const { store } = tempStore();
    const state = blog();
    const c = store.compartments.saveState(state);
    expect(c).toMatchObject({ id: 'blog', description: 'My blog', podmanVersion: '5.4' });
    expect(store.compartments.loadState(id)).toEqual(state);
    expect(store.compartments.listUnits(id).map((u) => `${u.name}:${u.format}`)).toEqual([
      'app.pod:model',
      'backup.timer:timer',
      'db.container:model',
      'legacy.container:text',
      'sidecar.container:model',
      'web.container:model',
    ]);
    expect(store.compartments.getUnit(id, 'legacy.container')).toEqual({
      format: 'text',
      text: '[Container]\nImage=docker.io/library/redis\n',
    });
    expect(store.compartments.listSecrets(id)).toEqual([
      { name: 'api-key', description: 'The API key' },
      { name: 'db-password' },
    ]);
  });

  it('replaces the desired state and keeps created_at', () => {
    const { store } = tempStore();
    const first = store.compartments.saveState(blog());
    const next = validateSpec({ ...minimal(), compartment: 'blog', network: false });
    const second = store.compartments.saveState(next);
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.updatedAt > first.updatedAt).toBe(true);
    expect(store.compartments.loadState(id)).toEqual(next);
    expect(store.compartments.loadState(id)?.network).toBeNull();
  });

  it('create, list, conflict, delete with cascade', () => {
    const { store } = tempStore();
    store.compartments.create({ id: parseCompartmentId('a') });
    expect(() => store.compartments.create({ id: parseCompartmentId('a') })).toThrow(ConflictError);
    store.compartments.saveState(blog());
    expect(store.compartments.list().map((c) => c.id)).toEqual(['a', 'blog']);
    expect(store.compartments.loadState(parseCompartmentId('a'))).toMatchObject({ network: {}, units: {} });
    const rev = store.revisions.create({ compartmentId: id, state: blog(), files: {}, diff: '', actor: 't' });
    store.journal.begin({ compartmentId: id, revisionId: rev.id, previousFiles: {} });
    expect(store.compartments.delete(id)).toBe(true);
    expect(store.compartments.get(id)).toBeUndefined();
    expect(store.compartments.loadState(id)).toBeUndefined();
    expect(store.revisions.list(id)).toEqual([]);
    expect(store.journal.list()).toEqual([]);
    expect(store.compartments.delete(id)).toBe(false);
  });
});

describe('revisions and the apply journal', () => {
  it('numbers revisions per compartment and records how they ended', () => {
    const { store } = tempStore();
    store.compartments.saveState(blog());
    const files = { '.config/containers/systemd/a.container': { text: '[Container]\nImage=x\n', mode: 0o644 } };
    const r1 = store.revisions.create({ compartmentId: id, state: blog(), files, diff: '+x', actor: 'alice' });
    const r2 = store.revisions.create({ compartmentId: id, state: blog(), files, diff: '', actor: 'bob' });
    expect([r1.number, r2.number]).toEqual([1, 2]);
    expect(r1.result).toBe('pending');
    store.revisions.finish(r1.id, 'applied', 'all good');
    store.revisions.finish(r2.id, 'failed', 'web.service failed');
    expect(store.revisions.list(id).map((r) => [r.number, r.result])).toEqual([
      [2, 'failed'],
      [1, 'applied'],
    ]);
    expect(store.revisions.latest(id, 'applied')).toMatchObject({ number: 1, files, state: blog(), diff: '+x' });
    expect(store.revisions.get(id, 2)?.finishedAt).not.toBeNull();
    expect(store.revisions.get(id, 3)).toBeUndefined();
  });

  it('allows one apply in flight per compartment', () => {
    const { store } = tempStore();
    store.compartments.saveState(blog());
    const rev = store.revisions.create({ compartmentId: id, state: blog(), files: {}, diff: '', actor: 't' });
    const prev = { '.config/containers/systemd/web.container': { text: 'old', mode: 0o644 }, 'x/new': null };
    const j = store.journal.begin({ compartmentId: id, revisionId: rev.id, previousFiles: prev, pid: 42 });
    expect(j).toMatchObject({ phase: 'prepared', pid: 42, previousFiles: prev });
    expect(() => store.journal.begin({ compartmentId: id, revisionId: rev.id, previousFiles: {} })).toThrow(
      /apply in flight/,
    );
    store.journal.setPhase(id, 'written');
    expect(store.journal.get(id)?.phase).toBe('written');
    expect(store.journal.list().map((e) => e.compartmentId)).toEqual(['blog']);
    expect(store.journal.end(id)).toBe(true);
    expect(store.journal.get(id)).toBeUndefined();
  });

  it('store.transaction makes several repository calls one unit', () => {
    const { store } = tempStore();
    store.compartments.saveState(blog());
    expect(() =>
      store.transaction(() => {
        const rev = store.revisions.create({ compartmentId: id, state: blog(), files: {}, diff: '', actor: 't' });
        store.journal.begin({ compartmentId: id, revisionId: rev.id, previousFiles: {} });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.revisions.list(id)).toEqual([]);
    expect(store.journal.list()).toEqual([]);
  });
});
