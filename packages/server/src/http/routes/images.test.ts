import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageListSchema, PruneImagesResultSchema } from '../../api/contract.js';
import type { FakeImage } from '../../core/service/images.test-support.js';
import { type Setup, setup } from './compartments-test-setup.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-images-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const hex = (c: string) => c.repeat(64);
const image = (id: string, names: string[], containers = 0): FakeImage => ({
  Id: hex(id),
  Names: names,
  Digest: `sha256:${hex(id)}`,
  Size: 1024 * (id.charCodeAt(0) - 96),
  Created: 1_764_604_800,
  Containers: containers,
});

/** shop's spec runs c0 and c1 on localhost/app:1; :2 is left over, and so is an image a stopped container uses. */
async function withImages(): Promise<Setup> {
  s = await setup(dir, { shop: true });
  s.ctx.imageHost.images.set('shop', [
    image('a', ['localhost/app:1'], 2),
    image('b', ['localhost/app:2']),
    image('c', ['localhost/tool:1'], 1),
  ]);
  return s;
}

describe('GET /api/compartments/:id/images', () => {
  it('lists each image with the units that use it (viewer)', async () => {
    await withImages();
    const res = await s.t.as('shopViewer', 'GET', '/api/compartments/shop/images');
    expect(res.statusCode).toBe(200);
    const list = ImageListSchema.parse(res.json());
    expect(list.images.map((i) => [i.repository, i.tags, i.usedBy, i.unused, i.size])).toEqual([
      ['localhost/app', ['1'], ['c0.container', 'c1.container'], false, 1024],
      ['localhost/app', ['2'], [], true, 2048],
      ['localhost/tool', ['1'], [], true, 3072],
    ]);
    expect(list.images[0]).toMatchObject({ digest: `sha256:${hex('a')}`, created: '2025-12-01T16:00:00.000Z' });
    expect(list.missing).toEqual([]);
  });

  it('401 without a session, 403 for another compartment, 404 for none', async () => {
    await withImages();
    expect((await s.t.as(undefined, 'GET', '/api/compartments/shop/images')).statusCode).toBe(401);
    expect((await s.t.as('otherAdmin', 'GET', '/api/compartments/shop/images')).statusCode).toBe(403);
    expect((await s.t.as('admin', 'GET', '/api/compartments/nope/images')).statusCode).toBe(404);
  });
});

describe('POST /api/compartments/:id/images/prune', () => {
  it('dry run says what would go and changes nothing (not audited)', async () => {
    await withImages();
    const res = await s.t.as('shopAdmin', 'POST', '/api/compartments/shop/images/prune', { dryRun: true });
    expect(res.statusCode).toBe(200);
    const r = PruneImagesResultSchema.parse(res.json());
    expect(r).toMatchObject({ dryRun: true, failed: [], bytes: 2048 });
    expect(r.removed.map((i) => i.names)).toEqual([['localhost/app:2']]);
    expect(s.ctx.imageHost.calls).toEqual([]);
    expect(s.t.audits).toEqual([]);
  });

  it('removes the unused images with no container (admin), audited with names and bytes', async () => {
    await withImages();
    const res = await s.t.as('shopAdmin', 'POST', '/api/compartments/shop/images/prune');
    expect(res.statusCode).toBe(200);
    expect(PruneImagesResultSchema.parse(res.json())).toMatchObject({ dryRun: false, bytes: 2048, failed: [] });
    expect(s.ctx.imageHost.calls).toEqual([`rmi shop ${hex('b')}`]);
    expect(s.t.audits.map((a) => [a.action, a.target, a.result, a.details])).toEqual([
      ['image.prune', 'compartment:shop/images:unused', 'ok', { removed: ['localhost/app:2'], bytes: 2048 }],
    ]);
    const after = ImageListSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments/shop/images')).json());
    expect(after.images.map((i) => i.names[0])).toEqual(['localhost/app:1', 'localhost/tool:1']);
  });

  it('reports an image Podman refuses with its reason, audited as failed; the others go', async () => {
    await withImages();
    s.ctx.imageHost.images.get('shop')!.push(image('d', ['localhost/old:1']));
    s.ctx.imageHost.refuse.set(hex('b'), 'image is in use by a container');
    const res = await s.t.as('admin', 'POST', '/api/compartments/shop/images/prune', {});
    expect(res.statusCode).toBe(200);
    const r = PruneImagesResultSchema.parse(res.json());
    expect(r.removed.map((i) => i.names[0])).toEqual(['localhost/old:1']);
    expect(r.failed.map((f) => f.error)).toEqual([
      `podman rmi ${hex('b')} as qm-shop failed: image is in use by a container`,
    ]);
    expect(s.t.audits[0]).toMatchObject({
      action: 'image.prune',
      result: 'failed',
      details: {
        removed: ['localhost/old:1'],
        bytes: 4096,
        failed: [{ image: 'localhost/app:2', error: expect.stringContaining('in use by a container') }],
      },
    });
  });

  it('needs admin: 403 for an operator, nothing removed; 400 for a bad body', async () => {
    await withImages();
    const res = await s.t.as('shopOperator', 'POST', '/api/compartments/shop/images/prune', {});
    expect(res.statusCode).toBe(403);
    expect(s.ctx.imageHost.calls).toEqual([]);
    const bad = await s.t.as('admin', 'POST', '/api/compartments/shop/images/prune', { dryRun: 'yes' });
    expect(bad.statusCode).toBe(400);
  });
});
