import { describe, expect, it } from 'vitest';
import { ApplyEngine, type ApplyTarget, type ProgressEvent, previousImageName } from './engine.js';
import { FakeHost, FakeStore } from './fakes.js';
import { MemoryLocks } from './lock.js';
import type { FileSet } from './ports.js';

const Q = '.config/containers/systemd';
const REPO = 'registry.example.test:5000/demo/web';

function fileSet(files: Record<string, string>): FileSet {
  const m = new Map(Object.entries(files).map(([k, v]) => [`${Q}/${k}`, v]));
  return { files: m, modes: new Map([...m.keys()].map((k) => [k, 0o644])) };
}

const web = (image: string) =>
  `[Container]\nImage=${image}\nHealthCmd=wget -q -O /dev/null http://127.0.0.1:8080/health\nNotify=healthy\n\n[Install]\nWantedBy=default.target\n`;

const target = (image: string): ApplyTarget => ({
  compartment: 'shop',
  files: fileSet({ 'web.container': web(image) }),
  hostVolumes: [],
  probes: [],
  podmanVersion: '5.4',
});

async function setup(image = `${REPO}:v1`) {
  const host = new FakeHost();
  const store = new FakeStore();
  let clock = 0;
  const engine = new ApplyEngine(async () => host, store, new MemoryLocks(), {
    settleMs: 1_000,
    pollMs: 100,
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
    },
  });
  host.ids.set(`${REPO}:v1`, 'one');
  host.images.add(`${REPO}:v1`);
  await engine.apply(target(image), { actor: 'alice' });
  host.calls = [];
  return { host, store, engine, clock: () => clock };
}

