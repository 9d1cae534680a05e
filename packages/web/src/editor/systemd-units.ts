/**
 * Plain systemd units kept beside the Quadlet units of a compartment (`.timer`, `.socket`, `.service`,
 * `.target`; the server renders them into `.config/systemd/user/`), and the guided forms of the two that are
 * hard to write by hand: a timer (what it starts, when) and a socket (where it listens, what it activates).
 *
 * A guided form is a small model of the unit. `timerFormOf` / `socketFormOf` read a text into it with the
 * library's parser, and only when everything the text says fits the model (no comments, no other keys, no
 * value the form cannot show): then writing the model back (`timerText` / `socketText`) means the same to
 * systemd, and no line is lost. `checkTimer` / `checkSocket` say what is wrong with a model, field by field;
 * the writers refuse a model with errors (and the library's `formatEntry` refuses any value with a line break),
 * so a value can never add a line, section or key of its own.
 *
 * Pure (no DOM): the forms and the tests use it.
 */
import { formatEntry, lookup, MAIN_SECTION, parseUnitFile, type UnitFile, unitTypeOfFile } from '@quadletman/quadlet';

export const SYSTEMD_KINDS = ['timer', 'socket', 'service', 'target'] as const;
export type SystemdKind = (typeof SYSTEMD_KINDS)[number];

/** The systemd kind of a unit file name (`backup.timer` → timer); undefined for Quadlet units and others. */
export function systemdKindOf(path: string): SystemdKind | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = name.slice(dot + 1);
  return (SYSTEMD_KINDS as readonly string[]).includes(ext) ? (ext as SystemdKind) : undefined;
}

/** The kinds with a guided form. */
export type GuidedKind = 'timer' | 'socket';
export const guidedKindOf = (path: string): GuidedKind | undefined => {
  const k = systemdKindOf(path);
  return k === 'timer' || k === 'socket' ? k : undefined;
};

/** `backup.timer` → `backup`. */
export const unitBase = (path: string): string => {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.slice(0, name.lastIndexOf('.'));
};

// ------------------------------------------------------------------------------------------------ values

/** Why a form cannot take a value: a message key of the `unitForm.error.*` family, with its parameters. */
export interface Issue {
  code: IssueCode;
  params?: Record<string, string>;
}
export type IssueCode =
  | 'newline'
  | 'control'
  | 'backslash'
  | 'specifier'
  | 'calendarEmpty'
  | 'noTrigger'
  | 'duration'
  | 'unitName'
  | 'serviceName'
  | 'port'
  | 'path'
  | 'pathChars'
  | 'listenNone'
  | 'listenTwice';

/** Advice that does not stop the form from writing the unit: a message key of the `unitForm.note.*` family. */
export type NoteCode = 'everyAlone' | 'persistentNoCalendar' | 'privilegedPort' | 'acceptTemplate';

/** Field name → what is wrong with it (a form writes nothing while there is any). */
export type Issues = Record<string, Issue>;

const LINE_BREAKS = /[\n\r\u0085\u2028\u2029]/;
// every C0 control but tab, DEL and the C1 controls: none has a place in a one-line setting
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** The systemd specifiers a unit file may use (`%%` is a literal percent sign). */
const SPECIFIERS = new Set('aAbBCdDEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY%'.split(''));

/**
 * What is wrong with a value typed into a one-line field, before anything else is looked at: a line break
 * (it would start a line of its own), a control character, a trailing backslash (it would continue the line
 * onto the next), or a `%x` that is no systemd specifier (systemd refuses the unit). Whitespace at either end
 * is not a problem: the forms trim it, as systemd does.
 */
export function lineProblem(value: string): Issue | undefined {
  if (LINE_BREAKS.test(value)) return { code: 'newline' };
  if (CONTROLS.test(value)) return { code: 'control' };
  const v = value.trim();
  if (v.endsWith('\\')) return { code: 'backslash' };
  for (let i = v.indexOf('%'); i >= 0; i = v.indexOf('%', i + 2)) {
    const c = v[i + 1];
    if (c === undefined) break;
    if (/[A-Za-z0-9]/.test(c) && !SPECIFIERS.has(c)) return { code: 'specifier', params: { spec: `%${c}` } };
  }
  return undefined;
}

