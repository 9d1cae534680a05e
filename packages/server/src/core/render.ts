// Desired state → the compartment's files, as home-relative paths and their text. Every unit goes through
// @quadletman/quadlet's one serializer (`toUnitText` for models; `writeSection`, `formatEntry` and
// `serializeUnitFile` for systemd's own `.timer`, `.socket`, `.service` and `.target`, which the library has no
// model for). Deterministic: paths sorted,
// maps sorted by the library, no clock, no randomness — the same state gives the same bytes.
//
// Where files go (see layout.ts): Quadlet sources and `in: quadlet` files in `.config/containers/systemd/`,
// systemd's own units (`.timer`, `.socket`, `.service`, `.target`) in `.config/systemd/user/`, config files in
// `.config/quadletman/files/`.
//
// Defaults, each applied only when the spec leaves the thing unset:
// - `.container` (not a timer job), `.pod`, `.kube`: `[Unit] PartOf=<compartment>.target` and `[Install]
//   WantedBy=<compartment>.target`; that target (`.config/systemd/user/<compartment>.target`, rendered when the
//   compartment has such a unit) is wanted by default.target, so the stack starts with the user manager (the
//   compartment user lingers) and `systemctl --user stop <compartment>.target` stops all of it. `install: {}` in
//   the spec means "no [Install]" (the unit is still part of the target).
// - `.container` and timer jobs: `RunInit=true` (an init reaps zombies and forwards signals); `runInit: false`
//   turns it off.
// - `.container` without `pod`/`network`, `.pod` and `.kube` without `network`: `Network=<compartment>.network`,
//   the compartment's default network (rendered as `<compartment>.network` unless `network: false`).
// - timer jobs: `[Service] Type=oneshot`; the timer gets `[Install] WantedBy=timers.target`, and `Unit=` when the
//   job's service is not `<name>.service` (a `ServiceName=` on the job).
// - a declared `.socket`: `[Install] WantedBy=sockets.target`. Declared services and targets get no defaults.
// References resolved while rendering:
// - `Volume=NAME:/path…` where NAME is a declared volume: a host volume becomes its managed directory
//   (`/var/lib/quadletman/volumes/<compartment>/NAME`), a Podman volume becomes `NAME.volume`.
// - a file key (EnvironmentFile, kube Yaml/ConfigMap, SeccompProfile, AuthFile, ContainersConfModule, build
//   File) whose value is exactly the path of a declared `files` entry becomes `%h/.config/quadletman/files/PATH`.
// - data maps (Environment, Label, Annotation, BuildArg) are literal: `%` is written `%%`, and in the main
//   section, whose values Quadlet copies into ExecStart where systemd expands `${VAR}`, `$` is written `$$`
//   ([Service] Environment= expands specifiers only). That holds in every unit: declared ones, the default
//   network and Podman volumes (whose Label= becomes `--label` in the generated ExecStart). Their Options= is a
//   string, not a map: a unit-file value like every other one.

import {
  addValue,
  type ContainerUnit,
  type Extra,
  type FieldKind,
  formatEntry,
  formatSectionHeader,
  INSTALL_FIELDS,
  MAIN_FIELDS,
  parseUnitFile,
  SERVICE_FIELDS,
  type SectionValues,
  serializeUnitFile,
  toUnitText,
  UNIT_FIELDS,
  type UnitModel,
  UnitValueError,
  writeSection,
} from '@quadletman/quadlet';
import { InvalidError } from './errors.js';
import { withDigest } from './images/reference.js';
import {
  DEFAULT_VOLUMES_ROOT,
  FILES_DIR,
  FILES_DIR_SPECIFIER,
  hostVolumePath,
  QUADLET_DIR,
  SYSTEMD_USER_DIR,
} from './layout.js';
import {
  type DesiredState,
  defaultNetworkName,
  helperIds,
  type ModelUnitSpec,
  PINNED_DIGEST,
  SYSTEMD_SECTIONS,
  type SystemdUnitSpec,
  TIMER_FIELDS,
  type TimerModel,
} from './spec.js';
import { linkEnvironment } from './spec-links.js';
import { routeTarget } from './spec-routes.js';
import type { Table } from './spec-sections.js';
import { isSystemdUnitName } from './spec-systemd.js';
import { escapeDollar, escapePercent } from './values.js';

