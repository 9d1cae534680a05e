/**
 * systemd's own unit files kept beside the Quadlet units: timers (`backup.timer` starts `backup.service` on a
 * schedule), sockets and path units that start a service when traffic arrives or a file changes, services and
 * targets. The generator does not read them; systemd does, with its own rules: it skips lines it cannot read,
 * ignores unknown sections and keys and values it cannot parse, refuses a unit that lacks what its type needs (a
 * timer's trigger, a socket's Listen*=, a service's ExecStart=, a path unit's Path*=), and cannot start a timer,
 * socket or path unit whose service is missing.
 */
import type { Diagnostic } from '../../diagnostics';
import {
  findSection,
  findSystemdKey,
  LISTEN_KEYS,
  SYSTEMD_SECTIONS,
  type SystemdKeyDef,
  type SystemdUnitType,
  systemdSectionsForFile,
  systemdUnitTypeOfFile,
  WATCH_KEYS,
} from '../../registry';
import type { EntryNode, UnitFile, UnitNode } from '../../unit-file/types';
import { RULES, type RuleCode } from '../codes';
import { didYouMean, suggest } from '../suggest';
import { checkSystemdSize, checkSystemdSpan, isInt, systemdBool, unknownSpecifier } from '../values';

/** The [Timer] keys that make a timer elapse (with OnClockChange=yes and OnTimezoneChange=yes); systemd refuses
 * a timer with none of them. An empty assignment to one of them resets them all. */