// systemd time spans: "5min 20s", "1h", "100ms", or a plain number of seconds (systemd.time(7)).
const SPAN_UNIT =
  '(?:us|usec|ms|msec|s|sec|second|seconds|m|min|minute|minutes|h|hr|hour|hours|d|day|days|w|week|weeks|M|month|months|y|year|years)';
const SPAN = new RegExp(`^(?:\\d+(?:\\.\\d+)?\\s*${SPAN_UNIT}?\\s*)+$`);
export const isTimeSpan = (v: string): boolean => SPAN.test(v.trim());

// A unit name: systemd's characters (letters, digits, `:_.@-`, and `\` escapes, which the forms never need).
const UNIT_NAME = /^[A-Za-z0-9:_.@-]+$/;
const isUnitName = (v: string, kinds: readonly string[]): boolean =>
  UNIT_NAME.test(v) && kinds.some((k) => v.endsWith(`.${k}`) && v.length > k.length + 1 && !v.startsWith('.'));

const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'n', 'false', 'f', 'off']);
/** systemd's parse_boolean; undefined for anything else. */
function systemdBool(v: string): boolean | undefined {
  const l = v.toLowerCase();
  return TRUE_WORDS.has(l) ? true : FALSE_WORDS.has(l) ? false : undefined;
}

// ------------------------------------------------------------------------------------------------ reading

/** Why a text does not fit a guided form: a message key of the `unitForm.unfit.*` family, with parameters. */
export interface Unfit {
  code: 'comment' | 'invalid' | 'section' | 'key' | 'value' | 'repeated' | 'install';
  params?: Record<string, string>;
}
export type Fit<T> = { ok: true; form: T } | { ok: false; why: Unfit };

/** What a guided form covers: per section, the keys and how often each may appear. */
type Coverage = Record<string, Record<string, 'once' | 'many'>>;

/**
 * The entries of a text by `Section/Key` when every line of it is one the form covers; else why not. Values
 * are as systemd reads them (trimmed); an empty assignment (which resets a list) is not covered.
 */
function covered(file: UnitFile, coverage: Coverage): Map<string, string[]> | Unfit {
  const out = new Map<string, string[]>();
  for (const n of file.nodes) {
    if (n.kind === 'comment') return { code: 'comment' };
    if (n.kind === 'invalid') return { code: 'invalid', params: { line: String(n.line) } };
    if (n.kind === 'section') {
      if (!coverage[n.name]) return { code: 'section', params: { section: n.name } };
      continue;
    }
    if (n.kind !== 'entry') continue;
    const how = coverage[n.section]?.[n.key];
    if (how === undefined) return { code: 'key', params: { section: n.section || '—', key: n.key } };
    const value = n.value.trim();
    if (value === '' || n.raw.length > 1) return { code: 'value', params: { key: n.key, value } };
    const id = `${n.section}/${n.key}`;
    const list = out.get(id) ?? [];
    if (how === 'once' && list.length > 0) return { code: 'repeated', params: { key: n.key } };
    list.push(value);
    out.set(id, list);
  }
  return out;
}

const first = (m: Map<string, string[]>, id: string): string | undefined => m.get(id)?.[0];

/** `[Install] WantedBy=` must be exactly `target` (the forms always write it, so the unit starts with the
 * user's service manager). */
function installFits(m: Map<string, string[]>, target: string): Unfit | undefined {
  return first(m, 'Install/WantedBy') === target ? undefined : { code: 'install', params: { target } };
}

// ------------------------------------------------------------------------------------------------ timers

export const CALENDAR_PRESETS = ['hourly', 'daily', 'weekly'] as const;
/** How the form sets OnCalendar=: not at all, a preset, or an expression of one's own. */
export type CalendarChoice = '' | (typeof CALENDAR_PRESETS)[number] | 'custom';