export interface RenderOptions {
  /** Root of managed host volumes; default `/var/lib/quadletman/volumes`. */
  volumesRoot?: string;
  /** false: no compartment target; units are wanted by default.target directly (Quadlet files that stand on
   * their own, as a bundle exports them for any user). Default true. */
  stackTarget?: boolean;
  /** The host enforces SELinux (or is permissive): a declared host volume mounted without a relabel option gets
   * one — `Z` (private) when one unit mounts it, `z` (shared) when several do. Default false. */
  selinux?: boolean;
}

export interface HostVolume {
  name: string;
  /** Absolute path on the machine: `<volumesRoot>/<compartment>/<name>`. */
  path: string;
  /** The id inside the container that owns the folder (its helper user on the host; mode 0770, the compartment's
   * group); unset: the compartment user (0750). */
  owner?: number;
}

export interface RenderedSet {
  /** Home-relative path → text, in path order. */
  files: Map<string, string>;
  /** Home-relative path → file mode (0644 for units; the spec's mode for config files). */
  modes: Map<string, number>;
  /** Managed host directories the units mount (to create with the compartment's owner and label). */
  hostVolumes: HostVolume[];
  /** The container ids that have helper users `qm-<id>-<uid>` (spec.ts helperIds). */
  helperIds: number[];
}

const UNIT_MODE = 0o644;

const FILE_KEYS = new Set([
  'EnvironmentFile',
  'Yaml',
  'ConfigMap',
  'SeccompProfile',
  'AuthFile',
  'ContainersConfModule',
]);
const INSTALLED_TYPES = new Set(['container', 'pod', 'kube']);
const NETWORKED_TYPES = new Set(['container', 'pod', 'kube']);

type Sections = Record<string, Record<string, unknown> | undefined>;

interface Ctx {
  state: DesiredState;
  volumesRoot: string;
  stackTarget: boolean;
  /** With SELinux: how many units mount each host volume (the relabel option to add); undefined without it. */
  hostVolumeMounts?: Map<string, number>;
}

/**
 * The declared volumes a container's `volume` list mounts, by name: a host folder as `name:/dest`, a Podman
 * volume as `name.volume:/dest`.
 */
export function mountedVolumes(state: DesiredState, c: { volume?: unknown } | undefined): Set<string> {
  const names = new Set<string>();
  for (const item of Array.isArray(c?.volume) ? (c.volume as unknown[]) : []) {
    const source = typeof item === 'string' ? item.slice(0, Math.max(0, item.indexOf(':'))) : '';
    const name = source.replace(/\.volume$/, '');
    const v = Object.hasOwn(state.volumes, name) ? state.volumes[name] : undefined;
    if (v && (v.kind === 'host') === (name === source)) names.add(name);
  }
  return names;
}

/** How many container units (and timer jobs) mount each declared host volume by name. */
function countHostVolumeMounts(state: DesiredState): Map<string, number> {
  const out = new Map<string, number>();
  const count = (c: { volume?: unknown } | undefined) => {
    const names = [...mountedVolumes(state, c)].filter((n) => state.volumes[n]!.kind === 'host');
    for (const n of names) out.set(n, (out.get(n) ?? 0) + 1);
  };
  for (const u of Object.values(state.units)) {
    if (u.format === 'model' && u.model.type === 'container') count(u.model.container as { volume?: unknown });
    else if (u.format === 'timer') count(u.job.container as { volume?: unknown });
  }
  return out;
}

/** `/src:/dest[:options]` with a relabel option added unless the options name one already. */
function withRelabel(mount: string, label: 'z' | 'Z'): string {
  const parts = mount.split(':');
  if (parts.length < 2) return mount;
  if (parts.length === 2) return `${mount}:${label}`;
  const options = parts.slice(2).join(':').split(',');
  if (options.some((o) => o === 'z' || o === 'Z' || o === 'relabel=shared' || o === 'relabel=private')) return mount;
  return `${mount},${label}`;
}

function checkVolumesRoot(root: string): string {
  if (!/^\/[A-Za-z0-9_./-]*$/.test(root) || root.split('/').includes('..')) {
    throw new InvalidError(
      `volumes root must be an absolute path of letters, digits and _ . - /: ${JSON.stringify(root)}`,
    );
  }
  return root;
}

