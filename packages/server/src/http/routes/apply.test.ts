import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApplyResultSchema,
  HistorySchema,
  PlanResultSchema,
  ProgressEventSchema,
  RevisionDetailSchema,
  SpecDocumentSchema,
} from '../../api/contract.js';
import { type Setup, setup } from './compartments-test-setup.js';
import { specText } from './compartments-test-support.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Parses a text/event-stream body into its events. */
function events(body: string): { event: string; data: unknown }[] {
  return body
    .split('\n\n')
    .filter((b) => b.startsWith('event: '))
    .map((b) => {
      const [e, d] = b.split('\n');
      return { event: e!.slice('event: '.length), data: JSON.parse(d!.slice('data: '.length)) };
    });
}

describe('the desired state', () => {
  it('GET …/spec answers the spec as JSON and YAML', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('shopViewer', 'GET', '/api/compartments/shop/spec');
    expect(res.statusCode).toBe(200);
    const doc = SpecDocumentSchema.parse(res.json());
    expect(doc.spec).toMatchObject({ compartment: 'shop', secrets: [{ name: 'db-password' }] });
    expect(doc.yaml).toContain('c0.container:');
  });

  it('PUT …/spec with YAML text applies it as a new revision', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('shopOperator', 'PUT', '/api/compartments/shop/spec', { text: specText('shop', 3) });
    expect(res.statusCode).toBe(200);
    const r = ApplyResultSchema.parse(res.json());
    expect(r).toMatchObject({ outcome: 'applied', revision: 2 });
    expect(r.plan.units.start).toEqual(['c2.service']);
    expect(s.t.audits).toEqual([
      {
        action: 'compartment.apply',
        target: 'compartment:shop/revision:2',
        result: 'ok',
        details: { outcome: 'applied', revision: 2, added: ['.config/containers/systemd/c2.container'] },
        user: 'shopOperator',
      },
    ]);
  });

  it('PUT …/spec accepts the spec as a JSON object and as an application/yaml body', async () => {
    s = await setup(dir, { shop: true });
    const { spec } = SpecDocumentSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments/shop/spec')).json());
    const json = await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', {
      spec: { ...spec, description: 'from JSON' },
    });
    expect(json.json()).toMatchObject({ outcome: 'noop' }); // the description is not rendered
    expect(s.ctx.app.compartments.get('shop').description).toBe('from JSON');
    const yaml = await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', specText('shop', 1), {
      'content-type': 'application/yaml',
    });
    expect(yaml.statusCode).toBe(200);
    expect(yaml.json()).toMatchObject({ outcome: 'applied', plan: { units: { stop: ['c1.service'] } } });
  });

  it('refuses a spec with both or neither form, naming the field', async () => {
    s = await setup(dir, { shop: true });
    for (const body of [{}, { spec: {}, text: 'x' }]) {
      const res = await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.validation[0].instancePath).toBe('/spec');
    }
  });

  it('refuses an invalid spec with 400 and every issue with its path, changing nothing', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', {
      spec: {
        compartment: 'shop',
        units: { '../web.container': { container: { image: 'x' } } },
        probes: [{ name: 'p', type: 'nope' }],
      },
    });
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('invalid');
    expect(JSON.stringify(err.details.issues)).toContain('units');
    expect(s.ctx.app.compartments.history('shop')).toHaveLength(1);
  });

  it('refuses YAML that does not parse, and a spec for another compartment', async () => {
    s = await setup(dir, { shop: true });
    const bad = await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', { text: 'compartment: [' });
    expect(bad.statusCode).toBe(400);
    const other = await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', { text: specText('blog') });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.message).toContain("'blog'");
  });

  it('answers 404 applying to a compartment that does not exist (applying never creates one)', async () => {
    s = await setup(dir);
    const res = await s.t.as('operator', 'POST', '/api/compartments/blog/apply', { text: specText('blog') });
    expect(res.statusCode).toBe(404);
    expect(s.ctx.accounts.has('blog')).toBe(false);
  });
});