export interface TimerForm {
  description: string;
  /** The unit the timer starts (`Unit=`). */
  unit: string;
  calendar: CalendarChoice;
  /** The OnCalendar= expression when `calendar` is `custom`. */
  expression: string;
  /** OnBootSec=: this long after the machine booted ('' = not set). */
  afterBoot: string;
  /** OnUnitActiveSec=: this long after the unit last started ('' = not set). */
  every: string;
  persistent: boolean;
  /** RandomizedDelaySec= ('' = not set). */
  randomDelay: string;
}

/** A new timer's form: daily, catching up on a missed run, starting `<name>.service`. */
export const defaultTimer = (name: string): TimerForm => ({
  description: name,
  unit: `${name}.service`,
  calendar: 'daily',
  expression: '',
  afterBoot: '',
  every: '',
  persistent: true,
  randomDelay: '',
});

const TIMER_COVERAGE: Coverage = {
  Unit: { Description: 'once' },
  Timer: {
    OnCalendar: 'once',
    OnBootSec: 'once',
    OnUnitActiveSec: 'once',
    Persistent: 'once',
    RandomizedDelaySec: 'once',
    Unit: 'once',
  },
  Install: { WantedBy: 'once' },
};

/** The timer form of `text` (the file `path`), when the text says nothing the form cannot. */
export function timerFormOf(path: string, text: string): Fit<TimerForm> {
  const m = covered(parseUnitFile(text), TIMER_COVERAGE);
  if (!(m instanceof Map)) return { ok: false, why: m };
  const install = installFits(m, 'timers.target');
  if (install) return { ok: false, why: install };
  const persistent = first(m, 'Timer/Persistent');
  const bool = persistent === undefined ? false : systemdBool(persistent);
  if (bool === undefined)
    return { ok: false, why: { code: 'value', params: { key: 'Persistent', value: persistent! } } };
  const calendar = first(m, 'Timer/OnCalendar');
  const preset = (CALENDAR_PRESETS as readonly string[]).includes(calendar ?? '');
  return {
    ok: true,
    form: {
      description: first(m, 'Unit/Description') ?? '',
      unit: first(m, 'Timer/Unit') ?? `${unitBase(path)}.service`,
      calendar: calendar === undefined ? '' : preset ? (calendar as CalendarChoice) : 'custom',
      expression: calendar !== undefined && !preset ? calendar : '',
      afterBoot: first(m, 'Timer/OnBootSec') ?? '',
      every: first(m, 'Timer/OnUnitActiveSec') ?? '',
      persistent: bool,
      randomDelay: first(m, 'Timer/RandomizedDelaySec') ?? '',
    },
  };
}

const onCalendar = (f: TimerForm): string => (f.calendar === 'custom' ? f.expression.trim() : f.calendar);

/** What is wrong with a timer form, by field. */
export function checkTimer(f: TimerForm): Issues {
  const issues: Issues = {};
  const line = (field: string, value: string) => {
    const p = lineProblem(value);
    if (p) issues[field] = p;
    return p === undefined;
  };
  line('description', f.description);
  if (line('unit', f.unit) && !isUnitName(f.unit.trim(), ['service', 'target'])) issues.unit = { code: 'unitName' };
  if (f.calendar === 'custom' && line('expression', f.expression) && f.expression.trim() === '') {
    issues.expression = { code: 'calendarEmpty' };
  }
  for (const field of ['afterBoot', 'every', 'randomDelay'] as const) {
    const v = f[field];
    if (line(field, v) && v.trim() !== '' && !isTimeSpan(v)) issues[field] = { code: 'duration' };
  }
  if (f.calendar === '' && f.afterBoot.trim() === '' && f.every.trim() === '') issues.when = { code: 'noTrigger' };
  return issues;
}

