import { describe, expect, it } from 'vitest';
import { lintRendered } from './lint.js';
import { plan, socketTarget } from './plan.js';
import { render } from './render.js';
import { checkSpec, parseSpecText, specToYaml, toSpec, validateSpec } from './spec.js';

const U = '.config/systemd/user';
const Q = '.config/containers/systemd';

/** A compartment `app` with a socket-activated container, a plain service, a target and a text socket. */
const spec = (units: Record<string, unknown> = {}) => ({
  compartment: 'app',
  units: {
    'web.container': { container: { image: 'docker.io/library/nginx:1.27' } },
    'web.socket': { socket: { listenStream: ['127.0.0.1:8080'] } },
    'tick.service': {
      service: { type: 'oneshot', execStart: ['/usr/bin/true'], environment: { GREETING: '100% ok' } },
      unit: { description: 'A plain service' },
    },
    'stack.target': { unit: { description: 'The stack', wants: ['tick.service'] } },
    'echo.socket': { text: '[Socket]\nListenStream=%t/echo.sock\nAccept=yes\n' },
    'echo@.service': { text: '[Service]\nExecStart=/usr/bin/cat\nStandardInput=socket\n' },
    ...units,
  },
});

const issuesOf = (units: Record<string, unknown>) => checkSpec(spec(units)).issues;

describe("systemd's own units in the spec", () => {
  it('reads typed sockets, services and targets, and text ones', () => {
    const s = validateSpec(spec());
    expect(s.units['web.socket']).toEqual({
      format: 'systemd',
      kind: 'socket',
      socket: { listenStream: ['127.0.0.1:8080'] },
      extra: [],
    });
    expect(s.units['tick.service']).toMatchObject({ format: 'systemd', kind: 'service' });
    expect(s.units['stack.target']).toMatchObject({
      format: 'systemd',
      kind: 'target',
      unit: { wants: ['tick.service'] },
    });
    expect(s.units['echo.socket']).toMatchObject({ format: 'text' });
  });

  it('survives toSpec and the YAML writer unchanged', () => {
    const s = validateSpec(spec());
    expect(validateSpec(toSpec(s))).toEqual(s);
    expect(parseSpecText(specToYaml(s))).toEqual(s);
  });

  it('takes systemd key spellings and keys without a field as extras', () => {
    const s = validateSpec(
      spec({
        'web.socket': { socket: { ListenStream: ['127.0.0.1:8080'] }, unit: { JobTimeoutSec: '30' }, install: {} },
      }),
    );
    expect(s.units['web.socket']).toMatchObject({
      socket: { listenStream: ['127.0.0.1:8080'] },
      extra: [['Unit', 'JobTimeoutSec', '30']],
    });
  });

  it('renders them into the user unit folder, with a socket wanted by sockets.target', () => {
    const files = render(validateSpec(spec())).files;
    expect(files.get(`${U}/web.socket`)).toBe(
      '[Socket]\nListenStream=127.0.0.1:8080\n\n[Install]\nWantedBy=sockets.target\n',
    );
    expect(files.get(`${U}/tick.service`)).toBe(
      '[Unit]\nDescription=A plain service\n\n[Service]\nType=oneshot\nEnvironment="GREETING=100%% ok"\nExecStart=/usr/bin/true\n',
    );
    expect(files.get(`${U}/stack.target`)).toBe('[Unit]\nDescription=The stack\nWants=tick.service\n');
    expect(files.get(`${U}/echo.socket`)).toContain('Accept=yes');
    expect(files.get(`${U}/echo@.service`)).toContain('StandardInput=socket');
    expect(files.has(`${Q}/web.container`)).toBe(true);
    expect(files.has(`${Q}/web.socket`)).toBe(false);
  });

  it('keeps install: {} as no [Install] on a socket', () => {
    const files = render(
      validateSpec(spec({ 'web.socket': { socket: { listenStream: ['8080'] }, install: {} } })),
    ).files;
    expect(files.get(`${U}/web.socket`)).toBe('[Socket]\nListenStream=8080\n');
  });

  it('refuses a unit named like a generated service, a timer job or the compartment target', () => {
    const issues = issuesOf({
      'web.service': { service: { execStart: ['/usr/bin/true'] } },
      'app.target': { unit: {} },
      'db-network.service': { text: '[Service]\nExecStart=/usr/bin/true\n' },
      'db.network': { network: {} },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'units["web.service"]', message: expect.stringMatching(/generated service of web\.container/) },
        { path: 'units["app.target"]', message: expect.stringMatching(/compartment's own target/) },
        { path: 'units["db-network.service"]', message: expect.stringMatching(/generated service of db\.network/) },
      ]),
    );
  });

  it('refuses a socket whose service the compartment does not have, naming the services it has', () => {
    const issues = issuesOf({
      'lone.socket': { socket: { listenStream: ['9000'] } },
      'named.socket': { socket: { listenStream: ['9001'], service: 'ghost.service' } },
      'multi.socket': { text: '[Socket]\nListenStream=9002\nAccept=yes\n' },
    });
    expect(issues).toEqual([
      {
        path: 'units["lone.socket"].socket',
        message: expect.stringMatching(
          /activates lone\.service, which the compartment does not have \(its services: .*web\.service/,
        ),
      },
      { path: 'units["multi.socket"]', message: expect.stringMatching(/activates multi@\.service/) },
      { path: 'units["named.socket"].socket', message: expect.stringMatching(/activates ghost\.service/) },
    ]);
  });

  it('refuses line breaks, unknown keys and wrong kinds with their paths', () => {
    const issues = issuesOf({
      'web.socket': { socket: { listenStream: ['127.0.0.1:8080\nExecStartPre=/bin/sh'], Acept: true } },
      'tick.service': { service: { execStart: ['/usr/bin/true'] }, timer: {} },
      'stack.target': { unit: {}, extra: [['Service', 'ExecStart', '/bin/sh']] },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'units["web.socket"].socket.listenStream[0]', message: expect.stringMatching(/line break/) },
        { path: 'units["web.socket"].socket.Acept', message: expect.stringMatching(/did you mean "accept"/i) },
        { path: 'units["tick.service"].timer', message: expect.stringMatching(/unknown property/) },
        { path: 'units["stack.target"].extra[0][0]', message: expect.stringMatching(/Unit, Install/) },
      ]),
    );
  });
});

