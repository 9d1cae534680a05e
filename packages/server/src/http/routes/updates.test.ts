import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageCheckListSchema } from '../../api/contract.js';
import { type Setup, setup } from './compartments-test-setup.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-updates-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const REG = 'registry.example.org/shop';
const hex = (c: string) => c.repeat(64);
const SPEC = `
compartment: shop
units:
  web.container:
    container: { image: ${REG}/web:1 }
  side.container:
    container: { image: ${REG}/web:1, exec: [sleep, infinity] }
  local.container:
    container: { image: localhost/tool:1 }
`;

/** shop runs web:1 from a registry (pulled: its digest is a's) and a local image, which has no registry to ask. */
async function withRegistryImage(): Promise<Setup> {
  s = await setup(dir, { shop: true });
  const r = await s.ctx.app.compartments.applySpecText(SPEC, 'test', { actor: 'test' });
  expect(r.outcome).toBe('applied');
  s.ctx.imageHost.images.set('shop', [
    {
      Id: hex('1'),
      Names: [`${REG}/web:1`],
      Digest: `sha256:${hex('a')}`,
      RepoDigests: [`${REG}/web@sha256:${hex('a')}`],
      Size: 100,
      Created: 1_764_604_800,
      Containers: 2,
    },
  ]);
  return s;
}

describe('update checks', () => {
  it('checks each registry image once, sees a moved tag as an update, and keeps the last result (operator), not audited', async () => {
    await withRegistryImage();
    expect(
      ImageCheckListSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments/shop/updates')).json()),
    ).toEqual({ checks: [] });
    s.ctx.registry.digests.set(`${REG}/web:1`, `sha256:${hex('a')}`);
    const first = await s.t.as('operator', 'POST', '/api/compartments/shop/updates/check');
    expect(first.statusCode).toBe(200);
    expect(ImageCheckListSchema.parse(first.json()).checks.map((c) => [c.image, c.units, c.status])).toEqual([
      [`${REG}/web:1`, ['side.container', 'web.container'], 'up-to-date'],
    ]);
    expect(s.ctx.registry.calls).toEqual([`check shop ${REG}/web:1`]);

    s.ctx.registry.digests.set(`${REG}/web:1`, `sha256:${hex('b')}`);
    await s.t.as('operator', 'POST', '/api/compartments/shop/updates/check');
    const last = ImageCheckListSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments/shop/updates')).json());
    expect(last.checks).toEqual([
      expect.objectContaining({
        image: `${REG}/web:1`,
        status: 'update-available',
        remoteDigest: `sha256:${hex('b')}`,
        localDigests: [`sha256:${hex('a')}`],
      }),
    ]);
    expect(Date.parse(last.checks[0]!.checkedAt)).not.toBeNaN();
    // a check changes nothing: not audited
    expect(s.t.audits).toEqual([]);
  });

  it('reports what the registry refused as unknown, with its reason', async () => {
    await withRegistryImage();
    const res = await s.t.as('operator', 'POST', '/api/compartments/shop/updates/check');
    expect(ImageCheckListSchema.parse(res.json()).checks[0]).toMatchObject({
      status: 'unknown',
      remoteDigest: null,
    });
    expect(ImageCheckListSchema.parse(res.json()).checks[0]!.reason).toContain('manifest unknown');
  });

  it('lets viewers read and not check; other compartments and no session are refused', async () => {
    await withRegistryImage();
    expect((await s.t.as('viewer', 'POST', '/api/compartments/shop/updates/check')).statusCode).toBe(403);
    expect((await s.t.as('otherAdmin', 'GET', '/api/compartments/shop/updates')).statusCode).toBe(403);
    expect((await s.t.as(undefined, 'GET', '/api/compartments/shop/updates')).statusCode).toBe(401);
    expect(s.ctx.registry.calls).toEqual([]);
  });
});
