// The difference between the files a compartment should have (render's output) and the files it has on disk
// (read through host/ by the apply engine), and what systemd has to do about it. Pure: maps in, a plan out.
//
// Unit actions, per changed file (the apply engine runs them after one daemon-reload):
// - a Quadlet source (`web.container`) → its generated service (`web.service`; `app.network` →
//   `app-network.service`, `.volume`/`.pod`/`.image`/`.build`/`.artifact` likewise, `.kube` → `<name>.service`;
//   `ServiceName=` in the main section wins): added → start, changed → restart, removed → stop. A renamed
//   service (ServiceName changed) stops the old name and starts the new one.
// - a drop-in (`web.container.d/10-x.conf`) → restart its unit's service.
// - a `.timer`, `.socket` or plain `.service` (the user's own unit folder) → the unit itself: start, restart,
//   stop. The service a timer or socket activates (its job) is never started or restarted by an apply, only
//   stopped when removed.
// - a `.target` (the compartment's, or one the spec declares) → added: start, removed: stop; a change needs only
//   the reload.
// - any other file (env file, kube YAML, seccomp profile) → restart the services of the units whose values
//   name it (`EnvironmentFile=%h/.config/quadletman/files/web.env`, `Yaml=app.yaml`).
// Templates (`web@.container`, `hello@.service`) have no service to act on; their instances are left alone.

import {
  isDropIn,
  lookup,
  lookupBoolean,
  MAIN_SECTION,
  parseUnitFile,
  type UnitFile,
  unitTypeOfFile,
} from '@quadletman/quadlet';
import { unifiedDiff } from './diff.js';
import { areaOf, pathInArea } from './layout.js';

export type ChangeKind = 'added' | 'changed' | 'removed';

export interface FileChange {
  /** Home-relative path. */
  path: string;
  kind: ChangeKind;
  /** Unified diff (`--- a/path` / `+++ b/path`); empty when only the mode changed. */
  diff: string;
  /** Set when modes were given and differ (or the file is new/removed). */
  mode?: { before: number | null; after: number | null };
}

export interface UnitActions {
  start: string[];
  restart: string[];
  stop: string[];
}

export interface Plan {
  /** Every added, changed or removed file, in path order. */
  changes: FileChange[];
  /** Routes through the edge the apply adds and removes (`host/path → unit:port (127.0.0.1:port)`), when any
   * change (the apply engine adds them: routes are not files). */
  routes?: { add: string[]; remove: string[] };
  /** The connections between compartments (provided services and uses) the apply adds and removes, as plans show
   * them (`db → postgres:5432 (127.0.0.1:30000)`, `DB ← pg/db`); the files' changes carry them out. */
  links?: { add: string[]; remove: string[] };
  /** Paths present and identical on both sides. */
  unchanged: string[];
  units: UnitActions;
  /** A unit file (Quadlet source, drop-in, timer) changed: systemd must reload (and the generator rerun). */
  reload: boolean;
  /** Nothing to write, nothing to reload, nothing to start or stop. */
  noop: boolean;
}