/** Resolves `NAME:/dest…` volume sources that name a declared volume. */
function resolveVolume(item: string, ctx: Ctx): string {
  const colon = item.indexOf(':');
  if (colon <= 0) return item;
  const name = item.slice(0, colon);
  const v = Object.hasOwn(ctx.state.volumes, name) ? ctx.state.volumes[name] : undefined;
  if (!v) return item;
  const rest = item.slice(colon);
  if (v.kind !== 'host') return `${name}.volume${rest}`;
  const mount = `${hostVolumePath(ctx.volumesRoot, ctx.state.id, name)}${rest}`;
  const mounts = ctx.hostVolumeMounts?.get(name);
  return mounts ? withRelabel(mount, mounts > 1 ? 'z' : 'Z') : mount;
}

function resolveFile(value: string, ctx: Ctx): string {
  const f = Object.hasOwn(ctx.state.files, value) ? ctx.state.files[value] : undefined;
  return f && f.in === 'files' ? `${FILES_DIR_SPECIFIER}/${value}` : value;
}

/** A copy of `section` with references resolved and data maps escaped, following the field table. */
function prepareSection(
  values: Record<string, unknown> | undefined,
  table: Table,
  ctx: Ctx,
  commandLine: boolean,
): Record<string, unknown> | undefined {
  const literal = commandLine ? (s: string) => escapeDollar(escapePercent(s)) : escapePercent;
  if (values === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(values)) {
    const spec = table[field];
    if (!spec || v === undefined) {
      out[field] = v;
      continue;
    }
    const [key, kind] = spec as readonly [string, FieldKind];
    if (kind === 'kv') {
      out[field] = Object.fromEntries(
        Object.entries(v as Record<string, string>).map(([k, x]) => [literal(k), literal(x)]),
      );
    } else if (key === 'Volume' && Array.isArray(v)) {
      out[field] = (v as string[]).map((item) => resolveVolume(item, ctx));
    } else if (FILE_KEYS.has(key) || (key === 'File' && table === MAIN_FIELDS.build)) {
      out[field] = Array.isArray(v) ? (v as string[]).map((x) => resolveFile(x, ctx)) : resolveFile(String(v), ctx);
    } else out[field] = v;
  }
  return out;
}

function prepareExtras(extras: readonly Extra[], ctx: Ctx): Extra[] {
  return extras.map(([s, k, v]): Extra => [s, k, FILE_KEYS.has(k) ? resolveFile(v, ctx) : v]);
}

/** The model as rendered: defaults applied, references resolved, data escaped. */
function prepareModel(model: UnitModel, ctx: Ctx, job: boolean): UnitModel {
  const type = model.type;
  const m = model as unknown as Sections & { extra: Extra[] };
  const main: Record<string, unknown> = { ...(prepareSection(m[type], MAIN_FIELDS[type] as Table, ctx, true) ?? {}) };
  const out: Record<string, unknown> = { ...m, [type]: main, extra: prepareExtras(m.extra, ctx) };
  const service = prepareSection(m.service, SERVICE_FIELDS as Table, ctx, false);
  if (service === undefined) delete out.service;
  else out.service = service;
  if (type === 'container' && main.runInit === undefined) main.runInit = true;
  if (job && service?.type === undefined) out.service = { ...(service ?? {}), type: 'oneshot' };
  if (!job && INSTALLED_TYPES.has(type) && !ctx.stackTarget && m.install === undefined) {
    out.install = { wantedBy: ['default.target'] };
  } else if (!job && INSTALLED_TYPES.has(type)) {
    // the compartment's target starts and stops the whole stack: the unit is wanted by it and part of it
    const target = compartmentTarget(ctx.state.id);
    if (m.install === undefined) out.install = { wantedBy: [target] };
    const unit = (m.unit ?? {}) as { partOf?: string[] };
    if (!unit.partOf?.includes(target)) out.unit = { ...unit, partOf: [...(unit.partOf ?? []), target] };
  }
  if (ctx.state.network && NETWORKED_TYPES.has(type) && main.network === undefined && main.pod === undefined) {
    main.network = [defaultNetworkName(ctx.state.id)];
  }
  return out as unknown as UnitModel;
}

const modelText = (model: UnitModel): string => toUnitText(model);