describe('ApplyEngine.upgrade', () => {
  it('pulls the same name anew, restarts the unit without waiting, gates on its health check and records both digests', async () => {
    const { host, store, engine } = await setup();
    host.registry.set(`${REPO}:v1`, 'two');
    const events: ProgressEvent[] = [];
    const r = await engine.upgrade(
      target(`${REPO}:v1`),
      { units: ['web.container'], settleMs: 2_000 },
      { actor: 'alice', onProgress: (e) => events.push(e) },
    );
    expect(r.outcome).toBe('applied');
    expect(r.images).toEqual([
      expect.objectContaining({ unit: 'web.container', before: { id: 'one', digest: 'sha256:one' } }),
    ]);
    expect(r.images[0]!.after).toEqual({ id: 'two', digest: 'sha256:two' });
    expect(host.calls).toContain(`tag one ${previousImageName('web.container')}`);
    expect(host.calls.indexOf(`pull ${REPO}:v1`)).toBeLessThan(host.calls.indexOf('restart web.service'));
    // the health check ran until the settle window (2 s at 100 ms polls) was over
    expect(host.calls.filter((c) => c === 'healthcheck systemd-web').length).toBeGreaterThanOrEqual(20);
    expect(store.revisions.at(-1)).toMatchObject({ result: 'applied' });
    expect(store.revisions.at(-1)!.message).toContain('sha256:one → sha256:two');
    expect(events.map((e) => `${e.step}:${e.status}`)).toContain('verify:ok');
  });

  it('rolls back to the exact previous image, by id, when the new one never turns healthy; nothing is pulled then', async () => {
    const { host, store, engine, clock } = await setup();
    host.registry.set(`${REPO}:v1`, 'broken-three');
    host.health = () => {
      const id = host.ids.get(`${REPO}:v1`);
      return id === 'broken-three' ? { ok: false, detail: 'unhealthy' } : { ok: true, detail: 'healthy' };
    };
    const r = await engine.upgrade(target(`${REPO}:v1`), { units: ['web.container'] }, { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toContain('never turned healthy: its health check failed 3 times in a row');
    const failed = host.calls.indexOf('healthcheck systemd-web');
    expect(host.calls.slice(failed).some((c) => c.startsWith('pull'))).toBe(false);
    expect(host.calls).toContain(`tag one ${REPO}:v1`);
    expect(host.ids.get(`${REPO}:v1`)).toBe('one');
    expect(host.active.has('web.service')).toBe(true);
    expect(store.revisions.at(-1)).toMatchObject({ result: 'rolled-back' });
    expect(r.failedAt!.getTime()).toBeLessThanOrEqual(r.restoredAt!.getTime());
    expect(r.restoredAt!.getTime()).toBeLessThanOrEqual(clock());
  });

  it('brings the previous files back when an upgrade to another tag fails its gate', async () => {
    const { host, engine } = await setup();
    host.images.add(`${REPO}:v3`);
    host.health = (_c, files) =>
      [...files.values()].some((t) => t.includes(':v3'))
        ? { ok: false, detail: 'unhealthy' }
        : { ok: true, detail: 'healthy' };
    const r = await engine.upgrade(target(`${REPO}:v3`), { units: ['web.container'] }, { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    expect(host.files.get(`${Q}/web.container`)).toContain(`Image=${REPO}:v1`);
    expect(r.images[0]).toMatchObject({ previousImage: `${REPO}:v1`, image: `${REPO}:v3` });
  });

  it('is a no-op when the pull brings the image the unit already runs', async () => {
    const { host, store, engine } = await setup();
    const before = store.revisions.length;
    const r = await engine.upgrade(target(`${REPO}:v1`), { units: ['web.container'] }, { actor: 'alice' });
    expect(r.outcome).toBe('noop');
    expect(store.revisions.length).toBe(before);
    expect(host.calls.some((c) => c.startsWith('restart'))).toBe(false);
  });

  it('changes nothing when the pull fails', async () => {
    const { host, engine } = await setup();
    const r = await engine.upgrade(target(`${REPO}:missing`), { units: ['web.container'] }, { actor: 'alice' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain('manifest unknown');
    expect(host.files.get(`${Q}/web.container`)).toContain(`Image=${REPO}:v1`);
    expect(host.calls.some((c) => c.startsWith('restart') || c.startsWith('write'))).toBe(false);
  });

  it('fails the gate when a unit stops during the settle window', async () => {
    const { host, engine } = await setup();
    host.registry.set(`${REPO}:v1`, 'two');
    let checks = 0;
    host.health = () => {
      checks++;
      if (checks === 5 && host.ids.get(`${REPO}:v1`) === 'two') host.active.delete('web.service');
      return { ok: true, detail: 'healthy' };
    };
    const r = await engine.upgrade(target(`${REPO}:v1`), { units: ['web.container'] }, { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toContain('web.service');
  });
});

describe('ApplyEngine.upgrade and a crash', () => {
  it('journals the names its pull moved, so recover() points them back at the previous image', async () => {
    const { host, store, engine } = await setup();
    host.registry.set(`${REPO}:v1`, 'two');
    let seen: ReturnType<FakeStore['pending']> = [];
    host.health = () => {
      if (seen.length === 0) seen = structuredClone(store.pending());
      return { ok: true, detail: 'healthy' };
    };
    expect((await engine.upgrade(target(`${REPO}:v1`), { units: ['web.container'] }, { actor: 'a' })).outcome).toBe(
      'applied',
    );
    expect(seen[0]!.units.retag).toEqual([{ image: `${REPO}:v1`, id: 'one' }]);
    // the process died while the new image ran under the gate: its journal row is still there
    const { revision: _, ...record } = { revision: 9, ...store.revisions.at(-1)! };
    store.begin({ ...record, number: 9 }, { ...seen[0]!, revision: 9 });
    const recovered = await engine.recover();
    expect(recovered).toEqual([expect.objectContaining({ revision: 9, ok: true })]);
    expect(host.ids.get(`${REPO}:v1`)).toBe('one');
    expect(host.calls).toContain(`tag one ${REPO}:v1`);
  });
});