const TRIGGERS = ['OnActiveSec', 'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'OnUnitInactiveSec', 'OnCalendar'];

export interface SystemdSet {
  /** The services the set's Quadlet units become (`web.service`, `db-volume.service`…). */
  services: ReadonlySet<string>;
  /** The file names of the set's systemd units (`api.service`, `backup.timer`…). */
  units: ReadonlySet<string>;
  /** Every path in the set. */
  paths: ReadonlySet<string>;
}

type Sink = (path: string, d: Diagnostic) => void;
type Report = (code: RuleCode, message: string, node?: UnitNode, key?: string) => void;

/** What a unit of each type is called in messages. */
const CALLED: Record<SystemdUnitType, string> = {
  service: 'service',
  socket: 'socket',
  timer: 'timer',
  target: 'target',
  path: 'path unit',
};

/** The main section of each type (a target has none). */
const MAIN: Record<SystemdUnitType, string | undefined> = {
  service: 'Service',
  socket: 'Socket',
  timer: 'Timer',
  target: undefined,
  path: 'Path',
};

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Reports at the node's own file and line: a line merged in from a drop-in is reported in the drop-in. */
function reporter(path: string, sink: Sink): Report {
  return (code, message, node, key) =>
    sink(node?.source ?? path, {
      severity: RULES[code].severity,
      code,
      message,
      line: node?.line ?? 0,
      ...(key === undefined ? {} : { key }),
    });
}

/**
 * Lints a systemd unit file of the set; `file` has its drop-ins merged in. The lines of the drop-ins are
 * checked by {@link lintSystemdDropIn}, once each; here they count only for the unit as a whole. `empty`: the
 * file has zero bytes (systemd reads it as masked).
 */
export function lintSystemdUnit(path: string, file: UnitFile, set: SystemdSet, sink: Sink, empty = false): void {
  const type = systemdUnitTypeOfFile(path);
  if (type === undefined) return;
  const report = reporter(path, sink);
  if (empty) {
    // (systemd's null_or_empty: a unit file of zero bytes, like a link to /dev/null, masks the unit)
    report(
      'masked-empty',
      `The file is empty: systemd reads an empty unit file as masked, so the ${CALLED[type]} can never start. Write at least one line (a section header or a comment), or remove the file.`,
    );
    return;
  }
  checkLines(path, type, file, report, `the ${CALLED[type]}`);
  const unit = new Entries(path, file);
  const main = MAIN[type];
  if (main !== undefined && !unit.sections.has(main)) {
    report(
      'missing-main-section',
      `There is no [${main}] section; a ${CALLED[type]} keeps its ${main === 'Timer' ? 'schedule' : 'settings'} there.`,
    );
  }
  const stem = baseName(path).slice(0, -`.${type}`.length);
  // (a target needs nothing of its own)
  if (type === 'timer') checkTimer(unit, stem, set, report);
  else if (type === 'socket') checkSocket(unit, stem, set, report);
  else if (type === 'path') checkPath(unit, stem, set, report);
  else if (type === 'service') checkService(unit, report);
}

/** Lints the lines of a drop-in of a systemd unit (`web.socket.d/10-port.conf`), whether or not its unit is in
 * the set: its sections, keys and values are those of its unit's type. */
export function lintSystemdDropIn(path: string, file: UnitFile, sink: Sink): void {
  const type = systemdUnitTypeOfFile(path);
  if (type === undefined) return;
  checkLines(path, type, file, reporter(path, sink), `the ${CALLED[type]}s it applies to`);
}

/** Sections, keys, values and specifiers of a file's own lines (not those merged in from drop-ins). */
function checkLines(path: string, type: SystemdUnitType, file: UnitFile, report: Report, what: string): void {
  const sections = systemdSectionsForFile(path);
  const known = new Set(sections.map((s) => s.name));
  const seen = new Set<string>();
  for (const n of file.nodes) {
    if (n.source !== undefined) continue;
    if (n.kind === 'invalid') {
      // systemd refuses a file with a broken section header; any other line it cannot read it skips
      const header = !n.ignored && (n.raw[0] ?? '').trim().startsWith('[');
      if (n.reason.startsWith('invalid section name') || header) {
        const why = n.reason.startsWith('invalid section name') ? capitalize(n.reason) : 'Not a valid section header';
        report('bad-value', `${why}: systemd cannot load ${what}.`, n);
      } else {
        report('ignored-line', `${capitalize(n.reason.split(';')[0]!)}; systemd ignores the line.`, n);
      }
      continue;
    }
    if (n.kind === 'section') {
      if (!seen.has(n.name) && !known.has(n.name) && !n.name.startsWith('X-')) {
        report('unknown-section', unknownSection(n.name, type, [...known]), n);
      }
      seen.add(n.name);
      continue;
    }
    if (n.kind !== 'entry') continue;
    const bad = unknownSpecifier(n.value);
    if (bad !== undefined) {
      report(
        'unknown-specifier',
        `'${bad}' is not a systemd specifier; systemd refuses ${what}. Write '%%' for a literal percent sign.`,
        n,
        n.key,
      );
    }
    if (!known.has(n.section)) continue;
    const def = findSystemdKey(n.section, n.key);
    if (!def) {
      const elsewhere = sections.find((s) => s.name !== n.section && findSystemdKey(s.name, n.key));
      const hint = elsewhere
        ? ` '${n.key}' belongs in [${elsewhere.name}].`
        : didYouMean(
            suggest(
              n.key,
              sections.find((s) => s.name === n.section)!.keys.map((k) => k.key),
            ),
          );
      report(
        'unknown-systemd-key',
        `systemd does not know '${n.key}' in [${n.section}] and ignores it.${hint}`,
        n,
        n.key,
      );
    } else if (def.deprecated) {
      report('deprecated-key', `'${n.key}' is deprecated: ${def.deprecated}`, n, n.key);
    } else if (n.value !== '') {
      checkValue(def, n, report);
    }
  }
}

/** The file types each systemd section belongs in, for "belongs in" hints. */
function ownersOf(section: string): string[] {
  const types: SystemdUnitType[] = ['service', 'socket', 'timer', 'path'];
  return types.filter((t) => systemdSectionsForFile(`x.${t}`).some((s) => s.name === section)).map((t) => `.${t}`);
}

function unknownSection(name: string, type: SystemdUnitType, known: readonly string[]): string {
  const quadlet = name !== 'Quadlet' ? findSection(name) : undefined;
  const owners = quadlet
    ? quadlet.unitTypes.map((t) => `.${t}`)
    : SYSTEMD_SECTIONS.some((s) => s.name === name)
      ? ownersOf(name)
      : [];
  if (owners.length > 0) {
    return `[${name}] belongs in ${owners.join('/')} files; in a .${type} file systemd ignores it.`;
  }
  return `systemd does not know the section [${name}] in a .${type} file and ignores it.${didYouMean(suggest(name, known))} Sections for your own notes start with X-.`;
}

/** Enum keys that also take a boolean (systemd maps it onto one of the values). */
const ENUM_TAKES_BOOL = new Set(['BindIPv6Only', 'Timestamping']);
const BOOL_WORDS = new Set(['yes', 'no', 'on', 'off', 'true', 'false']);
/** Enum keys that also take a number, and values systemd takes besides the documented ones. */
const ENUM_TAKES_INT = new Set(['IOSchedulingClass', 'CPUSchedulingPolicy']);
const ENUM_ALSO: Readonly<Record<string, readonly string[]>> = { IOSchedulingClass: ['none'] };

function enumAccepts(def: SystemdKeyDef, v: string): boolean {
  const values = def.values ?? [];
  if (values.includes(v) || ENUM_ALSO[def.key]?.includes(v)) return true;
  if ((ENUM_TAKES_BOOL.has(def.key) || values.some((x) => BOOL_WORDS.has(x))) && systemdBool(v) !== undefined) {
    return true;
  }
  return ENUM_TAKES_INT.has(def.key) && isInt(v);
}

/** A value systemd cannot parse: it logs it and ignores the line, so the setting keeps its earlier value. */
function checkValue(def: SystemdKeyDef, e: EntryNode, report: Report): void {
  const v = e.value;
  // (a specifier is filled in first: whatever it gives is not known here)
  if (v.includes('%')) return;
  const ignored = (why: string) => report('value-dropped', `${e.key}=${v} ${why}; systemd ignores the line.`, e, e.key);
  switch (def.kind) {
    case 'bool':
      if (systemdBool(v) === undefined) {
        report(
          'invalid-bool',
          `${e.key}=${v} is not a boolean (yes/no, true/false, on/off, 1/0); systemd ignores the line.`,
          e,
          e.key,
        );
      }
      return;
    case 'enum':
      if (def.values && !enumAccepts(def, v)) ignored(`is not one of ${def.values.join(', ')}`);
      return;
    case 'int':
      if (!isInt(v)) ignored('is not a whole number');
      return;
    case 'duration': {
      // (nanosecond keys take ns too; the Greek mu is read as the micro sign)
      if (e.key.endsWith('NSec')) return;
      const why = checkSystemdSpan(v.replace(/\u03bc/g, '\u00b5'));
      if (why) ignored(why);
      return;
    }
    case 'size': {
      const why = checkSystemdSize(v);
      if (why) ignored(why);
      return;
    }
    default:
      return;
  }
}

/** The assignments of a unit (drop-ins merged in) in its known sections, as systemd accumulates them. */
class Entries {
  readonly sections = new Set<string>();
  private readonly entries: EntryNode[] = [];

  constructor(path: string, file: UnitFile) {
    const known = new Set(systemdSectionsForFile(path).map((s) => s.name));
    for (const n of file.nodes) {
      if (n.kind === 'section') this.sections.add(n.name);
      else if (n.kind === 'entry' && known.has(n.section)) this.entries.push(n);
    }
  }

  /** The assignments of any of `keys` in effect: an empty assignment to one of them resets them all. */
  list(section: string, keys: readonly string[]): EntryNode[] {
    let out: EntryNode[] = [];
    for (const e of this.entries) {
      if (e.section !== section || !keys.includes(e.key)) continue;
      if (e.value === '') out = [];
      else out.push(e);
    }
    return out;
  }

  /** The assignment in effect of a single-valued key whose values `accept` takes (others are ignored, as
   * systemd does); undefined after an empty assignment, which restores the default. */
  last(section: string, key: string, accept: (v: string) => boolean = () => true): EntryNode | undefined {
    let out: EntryNode | undefined;
    for (const e of this.entries) {
      if (e.section !== section || e.key !== key) continue;
      if (e.value === '') out = undefined;
      else if (accept(e.value)) out = e;
    }
    return out;
  }

  /** A boolean setting as systemd reads it (undefined when unset). */
  bool(section: string, key: string): boolean | undefined {
    const e = this.last(section, key, (v) => systemdBool(v) !== undefined);
    return e === undefined ? undefined : systemdBool(e.value);
  }

  /** An enum setting as systemd reads it: a value of its list, or undefined. */
  enum(section: string, key: string): EntryNode | undefined {
    const def = findSystemdKey(section, key);
    return this.last(section, key, (v) => def?.values?.includes(v) === true);
  }
}

/** Warns when a timer, socket or path unit starts a service the set neither has nor makes. */
function checkActivated(code: RuleCode, what: string, target: string, set: SystemdSet, report: Report): void {
  if (!target.endsWith('.service')) return;
  // (an instance, app@1.service, comes from the template app@.service)
  const template = target.replace(/@[^@/]*\.service$/, '@.service');
  const has = (s: string) => set.services.has(s) || set.units.has(s) || set.paths.has(s);
  if (has(target) || has(template)) return;
  const candidates = [...set.services, ...[...set.units].filter((u) => u.endsWith('.service'))];
  report(
    code,
    `The ${what} starts ${target}, which is neither a service file of the set nor the service of one of its Quadlet units: systemd cannot start it unless that service exists elsewhere.${didYouMean(suggest(target, candidates))}`,
  );
}

function checkTimer(unit: Entries, stem: string, set: SystemdSet, report: Report): void {
  const triggers =
    unit.list('Timer', TRIGGERS).length > 0 ||
    unit.bool('Timer', 'OnClockChange') === true ||
    unit.bool('Timer', 'OnTimezoneChange') === true;
  if (!triggers) {
    report('bad-value', 'The timer has no trigger (OnCalendar=, OnBootSec=, OnUnitActiveSec=…); systemd refuses it.');
  }
  const target = unit.last('Timer', 'Unit')?.value.trim() || `${stem}.service`;
  checkActivated('missing-timer-unit', 'timer', target, set, report);
}

/** A socket address in the file system (an AF_UNIX path; an abstract one starts with @). */
const inFileSystem = (v: string): boolean => v.startsWith('/') || (v.startsWith('%') && v.includes('/'));
/** Whether a value names an absolute path, or one a specifier makes absolute (%t/app.sock). */
const absolute = (v: string): boolean => v.startsWith('/') || v.startsWith('%');

const PATH_LISTEN_KEYS = new Set(['ListenFIFO', 'ListenSpecial', 'ListenUSBFunction']);
/** The Listen keys that take a socket address (a port, host:port, a path…). */
const ADDRESS_KEYS = new Set(['ListenStream', 'ListenDatagram', 'ListenSequentialPacket']);

function checkSocket(unit: Entries, stem: string, set: SystemdSet, report: Report): void {
  const listens = unit.list('Socket', LISTEN_KEYS).filter((e) => {
    if (!PATH_LISTEN_KEYS.has(e.key) || absolute(e.value)) return true;
    report('value-dropped', `${e.key}=${e.value} is not an absolute path; systemd ignores the line.`, e, e.key);
    return false;
  });
  if (listens.length === 0) {
    report(
      'missing-listen',
      'The socket has nothing to listen on (ListenStream=, ListenDatagram=, ListenFIFO=…); systemd refuses to load it.',
    );
  }
  const accept = unit.bool('Socket', 'Accept') === true;
  const service = unit.last('Socket', 'Service');
  if (service && !service.value.endsWith('.service')) {
    report(
      'value-dropped',
      `Service=${service.value} is not a .service unit; systemd ignores the line.`,
      service,
      'Service',
    );
  }
  if (accept) {
    const datagram = listens.find((e) => e.key !== 'ListenStream' && e.key !== 'ListenSequentialPacket');
    if (datagram) {
      report(
        'conflict-at-start',
        `With Accept=yes every socket must take connections (ListenStream=, ListenSequentialPacket=); ${datagram.key}= cannot: systemd refuses to load the socket.`,
        datagram,
        datagram.key,
      );
    }
    if (service) {
      report(
        'conflict-at-start',
        'Service= cannot be combined with Accept=yes (each connection gets an instance of the template service): systemd refuses to load the socket.',
        service,
        'Service',
      );
    }
  }
  const max = unit.last('Socket', 'MaxConnections', isInt);
  if (max && Number(max.value) <= 0) {
    report(
      'bad-value',
      'MaxConnections= must be at least 1; systemd refuses to load the socket.',
      max,
      'MaxConnections',
    );
  }
  const symlinks = unit.list('Socket', ['Symlinks']);
  if (symlinks.length > 0) {
    const nodes = listens.filter(
      (e) => e.key === 'ListenFIFO' || (ADDRESS_KEYS.has(e.key) && inFileSystem(e.value)),
    ).length;
    if (nodes !== 1) {
      report(
        'conflict-at-start',
        `Symlinks= needs exactly one socket or FIFO in the file system, and this socket has ${nodes}: systemd refuses to load it.`,
        symlinks[0],
        'Symlinks',
      );
    }
  }
  const prefix = stem.includes('@') ? stem.slice(0, stem.indexOf('@')) : stem;
  const target = accept
    ? `${prefix}@.service`
    : service?.value.endsWith('.service')
      ? service.value.trim()
      : `${stem}.service`;
  checkActivated('missing-socket-unit', 'socket', target, set, report);
}

function checkPath(unit: Entries, stem: string, set: SystemdSet, report: Report): void {
  const watches = unit.list('Path', WATCH_KEYS).filter((e) => {
    if (absolute(e.value)) return true;
    report('value-dropped', `${e.key}=${e.value} is not an absolute path; systemd ignores the line.`, e, e.key);
    return false;
  });
  if (watches.length === 0) {
    report(
      'missing-path-watch',
      'The path unit watches nothing (PathExists=, PathExistsGlob=, PathChanged=, PathModified=, DirectoryNotEmpty=); systemd refuses to load it.',
    );
  }
  const target = unit.last('Path', 'Unit')?.value.trim() || `${stem}.service`;
  checkActivated('missing-path-unit', 'path unit', target, set, report);
}

function checkService(unit: Entries, report: Report): void {
  const start = unit.list('Service', ['ExecStart']);
  const stop = unit.list('Service', ['ExecStop']);
  const success = unit.enum('Unit', 'SuccessAction');
  const succeeds = success !== undefined && success.value !== 'none';
  const busName = unit.last('Service', 'BusName');
  const typeEntry = unit.enum('Service', 'Type');
  // (without Type=, systemd picks dbus for a BusName=, simple for an ExecStart=, else oneshot)
  const type = typeEntry?.value ?? (busName ? 'dbus' : start.length > 0 ? 'simple' : 'oneshot');
  if (start.length === 0 && stop.length === 0 && !succeeds) {
    report(
      'missing-exec-start',
      'The service has no ExecStart=, ExecStop= or SuccessAction=; systemd refuses to load it.',
    );
  } else if (start.length === 0 && type !== 'oneshot') {
    report(
      'missing-exec-start',
      `The service has no ExecStart=, which only Type=oneshot services may leave out (this one is Type=${type}); systemd refuses to load it.`,
      typeEntry,
      typeEntry ? 'Type' : undefined,
    );
  } else if (start.length === 0 && unit.bool('Service', 'RemainAfterExit') !== true && !succeeds) {
    report(
      'missing-exec-start',
      'A service without ExecStart= needs RemainAfterExit=yes or a SuccessAction=; systemd refuses to load this one.',
    );
  }
  if (type !== 'oneshot' && start.length > 1) {
    report(
      'conflict-at-start',
      `Only Type=oneshot services may have more than one ExecStart= (this one is Type=${type}); systemd refuses to load it.`,
      start[1],
      'ExecStart',
    );
  }
  if (type === 'oneshot') {
    const restart = unit.enum('Service', 'Restart');
    if (restart && (restart.value === 'always' || restart.value === 'on-success')) {
      report(
        'conflict-at-start',
        `Restart=${restart.value} is not allowed for Type=oneshot services; systemd refuses to load the service.`,
        restart,
        'Restart',
      );
    }
    const force = unit.list('Service', ['RestartForceExitStatus']);
    if (force.length > 0) {
      report(
        'conflict-at-start',
        'RestartForceExitStatus= is not allowed for Type=oneshot services; systemd refuses to load the service.',
        force[0],
        'RestartForceExitStatus',
      );
    }
  }
  if (type === 'dbus' && !busName) {
    report(
      'conflict-at-start',
      'Type=dbus needs BusName=, the D-Bus name the service takes; systemd refuses to load the service.',
      typeEntry,
      'Type',
    );
  }
}
