import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import { ApplyEngine, type ApplyTarget, type ProgressEvent } from './engine.js';
import { FakeHost, FakeStore } from './fakes.js';
import { MemoryLocks } from './lock.js';
import type { FileSet } from './ports.js';

const Q = '.config/containers/systemd';

function fileSet(files: Record<string, string>): FileSet {
  const m = new Map(Object.entries(files).map(([k, v]) => [`${Q}/${k}`, v]));
  return { files: m, modes: new Map([...m.keys()].map((k) => [k, 0o644])) };
}

const container = (image: string, extra = '') =>
  `[Container]\nImage=${image}\nNetwork=app.network\n${extra}\n[Install]\nWantedBy=default.target\n`;

function target(files: Record<string, string>, probes: ApplyTarget['probes'] = []): ApplyTarget {
  return { compartment: 'shop', files: fileSet(files), hostVolumes: [], probes, podmanVersion: '5.4' };
}

const stack = (webImage = 'localhost/web:1') =>
  target({
    'app.network': '[Network]\n',
    'web.container': container(webImage),
    'db.container': container('localhost/db:1'),
  });

function setup() {
  const host = new FakeHost();
  const store = new FakeStore();
  let clock = 0;
  const engine = new ApplyEngine(async () => host, store, new MemoryLocks(), {
    settleMs: 1_000,
    verifyTimeoutMs: 2_000,
    pollMs: 100,
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
    },
  });
  return { host, store, engine, clock: () => clock };
}

