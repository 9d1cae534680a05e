import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Check, type DoctorReport, QUADLET_BINARIES, runDoctor, USER_GENERATOR_LINKS } from './doctor.js';

// doctor on the real machine the tests run on (a development VM: Debian 12 whose PID 1 is not systemd, with
// cgroup v1 and no Podman ≥ 4.4). Each test asserts that doctor reports one specific missing piece, and is
// skipped when the machine, unexpectedly, has that piece. Also run by `npm run test:host` before the sandbox.

const pid1 = (() => {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim();
  } catch {
    return '';
  }
})();
const podmanVersion = (() => {
  const r = spawnSync('podman', ['--version'], { encoding: 'utf8' });
  const m = /(\d+)\.(\d+)/.exec(r.stdout ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
})();
const hasQuadletPodman =
  !!podmanVersion && (podmanVersion.major > 4 || (podmanVersion.major === 4 && podmanVersion.minor >= 4));
const hasGenerator = [...QUADLET_BINARIES, ...USER_GENERATOR_LINKS].some((p) => existsSync(p));
const hasCgroup2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

describe('doctor on this bare machine', () => {
  let report: DoctorReport;
  const check = (id: string): Check => {
    const c = report.checks.find((x) => x.id === id);
    if (!c) throw new Error(`no check ${id}`);
    return c;
  };
  beforeAll(async () => {
    report = await runDoctor();
  });

  it.skipIf(pid1 === 'systemd')('reports that systemd is not PID 1, and that lingering cannot work', () => {
    expect(check('systemd-pid1')).toMatchObject({ status: 'fail', details: { pid1 } });
    expect(check('systemd-pid1').message).toContain(pid1);
    expect(check('linger').status).toBe('fail');
    expect(report.ok).toBe(false);
  });

  it.skipIf(hasQuadletPodman)('reports that podman is missing or older than 4.4', () => {
    const c = check('podman');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(podmanVersion ? /has no Quadlet/ : /not installed/);
    expect(c.fix).toMatch(/4\.4/);
  });

  it.skipIf(hasGenerator)('reports that there is no Quadlet generator', () => {
    expect(check('quadlet-generator')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/podman/) });
  });

  it.skipIf(hasCgroup2)('reports cgroup v1 and that nothing can be delegated', () => {
    expect(check('cgroup-v2').status).toBe('fail');
    expect(check('cgroup-v2').details?.mode).toMatch(/hybrid|legacy/);
    expect(check('cgroup-delegation').status).toBe('fail');
  });

  it('gives every finding a fix', () => {
    for (const c of report.checks) if (c.status !== 'ok') expect(c.fix, c.id).toBeTruthy();
  });

  // The same through the CLI, once `doctor` is wired into the command tree.
  it.skipIf(pid1 === 'systemd')(
    'bin/quadletman doctor --format json exits 1 with the same findings',
    (ctx) => {
      const root = join(import.meta.dirname, '../../../..');
      const r = spawnSync(join(root, 'bin/quadletman'), ['doctor', '--format', 'json'], { encoding: 'utf8' });
      if (/unknown command/.test(r.stderr)) ctx.skip(); // not wired into cli/main.ts yet
      expect(r.status, r.stderr).toBe(1);
      const json = JSON.parse(r.stdout) as DoctorReport;
      expect(json.ok).toBe(false);
      expect(json.checks.find((c) => c.id === 'systemd-pid1')?.status).toBe('fail');
      expect(json.checks.map((c) => c.id)).toEqual(report.checks.map((c) => c.id));
    },
    120_000,
  );
});
