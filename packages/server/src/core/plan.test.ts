import { describe, expect, it } from 'vitest';
import { lintRendered } from './lint.js';
import { plan, serviceOf, timerTarget } from './plan.js';
import { render } from './render.js';
import { parseSpecText, validateSpec } from './spec.js';
import { BLOG_YAML } from './test-support/specs.js';

const Q = '.config/containers/systemd';
const T = '.config/systemd/user';
const F = '.config/quadletman/files';
const m = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('service names', () => {
  it.each([
    ['web.container', 'web.service'],
    ['app.network', 'app-network.service'],
    ['data.volume', 'data-volume.service'],
    ['app.pod', 'app-pod.service'],
    ['base.image', 'base-image.service'],
    ['app.build', 'app-build.service'],
    ['app.kube', 'app.service'],
    ['x.artifact', 'x-artifact.service'],
    ['web@.container', undefined],
    ['web@1.container', 'web@1.service'],
    ['web.container.d/10-x.conf', undefined],
    ['notes.txt', undefined],
  ])('%s → %s', (file, service) => {
    expect(serviceOf(`${Q}/${file}`, undefined)).toBe(service);
  });

  it('honours ServiceName=', () => {
    expect(serviceOf(`${Q}/web.container`, '[Container]\nImage=x\nServiceName=front\n')).toBe('front.service');
    expect(serviceOf(`${Q}/app.pod`, '[Pod]\nServiceName=mypod\n')).toBe('mypod.service');
    // in another section it is not Quadlet's key
    expect(serviceOf(`${Q}/web.container`, '[Service]\nServiceName=front\n')).toBe('web.service');
  });

  it('timer targets', () => {
    expect(timerTarget(`${T}/b.timer`, '[Timer]\nOnCalendar=daily\n')).toBe('b.service');
    expect(timerTarget(`${T}/b.timer`, '[Timer]\nUnit=job.service\n')).toBe('job.service');
  });
});

