import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseCompartmentId } from '../core/ids.js';
import { canonicalJson, GENESIS_HASH } from './audit.js';
import { openStore, type Store } from './index.js';

const sqliteOf = (s: Store) => (s as unknown as { handle: { sqlite: Database } }).handle.sqlite;

function storeWith(n: number): Store {
  const s = openStore({ path: ':memory:' });
  for (let i = 1; i <= n; i++) {
    s.audit.append({
      actor: `u${i}`,
      actorKind: 'session',
      address: '127.0.0.1',
      action: 'test.act',
      target: `compartment:c${i}`,
      compartment: `c${i}`,
      result: 'ok',
      details: { i, nested: { b: 2, a: 1 } },
    });
  }
  return s;
}

const unlock = (s: Store) => sqliteOf(s).exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');

describe('audit log chain', () => {
  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":null,"z":0}]},"b":1}',
    );
  });

  it('chains entries from the genesis hash; an empty or intact log verifies', () => {
    expect(openStore({ path: ':memory:' }).audit.verify()).toEqual({ ok: true, entries: 0 });
    const s = storeWith(5);
    const rows = s.audit.list().reverse();
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(JSON.parse(rows[0]!.details)).toEqual({ i: 1, nested: { a: 1, b: 2 } });
    expect(s.audit.verify()).toEqual({ ok: true, entries: 5 });
  });

  it('refuses UPDATE and DELETE', () => {
    const s = storeWith(2);
    expect(() => sqliteOf(s).exec("UPDATE audit_log SET actor = 'x'")).toThrow(/append-only/);
    expect(() => sqliteOf(s).exec('DELETE FROM audit_log')).toThrow(/append-only/);
  });

  it.each([
    ['an edited field', "UPDATE audit_log SET target = 'compartment:other' WHERE id = 3", 3, /edited/],
    ['edited details', `UPDATE audit_log SET details = '{"i":99}' WHERE id = 4`, 4, /edited/],
    ['a removed entry', 'DELETE FROM audit_log WHERE id = 3', 4, /entry 3 is missing/],
    ['a relinked entry', `UPDATE audit_log SET prev_hash = '${'1'.repeat(64)}' WHERE id = 2`, 2, /link/],
    [
      'a row rewritten with a fresh hash',
      "UPDATE audit_log SET actor = 'x', hash = (SELECT hash FROM audit_log WHERE id = 1) WHERE id = 2",
      2,
      /edited/,
    ],
  ])('names the first broken entry after %s', (_what, sql, brokenId, reason) => {
    const s = storeWith(5);
    unlock(s);
    sqliteOf(s).exec(sql);
    const r = s.audit.verify();
    expect(r).toMatchObject({ ok: false, brokenId });
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('filters by actor, compartment, result and time, newest first, with paging', () => {
    const s = storeWith(5);
    expect(s.audit.list({ actor: 'u2' }).map((r) => r.id)).toEqual([2]);
    expect(s.audit.list({ compartment: 'c3' }).map((r) => r.id)).toEqual([3]);
    expect(s.audit.list({ result: 'denied' })).toEqual([]);
    expect(s.audit.list({ limit: 2 }).map((r) => r.id)).toEqual([5, 4]);
    expect(s.audit.list({ limit: 2, before: 4 }).map((r) => r.id)).toEqual([3, 2]);
    expect(s.audit.list({ since: '2999-01-01T00:00:00Z' })).toEqual([]);
  });
});

describe('users, grants, sessions, tokens', () => {
  it('deleting a user deletes its grants, sessions and tokens', () => {
    const s = openStore({ path: ':memory:' });
    s.users.create({ username: 'a', kind: 'local', passwordHash: 'h' });
    s.compartments.create({ id: parseCompartmentId('web') });
    s.grants.set('a', '*', 'viewer');
    s.grants.set('a', '*', 'operator');
    s.grants.set('a', 'web', 'admin');
    expect(s.grants.forUser('a').map((g) => [g.compartment, g.role])).toEqual([
      ['*', 'operator'],
      ['web', 'admin'],
    ]);
    expect(s.grants.hasGlobalAdmin()).toBe(false);
    s.sessions.create({
      idHash: 'x',
      username: 'a',
      csrfToken: 'c',
      createdAt: 'now',
      lastSeenAt: 'now',
      address: '',
      userAgent: '',
    });
    s.tokens.create({
      id: 't',
      name: 'n',
      username: 'a',
      secretHash: 'h',
      role: 'viewer',
      compartment: '*',
      createdAt: 'now',
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(() => s.users.create({ username: 'a', kind: 'pam' })).toThrow(/exists/);
    expect(s.users.delete('a')).toBe(true);
    expect(s.grants.list()).toEqual([]);
    expect(s.sessions.get('x')).toBeUndefined();
    expect(s.tokens.get('t')).toBeUndefined();
  });
});
