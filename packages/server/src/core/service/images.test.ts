import { describe, expect, it } from 'vitest';
import { MemoryLocks } from '../apply/lock.js';
import { NotFoundError } from '../errors.js';
import { parseCompartmentId } from '../ids.js';
import type { DesiredState } from '../spec.js';
import { parseSpecText } from '../spec.js';
import { ImageService } from './images.js';
import { type FakeImage, FakeImageHost } from './images.test-support.js';

const ID = parseCompartmentId('shop');
const hex = (c: string) => c.repeat(64);

const SPEC = `
compartment: shop
units:
  web.container:
    container: { image: "registry.example.org/demo/web:v1" }
  tools.container:
    container: { image: "localhost/tools:1" }
files:
  tools.container.d/10-image.conf: { in: quadlet, content: "[Container]\\nImage=localhost/tools:2\\n" }
`;

const image = (id: string, names: string[], extra: Partial<FakeImage> = {}): FakeImage => ({
  Id: hex(id),
  Names: names,
  Digest: `sha256:${hex(id)}`,
  Size: 1000 * id.charCodeAt(0),
  Created: 1_764_604_800,
  Containers: 0,
  ...extra,
});

function setup(options: { state?: DesiredState | null } = {}) {
  const host = new FakeImageHost();
  const state = options.state === undefined ? parseSpecText(SPEC, 'test') : options.state;
  const locks = new MemoryLocks();
  const service = new ImageService({
    compartments: {
      get: (id) => {
        if (id !== 'shop') throw new NotFoundError(`There is no compartment '${id}'.`);
        return { id: ID, description: '', podmanVersion: null, createdAt: 't', updatedAt: 't' };
      },
      state: () => {
        if (!state) throw new NotFoundError("Compartment 'shop' has no desired state.");
        return state;
      },
    },
    host,
    locks,
  });
  host.images.set('shop', [
    image('a', ['registry.example.org/demo/web:v1'], { Containers: 1 }),
    image('b', ['registry.example.org/demo/web:v2']), // unused
    image('c', ['localhost/tools:2']), // set by a drop-in only
    image('d', ['localhost/old:1', 'localhost/old:latest']), // unused, two names
    image('e', ['localhost/stopped:1'], { Containers: 1 }), // no unit, but a stopped container
    image('f', [], { ParentId: undefined }), // dangling
    image('g', ['localhost/child:1'], { ParentId: hex('h'), Containers: 1 }),
    image('h', []), // the parent of a kept image
  ]);
  return { host, service, locks };
}

describe('ImageService.images', () => {
  it('lists each image with tags, digest, size, created and the units that use it', async () => {
    const { service } = setup();
    const list = await service.images('shop');
    expect(list.images[0]).toEqual({
      id: hex('a'),
      repository: 'registry.example.org/demo/web',
      tags: ['v1'],
      names: ['registry.example.org/demo/web:v1'],
      digest: `sha256:${hex('a')}`,
      size: 97_000,
      created: '2025-12-01T16:00:00.000Z',
      usedBy: ['web.container'],
      unused: false,
      containers: 1,
      dangling: false,
    });
    expect(list.images.filter((i) => i.unused).map((i) => i.repository)).toEqual([
      'registry.example.org/demo/web',
      'localhost/tools',
      'localhost/old',
      'localhost/stopped',
      null,
      'localhost/child',
      null,
    ]);
    // tools.container's own file names tools:1, which the store lacks
    expect(list.missing).toEqual([{ unit: 'tools.container', image: 'localhost/tools:1' }]);
  });

  it('a compartment never applied has no units: every image is unused', async () => {
    const { service } = setup({ state: null });
    const list = await service.images('shop');
    expect(list.images.every((i) => i.unused)).toBe(true);
    expect(list.missing).toEqual([]);
  });

  it('answers NotFound for an unknown compartment', async () => {
    await expect(setup().service.images('nope')).rejects.toThrow("There is no compartment 'nope'.");
  });
});

describe('ImageService.prune', () => {
  it('dry run: names what would go (no unit, no container, no kept child) and removes nothing', async () => {
    const { service, host } = setup();
    const r = await service.prune('shop', { dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.removed.map((i) => i.id[0])).toEqual(['b', 'd', 'f']);
    expect(r.bytes).toBe(98_000 + 100_000 + 102_000);
    expect(r.failed).toEqual([]);
    expect(host.calls).toEqual([]);
  });

  it('removes them (an image with two names by each name), reports the bytes, keeps the rest', async () => {
    const { service, host } = setup();
    const r = await service.prune('shop');
    expect(r.removed.map((i) => i.id[0])).toEqual(['b', 'd', 'f']);
    expect(r.bytes).toBe(300_000);
    expect(host.calls).toEqual([
      `rmi shop ${hex('b')}`,
      'rmi shop localhost/old:1',
      'rmi shop localhost/old:latest',
      `rmi shop ${hex('f')}`,
    ]);
    expect((host.images.get('shop') ?? []).map((i) => i.Id[0])).toEqual(['a', 'c', 'e', 'g', 'h']);
    expect((await service.prune('shop', { dryRun: true })).removed).toEqual([]);
  });

  it('one image Podman refuses is reported with its reason; the others are removed', async () => {
    const { service, host } = setup();
    host.refuse.set(hex('b'), 'image is in use by a container');
    const r = await service.prune('shop');
    expect(r.removed.map((i) => i.id[0])).toEqual(['d', 'f']);
    expect(r.bytes).toBe(202_000);
    expect(r.failed).toEqual([
      {
        image: expect.objectContaining({ id: hex('b') }),
        error: `podman rmi ${hex('b')} as qm-shop failed: image is in use by a container`,
      },
    ]);
  });

  it('is refused while an apply of the compartment runs', async () => {
    const { service, locks, host } = setup();
    const release = await locks.acquire('shop', false);
    await expect(service.prune('shop')).rejects.toThrow("An apply of compartment 'shop' is already running");
    release();
    expect(host.calls).toEqual([]);
  });
});