/** The target of a compartment's stack: `<id>.target`, wanted by default.target (so the stack starts with the
 * user manager); every container, pod and kube unit is wanted by it and part of it. */
export const compartmentTarget = (id: string): string => `${id}.target`;

function targetText(id: string): string {
  return serializeUnitFile(
    parseUnitFile(
      [
        formatSectionHeader('Unit'),
        formatEntry('Description', `quadletman compartment ${id}: its containers, pods and kube units`),
        '',
        formatSectionHeader('Install'),
        formatEntry('WantedBy', 'default.target'),
        '',
      ].join('\n'),
    ),
  );
}

/** The unit with `PublishPort=127.0.0.1:PORT:TARGET` for each loopback port its routes and provided services were
 * given (once per port), after the ports the spec publishes itself. */
function loopbackPublishes(name: string, type: string, state: DesiredState): string[] {
  const stem = name.slice(0, -`.${type}`.length);
  const publish: string[] = [];
  for (const r of [...state.routes, ...state.provides]) {
    const t = routeTarget(r);
    const value = `127.0.0.1:${r.port}:${t.port}`;
    if (t.unit === stem && r.port !== undefined && !publish.includes(value)) publish.push(value);
  }
  return publish;
}

/** Where the services the compartment uses are, for each of its containers: `<AS>_HOST`, `_PORT` and `_ADDR`. */
function linkEnv(state: DesiredState): [string, string][] {
  return state.uses.flatMap((u) => (u.port === undefined ? [] : linkEnvironment(u, u.port)));
}

/** A text unit (kept verbatim otherwise) with its loopback `PublishPort=` lines added to its main section, and a
 * container with the variables of the services the compartment uses. */
function withLoopbackText(text: string, name: string, state: DesiredState): string {
  const type = name.endsWith('.container') ? 'container' : name.endsWith('.pod') ? 'pod' : undefined;
  if (!type) return text;
  const publish = loopbackPublishes(name, type, state);
  const env = type === 'container' ? linkEnv(state) : [];
  if (publish.length === 0 && env.length === 0) return text;
  const section = type === 'container' ? 'Container' : 'Pod';
  let file = publish.reduce((f, v) => addValue(f, section, 'PublishPort', v), parseUnitFile(text));
  file = env.reduce((f, [k, v]) => addValue(f, section, 'Environment', `${k}=${v}`), file);
  return serializeUnitFile(file);
}

function withLoopback(model: UnitModel, name: string, state: DesiredState): UnitModel {
  const type = model.type;
  if (type !== 'container' && type !== 'pod') return model;
  const publish = loopbackPublishes(name, type, state);
  const env = type === 'container' ? linkEnv(state) : [];
  if (publish.length === 0 && env.length === 0) return model;
  const m = model as unknown as Sections;
  const main = { ...(m[type] ?? {}) } as Record<string, unknown>;
  if (publish.length > 0) main.publishPort = [...((main.publishPort as string[] | undefined) ?? []), ...publish];
  if (env.length > 0) {
    main.environment = {
      ...((main.environment as Record<string, string> | undefined) ?? {}),
      ...Object.fromEntries(env),
    };
  }
  return { ...model, [type]: main } as unknown as UnitModel;
}

/** A container pinned to a digest names its image by the digest (`repository@sha256:…`); `pin: digest` not yet
 * resolved renders the name as written. */
/** Ids inside a rootless user namespace: 0 (the compartment user) and its 65,536 subordinate ids. */
const NAMESPACE_IDS = 65_536;

/**
 * A full explicit id map for a rootless container: every container id 0..65535 mapped to the same id of the
 * compartment's user namespace (container 0 → the compartment user, n → its subordinate id n − 1, as Podman
 * maps by default), written as blocks with each helper user's id on its own line, so the file says which ids
 * have a name on the host and the mapping stays the same whatever containers.conf says.
 */
export function idMapBlock(ids: readonly number[]): string[] {
  const out: string[] = [];
  let next = 0;
  for (const id of [...new Set([0, ...ids])].sort((a, b) => a - b)) {
    if (id > next) out.push(`${next}:${next}:${id - next}`);
    out.push(`${id}:${id}:1`);
    next = id + 1;
  }
  if (next < NAMESPACE_IDS) out.push(`${next}:${next}:${NAMESPACE_IDS - next}`);
  return out;
}

