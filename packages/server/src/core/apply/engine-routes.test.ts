import { describe, expect, it } from 'vitest';
import type { CaddyConfig, CaddyProxyHandler } from '../edge/caddy-config.js';
import type { HeldRoute } from '../edge/ports.js';
import { EdgeService } from '../service/edge.js';
import { describeRoute, type RouteSpec } from '../spec-routes.js';
import { ApplyEngine, type ApplyTarget, type ProgressEvent } from './engine.js';
import { FakeEdgeAdmin, FakeHost, FakeStore } from './fakes.js';
import { MemoryLocks } from './lock.js';
import type { EdgePort, FileSet, ProbeResult } from './ports.js';

const Q = '.config/containers/systemd';

function fileSet(files: Record<string, string>): FileSet {
  const m = new Map(Object.entries(files).map(([k, v]) => [`${Q}/${k}`, v]));
  return { files: m, modes: new Map([...m.keys()].map((k) => [k, 0o644])) };
}

const container = (image: string, extra = '') =>
  `[Container]\nImage=${image}\nNetwork=shop.network\n${extra}\n[Install]\nWantedBy=default.target\n`;

const files = (extra = '') => ({
  'shop.network': '[Network]\n',
  'web.container': container('localhost/web:1', extra),
});

const route = (host: string, port: number, path = '/'): RouteSpec => ({ host, path, to: 'web:8080', port });
const A = route('a.example.org', 20000);
const B = route('b.example.org', 20000, '/app');

function target(
  routes: ApplyTarget['routes'],
  f: Record<string, string> = files('PublishPort=127.0.0.1:20000:8080\n'),
): ApplyTarget {
  return { compartment: 'shop', files: fileSet(f), hostVolumes: [], probes: [], podmanVersion: '5.4', routes };
}

/** An edge that records what it was given; `answers` decides each check (ok unless it says otherwise). */
class RecordingEdge implements EdgePort {
  published: { compartment: string; routes: RouteSpec[] }[] = [];
  checks: string[] = [];
  answers: (route: RouteSpec, attempt: number) => ProbeResult = () => ({ ok: true, detail: 'HTTP 200' });
  private attempts = new Map<string, number>();

  async publish(compartment: string, routes: readonly RouteSpec[]): Promise<void> {
    this.published.push({ compartment, routes: [...routes] });
  }

  async check(_compartment: string, r: RouteSpec): Promise<ProbeResult> {
    const key = `${r.host}${r.path}`;
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    this.checks.push(key);
    return this.answers(r, n);
  }
}

function setup(options: { edge?: EdgePort | null; verifyTimeoutMs?: number } = {}) {
  const host = new FakeHost();
  const store = new FakeStore();
  const edge = options.edge === null ? undefined : (options.edge ?? new RecordingEdge());
  let clock = 0;
  const engine = new ApplyEngine(async () => host, store, new MemoryLocks(), {
    settleMs: 1_000,
    verifyTimeoutMs: options.verifyTimeoutMs ?? 2_000,
    pollMs: 100,
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
    },
    ...(edge ? { edge } : {}),
  });
  return { host, store, engine, edge, clock: () => clock };
}

const steps = (events: ProgressEvent[]) => events.map((e) => `${e.step}:${e.status}`);