describe('plan', () => {
  it('GET …/plan: nothing to do after an apply', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('shopViewer', 'GET', '/api/compartments/shop/plan');
    expect(res.statusCode).toBe(200);
    expect(PlanResultSchema.parse(res.json()).plan.noop).toBe(true);
  });

  it('POST …/plan shows the diff of a proposed spec without changing anything', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('viewer', 'POST', '/api/compartments/shop/plan', { text: specText('shop', 2, '2') });
    expect(res.statusCode).toBe(200);
    const { plan } = PlanResultSchema.parse(res.json());
    expect(plan.units.restart).toEqual(['c0.service', 'c1.service']);
    expect(plan.changes[0]!.diff).toContain('+Image=localhost/app:2');
    expect(s.ctx.app.compartments.history('shop')).toHaveLength(1);
    expect(s.t.audits).toEqual([]);
  });
});

describe('apply', () => {
  it('answers with the result; a unit that fails to start is rolled back and audited as failed', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('operator', 'POST', '/api/compartments/shop/apply', {
      text: specText('shop', 2, 'broken'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'rolled-back', revision: 2 });
    expect(s.t.audits[0]).toMatchObject({ result: 'failed', details: { outcome: 'rolled-back', revision: 2 } });
  });

  it('applies the stored desired state again without a body', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('operator', 'POST', '/api/compartments/shop/apply');
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('noop');
  });

  it('streams progress events, then the result, with Accept: text/event-stream', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as(
      'operator',
      'POST',
      '/api/compartments/shop/apply',
      { text: specText('shop', 3) },
      { accept: 'text/event-stream' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    const list = events(res.body);
    const progress = list.filter((e) => e.event === 'progress').map((e) => ProgressEventSchema.parse(e.data));
    expect(progress.map((p) => `${p.step}:${p.status}`)).toEqual([
      'plan:running',
      'plan:ok',
      'validate:running',
      'validate:ok',
      'pull:running',
      'pull:ok',
      'write:running',
      'write:ok',
      'reload:running',
      'reload:ok',
      'start:running',
      'start:ok',
      'verify:running',
      'verify:ok',
      'done:ok',
    ]);
    expect(list.at(-1)!.event).toBe('result');
    expect(ApplyResultSchema.parse(list.at(-1)!.data)).toMatchObject({ outcome: 'applied', revision: 2 });
    expect(s.t.audits[0]).toMatchObject({ action: 'compartment.apply', result: 'ok' });
  });

  it('checks the request before the stream begins (errors keep their status)', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as(
      'operator',
      'POST',
      '/api/compartments/shop/apply',
      { text: specText('blog') },
      { accept: 'text/event-stream' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid');
  });

  it('with wait: false answers 409 while another apply of the compartment runs', async () => {
    s = await setup(dir, { shop: true });
    // The engine's lock, reached past its private modifier: hold it as a concurrent apply would.
    const locks = (s.ctx.app.engine as unknown as { locks: { acquire(c: string, w: boolean): Promise<() => void> } })
      .locks;
    const release = await locks.acquire('shop', true);
    try {
      const res = await s.t.as('operator', 'POST', '/api/compartments/shop/apply', { wait: false });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('conflict');
      const streamed = await s.t.as(
        'operator',
        'POST',
        '/api/compartments/shop/apply',
        { wait: false },
        { accept: 'text/event-stream' },
      );
      expect(streamed.statusCode).toBe(200);
      const last = events(streamed.body).at(-1)!;
      expect(last).toMatchObject({ event: 'error', data: { error: { code: 'conflict' } } });
    } finally {
      release();
    }
  });
});

describe('history, revisions and roll back', () => {
  it('lists revisions newest first, with a limit', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', { text: specText('shop', 3) });
    const res = await s.t.as('viewer', 'GET', '/api/compartments/shop/revisions?limit=1');
    expect(res.statusCode).toBe(200);
    expect(HistorySchema.parse(res.json()).revisions.map((r) => r.number)).toEqual([2]);
    expect((await s.t.as('viewer', 'GET', '/api/compartments/shop/revisions?limit=0')).statusCode).toBe(400);
  });

  it('names the live revision: the last applied, not a newer one that was rolled back', async () => {
    s = await setup(dir, { shop: true });
    const live = async (query = '') =>
      HistorySchema.parse((await s.t.as('viewer', 'GET', `/api/compartments/shop/revisions${query}`)).json());
    expect((await live()).live).toBe(1);
    await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', { text: specText('shop', 3) });
    expect((await live()).live).toBe(2);
    const broken = await s.t.as('operator', 'POST', '/api/compartments/shop/apply', {
      text: specText('shop', 2, 'broken'),
    });
    expect(broken.json()).toMatchObject({ outcome: 'rolled-back', revision: 3 });
    const h = await live('?limit=1');
    expect(h.revisions.map((r) => [r.number, r.result])).toEqual([[3, 'rolled-back']]);
    expect(h.live).toBe(2);
  });

  it('says what a roll back would change, changing nothing (viewer)', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', { text: specText('shop', 3, '2') });
    const before = await s.ctx.hosts.get('shop')!.readManaged();
    const audits = s.t.audits.length;
    const res = await s.t.as('shopViewer', 'GET', '/api/compartments/shop/revisions/1/rollback-plan');
    expect(res.statusCode).toBe(200);
    const { plan } = PlanResultSchema.parse(res.json());
    expect(plan.changes.map((c) => [c.path, c.kind])).toEqual([
      ['.config/containers/systemd/c0.container', 'changed'],
      ['.config/containers/systemd/c1.container', 'changed'],
      ['.config/containers/systemd/c2.container', 'removed'],
    ]);
    expect(plan.units).toMatchObject({ restart: ['c0.service', 'c1.service'], stop: ['c2.service'] });
    expect(plan.changes[0]!.diff).toContain('-Image=localhost/app:2');
    expect(plan.changes[0]!.diff).toContain('+Image=localhost/app:1');
    // nothing changed: no revision, no file, no audit entry
    expect(s.ctx.app.compartments.history('shop').map((r) => r.number)).toEqual([2, 1]);
    expect(await s.ctx.hosts.get('shop')!.readManaged()).toEqual(before);
    expect(s.t.audits).toHaveLength(audits);
    // the live revision's own plan is empty
    const same = await s.t.as('viewer', 'GET', '/api/compartments/shop/revisions/2/rollback-plan');
    expect(PlanResultSchema.parse(same.json()).plan.noop).toBe(true);
    expect((await s.t.as('viewer', 'GET', '/api/compartments/shop/revisions/9/rollback-plan')).statusCode).toBe(404);
    expect((await s.t.as('otherAdmin', 'GET', '/api/compartments/shop/revisions/1/rollback-plan')).statusCode).toBe(
      403,
    );
  });

  it('shows one revision with its spec, files and diff', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', { text: specText('shop', 2, '2') });
    const res = await s.t.as('viewer', 'GET', '/api/compartments/shop/revisions/2');
    expect(res.statusCode).toBe(200);
    const r = RevisionDetailSchema.parse(res.json());
    expect(r).toMatchObject({ number: 2, result: 'applied', actor: 'operator' });
    expect(r.spec).toMatchObject({ compartment: 'shop' });
    expect(Object.keys(r.files)).toContain('.config/containers/systemd/c0.container');
    expect(r.diff).toContain('+Image=localhost/app:2');
    expect((await s.t.as('viewer', 'GET', '/api/compartments/shop/revisions/9')).statusCode).toBe(404);
    expect((await s.t.as('viewer', 'GET', '/api/compartments/shop/revisions/x')).statusCode).toBe(400);
  });

  it('rolls back to an earlier revision as a new one, audited with the revision', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('operator', 'PUT', '/api/compartments/shop/spec', { text: specText('shop', 3) });
    const res = await s.t.as('shopOperator', 'POST', '/api/compartments/shop/rollback', { revision: 1 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'applied', revision: 3, plan: { units: { stop: ['c2.service'] } } });
    expect(s.t.audits.at(-1)).toMatchObject({
      action: 'compartment.rollback',
      result: 'ok',
      details: { to: 1, outcome: 'applied', revision: 3 },
    });
    const missing = await s.t.as('operator', 'POST', '/api/compartments/shop/rollback', { revision: 42 });
    expect(missing.statusCode).toBe(404);
    const bad = await s.t.as('operator', 'POST', '/api/compartments/shop/rollback', { revision: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.validation[0].instancePath).toBe('/revision');
  });
});
