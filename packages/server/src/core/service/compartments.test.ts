import { describe, expect, it } from 'vitest';
import { ApplyEngine } from '../apply/engine.js';
import { FakeHost, FakeStore } from '../apply/fakes.js';
import { MemoryLocks } from '../apply/lock.js';
import { parseCompartmentId } from '../ids.js';
import { render } from '../render.js';
import { type DesiredState, parseSpecText } from '../spec.js';
import {
  type CompartmentInfo,
  CompartmentService,
  type CompartmentStorePort,
  type RevisionInfo,
} from './compartments.js';

/** The store port in memory, its revisions read from the engine's FakeStore (as SQLite shares one database). */
class MemoryStore implements CompartmentStorePort {
  infos = new Map<string, CompartmentInfo>();
  states = new Map<string, DesiredState>();
  constructor(
    private readonly engineStore: FakeStore,
    private readonly now: () => Date,
  ) {}
  private at = () => this.now().toISOString();

  compartments: CompartmentStorePort['compartments'] = {
    get: (id) => this.infos.get(id),
    list: () => [...this.infos.values()],
    create: (c) => {
      const at = this.at();
      const info = {
        id: c.id,
        description: c.description ?? '',
        podmanVersion: c.podmanVersion ?? null,
        createdAt: at,
        updatedAt: at,
      };
      this.infos.set(c.id, info);
      return info;
    },
    delete: (id) => (this.infos.delete(id) ? { grants: [], tokens: [] } : undefined),
    saveState: (state) => {
      this.states.set(state.id, state);
      const info = { ...this.infos.get(state.id)!, updatedAt: this.at() };
      this.infos.set(state.id, info);
      return info;
    },
    loadState: (id) => this.states.get(id),
  };

  private info = (r: FakeStore['revisions'][number]): RevisionInfo & { state: DesiredState | null } => ({
    number: r.number,
    actor: r.actor,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    result: r.result ?? 'pending',
    message: r.message ?? '',
    state: (r.spec as DesiredState | undefined) ?? null,
  });

  revisions: CompartmentStorePort['revisions'] = {
    list: (id) => this.engineStore.revisions.filter((r) => r.compartment === id).map(this.info),
    get: (id, n) => {
      const r = this.engineStore.revision(id, n);
      return r ? this.info(r) : undefined;
    },
    latest: (id, result) => {
      const r = this.engineStore.revisions.filter((x) => x.compartment === id && x.result === result).at(-1);
      return r ? this.info(r) : undefined;
    },
  };
}

const spec = (tag: string) =>
  parseSpecText(
    `compartment: shop\nunits:\n  web.container:\n    container: { image: localhost/web:${tag}, exec: [sleep, infinity] }\n`,
    'test',
  );

function setup() {
  const host = new FakeHost();
  const engineStore = new FakeStore();
  let clock = Date.UTC(2026, 0, 1);
  // one clock for the store and the engine, as on a machine; every reading a later millisecond
  const now = () => new Date(clock++);
  const store = new MemoryStore(engineStore, now);
  const engine = new ApplyEngine(async () => host, engineStore, new MemoryLocks(), {
    settleMs: 0,
    pollMs: 1,
    now,
    sleep: async () => undefined,
  });
  const service = new CompartmentService({
    store,
    accounts: { create: async () => undefined, delete: async () => undefined, exists: async () => false },
    volumes: { removeAll: async () => undefined },
    hostFor: async () => host,
    engine,
  });
  return { host, store, engine, service };
}

