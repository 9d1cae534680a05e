// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates are written with literal ${name} placeholders
// The catalog routes over a catalog of two apps (one broken): list with what is installed, detail with its
// README, install after a check, upgrade to a newer version of the entry, roles.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogAppDetailSchema, CreateFromTemplateResultSchema } from '../../api/contract.js';
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

const notes = (version: string, tag: string) => `template: 1
name: notes
title: Notes
version: "${version}"
category: notes
description: A notes app
backup: { data: files }
parameters:
  - { name: port, default: "8080", pattern: "[0-9]+" }
  - { name: admin_password, generate: password, secret: notes-admin }
spec:
  units:
    app.container:
      container: { image: "localhost/app:${tag}", exec: [sleep, infinity], publishPort: "127.0.0.1:\${port}:80", secret: [notes-admin] }
  volumes: { data: {} }
  secrets: [notes-admin]
`;
const CATALOG = [
  { folder: 'notes', text: notes('1.0.0', '1'), readme: '# Notes\nA notes app.\n' },
  { folder: 'broken', text: 'template: 1\nname: broken\n', readme: '' },
];

describe('catalog', () => {
  it('lists apps and problems, shows one, installs it after a check, and upgrades it to a newer entry', async () => {
    const catalog = [...CATALOG];
    s = await setup(dir, { catalog });
    const list = (await s.t.as('viewer', 'GET', '/api/catalog')).json();
    expect(list.apps.map((a: { name: string }) => a.name)).toEqual(['notes']);
    expect(list.problems.broken).toContain('invalid catalog entry catalog/broken/app.yaml');
    const one = CatalogAppDetailSchema.parse((await s.t.as('viewer', 'GET', '/api/catalog/notes')).json());
    expect(one).toMatchObject({
      title: 'Notes',
      version: '1.0.0',
      backup: { data: 'files' },
      readme: '# Notes\nA notes app.\n',
      installed: [],
    });
    expect(one.yaml).toContain('publishPort: 127.0.0.1:${port}:80');
    expect((await s.t.as('viewer', 'GET', '/api/catalog/broken')).statusCode).toBe(404);

    const check = await s.t.as('admin', 'POST', '/api/catalog/notes/install', { compartment: 'notes1' });
    expect(CreateFromTemplateResultSchema.parse(check.json())).toMatchObject({ created: true, lintErrors: 0 });
    expect(s.ctx.app.compartments.list()).toEqual([]);
    const made = CreateFromTemplateResultSchema.parse(
      (
        await s.t.as('admin', 'POST', '/api/catalog/notes/install', {
          compartment: 'notes1',
          values: { port: '9001' },
          apply: true,
        })
      ).json(),
    );
    expect(made.apply).toMatchObject({ outcome: 'applied' });
    const pw = made.values.find((v) => v.name === 'admin_password')!.value;
    expect(pw).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(JSON.stringify(s.t.audits)).not.toContain(pw);
    const after = (await s.t.as('viewer', 'GET', '/api/catalog')).json();
    expect(after.apps[0].installed).toEqual([{ compartment: 'notes1', version: '1.0.0' }]);

    // a newer entry: only an upgrade of a compartment installed from it applies it
    catalog[0] = { folder: 'notes', text: notes('1.1.0', '2'), readme: '# Notes\n' };
    expect(
      (await s.t.as('admin', 'POST', '/api/catalog/notes/install', { compartment: 'notes1', apply: true })).statusCode,
    ).toBe(409);
    const up = CreateFromTemplateResultSchema.parse(
      (
        await s.t.as('admin', 'POST', '/api/catalog/notes/install', {
          compartment: 'notes1',
          apply: true,
          upgrade: true,
        })
      ).json(),
    );
    expect(up).toMatchObject({
      created: false,
      secrets: { made: [], kept: ['notes-admin'] },
      apply: { outcome: 'applied' },
    });
    expect(JSON.stringify(s.ctx.app.compartments.state('notes1'))).toContain('localhost/app:2');
    expect(JSON.stringify(s.ctx.app.compartments.state('notes1'))).toContain('127.0.0.1:9001:80');
    expect((await s.t.as('viewer', 'GET', '/api/catalog')).json().apps[0].installed).toEqual([
      { compartment: 'notes1', version: '1.1.0' },
    ]);
    expect(s.t.audits.map((a) => a.action)).toContain('catalog.upgrade');
  });

  it('lets global viewers read; only global admins install', async () => {
    s = await setup(dir, { catalog: CATALOG, shop: true });
    expect((await s.t.as('shopViewer', 'GET', '/api/catalog')).statusCode).toBe(403);
    expect((await s.t.as('operator', 'POST', '/api/catalog/notes/install', { compartment: 'n' })).statusCode).toBe(403);
    expect((await s.t.as('shopAdmin', 'POST', '/api/catalog/notes/install', { compartment: 'n' })).statusCode).toBe(
      403,
    );
  });
});