describe('ApplyEngine and routes', () => {
  it('loads changed routes into the edge even when no file changes, and checks each', async () => {
    const { engine, edge, host, store } = setup();
    const recording = edge as RecordingEdge;
    await engine.apply(target({ desired: [], applied: [] }), { actor: 'alice' });
    expect(recording.published).toEqual([]);
    const restarts = host.calls.filter((c) => c.startsWith('restart')).length;

    const events: ProgressEvent[] = [];
    const r = await engine.apply(target({ desired: [A, B], applied: [] }), {
      actor: 'alice',
      onProgress: (e) => events.push(e),
    });
    expect(r.outcome).toBe('applied');
    expect(r.revision).toBe(2);
    // no file changes, but the routes do: the plan says so
    expect(r.plan.changes).toEqual([]);
    expect(r.plan.noop).toBe(false);
    expect(r.plan.routes).toEqual({ add: [describeRoute(A), describeRoute(B)], remove: [] });
    expect(recording.published).toEqual([{ compartment: 'shop', routes: [A, B] }]);
    expect(recording.checks.sort()).toEqual(['a.example.org/', 'b.example.org/app']);
    expect(steps(events)).toContain('route:running');
    expect(steps(events)).toContain('route:ok');
    expect(steps(events).indexOf('route:running')).toBeGreaterThan(steps(events).indexOf('verify:ok'));
    expect(steps(events).at(-1)).toBe('done:ok');
    expect(events.find((e) => e.step === 'route' && e.status === 'running')?.message).toMatch(/2 routes/);
    // no unit was restarted for routes alone
    expect(host.calls.filter((c) => c.startsWith('restart')).length).toBe(restarts);
    expect(store.revision('shop', 2)).toMatchObject({ result: 'applied' });
    expect(store.pending()).toEqual([]);
  });

  it('is a no-op, publishing nothing, when neither files nor routes change', async () => {
    const { engine, edge, store } = setup();
    const recording = edge as RecordingEdge;
    await engine.apply(target({ desired: [A], applied: [] }), { actor: 'alice' });
    recording.published = [];
    const events: ProgressEvent[] = [];
    const r = await engine.apply(target({ desired: [A], applied: [{ ...A }] }), {
      actor: 'alice',
      onProgress: (e) => events.push(e),
    });
    expect(r.outcome).toBe('noop');
    expect(recording.published).toEqual([]);
    expect(steps(events)).not.toContain('route:running');
    expect(store.revisions).toHaveLength(1);
  });

  it('leaves the edge alone when the target says nothing of routes', async () => {
    const { engine, edge } = setup();
    const r = await engine.apply(target(undefined), { actor: 'alice' });
    expect(r.outcome).toBe('applied');
    expect((edge as RecordingEdge).published).toEqual([]);
  });

  it('treats a changed port or target as a change of the routes', async () => {
    const { engine, edge } = setup();
    const recording = edge as RecordingEdge;
    await engine.apply(target({ desired: [A], applied: [] }), { actor: 'alice' });
    const moved = { ...A, port: 20001 };
    expect((await engine.apply(target({ desired: [moved], applied: [A] }), { actor: 'a' })).outcome).toBe('applied');
    const retargeted = { ...A, to: 'web:9090' };
    expect((await engine.apply(target({ desired: [retargeted], applied: [A] }), { actor: 'a' })).outcome).toBe(
      'applied',
    );
    expect(recording.published.map((p) => p.routes)).toEqual([[A], [moved], [retargeted]]);
  });

  it('treats a change of the options alone (a hash, a header value) as a change of the routes', async () => {
    const { engine, edge } = setup();
    const recording = edge as RecordingEdge;
    const guarded = { ...A, basicAuth: [{ user: 'alice', hash: `$2b$12$${'a'.repeat(53)}` }] };
    await engine.apply(target({ desired: [guarded], applied: [] }), { actor: 'alice' });
    const rehashed = { ...A, basicAuth: [{ user: 'alice', hash: `$2b$12$${'b'.repeat(53)}` }] };
    const r = await engine.apply(target({ desired: [rehashed], applied: [guarded] }), { actor: 'a' });
    expect(r.outcome).toBe('applied');
    expect(r.plan.routes).toEqual({ add: [describeRoute(rehashed)], remove: [describeRoute(guarded)] });
    const headed = { ...A, headers: { response: { 'X-Frame-Options': 'DENY' } } };
    await engine.apply(target({ desired: [headed], applied: [rehashed] }), { actor: 'a' });
    const reheaded = { ...A, headers: { response: { 'X-Frame-Options': 'SAMEORIGIN' } } };
    expect((await engine.apply(target({ desired: [reheaded], applied: [headed] }), { actor: 'a' })).outcome).toBe(
      'applied',
    );
    expect(
      (await engine.apply(target({ desired: [reheaded], applied: [{ ...reheaded }] }), { actor: 'a' })).outcome,
    ).toBe('noop');
    expect(recording.published.map((p) => p.routes)).toEqual([[guarded], [rehashed], [headed], [reheaded]]);
  });

  it('publishes an empty list when the routes are taken away', async () => {
    const { engine, edge } = setup();
    await engine.apply(target({ desired: [A], applied: [] }), { actor: 'alice' });
    const r = await engine.apply(target({ desired: [], applied: [A] }), { actor: 'alice' });
    expect(r.outcome).toBe('applied');
    expect((edge as RecordingEdge).published.at(-1)).toEqual({ compartment: 'shop', routes: [] });
  });

  it('rolls back when a route does not answer, naming it, and loads the previous routes again', async () => {
    const { engine, edge, host, store, clock } = setup();
    const recording = edge as RecordingEdge;
    const before = target({ desired: [A], applied: [] }, files('PublishPort=127.0.0.1:20000:8080\n'));
    await engine.apply(before, { actor: 'alice' });
    const filesBefore = new Map(host.files);
    recording.answers = (r) =>
      r.host === 'b.example.org' ? { ok: false, detail: 'HTTP 502 from the edge' } : { ok: true, detail: 'HTTP 200' };

    const events: ProgressEvent[] = [];
    const r = await engine.apply(
      target({ desired: [A, B], applied: [A] }, files('PublishPort=127.0.0.1:20000:8080\nEnvironment=X=1\n')),
      { actor: 'alice', onProgress: (e) => events.push(e) },
    );
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toContain('b.example.org/app (HTTP 502 from the edge)');
    expect(r.message).not.toContain('a.example.org');
    expect(recording.published.map((p) => p.routes)).toEqual([[A], [A, B], [A]]);
    expect(steps(events)).toContain('route:failed');
    expect(steps(events).at(-1)).toBe('rollback:ok');
    expect(store.revision('shop', 2)).toMatchObject({ result: 'rolled-back' });
    expect(store.pending()).toEqual([]);
    // the files changed with the routes are back too
    expect(host.files).toEqual(filesBefore);
    // the checks were retried until the verify time was up, by the engine's clock
    expect(clock()).toBeGreaterThanOrEqual(2_000);
    expect(recording.checks.filter((c) => c === 'b.example.org/app').length).toBeGreaterThan(1);
    // the route that answered is not requested again
    expect(recording.checks.filter((c) => c === 'a.example.org/').length).toBe(2);
  });

  it('gives up on a route once the verify time by its own clock is up', async () => {
    const { engine, edge } = setup({ verifyTimeoutMs: 1_000 });
    const recording = edge as RecordingEdge;
    recording.answers = () => ({ ok: false, detail: 'HTTP 502' });
    const started = Date.now();
    const r = await engine.apply(target({ desired: [A], applied: [] }), { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    // 1000 ms of the engine's clock at 100 ms a poll: about ten attempts, not as many as the real clock allows
    expect(recording.checks.length).toBeGreaterThanOrEqual(10);
    expect(recording.checks.length).toBeLessThanOrEqual(12);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('applies a route that answers only on its second request', async () => {
    const { engine, edge, clock } = setup({ verifyTimeoutMs: 5_000 });
    const recording = edge as RecordingEdge;
    recording.answers = (_r, attempt) =>
      attempt < 2 ? { ok: false, detail: 'HTTP 502' } : { ok: true, detail: 'HTTP 200' };
    const r = await engine.apply(target({ desired: [A], applied: [] }), { actor: 'alice' });
    expect(r.outcome).toBe('applied');
    expect(recording.checks).toEqual(['a.example.org/', 'a.example.org/']);
    expect(recording.published).toHaveLength(1);
    expect(clock()).toBeLessThan(5_000);
  });

  it('refuses changed routes without an edge, rolling back with a clear message', async () => {
    const { engine, store } = setup({ edge: null });
    const r = await engine.apply(target({ desired: [A], applied: [] }), { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toMatch(/routes changed, but this quadletman has no edge \(Caddy\)/);
    expect(store.revision('shop', 1)).toMatchObject({ result: 'rolled-back' });
  });

  it('applies without an edge when the routes do not change', async () => {
    const { engine } = setup({ edge: null });
    const r = await engine.apply(target({ desired: [], applied: [] }), { actor: 'alice' });
    expect(r.outcome).toBe('applied');
  });

  it('fails (not rolled back) when the previous routes cannot be loaded again', async () => {
    const edge = new RecordingEdge();
    edge.answers = () => ({ ok: false, detail: 'HTTP 502' });
    const { engine } = setup({ edge, verifyTimeoutMs: 0 });
    let loads = 0;
    edge.publish = async () => {
      loads++;
      if (loads > 1) throw new Error('edge gone');
    };
    const r = await engine.apply(target({ desired: [A], applied: [] }), { actor: 'alice' });
    expect(r.outcome).toBe('failed');
    expect(r.message).toContain('edge gone');
  });

  it('with the EdgeService over Caddy: loads the new routes, and the stored ones again after a failure', async () => {
    const admin = new FakeEdgeAdmin();
    const stored: HeldRoute[] = [
      { compartment: 'blog', host: 'blog.example.org', path: '/', to: 'nginx:80', port: 20100 },
      { compartment: 'shop', ...A },
    ];
    const edge = new EdgeService({
      store: { allRoutes: () => stored, setting: () => undefined, setSetting: () => undefined },
      admin: () => admin,
      request: (r) => admin.request(r),
    });
    const { engine } = setup({ edge, verifyTimeoutMs: 0 });
    const dials = (config: unknown) =>
      (config as CaddyConfig).apps.http!.servers.quadletman!.routes.map(
        (r) => `${r.match[0]!.host[0]} ${(r.handle[0] as CaddyProxyHandler).upstreams[0]!.dial}`,
      );

    const ok = await engine.apply(target({ desired: [{ ...A, port: 20001 }], applied: [A] }), { actor: 'alice' });
    expect(ok.outcome).toBe('applied');
    expect(dials(admin.loaded.at(-1)).sort()).toEqual([
      'a.example.org 127.0.0.1:20001',
      'blog.example.org 127.0.0.1:20100',
    ]);

    admin.down.add('b.example.org');
    const bad = await engine.apply(target({ desired: [A, B], applied: [A] }), { actor: 'alice' });
    expect(bad.outcome).toBe('rolled-back');
    expect(bad.message).toContain('b.example.org');
    expect(admin.loaded).toHaveLength(3);
    expect(dials(admin.loaded[1]).sort()).toEqual([
      'a.example.org 127.0.0.1:20000',
      'b.example.org 127.0.0.1:20000',
      'blog.example.org 127.0.0.1:20100',
    ]);
    expect(admin.loaded.at(-1)).toEqual(edge.desired());
    expect(dials(admin.loaded.at(-1)).sort()).toEqual([
      'a.example.org 127.0.0.1:20000',
      'blog.example.org 127.0.0.1:20100',
    ]);
  });
});