describe('plans for systemd units', () => {
  const files = (s: ReturnType<typeof spec>) => render(validateSpec(s)).files;

  it('starts sockets and plain services, not the services sockets activate', () => {
    const p = plan({ desired: files(spec()), current: new Map() });
    expect(p.units.start).toEqual(
      expect.arrayContaining(['web.socket', 'echo.socket', 'tick.service', 'stack.target', 'app.target']),
    );
    expect(p.units.start).not.toContain('web.service');
    expect(p.units.start).not.toContain('echo@.service');
    expect(p.reload).toBe(true);
  });

  it('restarts a changed socket or service, stops removed ones', () => {
    const before = files(spec());
    const after = files(
      spec({
        'web.socket': { socket: { listenStream: ['127.0.0.1:8081'] } },
        'tick.service': { service: { type: 'oneshot', execStart: ['/usr/bin/false'] } },
      }),
    );
    after.delete(`${U}/stack.target`);
    after.delete(`${U}/echo@.service`);
    after.delete(`${U}/echo.socket`);
    const p = plan({ desired: after, current: before });
    expect(p.units.restart).toEqual(['tick.service', 'web.socket']);
    // a template (echo@.service) has no unit to stop: its instances end with their connections
    expect(p.units.stop).toEqual(['echo.socket', 'stack.target']);
  });

  it('reads the service a socket file activates', () => {
    expect(socketTarget(`${U}/a.socket`, '[Socket]\nListenStream=1\n')).toBe('a.service');
    expect(socketTarget(`${U}/a.socket`, '[Socket]\nListenStream=1\nAccept=true\n')).toBe('a@.service');
    expect(socketTarget(`${U}/a.socket`, '[Socket]\nService=b.service\nAccept=yes\n')).toBe('b.service');
  });
});

describe('the apply lint of systemd units', () => {
  it('lints them in one set with the Quadlet units, as systemd reads them', () => {
    const clean = lintRendered(render(validateSpec(spec())).files);
    expect(clean.reports.map((r) => r.path)).toEqual(expect.arrayContaining([`${U}/web.socket`, `${U}/tick.service`]));
    expect(clean.errors, JSON.stringify(clean.reports)).toBe(0);
    const broken = lintRendered(
      render(validateSpec(spec({ 'bad.service': { text: '[Service]\nType=simple\n' } }))).files,
    );
    const report = broken.reports.find((r) => r.path === `${U}/bad.service`);
    expect(report?.diagnostics.map((d) => d.code)).toContain('missing-exec-start');
    expect(broken.ok).toBe(false);
  });
});
