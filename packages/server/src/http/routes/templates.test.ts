// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates are written with literal ${name} placeholders
// The template routes: save shop as a template, read it, create a compartment from it (check first, then
// apply), its origin; roles; audit entries that never hold a generated secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateFromTemplateResultSchema, TemplateDetailSchema, TemplateInfoSchema } from '../../api/contract.js';
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

const VAULT = `template: 1
name: vault
parameters:
  - { name: tag, default: "1" }
  - { name: admin_token, generate: token, secret: admin-token }
spec:
  units:
    app.container: { container: { image: "localhost/app:\${tag}", exec: [sleep, infinity], secret: [admin-token] } }
  secrets: [admin-token]
`;

describe('templates', () => {
  it('saves a compartment, shows it, creates another from it after a check, and tells its origin', async () => {
    s = await setup(dir, { shop: true });
    const saved = await s.t.as('admin', 'POST', '/api/compartments/shop/template', {
      name: 'shop-kind',
      description: 'A shop',
      parameters: { tag: '1' },
    });
    expect(saved.statusCode).toBe(201);
    expect(TemplateInfoSchema.parse(saved.json())).toMatchObject({
      name: 'shop-kind',
      source: 'shop',
      parameters: [{ name: 'tag', default: '1' }],
      units: ['c0.container', 'c1.container'],
    });
    const list = await s.t.as('viewer', 'GET', '/api/templates');
    expect(list.json().templates.map((t: { name: string }) => t.name)).toEqual(['shop-kind']);
    const one = TemplateDetailSchema.parse((await s.t.as('viewer', 'GET', '/api/templates/shop-kind')).json());
    expect(one.yaml).toContain('image: localhost/app:${tag}');

    const check = await s.t.as('admin', 'POST', '/api/templates/shop-kind/create', {
      compartment: 'shop2',
      values: { tag: '2' },
    });
    expect(check.statusCode).toBe(200);
    expect(CreateFromTemplateResultSchema.parse(check.json())).toMatchObject({ created: true, lintErrors: 0 });
    expect(s.ctx.app.compartments.list().map((c) => c.id)).toEqual(['shop']);
    const made = await s.t.as('admin', 'POST', '/api/templates/shop-kind/create', {
      compartment: 'shop2',
      values: { tag: '2' },
      apply: true,
    });
    expect(CreateFromTemplateResultSchema.parse(made.json()).apply).toMatchObject({ outcome: 'applied' });
    expect(JSON.stringify(s.ctx.app.compartments.state('shop2'))).toContain('localhost/app:2');
    const origin = await s.t.as('admin', 'GET', '/api/compartments/shop2/origin');
    expect(origin.json()).toMatchObject({ origin: { origin: 'template', name: 'shop-kind', values: { tag: '2' } } });
    expect((await s.t.as('admin', 'GET', '/api/compartments/shop/origin')).json()).toEqual({ origin: null });
  });

  it('imports a template; a generated secret is shown once and is in no audit entry', async () => {
    s = await setup(dir);
    const imp = await s.t.as('admin', 'POST', '/api/templates', { text: VAULT });
    expect(imp.statusCode).toBe(201);
    expect((await s.t.as('admin', 'POST', '/api/templates', { text: VAULT })).statusCode).toBe(409);
    const made = await s.t.as('admin', 'POST', '/api/templates/vault/create', { compartment: 'v1', apply: true });
    const r = CreateFromTemplateResultSchema.parse(made.json());
    const token = r.values.find((v) => v.name === 'admin_token')!.value;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(r.secrets).toEqual({ made: ['admin-token'], kept: [] });
    expect(JSON.stringify(s.t.audits)).not.toContain(token);
    expect(s.t.audits.map((a) => a.action)).toEqual(['template.import', 'template.import', 'template.create']);
    const del = await s.t.as('admin', 'DELETE', '/api/templates/vault');
    expect(del.statusCode).toBe(204);
    expect((await s.t.as('admin', 'DELETE', '/api/templates/vault')).statusCode).toBe(404);
  });

  it('refuses bad values with their names, and changes nothing', async () => {
    s = await setup(dir);
    await s.t.as('admin', 'POST', '/api/templates', { text: VAULT });
    const bad = await s.t.as('admin', 'POST', '/api/templates/vault/create', {
      compartment: 'v1',
      values: { tag: '1\nExecStartPre=/bin/sh', colour: 'red' },
      apply: true,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/values\.colour: vault has no parameter colour/);
    expect(bad.json().error.message).toMatch(/values\.tag/);
    expect(s.ctx.app.compartments.list()).toEqual([]);
    const broken = await s.t.as('admin', 'POST', '/api/templates', {
      text: 'template: 1\nname: x\nspec: { description: "${nope}" }\n',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.message).toContain('spec.description: ${nope} is no parameter of the template');
  });

  it('lets global viewers read, and only global admins change or create', async () => {
    s = await setup(dir, { shop: true });
    expect((await s.t.as('shopAdmin', 'POST', '/api/compartments/shop/template', { name: 'x' })).statusCode).toBe(403);
    expect((await s.t.as('operator', 'POST', '/api/templates', { text: VAULT })).statusCode).toBe(403);
    expect((await s.t.as('shopViewer', 'GET', '/api/templates')).statusCode).toBe(403);
    expect((await s.t.as('viewer', 'GET', '/api/templates')).statusCode).toBe(200);
    expect((await s.t.as('shopViewer', 'GET', '/api/compartments/shop/origin')).statusCode).toBe(200);
    expect((await s.t.as('otherAdmin', 'GET', '/api/compartments/shop/origin')).statusCode).toBe(403);
  });
});