/** Advice about a timer form that does not stop it from being written. */
export function timerNotes(f: TimerForm): NoteCode[] {
  const notes: NoteCode[] = [];
  if (f.every.trim() !== '' && f.calendar === '' && f.afterBoot.trim() === '') notes.push('everyAlone');
  if (f.persistent && f.calendar === '') notes.push('persistentNoCalendar');
  return notes;
}

/** Lines of a unit: `[Section]` headers and entries, each section after a blank line. Throws
 * {@link UnitValueError} (from `formatEntry`) for a value that cannot be written on one line. */
function unitText(sections: [string, [string, string][]][]): string {
  return sections
    .filter(([, entries]) => entries.length > 0)
    .map(([name, entries]) => [`[${name}]`, ...entries.map(([k, v]) => formatEntry(k, v))].join('\n'))
    .join('\n\n')
    .concat('\n');
}

/** The text of a timer form. Throws when the form has issues ({@link checkTimer}): it is never written. */
export function timerText(f: TimerForm): string {
  const issues = checkTimer(f);
  if (Object.keys(issues).length > 0) throw new Error(`the timer form has issues: ${Object.keys(issues).join(', ')}`);
  const timer: [string, string][] = [];
  if (f.calendar !== '') timer.push(['OnCalendar', onCalendar(f)]);
  if (f.afterBoot.trim()) timer.push(['OnBootSec', f.afterBoot.trim()]);
  if (f.every.trim()) timer.push(['OnUnitActiveSec', f.every.trim()]);
  if (f.randomDelay.trim()) timer.push(['RandomizedDelaySec', f.randomDelay.trim()]);
  if (f.persistent) timer.push(['Persistent', 'true']);
  timer.push(['Unit', f.unit.trim()]);
  return unitText([
    ['Unit', f.description.trim() ? [['Description', f.description.trim()]] : []],
    ['Timer', timer],
    ['Install', [['WantedBy', 'timers.target']]],
  ]);
}

// ------------------------------------------------------------------------------------------------ sockets

/** One `ListenStream=`: a TCP port (on the loopback address or on all), or a UNIX socket path. */
export type Listen = { kind: 'tcp'; port: string; all: boolean } | { kind: 'unix'; path: string };

export interface SocketForm {
  description: string;
  listen: Listen[];
  /** Accept=yes: one service instance per connection (`<name>@.service`), never with `Service=`. */
  accept: boolean;
  /** The service the socket activates (`Service=`). */
  service: string;
}

/** A new socket's form: a UNIX socket in the compartment's runtime directory, activating `<name>.service`. */
export const defaultSocket = (name: string): SocketForm => ({
  description: name,
  listen: [{ kind: 'unix', path: `%t/${name}.sock` }],
  accept: false,
  service: `${name}.service`,
});

const SOCKET_COVERAGE: Coverage = {
  Unit: { Description: 'once' },
  Socket: { ListenStream: 'many', Accept: 'once', Service: 'once' },
  Install: { WantedBy: 'once' },
};

/** A `ListenStream=` value the form can show: `8080`, `127.0.0.1:8080`, or a path (`%t/…`, `%h/…`, `/…`). */
export function listenOf(value: string): Listen | undefined {
  if (/^\d{1,5}$/.test(value)) return { kind: 'tcp', port: value, all: true };
  const loopback = /^127\.0\.0\.1:(\d{1,5})$/.exec(value);
  if (loopback) return { kind: 'tcp', port: loopback[1]!, all: false };
  if (value.startsWith('/') || value.startsWith('%')) return { kind: 'unix', path: value };
  return undefined;
}