/** A container with helper users gets its UIDMap=/GIDMap= blocks (the spec refused any of its own). */
function withIdMaps(model: UnitModel, u: ModelUnitSpec): UnitModel {
  if (model.type !== 'container' || (!u.uidMap && !u.gidMap)) return model;
  const uids = u.uidMap ?? u.gidMap ?? [];
  const gids = u.gidMap ?? u.uidMap ?? [];
  const extra: Extra[] = [
    ...model.extra,
    ...idMapBlock(uids).map((e): Extra => ['Container', 'UIDMap', e]),
    ...idMapBlock(gids).map((e): Extra => ['Container', 'GIDMap', e]),
  ];
  return { ...model, extra } as UnitModel;
}

function pinned(u: ModelUnitSpec): UnitModel {
  if (!u.pin || !PINNED_DIGEST.test(u.pin) || u.model.type !== 'container') return u.model;
  const image = u.model.container.image;
  if (typeof image !== 'string') return u.model;
  return { ...u.model, container: { ...u.model.container, image: withDigest(image, u.pin, { keepTag: false }) } };
}

/** A unit file of systemd's own from typed sections (in file order) and extras by section name; extras of a
 * section the list does not have follow in their own sections. Same rules as the library's section writer. */
function userUnitText(
  sections: readonly [name: string, values: Record<string, unknown> | undefined, table: Table][],
  extra: readonly Extra[],
): string {
  const lines: string[] = [];
  const section = (name: string, values: Record<string, unknown> | undefined, table: Table) => {
    const entries = [
      ...writeSection((values ?? {}) as SectionValues, table),
      ...extra.filter(([s]) => s === name).map(([, key, value]) => formatEntry(key, value)),
    ];
    if (entries.length === 0) return; // (`install: {}`: no [Install])
    if (lines.length > 0) lines.push('');
    lines.push(formatSectionHeader(name), ...entries);
  };
  for (const [name, values, table] of sections) section(name, values, table);
  const named = new Set(sections.map(([name]) => name));
  for (const s of new Set(extra.map(([s]) => s))) if (!named.has(s)) section(s, undefined, {});
  return serializeUnitFile(parseUnitFile(`${lines.join('\n')}\n`));
}

/** The `.timer` of a timer job: `Unit=` when the job's service is not `<name>.service`, `WantedBy=timers.target`
 * unless the spec says otherwise. */
function timerText(timer: TimerModel, jobService: string | undefined): string {
  const t: Record<string, unknown> = { ...timer.timer };
  if (t.unit === undefined && jobService !== undefined) t.unit = jobService;
  const install = (timer.install ?? { wantedBy: ['timers.target'] }) as Record<string, unknown>;
  return userUnitText(
    [
      ['Unit', timer.unit as Record<string, unknown> | undefined, UNIT_TABLE],
      ['Timer', t, TIMER_FIELDS],
      ['Install', install, INSTALL_TABLE],
    ],
    timer.extra,
  );
}

/** A declared `.socket`, `.service` or `.target`: a socket is wanted by sockets.target unless the spec says
 * otherwise; a service's data maps are literal and its file values resolved as in Quadlet units. */
function systemdText(u: SystemdUnitSpec, ctx: Ctx): string {
  const sections = SYSTEMD_SECTIONS[u.kind].map(([prop, name, table]) => {
    let values = (u as unknown as Record<string, Record<string, unknown> | undefined>)[prop];
    if (prop === 'install' && values === undefined && u.kind === 'socket') values = { wantedBy: ['sockets.target'] };
    if (prop === 'service') values = prepareSection(values, table, ctx, false);
    return [name, values, table] as [string, Record<string, unknown> | undefined, Table];
  });
  return userUnitText(sections, u.extra);
}

const UNIT_TABLE = UNIT_FIELDS as Table;
const INSTALL_TABLE = INSTALL_FIELDS as Table;

/** The service a timer job runs as, when it is not `<name>.service`. */
function jobServiceName(job: ContainerUnit, base: string): string | undefined {
  const sn = job.extra.filter(([s, k]) => s === 'Container' && k === 'ServiceName').at(-1)?.[2];
  if (sn === undefined) return undefined;
  const name = sn.endsWith('.service') ? sn : `${sn}.service`;
  return name === `${base}.service` ? undefined : name;
}