describe('plan', () => {
  const blog = render(parseSpecText(BLOG_YAML));

  it('a new compartment: every file added, every unit started except the timer job', () => {
    const p = plan({ desired: blog.files, current: new Map() });
    expect(p.noop).toBe(false);
    expect(p.reload).toBe(true);
    expect(p.changes.every((c) => c.kind === 'added')).toBe(true);
    expect(p.units).toEqual({
      start: [
        'app-pod.service',
        'backup.timer',
        'blog-network.service',
        'blog.target',
        'cache-volume.service',
        'db.service',
        'legacy.service',
        'sidecar.service',
        'web.service',
      ],
      restart: [],
      stop: [],
    });
    const web = p.changes.find((c) => c.path === `${Q}/web.container`)!;
    expect(web.diff.split('\n').slice(0, 3)).toEqual(['--- /dev/null', `+++ b/${Q}/web.container`, '@@ -0,0 +1,21 @@']);
  });

  it("the compartment's target: started when new, stopped when gone, never restarted when it changes", () => {
    const T = '.config/systemd/user/blog.target';
    const changed = new Map(blog.files).set(T, `${blog.files.get(T)}Documentation=man:quadletman\n`);
    const p = plan({ desired: changed, current: new Map(blog.files) });
    expect(p.reload).toBe(true);
    expect(p.units).toEqual({ start: [], restart: [], stop: [] });
    const gone = new Map(blog.files);
    gone.delete(T);
    expect(plan({ desired: gone, current: new Map(blog.files) }).units.stop).toEqual(['blog.target']);
  });

  it('no change: a no-op plan', () => {
    const p = plan({
      desired: blog.files,
      current: new Map(blog.files),
      desiredModes: blog.modes,
      currentModes: blog.modes,
    });
    expect(p).toEqual({
      changes: [],
      unchanged: [...blog.files.keys()],
      units: { start: [], restart: [], stop: [] },
      reload: false,
      noop: true,
    });
  });

  it('changed, removed and renamed units', () => {
    const desired = m({
      [`${Q}/web.container`]: '[Container]\nImage=nginx:2\n',
      [`${Q}/api.container`]: '[Container]\nImage=api\nServiceName=backend\n',
    });
    const current = m({
      [`${Q}/web.container`]: '[Container]\nImage=nginx:1\n',
      [`${Q}/api.container`]: '[Container]\nImage=api\n',
      [`${Q}/old.pod`]: '[Pod]\n',
    });
    const p = plan({ desired, current });
    expect(p.changes.map((c) => [c.kind, c.path])).toEqual([
      ['changed', `${Q}/api.container`],
      ['removed', `${Q}/old.pod`],
      ['changed', `${Q}/web.container`],
    ]);
    expect(p.units).toEqual({
      start: ['backend.service'],
      restart: ['web.service'],
      stop: ['api.service', 'old-pod.service'],
    });
    expect(p.changes[2]!.diff).toBe(
      `--- a/${Q}/web.container\n+++ b/${Q}/web.container\n@@ -1,2 +1,2 @@\n [Container]\n-Image=nginx:1\n+Image=nginx:2\n`,
    );
  });

  it('a unit replaced by one of another type with the same service is restarted', () => {
    const p = plan({
      desired: m({ [`${Q}/app.kube`]: '[Kube]\nYaml=a.yaml\n', [`${Q}/a.yaml`]: 'x' }),
      current: m({ [`${Q}/app.container`]: '[Container]\nImage=x\n', [`${Q}/a.yaml`]: 'x' }),
    });
    expect(p.units).toEqual({ start: [], restart: ['app.service'], stop: [] });
  });

  it('config files and drop-ins restart the units that use them', () => {
    const desired = new Map(blog.files);
    desired.set(`${F}/web.env`, 'A=2\n');
    desired.set(`${Q}/db.container.d/10-mem.conf`, '[Container]\nMemory=1g\n');
    const p = plan({ desired, current: blog.files });
    expect(p.units).toEqual({ start: [], restart: ['db.service', 'web.service'], stop: [] });
    expect(p.reload).toBe(true);

    const envOnly = new Map(blog.files);
    envOnly.set(`${F}/web.env`, 'A=2\n');
    const q = plan({ desired: envOnly, current: blog.files });
    expect(q.units.restart).toEqual(['web.service']);

    const other = new Map(blog.files);
    other.set(`${F}/web.env.bak`, 'A=2\n');
    expect(plan({ desired: other, current: blog.files }).units.restart).toEqual([]);
    expect(q.reload).toBe(false);

    const kube = plan({
      desired: m({ [`${Q}/app.kube`]: '[Kube]\nYaml=app.yaml\n', [`${Q}/app.yaml`]: 'v: 2\n' }),
      current: m({ [`${Q}/app.kube`]: '[Kube]\nYaml=app.yaml\n', [`${Q}/app.yaml`]: 'v: 1\n' }),
    });
    expect(kube.units).toEqual({ start: [], restart: ['app.service'], stop: [] });
  });

  it('timers: the timer starts and restarts, its job never does', () => {
    const next = render(
      validateSpec({
        ...parseSpecTextObject(),
        units: {
          'backup.timer': {
            timer: { onCalendar: 'hourly' },
            job: { container: { image: 'docker.io/library/busybox:2' } },
          },
        },
      }),
    );
    const current = m({
      [`${T}/backup.timer`]: blog.files.get(`${T}/backup.timer`)!,
      [`${Q}/backup.container`]: blog.files.get(`${Q}/backup.container`)!,
      [`${Q}/blog.network`]: blog.files.get(`${Q}/blog.network`)!,
    });
    const p = plan({ desired: next.files, current });
    expect(p.units).toEqual({ start: [], restart: ['backup.timer'], stop: [] });
    const gone = plan({ desired: m({}), current });
    expect(gone.units).toEqual({
      start: [],
      restart: [],
      stop: ['backup.service', 'backup.timer', 'blog-network.service'],
    });
  });

  it('a mode change alone rewrites the file and touches no unit', () => {
    const p = plan({
      desired: m({ [`${F}/a.env`]: 'x' }),
      current: m({ [`${F}/a.env`]: 'x' }),
      desiredModes: new Map([[`${F}/a.env`, 0o600]]),
      currentModes: new Map([[`${F}/a.env`, 0o644]]),
    });
    expect(p.changes).toEqual([
      { path: `${F}/a.env`, kind: 'changed', diff: '', mode: { before: 0o644, after: 0o600 } },
    ]);
    expect(p.noop).toBe(false);
    expect(p.reload).toBe(false);
    expect(p.units).toEqual({ start: [], restart: [], stop: [] });
  });
});

describe('lint hook', () => {
  it('lints the rendered Quadlet folder and reports by home-relative path', () => {
    const ok = lintRendered(render(parseSpecText(BLOG_YAML)).files, { podmanVersion: '5.4' });
    expect(ok.ok).toBe(true);
    expect(ok.errors).toBe(0);
    expect(ok.reports.map((r) => r.path)).toContain(`${Q}/web.container`);

    const bad = lintRendered(
      render(
        validateSpec({
          compartment: 'x',
          units: { 'web.container': { container: { publishPort: ['80:80'], pod: 'missing.pod' } } },
        }),
      ).files,
    );
    expect(bad.ok).toBe(false);
    const web = bad.reports.find((r) => r.path === `${Q}/web.container`)!;
    expect(web.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).length).toBeGreaterThan(0);
  });
});

function parseSpecTextObject() {
  return { compartment: 'blog', network: { subnet: '10.89.1.0/24' } };
}