/** The socket form of `text` (the file `path`), when the text says nothing the form cannot. */
export function socketFormOf(path: string, text: string): Fit<SocketForm> {
  const m = covered(parseUnitFile(text), SOCKET_COVERAGE);
  if (!(m instanceof Map)) return { ok: false, why: m };
  const install = installFits(m, 'sockets.target');
  if (install) return { ok: false, why: install };
  const listen: Listen[] = [];
  for (const v of m.get('Socket/ListenStream') ?? []) {
    const l = listenOf(v);
    if (!l) return { ok: false, why: { code: 'value', params: { key: 'ListenStream', value: v } } };
    listen.push(l);
  }
  const acceptValue = first(m, 'Socket/Accept');
  const accept = acceptValue === undefined ? false : systemdBool(acceptValue);
  if (accept === undefined)
    return { ok: false, why: { code: 'value', params: { key: 'Accept', value: acceptValue! } } };
  const service = first(m, 'Socket/Service');
  // (systemd refuses Service= with Accept=yes: the form could not show that either)
  if (accept && service !== undefined)
    return { ok: false, why: { code: 'key', params: { section: 'Socket', key: 'Service' } } };
  return {
    ok: true,
    form: {
      description: first(m, 'Unit/Description') ?? '',
      listen,
      accept,
      service: service ?? `${unitBase(path)}.service`,
    },
  };
}

// A path below %t/ or %h/: names of letters, digits and `._@+-`, no empty name, never `.` or `..`.
const SOCKET_PATH = /^%[th](?:\/[A-Za-z0-9._@+-]+)+$/;

const listenValue = (l: Listen): string =>
  l.kind === 'unix' ? l.path.trim() : l.all ? String(Number(l.port.trim())) : `127.0.0.1:${Number(l.port.trim())}`;

/** What is wrong with a socket form, by field (`listen.0`, `service`…). */
export function checkSocket(f: SocketForm): Issues {
  const issues: Issues = {};
  const line = (field: string, value: string) => {
    const p = lineProblem(value);
    if (p) issues[field] = p;
    return p === undefined;
  };
  line('description', f.description);
  if (f.listen.length === 0) issues.listen = { code: 'listenNone' };
  const seen = new Set<string>();
  f.listen.forEach((l, i) => {
    const field = `listen.${i}`;
    if (l.kind === 'tcp') {
      const p = l.port.trim();
      if (!line(field, l.port)) return;
      if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) {
        issues[field] = { code: 'port' };
        return;
      }
    } else {
      const p = l.path.trim();
      if (!line(field, l.path)) return;
      if (!p.startsWith('%t/') && !p.startsWith('%h/')) {
        issues[field] = { code: 'path' };
        return;
      }
      if (!SOCKET_PATH.test(p) || p.split('/').some((s) => s === '.' || s === '..')) {
        issues[field] = { code: 'pathChars' };
        return;
      }
    }
    const v = listenValue(l);
    // (8080 and 127.0.0.1:8080 are one port too: both bind it on the loopback address)
    const clash = l.kind === 'tcp' ? `tcp:${Number(l.port.trim())}` : `unix:${v}`;
    if (seen.has(clash)) issues[field] = { code: 'listenTwice' };
    seen.add(clash);
  });
  if (!f.accept && line('service', f.service) && !isUnitName(f.service.trim(), ['service'])) {
    issues.service = { code: 'serviceName' };
  }
  return issues;
}

/** Advice about a socket form that does not stop it from being written. */
export function socketNotes(f: SocketForm): NoteCode[] {
  const notes: NoteCode[] = [];
  if (f.listen.some((l) => l.kind === 'tcp' && Number(l.port) >= 1 && Number(l.port) < 1024)) {
    notes.push('privilegedPort');
  }
  if (f.accept) notes.push('acceptTemplate');
  return notes;
}

/** The text of a socket form. Throws when the form has issues ({@link checkSocket}): it is never written. */
export function socketText(f: SocketForm): string {
  const issues = checkSocket(f);
  if (Object.keys(issues).length > 0) throw new Error(`the socket form has issues: ${Object.keys(issues).join(', ')}`);
  const socket: [string, string][] = f.listen.map((l) => ['ListenStream', listenValue(l)]);
  if (f.accept) socket.push(['Accept', 'yes']);
  else socket.push(['Service', f.service.trim()]);
  return unitText([
    ['Unit', f.description.trim() ? [['Description', f.description.trim()]] : []],
    ['Socket', socket],
    ['Install', [['WantedBy', 'sockets.target']]],
  ]);
}

