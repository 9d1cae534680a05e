// The routes table keeps each route's options (headers, basic auth, redirected names) in its `options` column:
// null for a route without any, read back as the spec gave them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { validateSpec } from '../core/spec.js';
import { openStore, type Store } from './index.js';

/** The options column of the routes as the database holds it (JSON text, or null), by path. */
function optionsColumn(store: Store): [string, unknown][] {
  const db = new Database(store.path, { readonly: true });
  try {
    const rows = db.prepare('SELECT path, options FROM routes ORDER BY path').all() as {
      path: string;
      options: string | null;
    }[];
    return rows.map((r) => [r.path, r.options === null ? null : JSON.parse(r.options)]);
  } finally {
    db.close();
  }
}

const HASH = '$2b$10$abcdefghijklmnopqrstuuqflPDzB6gcMhKa1rZqKiun2YGL5sa2u';

const dirs: string[] = [];
const stores: Store[] = [];
function tempStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'qm-routes-'));
  dirs.push(dir);
  const store = openStore({ dataDir: join(dir, 'data') });
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const state = () =>
  validateSpec({
    compartment: 'photos',
    units: { 'web.container': { container: { image: 'docker.io/library/nginx:1.27' } } },
    routes: [
      {
        host: 'photos.example.org',
        to: 'web:80',
        port: 20000,
        headers: { request: { 'X-Edge': 'yes' }, response: { 'X-Frame-Options': 'DENY' } },
        basicAuth: [{ user: 'alice', hash: HASH }],
        redirectFrom: ['www.photos.example.org'],
      },
      { host: 'photos.example.org', path: '/api', to: 'web:80', port: 20000 },
    ],
  });

describe('route options in the store', () => {
  it('keeps them in the options column and reads them back, null for a route without any', () => {
    const store = tempStore();
    const s = state();
    store.compartments.saveState(s);
    expect(store.compartments.loadState(s.id)?.routes).toEqual(s.routes);
    expect(optionsColumn(store)).toEqual([
      [
        '/',
        {
          headers: { request: { 'X-Edge': 'yes' }, response: { 'X-Frame-Options': 'DENY' } },
          basicAuth: [{ user: 'alice', hash: HASH }],
          redirectFrom: ['www.photos.example.org'],
        },
      ],
      ['/api', null],
    ]);
  });

  it("gives them with every compartment's routes to the edge", () => {
    const store = tempStore();
    store.compartments.saveState(state());
    expect(store.edge.allRoutes()).toEqual(state().routes.map((r) => ({ compartment: 'photos', ...r })));
  });

  it('drops options an apply takes away', () => {
    const store = tempStore();
    store.compartments.saveState(state());
    const plain = state();
    plain.routes = plain.routes.map(({ host, path, to, port }) => ({ host, path, to, ...(port ? { port } : {}) }));
    store.compartments.saveState(plain);
    expect(store.compartments.loadState(plain.id)?.routes).toEqual(plain.routes);
    expect(optionsColumn(store)).toEqual([
      ['/', null],
      ['/api', null],
    ]);
  });
});