function wrap(where: string, fn: () => string): string {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UnitValueError) {
      throw new InvalidError(`${where}: ${e.message}`, { cause: e, details: { path: where, code: e.code } });
    }
    throw e;
  }
}

/** Renders a compartment's desired state. Throws InvalidError (with the unit's path) for unwritable values. */
export function render(state: DesiredState, options: RenderOptions = {}): RenderedSet {
  const ctx: Ctx = {
    state,
    volumesRoot: checkVolumesRoot(options.volumesRoot ?? DEFAULT_VOLUMES_ROOT),
    stackTarget: options.stackTarget ?? true,
    ...(options.selinux ? { hostVolumeMounts: countHostVolumeMounts(state) } : {}),
  };
  const out: [path: string, text: string, mode: number][] = [];
  const quadlet = (name: string) => `${QUADLET_DIR}/${name}`;

  for (const [name, u] of Object.entries(state.units)) {
    const where = `units[${JSON.stringify(name)}]`;
    if (u.format === 'text') {
      const text = wrap(where, () => withLoopbackText(u.text, name, state));
      out.push([isSystemdUnitName(name) ? `${SYSTEMD_USER_DIR}/${name}` : quadlet(name), text, UNIT_MODE]);
    } else if (u.format === 'systemd') {
      out.push([`${SYSTEMD_USER_DIR}/${name}`, wrap(where, () => systemdText(u, ctx)), UNIT_MODE]);
    } else if (u.format === 'timer') {
      const base = name.slice(0, -'.timer'.length);
      const job = withLoopback(prepareModel(u.job, ctx, true), `${base}.container`, state);
      out.push([quadlet(`${base}.container`), wrap(`${where}.job`, () => modelText(job)), UNIT_MODE]);
      const text = wrap(where, () => timerText(u.timer, jobServiceName(u.job, base)));
      out.push([`${SYSTEMD_USER_DIR}/${name}`, text, UNIT_MODE]);
    } else {
      const model = withIdMaps(withLoopback(prepareModel(pinned(u), ctx, false), name, state), u);
      out.push([quadlet(name), wrap(where, () => modelText(model)), UNIT_MODE]);
    }
  }
  const stacked = Object.values(state.units).some((u) => u.format === 'model' && INSTALLED_TYPES.has(u.model.type));
  if (stacked && ctx.stackTarget)
    out.push([`${SYSTEMD_USER_DIR}/${compartmentTarget(state.id)}`, targetText(state.id), UNIT_MODE]);
  // The default network and Podman volumes are prepared like declared units: their labels are data maps too.
  if (state.network) {
    const net = prepareModel({ type: 'network', network: state.network, extra: [] }, ctx, false);
    out.push([quadlet(defaultNetworkName(state.id)), wrap('network', () => modelText(net)), UNIT_MODE]);
  }
  const hostVolumes: HostVolume[] = [];
  for (const [name, v] of Object.entries(state.volumes)) {
    if (v.kind === 'host')
      hostVolumes.push({
        name,
        path: hostVolumePath(ctx.volumesRoot, state.id, name),
        ...(v.owner ? { owner: v.owner } : {}),
      });
    else {
      const vol = prepareModel({ type: 'volume', volume: v.options, extra: [] }, ctx, false);
      out.push([quadlet(`${name}.volume`), wrap(`volumes[${JSON.stringify(name)}]`, () => modelText(vol)), UNIT_MODE]);
    }
  }
  for (const [p, f] of Object.entries(state.files)) {
    out.push([f.in === 'quadlet' ? quadlet(p) : `${FILES_DIR}/${p}`, f.content, f.mode]);
  }

  out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const files = new Map<string, string>();
  const modes = new Map<string, number>();
  for (const [p, text, mode] of out) {
    if (files.has(p)) throw new InvalidError(`two parts of the spec render to the same file ${p}`);
    files.set(p, text);
    modes.set(p, mode);
  }
  hostVolumes.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { files, modes, hostVolumes, helperIds: helperIds(state) };
}

/** The home-relative path of a Quadlet file. */
export const quadletPath = (name: string): string => `${QUADLET_DIR}/${name}`;
