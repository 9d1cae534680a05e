import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../core/errors.js';
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

  it("round-trips a host volume's owner and the backup hook (and their absence)", () => {
    const { store } = tempStore();
    const state = parseSpecText(`
compartment: blog
units:
  db.container: { container: { image: docker.io/library/postgres, volume: ["data:/var/lib/postgresql/data"] } }
volumes: { data: { owner: 999 }, logs: {} }
backup: { hook: { unit: db.container, exec: [pg_dumpall, -f, /var/lib/postgresql/data/dump.sql] } }
`);
    expect(state.volumes.data).toEqual({ kind: 'host', owner: 999 });
    expect(state.backupHook?.exec[0]).toBe('pg_dumpall');
    store.compartments.saveState(state);
    expect(store.compartments.loadState(id)).toEqual(state);
    const { backupHook: _, ...without } = state;
    store.compartments.saveState({ ...without, volumes: { data: { kind: 'host' } } });
    const again = store.compartments.loadState(id)!;
    expect(again.backupHook).toBeUndefined();
    expect(again.volumes.data).toEqual({ kind: 'host' });
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
    expect(store.compartments.delete(id)).toEqual({ grants: [], tokens: [] });
    expect(store.compartments.get(id)).toBeUndefined();
    expect(store.compartments.loadState(id)).toBeUndefined();
    expect(store.revisions.list(id)).toEqual([]);
    expect(store.journal.list()).toEqual([]);
    expect(store.compartments.delete(id)).toBeUndefined();
  });
});

