import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdoptResultSchema, ExportResultSchema, ImportResultSchema } from '../../api/contract.js';
import { type Setup, setup } from './compartments-test-setup.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const FOLDER = {
  dir: '/home/alice/.config/containers/systemd',
  realDir: '/home/alice/.config/containers/systemd',
  owner: { uid: 1000, name: 'alice' },
  files: [
    { path: 'web.container', content: '[Container]\nImage=localhost/web:1\nExec=sleep infinity\n', mode: 0o644 },
    { path: 'web.env', content: 'A=1\n', mode: 0o600 },
  ],
};

describe('adopt', () => {
  it('validates, lints and plans without apply (not audited); applies (creating the compartment) with it; audited', async () => {
    s = await setup(dir, { folders: { [FOLDER.dir]: FOLDER } });
    const dry = await s.t.as('admin', 'POST', '/api/compartments/web/adopt', { dir: FOLDER.dir });
    expect(dry.statusCode).toBe(200);
    const d = AdoptResultSchema.parse(dry.json());
    expect(d).toMatchObject({ compartment: 'web', created: true, units: ['web.container'], lintErrors: 0 });
    expect(d.apply).toBeUndefined();
    expect(d.sourceAdvice).toContain('alice');
    expect(s.ctx.app.compartments.list()).toEqual([]);
    const applied = await s.t.as('admin', 'POST', '/api/compartments/web/adopt', { dir: FOLDER.dir, apply: true });
    expect(AdoptResultSchema.parse(applied.json()).apply).toMatchObject({ outcome: 'applied', revision: 1 });
    expect(s.ctx.app.compartments.get('web').id).toBe('web');
    expect(s.t.audits.map((a) => [a.action, a.target, a.result, a.details])).toEqual([
      [
        'compartment.adopt',
        'compartment:web',
        'ok',
        {
          dir: FOLDER.dir,
          applied: true,
          outcome: 'applied',
          revision: 1,
          added: expect.arrayContaining(['.config/containers/systemd/web.container']),
        },
      ],
    ]);
  });

  it('answers 404 for a folder that is not there and 400 for a relative path', async () => {
    s = await setup(dir);
    expect((await s.t.as('admin', 'POST', '/api/compartments/web/adopt', { dir: '/nope' })).statusCode).toBe(404);
    const rel = await s.t.as('admin', 'POST', '/api/compartments/web/adopt', { dir: 'home/alice' });
    expect(rel.statusCode).toBe(400);
    expect(rel.json().error.details.validation[0].instancePath).toBe('/dir');
  });
});

describe('export and import', () => {
  it('exports a compartment and imports the bundle into a new one', async () => {
    s = await setup(dir, { shop: true });
    const exp = await s.t.as('shopViewer', 'GET', '/api/compartments/shop/export');
    expect(exp.statusCode).toBe(200);
    const bundle = ExportResultSchema.parse(exp.json());
    expect(bundle.units).toContain('c0.container');
    const imp = await s.t.as('admin', 'POST', '/api/compartments/blog/import', {
      text: bundle.text,
      source: 'shop.quadlets',
      apply: true,
    });
    expect(imp.statusCode).toBe(200);
    const r = ImportResultSchema.parse(imp.json());
    expect(r).toMatchObject({ compartment: 'blog', created: true, from: 'shop' });
    expect(r.apply?.outcome).toBe('applied');
    expect(s.t.audits.at(-1)).toMatchObject({
      action: 'compartment.import',
      result: 'ok',
      details: { source: 'shop.quadlets', applied: true, outcome: 'applied' },
    });
    const list = (await s.t.as('viewer', 'GET', '/api/compartments')).json();
    expect(list.compartments.map((c: { id: string }) => c.id)).toEqual(['blog', 'shop']);
  });

  it('imports the JSON answer of an export saved as it came (what the web UI once downloaded)', async () => {
    s = await setup(dir, { shop: true });
    const saved = (await s.t.as('viewer', 'GET', '/api/compartments/shop/export')).body;
    const imp = await s.t.as('admin', 'POST', '/api/compartments/blog/import', {
      text: saved,
      source: 'shop.quadlets',
    });
    expect(imp.statusCode).toBe(200);
    const r = ImportResultSchema.parse(imp.json());
    expect(r).toMatchObject({ compartment: 'blog', created: true, from: 'shop' });
    expect(r.warnings).toEqual(['shop.quadlets is the JSON answer of an export; the bundle was read from its "text".']);
    expect(r.units).toEqual(ExportResultSchema.parse(JSON.parse(saved)).units);
  });

  it('adopt, import and export need the roles they say: import and adopt a global admin', async () => {
    s = await setup(dir, { shop: true, folders: { [FOLDER.dir]: FOLDER } });
    const { text } = ExportResultSchema.parse(
      (await s.t.as('shopViewer', 'GET', '/api/compartments/shop/export')).json(),
    );
    expect((await s.t.as('otherAdmin', 'GET', '/api/compartments/shop/export')).statusCode).toBe(403);
    for (const user of ['operator', 'shopAdmin']) {
      expect((await s.t.as(user, 'POST', '/api/compartments/blog/import', { text })).statusCode).toBe(403);
      expect((await s.t.as(user, 'POST', '/api/compartments/web/adopt', { dir: FOLDER.dir })).statusCode).toBe(403);
    }
    expect(s.ctx.app.compartments.list().map((c) => c.id)).toEqual(['shop']);
  });

  it('refuses to import into a compartment with units (409) and a text that is no bundle (400)', async () => {
    s = await setup(dir, { shop: true });
    const { text } = ExportResultSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments/shop/export')).json());
    const into = await s.t.as('admin', 'POST', '/api/compartments/shop/import', { text });
    expect(into.statusCode).toBe(409);
    const bad = await s.t.as('admin', 'POST', '/api/compartments/blog/import', { text: '[Container\nImage=' });
    expect(bad.statusCode).toBe(400);
    // a dry run changes nothing, refused or not: not audited; the same with apply is
    expect(s.t.audits).toEqual([]);
    const applying = await s.t.as('admin', 'POST', '/api/compartments/shop/import', { text, apply: true });
    expect(applying.statusCode).toBe(409);
    expect(s.t.audits.map((a) => [a.action, a.target, a.result])).toEqual([
      ['compartment.import', 'compartment:shop', 'failed'],
    ]);
  });
});