// ------------------------------------------------------------------------------------------------ new units

/** A new systemd unit's first text: for a timer and a socket, what their forms start with. */
export function systemdStarterText(kind: SystemdKind, name: string): string {
  switch (kind) {
    case 'timer':
      return timerText(defaultTimer(name));
    case 'socket':
      return socketText(defaultSocket(name));
    case 'service':
      // a job for a timer (or a socket's service): runs once and ends
      return `[Unit]\nDescription=${name}\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/echo %n ran\n`;
    case 'target':
      return `[Unit]\nDescription=${name}\n\n[Install]\nWantedBy=default.target\n`;
  }
}

// ------------------------------------------------------------------------------------------------ choices

/** A unit a timer can start or a socket activate: its name, and the Quadlet file it comes from, if any. */
export interface UnitChoice {
  unit: string;
  from?: string;
}

/** The service a Quadlet unit becomes: `ServiceName=` when it says, else `web.service` for a container or a
 * kube unit and `db-volume.service` (and the like) for the others. */
function quadletService(path: string, text: string): string | undefined {
  const type = unitTypeOfFile(path);
  if (!type) return undefined;
  const custom = lookup(parseUnitFile(text), MAIN_SECTION[type], 'ServiceName');
  if (custom && UNIT_NAME.test(custom)) return `${custom}.service`;
  const base = unitBase(path);
  return type === 'container' || type === 'kube' ? `${base}.service` : `${base}-${type}.service`;
}

const byUnit = (a: UnitChoice, b: UnitChoice) => a.unit.localeCompare(b.unit);

/** What a timer of the compartment can start: the services of its Quadlet units, its `.service` and
 * `.target` files; `extra` (the default and the current choice) too, when not among them. */
export function timerChoices(units: readonly { path: string; text: string }[], extra: readonly string[]): UnitChoice[] {
  const out = new Map<string, UnitChoice>();
  for (const u of units) {
    const kind = systemdKindOf(u.path);
    if (kind === 'service' || kind === 'target') out.set(u.path, { unit: u.path });
    const service = quadletService(u.path, u.text);
    if (service && !out.has(service)) out.set(service, { unit: service, from: u.path });
  }
  for (const e of extra) if (e && !out.has(e)) out.set(e, { unit: e });
  return [...out.values()].sort(byUnit);
}

/** What a socket of the compartment can activate: the services of its containers (Podman passes the socket
 * on to the container) and its `.service` files; `extra` too. */
export function socketChoices(
  units: readonly { path: string; text: string }[],
  extra: readonly string[],
): UnitChoice[] {
  const out = new Map<string, UnitChoice>();
  for (const u of units) {
    if (systemdKindOf(u.path) === 'service') out.set(u.path, { unit: u.path });
    if (unitTypeOfFile(u.path) === 'container') {
      const service = quadletService(u.path, u.text);
      if (service && !out.has(service)) out.set(service, { unit: service, from: u.path });
    }
  }
  for (const e of extra) if (e && !out.has(e)) out.set(e, { unit: e });
  return [...out.values()].sort(byUnit);
}

/** The unit a timer starts or a socket activates, as its text says (for lists); undefined for other files. */
export function activatedUnit(path: string, text: string): string | undefined {
  const kind = systemdKindOf(path);
  if (kind !== 'timer' && kind !== 'socket') return undefined;
  const file = parseUnitFile(text);
  const base = unitBase(path);
  if (kind === 'timer') return lookup(file, 'Timer', 'Unit', 'none')?.trim() || `${base}.service`;
  const accept = systemdBool(lookup(file, 'Socket', 'Accept', 'none')?.trim() ?? '') === true;
  return accept ? `${base}@.service` : lookup(file, 'Socket', 'Service', 'none')?.trim() || `${base}.service`;
}