describe('grants and API tokens belong to a compartment', () => {
  const token = (id: string, compartment: string) => ({
    id,
    name: `token ${id}`,
    username: 'bob',
    secretHash: 'h',
    role: 'operator' as const,
    compartment,
    createdAt: 'now',
    lastUsedAt: null,
    revokedAt: null,
  });
  const withBob = () => {
    const { store } = tempStore();
    store.users.create({ username: 'bob', kind: 'pam' });
    store.compartments.create({ id: parseCompartmentId('web') });
    return store;
  };

  it('refuses a grant or a token for a compartment that does not exist, naming it; `*` is every compartment', () => {
    const store = withBob();
    expect(() => store.grants.set('bob', 'nope', 'viewer')).toThrow(NotFoundError);
    expect(() => store.grants.set('bob', 'nope', 'viewer')).toThrow("There is no compartment 'nope'");
    expect(() => store.tokens.create(token('t1', 'nope'))).toThrow("There is no compartment 'nope'");
    expect(() => store.grants.requireScope('nope')).toThrow(NotFoundError);
    expect(store.grants.list()).toEqual([]);
    expect(store.tokens.list()).toEqual([]);
    store.grants.set('bob', 'web', 'operator');
    store.grants.set('bob', '*', 'viewer');
    store.tokens.create(token('t2', 'web'));
    store.tokens.create(token('t3', '*'));
    expect(store.grants.forUser('bob').map((g) => g.compartment)).toEqual(['*', 'web']);
    expect(store.tokens.list().map((t) => t.compartment)).toEqual(['web', '*']);
  });

  it('deleting a compartment deletes its grants and tokens, in one transaction, and says which', () => {
    const store = withBob();
    store.compartments.create({ id: parseCompartmentId('db') });
    store.grants.set('bob', 'web', 'operator');
    store.grants.set('bob', 'db', 'viewer');
    store.grants.set('bob', '*', 'viewer');
    store.tokens.create(token('t1', 'web'));
    store.tokens.create(token('t2', 'db'));
    expect(store.compartments.delete(parseCompartmentId('web'))).toEqual({
      grants: [{ username: 'bob', role: 'operator' }],
      tokens: [{ id: 't1', name: 'token t1', username: 'bob', role: 'operator' }],
    });
    expect(store.grants.forUser('bob').map((g) => g.compartment)).toEqual(['*', 'db']);
    expect(store.tokens.list().map((t) => t.id)).toEqual(['t2']);
    // A compartment made again under that id: bob holds nothing there but his global grant.
    store.compartments.create({ id: parseCompartmentId('web') });
    expect(store.grants.list({ compartment: 'web' })).toEqual([]);
    expect(store.tokens.list().filter((t) => t.compartment === 'web')).toEqual([]);
  });

  it('a delete rolled back with its transaction keeps the grants and tokens', () => {
    const store = withBob();
    store.grants.set('bob', 'web', 'operator');
    store.tokens.create(token('t1', 'web'));
    expect(() =>
      store.transaction(() => {
        store.compartments.delete(parseCompartmentId('web'));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.compartments.get(parseCompartmentId('web'))).toBeDefined();
    expect(store.grants.list({ compartment: 'web' })).toHaveLength(1);
    expect(store.tokens.get('t1')).toBeDefined();
  });

  it('the database itself refuses an orphan, and deletes the grants and tokens of a deleted compartment', () => {
    const store = withBob();
    const db = new Database(store.path);
    try {
      const grant = db.prepare("INSERT INTO grants VALUES ('bob', ?, 'viewer', 'now')");
      const tok = db.prepare("INSERT INTO api_tokens VALUES (?, 'n', 'bob', 'h', 'viewer', ?, 'now', NULL, NULL)");
      expect(() => grant.run('nope')).toThrow(/existing compartment/);
      expect(() => tok.run('t0', 'nope')).toThrow(/existing compartment/);
      grant.run('web');
      tok.run('t1', 'web');
      expect(() => db.prepare("UPDATE grants SET compartment = 'nope'").run()).toThrow(/existing compartment/);
      expect(() => db.prepare("UPDATE api_tokens SET compartment = 'nope'").run()).toThrow(/existing compartment/);
      db.prepare("DELETE FROM compartments WHERE id = 'web'").run();
      expect(db.prepare('SELECT count(*) FROM grants').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM api_tokens').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('copies an existing database before migrating it (owner-only), never a new one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-store-copy-'));
    try {
      const path = join(dir, DB_FILE);
      const old = new Database(path);
      migrate(old, MIGRATIONS.slice(0, -1));
      old.prepare("INSERT INTO compartments (id, created_at, updated_at) VALUES ('web', 'now', 'now')").run();
      old.close();
      expect(readdirSync(dir).filter((f) => f.includes('.before-'))).toEqual([]);
      // the current version opens it: the last migration is pending, so the database is copied first
      const store = openStore({ path });
      store.close();
      const last = MIGRATIONS.at(-1)!.tag;
      const copy = `${path}.before-${last}`;
      expect(statSync(copy).mode & 0o777).toBe(0o600);
      const before = new Database(copy, { readonly: true });
      expect(before.prepare('SELECT id FROM compartments').pluck().all()).toEqual(['web']);
      expect(before.prepare('SELECT tag FROM quadletman_migrations').pluck().all()).not.toContain(last);
      before.close();
      // nothing pending: no copy; and a new database is never copied
      openStore({ path }).close();
      openStore({ path: join(dir, 'new.db') }).close();
      expect(readdirSync(dir).filter((f) => f.includes('.before-'))).toEqual([`${DB_FILE}.before-${last}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migration 0002 removes the grants and tokens an older version left for missing compartments', () => {
    const db = new Database(':memory:');
    try {
      const before = MIGRATIONS.findIndex((m) => m.tag === '0002_access_scope');
      expect(before).toBeGreaterThan(0);
      migrate(db, MIGRATIONS.slice(0, before));
      db.prepare("INSERT INTO compartments (id, created_at, updated_at) VALUES ('web', 'now', 'now')").run();
      db.prepare("INSERT INTO users (username, kind, created_at) VALUES ('bob', 'pam', 'now')").run();
      const grant = db.prepare("INSERT INTO grants VALUES ('bob', ?, 'viewer', 'now')");
      const tok = db.prepare("INSERT INTO api_tokens VALUES (?, 'n', 'bob', 'h', 'viewer', ?, 'now', NULL, NULL)");
      for (const c of ['*', 'web', 'gone']) grant.run(c);
      for (const c of ['*', 'web', 'gone']) tok.run(`t-${c}`, c);
      expect(migrate(db)).toContain('0002_access_scope');
      expect(db.prepare('SELECT compartment FROM grants ORDER BY compartment').pluck().all()).toEqual(['*', 'web']);
      expect(db.prepare('SELECT id FROM api_tokens ORDER BY id').pluck().all()).toEqual(['t-*', 't-web']);
    } finally {
      db.close();
    }
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

describe('image policies', () => {
  it("keeps a container's pin and update mode beside its model, and reads rows without them as before", () => {
    const { store } = tempStore();
    const state = validateSpec({
      compartment: 'blog',
      units: {
        'web.container': {
          container: { image: 'registry.example.test/demo/web:v1' },
          pin: `sha256:${'b'.repeat(64)}`,
          updates: 'apply',
        },
        'db.container': { container: { image: 'registry.example.test/demo/db:1' } },
      },
    });
    store.compartments.saveState(state);
    expect(store.compartments.loadState(id)).toEqual(state);
  });
});

describe('backup policies', () => {
  it('round-trip, keep the schedule start unless the schedule changes, record the last run, go with the compartment', () => {
    const { store } = tempStore();
    store.compartments.saveState(blog());
    expect(store.backups.policy(id)).toBeUndefined();
    const keep = { last: 3, daily: 7, weekly: 0, monthly: 0 };
    const first = store.backups.setPolicy(id, { schedule: 'daily 03:00', mode: 'stop', keep });
    expect(first).toMatchObject({ schedule: 'daily 03:00', mode: 'stop', keep, lastRun: null });
    const second = store.backups.setPolicy(id, { schedule: 'daily 03:00', mode: 'live', keep: null });
    expect(second).toMatchObject({ mode: 'live', keep: null, scheduleSince: first.scheduleSince });
    expect(second.updatedAt > first.updatedAt).toBe(true);
    const third = store.backups.setPolicy(id, { schedule: 'hourly', mode: 'live', keep: null });
    expect(third.scheduleSince > first.scheduleSince).toBe(true);
    const run = { at: 'a', finishedAt: 'b', result: 'failed' as const, stage: 'backup' as const, error: 'x' };
    store.backups.recordRun(id, run);
    expect(store.backups.policy(id)?.lastRun).toEqual(run);
    // the newest snapshot's time: none before a repository has one, kept per compartment
    expect(store.backups.newestSnapshots()).toEqual([]);
    store.backups.add(id, '/srv/repo', 'pw');
    expect(store.backups.newestSnapshots()).toEqual([]);
    store.backups.recordSnapshot(id, '2026-12-04T03:00:00.000Z');
    store.backups.recordSnapshot(id, '2026-12-05T03:00:00.000Z');
    expect(store.backups.newestSnapshots()).toEqual([{ compartment: id, at: '2026-12-05T03:00:00.000Z' }]);
    store.compartments.delete(id);
    expect(store.backups.policy(id)).toBeUndefined();
    expect(store.backups.newestSnapshots()).toEqual([]);
  });
});