describe('ApplyEngine', () => {
  it('writes the files, reloads once, starts the new units in one call and records the revision', async () => {
    const { host, store, engine } = setup();
    const events: ProgressEvent[] = [];
    const r = await engine.apply(stack(), { actor: 'alice', onProgress: (e) => events.push(e) });
    expect(r.outcome).toBe('applied');
    expect(r.revision).toBe(1);
    expect([...host.files.keys()].sort()).toEqual([`${Q}/app.network`, `${Q}/db.container`, `${Q}/web.container`]);
    expect(host.calls.filter((c) => c === 'reload')).toHaveLength(1);
    expect(host.calls.filter((c) => c.startsWith('restart'))).toEqual([
      'restart app-network.service,db.service,web.service',
    ]);
    expect(store.revisions[0]).toMatchObject({ number: 1, actor: 'alice', result: 'applied' });
    expect(store.pending()).toEqual([]);
    expect(events.map((e) => `${e.step}:${e.status}`)).toEqual([
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
  });

  it('restarts nothing and records no revision when nothing changed', async () => {
    const { host, store, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    host.calls = [];
    const r = await engine.apply(stack(), { actor: 'alice' });
    expect(r.outcome).toBe('noop');
    expect(host.calls).toEqual([]); // not even the generator's dry run: the files on disk are these
    expect(r.dryRun).toEqual([]);
    expect(store.revisions).toHaveLength(1);
  });

  it('restarts only the changed unit', async () => {
    const { host, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    host.calls = [];
    const r = await engine.apply(stack('localhost/web:2'), { actor: 'alice' });
    expect(r.outcome).toBe('applied');
    expect(host.calls.filter((c) => c.startsWith('restart'))).toEqual(['restart web.service']);
  });

  it('refuses a set with lint errors and changes nothing', async () => {
    const { host, store, engine } = setup();
    const r = await engine.apply(target({ 'web.container': '[Container]\nImgae=localhost/x\n' }), { actor: 'bob' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toMatch(/Nothing was changed/);
    expect(r.diagnostics.flatMap((d) => d.diagnostics.map((x) => x.code))).toContain('unknown-key');
    expect(host.files.size).toBe(0);
    // the generator's dry run ran beside the lint (it changes nothing); its verdict is not reported
    expect(host.calls).toEqual(['dry-run']);
    expect(r.dryRun).toEqual([]);
    expect(store.revisions[0]).toMatchObject({ result: 'refused', actor: 'bob' });
  });

  it("lints against the host's Podman when the compartment pins none, and says which", async () => {
    const { host, engine } = setup();
    host.version = '5.4';
    const memory = {
      ...target({ 'app.network': '[Network]\n', 'web.container': container('localhost/web:1', 'Memory=512m') }),
      podmanVersion: null,
    };
    const events: ProgressEvent[] = [];
    const r = await engine.apply(memory, { actor: 'bob', onProgress: (e) => events.push(e) });
    expect(r.outcome).toBe('refused');
    expect(r.podmanVersion).toBe('5.4');
    expect(r.message).toMatch(/'Memory' needs Podman 5\.5 or newer; the generator of Podman 5\.4 rejects the file/);
    expect(events.find((e) => e.step === 'validate')?.message).toMatch(/against Podman 5\.4/);
    expect(host.files.size).toBe(0);
    expect((await engine.plan(memory)).podmanVersion).toBe('5.4');
    // a newer host accepts it; a pinned version wins over the host's
    host.version = '5.6';
    expect((await engine.apply(memory, { actor: 'bob' })).outcome).toBe('applied');
    expect((await engine.plan({ ...memory, podmanVersion: '5.4' })).podmanVersion).toBe('5.4');
    // a host without a known version: the newest
    host.version = undefined;
    expect((await engine.plan(memory)).podmanVersion).toBeNull();
  });

  it('refuses on lint errors alone when the dry run beside the lint fails too', async () => {
    const { host, engine } = setup();
    host.dryRun = async () => {
      throw new Error('runuser: user qm-shop does not exist');
    };
    const r = await engine.apply(target({ 'web.container': '[Container]\nImgae=localhost/x\n' }), { actor: 'bob' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toMatch(/lint error/);
    expect(r.message).not.toMatch(/runuser/);
  });

  it('refuses what the real generator rejects, even when the linter does not', async () => {
    const { host, engine } = setup();
    host.rejects = (file) => (file === 'web.container' ? 'simulated rejection' : undefined);
    const r = await engine.apply(stack(), { actor: 'bob' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain('web.container (simulated rejection)');
    expect(host.files.size).toBe(0);
  });

  it('rolls back when a unit cannot start: previous files back, previous units running', async () => {
    const { host, store, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    const before = new Map(host.files);
    const r = await engine.apply(stack('localhost/web:broken'), { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toContain('web.service: web.service exited with status 125');
    expect(host.files).toEqual(before);
    expect(host.active.has('web.service')).toBe(true);
    expect(store.revision('shop', 2)).toMatchObject({ result: 'rolled-back' });
    expect(store.pending()).toEqual([]);
  });

  it('stops units the failed apply added and removes their files', async () => {
    const { host, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    const t = stack();
    t.files.files.set(`${Q}/extra.container`, container('localhost/extra:broken'));
    t.files.modes.set(`${Q}/extra.container`, 0o644);
    const r = await engine.apply(t, { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    expect(host.files.has(`${Q}/extra.container`)).toBe(false);
    expect(host.active.has('extra.service')).toBe(false);
  });

  it('rolls back when a verify probe keeps failing', async () => {
    const { host, store, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    host.probeResult = () => ({ ok: false, detail: 'HTTP 502' });
    const probe = { name: 'web', type: 'tcp' as const, port: 8080, host: '127.0.0.1', timeoutMs: 500 };
    const r = await engine.apply(stack('localhost/web:3'), { actor: 'alice' });
    expect(r.outcome).toBe('applied'); // this target has no probes
    const withProbe = { ...stack('localhost/web:4'), probes: [probe] };
    const r2 = await engine.apply(withProbe, { actor: 'alice' });
    expect(r2.outcome).toBe('rolled-back');
    expect(r2.message).toContain("probe 'web' failed: HTTP 502");
    expect(host.files.get(`${Q}/web.container`)).toContain('localhost/web:3');
    expect(store.revision('shop', 3)).toMatchObject({ result: 'rolled-back' });
  });

  it('refuses a second apply of the same compartment when asked not to wait, and queues it otherwise', async () => {
    const { host, engine } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const original = host.readManaged.bind(host);
    host.readManaged = async () => {
      await gate;
      return original();
    };
    const first = engine.apply(stack(), { actor: 'a' });
    await new Promise((r) => setTimeout(r, 10));
    await expect(engine.apply(stack(), { actor: 'b', wait: false })).rejects.toBeInstanceOf(ConflictError);
    const queued = engine.apply(stack('localhost/web:2'), { actor: 'c' });
    release();
    expect((await first).outcome).toBe('applied');
    expect((await queued).revision).toBe(2);
  });

  it('recovers an apply interrupted by a crash: the files before it return', async () => {
    const { host, store, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    const before = new Map(host.files);
    // A process that died after writing one of two files leaves this behind: a pending record, and the host
    // half-way between the two revisions.
    const t = stack('localhost/web:5');
    t.files.files.set(`${Q}/db.container`, container('localhost/db:5'));
    const pending = {
      compartment: 'shop',
      revision: 2,
      phase: 'written' as const,
      previous: { files: new Map(before), modes: new Map([...before.keys()].map((k) => [k, 0o644])) },
      units: { stop: [], restart: ['web.service', 'db.service'] },
    };
    host.files.set(`${Q}/web.container`, container('localhost/web:5'));
    store.begin(
      { compartment: 'shop', number: 2, files: t.files, diff: '', actor: 'alice', startedAt: new Date(0) },
      pending,
    );
    const recovered = await engine.recover();
    expect(recovered).toEqual([expect.objectContaining({ compartment: 'shop', revision: 2, ok: true })]);
    expect(host.files).toEqual(before);
    expect(store.revision('shop', 2)).toMatchObject({ result: 'rolled-back' });
    expect(store.pending()).toEqual([]);
    expect(host.active.has('web.service')).toBe(true);
  });
});

describe('ApplyEngine with timers', () => {
  it('enables a new user timer after the reload and disables it when it goes', async () => {
    const { host, engine } = setup();
    const withTimer = stack();
    withTimer.files.files.set(
      '.config/systemd/user/backup.timer',
      '[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=timers.target\n',
    );
    withTimer.files.modes.set('.config/systemd/user/backup.timer', 0o644);
    expect((await engine.apply(withTimer, { actor: 'a' })).outcome).toBe('applied');
    expect(host.enabled.has('backup.timer')).toBe(true);
    expect(host.calls.indexOf('enable backup.timer')).toBeGreaterThan(host.calls.indexOf('reload'));
    expect((await engine.apply(stack(), { actor: 'a' })).outcome).toBe('applied');
    expect(host.calls.slice(-6), JSON.stringify(host.calls)).toContain('disable backup.timer');
    expect(host.enabled.has('backup.timer')).toBe(false);
  });

  it("rolls back even when the apply used up the unit's start rate limit (reset-failed first)", async () => {
    const { host, engine } = setup();
    host.startLimitBurst = 2;
    await engine.apply(stack(), { actor: 'alice' }); // web started once
    const r = await engine.apply(stack('localhost/web:broken'), { actor: 'alice' }); // twice, fails; then back
    expect(r.outcome).toBe('rolled-back');
    expect(host.active.has('web.service')).toBe(true);
    expect(host.calls.slice(-2)).toEqual(['reset-failed web.service', 'restart web.service']);
  });

  it('applies again and again within the start rate limit window', async () => {
    const { host, engine } = setup();
    host.startLimitBurst = 2;
    for (const tag of ['1', '2', '3', '4']) {
      const r = await engine.apply(stack(`localhost/web:${tag}`), { actor: 'alice' });
      expect(r.outcome, tag).toBe('applied');
    }
    expect(host.active.has('web.service')).toBe(true);
  });

  it('recovery brings units back even when a crashed apply and its orphaned restart used up their rate limit', async () => {
    const { host, store, engine } = setup();
    host.startLimitBurst = 2;
    await engine.apply(stack(), { actor: 'alice' });
    const before = new Map(host.files);
    host.files.set(`${Q}/web.container`, container('localhost/web:6'));
    await host.restartUnits(['web.service']); // the killed process's restart job still ran
    store.begin(
      {
        compartment: 'shop',
        number: 2,
        files: stack('localhost/web:6').files,
        diff: '',
        actor: 'a',
        startedAt: new Date(0),
      },
      {
        compartment: 'shop',
        revision: 2,
        phase: 'reloaded',
        previous: { files: new Map(before), modes: new Map([...before.keys()].map((k) => [k, 0o644])) },
        units: { stop: [], restart: ['web.service'] },
      },
    );
    const [rec] = await engine.recover();
    expect(rec).toMatchObject({ ok: true });
    expect(host.files).toEqual(before);
    expect(host.active.has('web.service')).toBe(true);
  });

  it('recover() waits for an apply in flight and leaves it alone when it finishes', async () => {
    const { host, store, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const reload = host.daemonReload.bind(host);
    host.daemonReload = async () => {
      await gate;
      return reload();
    };
    const applying = engine.apply(stack('localhost/web:7'), { actor: 'alice' });
    while (store.pending().length === 0) await new Promise((r) => setTimeout(r, 1));
    // another CLI run starts now: it sees the journal row of the live apply
    const recovering = engine.recover();
    release();
    expect((await applying).outcome).toBe('applied');
    expect(await recovering).toEqual([]);
    expect(store.revision('shop', 2)).toMatchObject({ result: 'applied' });
    expect(host.files.get(`${Q}/web.container`)).toContain('localhost/web:7');
  });

  it('runs the probes side by side and reports every one that fails', async () => {
    const { host, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    const seen: string[] = [];
    host.probeResult = (p) => {
      seen.push(p.name);
      return p.name === 'db' ? { ok: false, detail: 'connection refused' } : { ok: true, detail: 'HTTP 200' };
    };
    const probe = (name: string) => ({ name, type: 'tcp' as const, port: 1, host: '127.0.0.1', timeoutMs: 500 });
    const r = await engine.apply(
      { ...stack('localhost/web:8'), probes: [probe('db'), probe('web'), probe('x')] },
      {
        actor: 'alice',
      },
    );
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toContain("probe 'db' failed: connection refused");
    expect(r.message).not.toContain("probe 'web'");
    expect(seen.slice(0, 3)).toEqual(['db', 'web', 'x']); // all three tried before any retry
  });

  it('with probes, waits for no fixed settle: the probes run as soon as the units are active', async () => {
    const { host, engine, clock } = setup();
    const probeTimes: number[] = [];
    host.probeResult = () => {
      probeTimes.push(clock());
      return { ok: true, detail: 'HTTP 200' };
    };
    const probe = { name: 'web', type: 'tcp' as const, port: 1, host: '127.0.0.1', timeoutMs: 500 };
    const r = await engine.apply({ ...stack(), probes: [probe] }, { actor: 'alice' });
    expect(r.outcome).toBe('applied');
    expect(probeTimes).toHaveLength(1);
    expect(probeTimes[0]).toBeLessThanOrEqual(100); // within a poll, where settleMs is 1000 in this setup
    expect(r.units.every((u) => u.activeState === 'active')).toBe(true);
  });

  it('fails and rolls back when a unit dies while the probes run', async () => {
    const { host, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    let tries = 0;
    host.probeResult = () => {
      tries++;
      // the probe's service never answers; the web dies meanwhile
      if (tries === 2) host.active.delete('web.service');
      return { ok: false, detail: 'connection refused' };
    };
    const probe = { name: 'web', type: 'tcp' as const, port: 1, host: '127.0.0.1', timeoutMs: 500 };
    const r = await engine.apply({ ...stack('localhost/web:2'), probes: [probe] }, { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toContain('web.service: web.service exited with status 125');
    expect(r.message).not.toContain('probe');
    expect(tries).toBeLessThan(10); // the probes stop once a unit has died (their deadline allows 20 tries)
    expect(host.files.get(`${Q}/web.container`)).toContain('localhost/web:1');
  });

  it('retries a probe soon at first, then every pollMs', async () => {
    const host = new FakeHost();
    const pauses: number[] = [];
    const engine = new ApplyEngine(async () => host, new FakeStore(), new MemoryLocks(), {
      pollMs: 100,
      sleep: async (ms) => {
        pauses.push(ms);
      },
    });
    let tries = 0;
    host.probeResult = () => (++tries < 6 ? { ok: false, detail: 'refused' } : { ok: true, detail: 'HTTP 200' });
    const probe = { name: 'web', type: 'tcp' as const, port: 1, host: '127.0.0.1', timeoutMs: 500 };
    expect((await engine.apply({ ...stack(), probes: [probe] }, { actor: 'alice' })).outcome).toBe('applied');
    // the probe's pauses, among the unit watcher's (every pollMs)
    expect(pauses.filter((ms) => ms !== 100)).toEqual([10, 20, 40, 80]);
    expect(tries).toBe(6);
  });

  it('ends the verify step when the probes pass, not at the next poll of the unit watch', async () => {
    const host = new FakeHost();
    // real timers, and a poll far longer than the test's own timeout
    const engine = new ApplyEngine(async () => host, new FakeStore(), new MemoryLocks(), { pollMs: 60_000 });
    const probe = { name: 'web', type: 'tcp' as const, port: 1, host: '127.0.0.1', timeoutMs: 500 };
    expect((await engine.apply({ ...stack(), probes: [probe] }, { actor: 'alice' })).outcome).toBe('applied');
  });

  it("with probes, reads the units' states once, after the probes (the restart call waited for them)", async () => {
    const host = new FakeHost();
    // real timers and a long poll: the unit watch does not poll during the probes
    const engine = new ApplyEngine(async () => host, new FakeStore(), new MemoryLocks(), { pollMs: 60_000 });
    let shows = 0;
    let probed = false;
    const statuses = host.unitStatuses.bind(host);
    host.unitStatuses = async (units) => {
      shows++;
      expect(probed).toBe(true);
      return statuses(units);
    };
    host.probeResult = () => {
      probed = true;
      return { ok: true, detail: 'HTTP 200' };
    };
    const probe = { name: 'web', type: 'tcp' as const, port: 1, host: '127.0.0.1', timeoutMs: 500 };
    const r = await engine.apply({ ...stack(), probes: [probe] }, { actor: 'alice' });
    expect(r.outcome).toBe('applied');
    expect(shows).toBe(1);
    expect(r.units.map((u) => u.activeState)).toEqual(['active', 'active', 'active']);
  });

  it('fails when a unit that was active is restarting (activating) while the probes run', async () => {
    const { host, engine } = setup();
    let probed = false;
    host.probeResult = () => {
      probed = true;
      return { ok: true, detail: 'HTTP 200' };
    };
    const statuses = host.unitStatuses.bind(host);
    host.unitStatuses = async (units) =>
      (await statuses(units)).map((s) =>
        probed && s.unit === 'web.service' ? { ...s, activeState: 'activating', subState: 'auto-restart' } : s,
      );
    const probe = { name: 'web', type: 'tcp' as const, port: 1, host: '127.0.0.1', timeoutMs: 500 };
    const r = await engine.apply({ ...stack(), probes: [probe] }, { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toContain('web.service');
  });

  it('fails when a unit dies just as the probes pass', async () => {
    const { host, engine } = setup();
    host.probeResult = () => {
      host.active.delete('web.service');
      return { ok: true, detail: 'HTTP 200' };
    };
    const probe = { name: 'web', type: 'tcp' as const, port: 1, host: '127.0.0.1', timeoutMs: 500 };
    const r = await engine.apply({ ...stack(), probes: [probe] }, { actor: 'alice' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toContain('web.service');
  });

  it('reports the unit states the settle saw, without asking systemd once more', async () => {
    const { host, engine } = setup();
    let shows = 0;
    const statuses = host.unitStatuses.bind(host);
    host.unitStatuses = async (units) => {
      shows++;
      return statuses(units);
    };
    const r = await engine.apply(stack(), { actor: 'alice' });
    expect(r.units.map((u) => [u.unit, u.activeState])).toEqual([
      ['app-network.service', 'active'],
      ['db.service', 'active'],
      ['web.service', 'active'],
    ]);
    expect(shows).toBe(1000 / 100 + 1); // the settle's polls (settleMs 1000, pollMs 100) and nothing after
  });
});

describe('ApplyEngine: pulling before anything stops', () => {
  const REG = 'registry.example.org/shop';

  it('pulls a missing image before it stops or writes anything, and reports progress in the pull step', async () => {
    const { host, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    host.calls = [];
    const events: ProgressEvent[] = [];
    const r = await engine.apply(stack(`${REG}/web:2`), { actor: 'alice', onProgress: (e) => events.push(e) });
    expect(r.outcome).toBe('applied');
    expect(host.calls.slice(0, 2)).toEqual(['dry-run', `pull ${REG}/web:2`]);
    expect(host.calls.findIndex((c) => c.startsWith('write'))).toBeGreaterThan(0);
    const pull = events.filter((e) => e.step === 'pull');
    expect(pull.at(-1)).toEqual({ step: 'pull', status: 'ok', message: `Pulled ${REG}/web:2` });
    expect(pull.some((e) => e.message === `${REG}/web:2: 1 blob`)).toBe(true);
    const order = events.map((e) => e.step).filter((s, i, a) => a.indexOf(s) === i);
    expect(order).toEqual(['plan', 'validate', 'pull', 'write', 'reload', 'start', 'verify', 'done']);
  });

  it('refuses the apply with the pull failure and changes nothing: the old units keep running', async () => {
    const { host, store, engine } = setup();
    await engine.apply(stack(), { actor: 'alice' });
    const before = new Map(host.files);
    host.calls = [];
    const r = await engine.apply(stack(`${REG}/missing:2`), { actor: 'alice' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toBe(
      `Nothing was changed: ${REG}/missing:2 cannot be pulled: reading manifest in ${REG}/missing:2: manifest unknown.`,
    );
    expect(host.calls).toEqual(['dry-run', `pull ${REG}/missing:2`]);
    expect(host.files).toEqual(before);
    expect(host.active.has('web.service')).toBe(true);
    expect(store.revisions.at(-1)).toMatchObject({ result: 'refused' });
    expect(store.pending()).toEqual([]);
  });

  it('does not pull an image that is present when the policy is missing, but does when the unit says always', async () => {
    const { host, engine } = setup();
    host.images.add(`${REG}/web:2`);
    await engine.apply(stack(`${REG}/web:2`), { actor: 'alice' });
    expect(host.calls.filter((c) => c.startsWith('pull'))).toEqual([]);
    host.calls = [];
    await engine.apply(
      target({
        'app.network': '[Network]\n',
        'web.container': container(`${REG}/web:2`, 'Pull=always'),
        'db.container': container('localhost/db:1'),
      }),
      { actor: 'alice' },
    );
    expect(host.calls.filter((c) => c.startsWith('pull'))).toEqual([`pull ${REG}/web:2`]);
  });

  it('never pulls a localhost/ image: a missing one refuses the apply and says where such images come from', async () => {
    const { host, engine } = setup();
    host.hasImage = () => false;
    const r = await engine.apply(stack('localhost/web:9'), { actor: 'alice' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain("localhost/web:9 cannot be pulled: it is not in the compartment's image storage");
    expect(host.calls.filter((c) => c.startsWith('pull'))).toEqual([]);
  });

  it('pulls nothing for units the apply does not change', async () => {
    const { host, engine } = setup();
    await engine.apply(stack(`${REG}/web:2`), { actor: 'alice' });
    host.images.clear();
    host.calls = [];
    const r = await engine.apply(
      target({
        'app.network': '[Network]\n',
        'web.container': container(`${REG}/web:2`),
        'db.container': container('localhost/db:2'),
      }),
      { actor: 'alice' },
    );
    expect(r.outcome).toBe('applied');
    expect(host.calls.filter((c) => c.startsWith('pull'))).toEqual([]);
  });
});

describe('ApplyEngine: short image names', () => {
  it('refuses a changed unit with a short image name, naming the full name the host resolves it to', async () => {
    const { host, store, engine } = setup();
    host.aliases.set('nginx', 'registry.example.org/library/nginx');
    const r = await engine.apply(stack('nginx:1.27'), { actor: 'alice' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toBe(
      "Nothing was changed: short image names cannot be pulled unattended, which registry they come from depends on the host: 'nginx:1.27' (use registry.example.org/library/nginx:1.27).",
    );
    expect(host.calls).toEqual(['dry-run']);
    expect(store.revisions.at(-1)).toMatchObject({ result: 'refused' });
  });

  it('says to name the registry when the host has no alias and no search registry for it', async () => {
    const { engine } = setup();
    const r = await engine.apply(stack('team/app'), { actor: 'alice' });
    expect(r.message).toContain("'team/app' (name its registry: registry/name:tag)");
  });
});