describe('CompartmentService', () => {
  it('refuses a description with control characters from any edge, and makes nothing', async () => {
    const { store, service } = setup();
    for (const description of ['two\nlines', 'esc \u001b[31m', 'tab\there', 'nul\u0000']) {
      await expect(service.create({ id: 'blog', description })).rejects.toThrow(
        /^description: must not contain control characters/,
      );
    }
    expect(store.compartments.get(parseCompartmentId('blog'))).toBeUndefined();
    expect((await service.create({ id: 'blog', description: 'Notes — with “quotes” and ü' })).description).toBe(
      'Notes — with “quotes” and ü',
    );
  });

  it("lists a failed unit with its reason (the host's summary and journal lines), a running one without", async () => {
    const { service, host } = setup();
    expect((await service.applyState(spec('1'), { actor: 'a' })).outcome).toBe('applied');
    const running = await service.units('shop', { withStatus: true });
    expect(running.find((u) => u.unit === 'web.service')).not.toHaveProperty('failure');
    host.active.delete('web.service');
    const failed = (await service.units('shop', { withStatus: true })).find((u) => u.unit === 'web.service')!;
    expect(failed.status?.activeState).toBe('failed');
    expect(failed.failure).toBe('web.service exited with status 125');
  });

  it("reads the failed units' reasons side by side, not one after another", async () => {
    const { service, host } = setup();
    expect((await service.applyState(spec('1'), { actor: 'a' })).outcome).toBe('applied');
    host.active.clear();
    let inFlight = 0;
    let most = 0;
    host.failureReason = async (unit) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return `${unit} failed`;
    };
    const units = await service.units('shop', { withStatus: true });
    const failed = units.filter((u) => u.status?.activeState === 'failed');
    expect(failed.length).toBeGreaterThan(1);
    expect(failed.every((u) => u.failure === `${u.unit} failed`)).toBe(true);
    expect(most).toBe(failed.length);
  });

  it('keeps the applied state, and not a rolled-back one', async () => {
    const { service } = setup();
    expect((await service.applyState(spec('1'), { actor: 'a' })).outcome).toBe('applied');
    expect((await service.applyState(spec('broken'), { actor: 'a' })).outcome).toBe('rolled-back');
    expect(service.state('shop')).toEqual(spec('1'));
    expect((await service.plan('shop')).plan.noop).toBe(true);
  });

  it('repairs a desired state whose save a crash lost after the revision was recorded applied', async () => {
    const { store, engine, service } = setup();
    await service.applyState(spec('1'), { actor: 'a' });
    // what a process leaves when it dies right after the engine recorded revision 2 applied, before the service
    // saved the state: the engine's apply alone
    const two = spec('2');
    const r = render(two);
    const applied = await engine.apply(
      {
        compartment: 'shop',
        files: { files: r.files, modes: r.modes },
        hostVolumes: [],
        probes: [],
        podmanVersion: null,
        spec: two,
      },
      { actor: 'a' },
    );
    expect(applied.outcome).toBe('applied');
    expect(store.states.get('shop')).toEqual(spec('1'));
    // the next command sees the applied state, saved again, and nothing to do
    expect(service.state('shop')).toEqual(two);
    expect(store.states.get('shop')).toEqual(two);
    expect((await service.plan('shop')).plan.noop).toBe(true);
    // a later no-op apply (saved after the revision) is not overridden
    const described = { ...two, description: 'now described' };
    expect((await service.applyState(described, { actor: 'a' })).outcome).toBe('noop');
    expect(service.state('shop').description).toBe('now described');
  });

  it('a no-op apply of the state already stored writes nothing', async () => {
    const { store, service } = setup();
    await service.applyState(spec('1'), { actor: 'a' });
    let saves = 0;
    const save = store.compartments.saveState;
    store.compartments.saveState = (st) => {
      saves++;
      return save(st);
    };
    expect((await service.applyState(spec('1'), { actor: 'a' })).outcome).toBe('noop');
    expect(saves).toBe(0);
    // a no-op whose state differs only where no file shows it (the description) is kept
    expect((await service.applyState({ ...spec('1'), description: 'x' }, { actor: 'a' })).outcome).toBe('noop');
    expect(saves).toBe(1);
    expect(service.state('shop').description).toBe('x');
  });
});