export interface PlanInput {
  /** Rendered files: home-relative path → text. */
  desired: ReadonlyMap<string, string>;
  /** Files on disk that the compartment owns: home-relative path → text. */
  current: ReadonlyMap<string, string>;
  /** Modes, when the caller wants mode changes planned too. */
  desiredModes?: ReadonlyMap<string, number>;
  currentModes?: ReadonlyMap<string, number>;
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/**
 * The systemd service Quadlet generates from `fileName` with content `text` (honours `ServiceName=`);
 * undefined for templates, drop-ins and files that are not Quadlet sources.
 */
export function serviceOf(fileName: string, text: string | undefined): string | undefined {
  if (isDropIn(fileName)) return undefined;
  const type = unitTypeOfFile(fileName);
  if (type === undefined) return undefined;
  const name = baseName(fileName);
  const base = name.slice(0, name.lastIndexOf('.'));
  if (base.endsWith('@')) return undefined;
  if (text !== undefined) {
    const custom = lookup(parseUnitFile(text), MAIN_SECTION[type], 'ServiceName');
    if (custom) return `${custom}.service`;
  }
  return type === 'container' || type === 'kube' ? `${base}.service` : `${base}-${type}.service`;
}

/** The service a timer activates: `Unit=` in [Timer], else `<name>.service`. */
export function timerTarget(fileName: string, text: string): string {
  const unit = lookup(parseUnitFile(text), 'Timer', 'Unit');
  const name = baseName(fileName);
  return unit || `${name.slice(0, -'.timer'.length)}.service`;
}

/** The service a socket activates: `Service=` in [Socket], else `<name>.service` (`<name>@.service` with
 * `Accept=yes`, one instance per connection). */
export function socketTarget(fileName: string, text: string | UnitFile): string {
  const file = typeof text === 'string' ? parseUnitFile(text) : text;
  const service = lookup(file, 'Socket', 'Service');
  if (service) return service;
  const name = baseName(fileName);
  const base = name.slice(0, -'.socket'.length);
  return lookupBoolean(file, 'Socket', 'Accept') ? `${base}@.service` : `${base}.service`;
}

const USER_UNIT = /\.(timer|socket|service|target)$/;
const isUserUnit = (path: string) => areaOf(path) === 'systemd' && USER_UNIT.test(path);

/** Services activated by the timers and sockets of a file set: an apply never starts them itself. */
function activatedJobs(files: ReadonlyMap<string, string>): Set<string> {
  const jobs = new Set<string>();
  for (const [p, text] of files) {
    if (areaOf(p) !== 'systemd') continue;
    if (p.endsWith('.timer')) jobs.add(timerTarget(p, text));
    else if (p.endsWith('.socket')) jobs.add(socketTarget(p, text));
  }
  return jobs;
}

/** The unit a drop-in belongs to (`.config/containers/systemd/web.container.d/x.conf` → that unit's path). */
function dropInOwner(path: string): string | undefined {
  const dir = path.slice(0, path.lastIndexOf('/'));
  if (!dir.endsWith('.d')) return undefined;
  return dir.slice(0, -2);
}

/** Whether a unit's values name `path` (home-relative) as a file: `%h/<path>` anywhere in a value, or, for a
 * file beside the units, a value that is exactly its path relative to the unit's folder. */
function refersTo(unitPath: string, unitText: string, path: string): boolean {
  const absolute = `%h/${path}`;
  let relative: string | undefined;
  if (areaOf(path) === 'quadlet') {
    const unitDir = pathInArea(unitPath).split('/').slice(0, -1).join('/');
    const rel = pathInArea(path);
    relative = unitDir === '' ? rel : rel.startsWith(`${unitDir}/`) ? rel.slice(unitDir.length + 1) : undefined;
  }
  for (const n of parseUnitFile(unitText).nodes) {
    if (n.kind !== 'entry') continue;
    for (let at = n.value.indexOf(absolute); at >= 0; at = n.value.indexOf(absolute, at + 1)) {
      // the whole path, not a prefix of a longer one (web.env, not web.env.bak)
      if (!/[A-Za-z0-9_.@+/-]/.test(n.value[at + absolute.length] ?? '')) return true;
    }
    if (relative !== undefined && n.value.trim().replace(/^"(.*)"$/, '$1') === relative) return true;
  }
  return false;
}

const sortedUnique = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** Plans the change from `current` to `desired`. */
export function plan(input: PlanInput): Plan {
  const { desired, current } = input;
  const paths = sortedUnique([...desired.keys(), ...current.keys()]);
  const changes: FileChange[] = [];
  const unchanged: string[] = [];
  const withModes = input.desiredModes !== undefined && input.currentModes !== undefined;

  for (const path of paths) {
    const before = current.get(path);
    const after = desired.get(path);
    const mb = before === undefined ? null : (input.currentModes?.get(path) ?? null);
    const ma = after === undefined ? null : (input.desiredModes?.get(path) ?? null);
    const modeChanged = withModes && mb !== ma;
    if (before === after && !modeChanged) {
      unchanged.push(path);
      continue;
    }
    const kind: ChangeKind = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    const change: FileChange = { path, kind, diff: before === after ? '' : unifiedDiff(path, before, after) };
    if (modeChanged) change.mode = { before: mb, after: ma };
    changes.push(change);
  }

  const start = new Set<string>();
  const restart = new Set<string>();
  const stop = new Set<string>();
  const jobs = activatedJobs(desired);
  const changedContent = new Set(changes.filter((c) => c.diff !== '').map((c) => c.path));

  for (const c of changes) {
    if (c.diff === '') continue; // a mode change alone needs no unit action
    const area = areaOf(c.path);
    const before = current.get(c.path);
    const after = desired.get(c.path);
    if (area === 'systemd') {
      if (c.path.endsWith('.target')) {
        // the compartment's target: started when new (then enabled), stopped when gone; never restarted (that
        // would restart every unit that is part of it)
        if (c.kind === 'added') start.add(baseName(c.path));
        else if (c.kind === 'removed') stop.add(baseName(c.path));
        continue;
      }
      if (!isUserUnit(c.path)) continue;
      // a timer, a socket or a service of the user's own: start, restart, stop (a service a timer or socket
      // activates is only stopped, when it goes)
      const unit = baseName(c.path);
      if (unit.includes('@.')) continue; // a template: its instances are left alone
      if (c.kind === 'removed') stop.add(unit);
      else if (jobs.has(unit)) continue;
      else if (c.kind === 'added') start.add(unit);
      else restart.add(unit);
      continue;
    }
    if (area === 'quadlet') {
      const owner = dropInOwner(pathInArea(c.path));
      if (owner !== undefined && isDropIn(pathInArea(c.path))) {
        const unitPath = c.path.slice(0, c.path.length - pathInArea(c.path).length) + owner;
        const svc = serviceOf(owner, desired.get(unitPath) ?? current.get(unitPath));
        if (svc && desired.has(unitPath) && !jobs.has(svc)) restart.add(svc);
        continue;
      }
      if (unitTypeOfFile(c.path) !== undefined) {
        const oldSvc = before === undefined ? undefined : serviceOf(c.path, before);
        const newSvc = after === undefined ? undefined : serviceOf(c.path, after);
        if (oldSvc && oldSvc !== newSvc) stop.add(oldSvc);
        if (newSvc && !jobs.has(newSvc)) {
          if (c.kind === 'added' || oldSvc !== newSvc) start.add(newSvc);
          else restart.add(newSvc);
        }
        continue;
      }
    }
    // Any other file: restart the units (still desired, not changed themselves) that name it.
    for (const [p, text] of desired) {
      if (changedContent.has(p) || areaOf(p) !== 'quadlet' || unitTypeOfFile(p) === undefined || isDropIn(p)) continue;
      if (!refersTo(p, text, c.path)) continue;
      const svc = serviceOf(p, text);
      if (svc && !jobs.has(svc)) restart.add(svc);
    }
  }
  // One service stopped under one definition and started under another (a unit replaced by one of another
  // type with the same service name) is a restart; a started service needs no restart too.
  for (const s of stop) {
    if (start.has(s) || restart.has(s)) {
      stop.delete(s);
      start.delete(s);
      restart.add(s);
    }
  }
  for (const s of start) restart.delete(s);

  const units: UnitActions = { start: sortedUnique(start), restart: sortedUnique(restart), stop: sortedUnique(stop) };
  const reload = changes.some((c) => c.diff !== '' && (areaOf(c.path) === 'quadlet' || isUserUnit(c.path)));
  const noop = changes.length === 0;
  return { changes, unchanged, units, reload, noop };
}
