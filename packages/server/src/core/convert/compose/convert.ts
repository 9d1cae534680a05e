// Compose project → compartment spec (core/spec.ts), with a report that says what became of every key: `mapped`
// (an equivalent Quadlet or systemd key), `podman-args` (a `PodmanArgs=` flag, where the target Podman has no
// key for it), `dropped` (with the reason: nothing to do under systemd, or Swarm only) or `needs-input` (someone
// has to decide or supply something, such as a secret's value). Nothing is lost without an entry.
//
// - each service becomes `<service>.container`; `build:` becomes `<service>.build` (Podman ≥ 5.2);
// - the default network is the compartment's own (`<project>.network`), where every service is reachable by its
//   name (NetworkAlias); named networks become `<name>.network` units, external ones are used by name;
// - named volumes become the compartment's Podman volumes; binds are absolute (see load.ts);
// - depends_on becomes Requires=/Wants=/BindsTo= + After= on the dependency's service; `service_healthy` makes the
//   dependency report ready only once healthy (Notify=healthy), `service_completed_successfully` makes it a
//   one-shot;
// - env files and configs become managed files; secrets become Podman secrets (the spec holds names only).
//
// Values are written as the spec reads them: every value of a [Container] key lands in ExecStart, so `%` and
// `$` are escaped where the value is not a data map (which the renderer escapes itself).

import { basename } from 'node:path/posix';
import {
  compareVersions,
  findKey,
  NEWEST_PODMAN,
  type PodmanVersion,
  parseVersion,
  splitWords,
} from '@quadletman/quadlet';
import { FILES_DIR_SPECIFIER } from '../../layout.js';
import { checkSpec, type DesiredState, specError } from '../../spec.js';
import { escapeDollar, escapePercent } from '../../values.js';
import { parseEnvFile } from './dotenv.js';
import {
  type ComposeFile,
  type LoadContext,
  type LoadedProject,
  loadProject,
  type ReadFile,
  type Variable,
} from './load.js';
import { ComposeError, isObj, type Obj } from './merge.js';

export type Disposition = 'mapped' | 'podman-args' | 'dropped' | 'needs-input';

export interface ReportEntry {
  /** Dotted path in the compose model: `services.web.deploy.replicas`. */
  path: string;
  disposition: Disposition;
  note: string;
}

export interface ConvertOptions {
  /** The compose files, merged in order (absolute paths). */
  files: readonly ComposeFile[];
  /** Reads any other file the project names (env files, extends, include, secrets, configs). */
  readFile: ReadFile;
  /** The project folder (default: the first file's folder). */
  projectDir?: string;
  /** The compartment's name (default: the top-level `name`, else the project folder's name). */
  project?: string;
  /** The project's env files (default: `<projectDir>/.env` when it exists). */
  envFiles?: readonly string[];
  /** `--env` values: before the environment. */
  env?: Record<string, string>;
  /** The environment variables are looked up in (the CLI passes its own). */
  environment?: Record<string, string | undefined>;
  /** Profiles to enable (services with `profiles:` are converted only when one of theirs is chosen). */
  profiles?: readonly string[];
  /** The Podman version to target (default: the newest the registry knows). */
  podmanVersion?: string;
  /** The home folder `~` stands for in bind mounts. */
  home?: string;
}

export interface ConvertResult {
  /** The compartment spec, as `quadletman apply -f` reads it. */
  spec: Obj;
  /** The spec validated. */
  state: DesiredState;
  report: ReportEntry[];
  /** The variables interpolation looked up, with their values and where each came from. */
  variables: Variable[];
}

// ---------------------------------------------------------------------------------------------------------

type Path = readonly string[];
const dotted = (p: Path) => p.join('.');

/** The literal form of a value that lands in ExecStart: `%` and `$` escaped for systemd. */
const lit = (s: string) => escapeDollar(escapePercent(s));
const str = (v: unknown) =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

class Report {
  readonly entries: ReportEntry[] = [];
  add(path: Path, disposition: Disposition, note = ''): void {
    this.entries.push({ path: dotted(path), disposition, note });
  }
  mapped = (path: Path, note = '') => this.add(path, 'mapped', note);
  dropped = (path: Path, note: string) => this.add(path, 'dropped', note);
  needs = (path: Path, note: string) => this.add(path, 'needs-input', note);
}

/** A unit being built: Quadlet keys in order, each with the compose path it came from. */
class UnitBuilder {
  readonly main: [key: string, value: unknown, path: Path][] = [];
  readonly unit: Record<string, string | string[]> = {};
  readonly service: Record<string, string> = {};
  constructor(
    readonly section: string,
    readonly version: PodmanVersion,
    readonly report: Report,
  ) {}
  /** Sets a main-section key; if the target Podman lacks it, its flag goes to PodmanArgs, or it needs input. */
  put(key: string, value: boolean | string | string[] | Record<string, string>, path: Path, note = ''): void {
    this.place(key, value, path, note || `${this.section} ${key}=`, true);
  }
  /** As put, with no report entry when the key is available (for what the conversion adds by itself). */
  implicit(key: string, value: string[], path: Path): void {
    this.place(key, value, path, '', false);
  }
  private place(
    key: string,
    value: boolean | string | string[] | Record<string, string>,
    path: Path,
    note: string,
    report: boolean,
  ): void {
    const def = findKey(this.section, key);
    if (def && compareVersions(def.since, this.version) <= 0) {
      this.main.push([key, value, path]);
      if (report) this.report.mapped(path, note);
      return;
    }
    if (def?.flag) {
      const values = Array.isArray(value)
        ? value
        : typeof value === 'string' || typeof value === 'boolean'
          ? [String(value)]
          : Object.entries(value).map(([k, v]) => `${k}=${v}`);
      const quoted = def.kind === 'kv' ? values.map(lit) : values;
      this.args(
        quoted.map((v) => `${def.flag}=${v}`),
        path,
        `Podman ${this.version} has no ${key}=`,
      );
      return;
    }
    this.report.needs(path, `Podman ${this.version} has no ${this.section} ${key}= and no flag for it`);
  }
  /** Adds podman flags (already escaped) to PodmanArgs=. */
  args(words: string[], path: Path, note: string): void {
    this.main.push(['PodmanArgs', words, path]);
    this.report.add(path, 'podman-args', `${note ? `${note}: ` : ''}PodmanArgs=${words.join(' ')}`);
  }
  /** Adds a unit to a [Unit] list (Requires=, After=, …). */
  addUnit(key: string, value: string): void {
    const prev = this.unit[key];
    const list = Array.isArray(prev) ? prev : [];
    if (!list.includes(value)) this.unit[key] = [...list, value];
  }
  /** The unit as a spec entry (Quadlet spellings; lists gathered). */
  toSpec(prop: string): Obj {
    const main: Obj = {};
    for (const [key, value] of this.main) {
      const prev = main[key];
      if (prev === undefined) main[key] = value;
      else if (Array.isArray(prev)) main[key] = [...prev, ...(Array.isArray(value) ? value : [value])];
      else if (isObj(prev) && isObj(value)) main[key] = { ...prev, ...value };
      else main[key] = value;
    }
    const out: Obj = {};
    if (Object.keys(this.unit).length > 0) out.unit = { ...this.unit };
    out[prop] = main;
    if (Object.keys(this.service).length > 0) out.service = { ...this.service };
    return out;
  }
}

interface Ctx {
  project: string;
  version: PodmanVersion;
  report: Report;
  readFile: ReadFile;
  lookup: (name: string) => string | undefined;
  model: Obj;
  services: Record<string, Obj>;
  spec: {
    units: Obj;
    volumes: Obj;
    files: Obj;
    secrets: string[];
  };
  /** Volumes declared at the top level (compose name → how a service refers to it). */
  volumeRefs: Map<string, string>;
  /** Networks declared at the top level (compose name → Network= value). */
  networkRefs: Map<string, string>;
  usesDefaultNetwork: boolean;
  /** Services others wait for until healthy (Notify=healthy), or until they have run once (one-shots). */
  healthy: Set<string>;
  oneshot: Set<string>;
}

/** The project's model: its files interpolated, merged, extended and included (what the report accounts for). */
export function loadCompose(opts: ConvertOptions): LoadedProject & { lctx: LoadContext } {
  const projectDir = opts.projectDir ?? opts.files[0]!.path.replace(/\/[^/]*$/, '');
  const lctx: LoadContext = {
    readFile: opts.readFile,
    overrides: opts.env ?? {},
    environment: opts.environment ?? {},
    home: opts.home,
    variables: new Map(),
    missing: new Set(),
  };
  return { ...loadProject(opts.files, projectDir, lctx, opts.envFiles), lctx };
}

/** Converts a compose project. Throws ComposeError (file and path named) for what cannot be converted at all. */
export function convertCompose(opts: ConvertOptions): ConvertResult {
  if (opts.files.length === 0) throw new ComposeError('no compose file given');
  const version = opts.podmanVersion === undefined ? NEWEST_PODMAN : parseVersion(opts.podmanVersion);
  if (!version) throw new ComposeError(`${opts.podmanVersion}: not a Podman version like 5.4`);
  const { model, projectDir, lctx, lookup } = loadCompose(opts);
  const where = opts.files.map((f) => f.path).join(', ');
  const report = new Report();

  // as compose: the option, COMPOSE_PROJECT_NAME, the name: of the project, its folder's name
  const named = opts.project ?? lctx.environment.COMPOSE_PROJECT_NAME;
  const project = projectName(named ?? (typeof model.name === 'string' ? model.name : basename(projectDir)));
  if (!project) {
    throw new ComposeError(`${where}: no usable project name; give one with --project (a-z, 0-9, -; ≤ 32)`);
  }

  // services enabled by profile
  const all = isObj(model.services) ? (model.services as Record<string, Obj>) : {};
  const fromEnv = lctx.environment.COMPOSE_PROFILES?.split(',').filter((p) => p !== '');
  const chosen = new Set(opts.profiles ?? fromEnv ?? []);
  const services: Record<string, Obj> = {};
  for (const [name, s] of Object.entries(all)) {
    const profiles = Array.isArray(s.profiles) ? s.profiles.map(String) : [];
    if (profiles.length === 0 || profiles.some((p) => chosen.has(p)) || chosen.has('*')) services[name] = s;
    else report.dropped(['services', name], `in profile ${profiles.join(', ')}, which was not chosen (--profile)`);
  }
  checkDependencies(services, all, where);

  const ctx: Ctx = {
    project,
    version,
    report,
    readFile: opts.readFile,
    lookup,
    model,
    services,
    spec: { units: {}, volumes: {}, files: {}, secrets: [] },
    volumeRefs: new Map(),
    networkRefs: new Map(),
    usesDefaultNetwork: false,
    healthy: new Set(),
    oneshot: new Set(),
  };

  for (const [k, v] of Object.entries(model)) {
    const path = [k];
    if (k === 'services') continue;
    if (k === 'name') report.mapped(path, `the compartment ${project}`);
    else if (k === 'version') report.dropped(path, 'obsolete; the Compose specification ignores it');
    else if (k === 'include') report.mapped(path, 'its resources were added to this project');
    else if (k.startsWith('x-')) report.dropped(path, 'an extension field (for fragments); nothing to convert');
    else if (k === 'volumes') convertVolumes(v, ctx);
    else if (k === 'networks') convertNetworks(v, ctx);
    else if (k === 'secrets') convertSecrets(v, ctx);
    else if (k === 'configs') convertConfigs(v, ctx);
    else report.needs(path, 'no equivalent in a compartment');
  }
  for (const [name, s] of Object.entries(services)) convertService(name, s, ctx);
  applyDependencyModes(ctx);

  const spec: Obj = { version: 1, compartment: project };
  if (opts.podmanVersion !== undefined) spec.podmanVersion = version;
  const defaultNet = isObj(model.networks) && isObj(model.networks.default) ? model.networks.default : undefined;
  spec.network = ctx.usesDefaultNetwork ? defaultNetworkSpec(defaultNet, ctx) : false;
  spec.units = ctx.spec.units;
  if (Object.keys(ctx.spec.volumes).length > 0) spec.volumes = ctx.spec.volumes;
  if (Object.keys(ctx.spec.files).length > 0) spec.files = ctx.spec.files;
  if (ctx.spec.secrets.length > 0) spec.secrets = [...new Set(ctx.spec.secrets)].sort();

  const { state, issues } = checkSpec(spec);
  if (!state) throw specError(issues);
  const variables = [...lctx.variables.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const v of variables) {
    const path = [`\${${v.name}}`];
    if (v.value !== undefined) report.mapped(path, `= ${JSON.stringify(v.value)} (${SOURCES[v.from]})`);
    else if (lctx.missing.has(v.name)) report.needs(path, 'unset and without a default: it became ""');
    else report.mapped(path, 'unset: its default was used');
  }
  return { spec, state, report: report.entries, variables };
}

const SOURCES: Record<Variable['from'], string> = {
  option: '--env',
  environment: 'the environment',
  'env-file': 'the env file',
  unset: 'unset',
};

/** A compartment id from a project name: lowercase, a-z 0-9 and -, starting with a letter, ≤ 32. */
export function projectName(name: string): string | undefined {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return id === '' ? undefined : id;
}

// ---------------------------------------------------------------------------------------------------------
// depends_on: every dependency exists (and is enabled, unless optional), and there is no cycle

function checkDependencies(services: Record<string, Obj>, all: Record<string, Obj>, where: string): void {
  for (const [name, s] of Object.entries(services)) {
    if (s.depends_on === undefined) continue;
    if (!isObj(s.depends_on))
      throw new ComposeError(`${where}: services.${name}.depends_on: must be a list or mapping`);
    for (const [dep, d] of Object.entries(s.depends_on)) {
      const optional = isObj(d) && d.required === false;
      if (!Object.hasOwn(all, dep)) {
        throw new ComposeError(`${where}: services.${name}.depends_on: no service ${JSON.stringify(dep)}`);
      }
      if (!Object.hasOwn(services, dep) && !optional) {
        throw new ComposeError(
          `${where}: services.${name}.depends_on: ${dep} is in a profile that was not chosen (--profile ${String((all[dep]!.profiles as unknown[])?.[0])})`,
        );
      }
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, stack: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      throw new ComposeError(`${where}: services.${name}.depends_on: a cycle: ${cycle.join(' → ')}`);
    }
    state.set(name, 'visiting');
    const deps = services[name]?.depends_on;
    for (const dep of isObj(deps) ? Object.keys(deps) : [])
      if (Object.hasOwn(services, dep)) visit(dep, [...stack, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(services)) visit(name, []);
}

// ---------------------------------------------------------------------------------------------------------
// Top-level resources

function subkeys(
  obj: unknown,
  path: Path,
  ctx: Ctx,
  handlers: Record<string, (v: unknown, path: Path) => void>,
  what = 'no equivalent',
): void {
  if (!isObj(obj)) return;
  for (const [k, v] of Object.entries(obj)) {
    const h = handlers[k];
    if (h) h(v, [...path, k]);
    else if (k.startsWith('x-')) ctx.report.dropped([...path, k], 'an extension field');
    else ctx.report.needs([...path, k], what);
  }
}

const kvMap = (v: unknown): Record<string, string> => {
  if (Array.isArray(v)) {
    return Object.fromEntries(
      v.map((x) => {
        const s = String(x);
        const eq = s.indexOf('=');
        return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
      }),
    );
  }
  return isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, str(x)])) : {};
};

/** A handler that sets `target[field]` (text, or a map for labels) and reports it mapped as `note`. */
const assign =
  (target: Obj, field: string, note: string, ctx: Ctx, read: (x: unknown) => unknown = str) =>
  (x: unknown, p: Path): void => {
    target[field] = read(x);
    ctx.report.mapped(p, note);
  };

/** An external volume or network: used by its name, which must exist (reported as needing input). */
function isExternal(def: Obj, name: string, path: Path, refs: Map<string, string>, what: string, ctx: Ctx): boolean {
  if (def.external !== true && !isObj(def.external)) return false;
  const real = str(def.name) || name;
  refs.set(name, real);
  ctx.report.needs(path, `external: the Podman ${what} ${real} must exist for the compartment user`);
  return true;
}

function convertVolumes(v: unknown, ctx: Ctx): void {
  for (const [name, d] of Object.entries(isObj(v) ? v : {})) {
    const path = ['volumes', name];
    const def = isObj(d) ? d : {};
    if (isExternal(def, name, path, ctx.volumeRefs, 'volume', ctx)) continue;
    const options: Obj = {};
    ctx.volumeRefs.set(name, name);
    ctx.report.mapped(path, `the compartment's Podman volume ${name} (${name}.volume)`);
    subkeys(def, path, ctx, {
      name: assign(options, 'volumeName', 'VolumeName=', ctx),
      driver: (x, p) => {
        if (str(x) === 'local') ctx.report.mapped(p, 'the default driver');
        else {
          options.driver = str(x);
          ctx.report.mapped(p, 'Driver=');
        }
      },
      driver_opts: (x, p) => {
        for (const [k, o] of Object.entries(isObj(x) ? x : {})) {
          const field = k === 'type' ? 'type' : k === 'device' ? 'device' : k === 'o' ? 'options' : undefined;
          if (field) {
            options[field] = str(o);
            ctx.report.mapped([...p, k], `${field === 'options' ? 'Options' : field === 'type' ? 'Type' : 'Device'}=`);
          } else ctx.report.needs([...p, k], 'a driver option Quadlet has no key for');
        }
      },
      labels: assign(options, 'label', 'Label=', ctx, kvMap),
      external: (_, p) => ctx.report.mapped(p, 'not external'),
    });
    ctx.spec.volumes[name] = { kind: 'podman', ...(Object.keys(options).length > 0 ? { options } : {}) };
  }
}

function convertNetworks(v: unknown, ctx: Ctx): void {
  for (const [name, d] of Object.entries(isObj(v) ? v : {})) {
    const path = ['networks', name];
    const def = isObj(d) ? d : {};
    if (isExternal(def, name, path, ctx.networkRefs, 'network', ctx)) continue;
    if (name === 'default') {
      ctx.networkRefs.set(name, `${ctx.project}.network`);
      continue; // converted with the default network
    }
    const unit = `${name}.network`;
    ctx.networkRefs.set(name, unit);
    ctx.report.mapped(path, `the network unit ${unit}`);
    const net = networkSection(def, path, ctx);
    ctx.spec.units[unit] = { network: net };
  }
}

function networkSection(def: Obj, path: Path, ctx: Ctx): Obj {
  const net: Obj = {};
  const add = (k: string, x: string) => {
    net[k] = [...((net[k] as string[] | undefined) ?? []), x];
  };
  subkeys(def, path, ctx, {
    name: assign(net, 'NetworkName', 'NetworkName=', ctx),
    driver: (x, p) => {
      if (str(x) === 'bridge') ctx.report.mapped(p, 'the default driver');
      else if (['host', 'none'].includes(str(x))) ctx.report.needs(p, `a ${str(x)} network: use network_mode instead`);
      else {
        net.Driver = str(x);
        ctx.report.mapped(p, 'Driver=');
      }
    },
    driver_opts: (x, p) => {
      const opts = Object.entries(isObj(x) ? x : {}).map(([k, o]) => `${k}=${str(o)}`);
      if (opts.length > 0) net.Options = opts.join(',');
      ctx.report.mapped(p, 'Options=');
    },
    ipam: (x, p) =>
      subkeys(x, p, ctx, {
        driver: assign(net, 'IPAMDriver', 'IPAMDriver=', ctx),
        config: (y, q) => {
          (Array.isArray(y) ? y : []).forEach((c, i) => {
            subkeys(c, [...q, String(i)], ctx, {
              subnet: (z, r) => {
                add('Subnet', str(z));
                ctx.report.mapped(r, 'Subnet=');
              },
              ip_range: (z, r) => {
                add('IPRange', str(z));
                ctx.report.mapped(r, 'IPRange=');
              },
              gateway: (z, r) => {
                add('Gateway', str(z));
                ctx.report.mapped(r, 'Gateway=');
              },
              aux_addresses: (_, r) => ctx.report.dropped(r, 'Podman networks have no reserved addresses'),
            });
          });
        },
        options: (_, q) => ctx.report.needs(q, 'IPAM driver options have no Quadlet key'),
      }),
    internal: assign(net, 'Internal', 'Internal=', ctx, (x) => x === true),
    enable_ipv6: assign(net, 'IPv6', 'IPv6=', ctx, (x) => x === true),
    enable_ipv4: (x, p) =>
      x === false
        ? ctx.report.needs(p, 'an IPv6-only network has no Quadlet key')
        : ctx.report.mapped(p, 'the default'),
    labels: assign(net, 'Label', 'Label=', ctx, kvMap),
    attachable: (_, p) => ctx.report.dropped(p, 'Swarm only'),
    external: (_, p) => ctx.report.mapped(p, 'not external'),
  });
  return net;
}

function defaultNetworkSpec(def: Obj | undefined, ctx: Ctx): Obj {
  if (!def) return {};
  const path = ['networks', 'default'];
  ctx.report.mapped(path, `the compartment's default network ${ctx.project}.network`);
  const net = networkSection(def, path, ctx);
  // the default network takes typed fields only: spell them as the model does
  const typed: Obj = {};
  const names: Record<string, string> = {
    NetworkName: 'networkName',
    Driver: 'driver',
    Subnet: 'subnet',
    Gateway: 'gateway',
    IPRange: 'ipRange',
    IPv6: 'ipv6',
    Internal: 'internal',
    IPAMDriver: 'ipamDriver',
    Options: 'options',
    Label: 'label',
  };
  for (const [k, v] of Object.entries(net)) typed[names[k] ?? k] = v;
  return typed;
}

function convertSecrets(v: unknown, ctx: Ctx): void {
  for (const [name, d] of Object.entries(isObj(v) ? v : {})) {
    const path = ['secrets', name];
    const def = isObj(d) ? d : {};
    const real = str(def.name) || name;
    ctx.spec.secrets.push(real);
    const how =
      typeof def.file === 'string'
        ? `its value is in ${def.file}`
        : typeof def.environment === 'string'
          ? `its value is the variable ${def.environment}`
          : 'external: it must exist';
    if (def.external !== undefined && def.external !== false) {
      ctx.report.mapped(path, `the Podman secret ${real} (external: it must exist for the compartment user)`);
    } else {
      ctx.report.needs(
        path,
        `the Podman secret ${real}: set its value on the host (a spec holds secret names, never values); ${how}`,
      );
    }
  }
}

/** The managed file a config's content goes to. */
const configFile = (name: string) => `compose/configs/${name}`;

function convertConfigs(v: unknown, ctx: Ctx): void {
  for (const [name, d] of Object.entries(isObj(v) ? v : {})) {
    const path = ['configs', name];
    const def = isObj(d) ? d : {};
    let content: string | undefined;
    if (typeof def.file === 'string') {
      content = ctx.readFile(def.file);
      if (content === undefined) throw new ComposeError(`configs.${name}.file: ${def.file}: no such file`);
    } else if (typeof def.content === 'string') content = def.content;
    else if (typeof def.environment === 'string') content = ctx.lookup(def.environment) ?? '';
    if (content === undefined) {
      ctx.report.needs(path, 'an external config: Podman has no configs; supply its content as a file');
      continue;
    }
    ctx.spec.files[configFile(name)] = { content };
    const from = typeof def.file === 'string' ? ` (the content of ${def.file})` : '';
    ctx.report.mapped(path, `the managed file ${configFile(name)}${from}, mounted read-only`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Services

/** Compose byte sizes (`512m`, `1gb`, `1024`) in Podman's spelling. */
function bytes(v: unknown): string {
  const s = str(v).trim().toLowerCase();
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/.exec(s);
  return m ? `${m[1]}${m[2]}` : s;
}

/** A compose duration (`1m30s`, `500ms`) in whole seconds, for StopTimeout. */
function seconds(v: unknown): string | undefined {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, ns: 1e-9 };
  let total = 0;
  const s = str(v);
  const re = /(\d+(?:\.\d+)?)(h|ms|us|ns|m|s)/gy;
  let end = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * units[m[2]!]!;
    end = re.lastIndex;
  }
  if (end !== s.length || s === '') return /^\d+$/.test(s) ? s : undefined;
  return String(Math.ceil(total));
}

function words(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(str);
  const r = splitWords(str(v), 'args');
  return r.words;
}

const PODMAN_FLAGS: Record<string, [flag: string, kind: 'value' | 'bool' | 'list']> = {
  privileged: ['--privileged', 'bool'],
  tty: ['--tty', 'bool'],
  stdin_open: ['--interactive', 'bool'],
  oom_kill_disable: ['--oom-kill-disable', 'bool'],
  cpus: ['--cpus', 'value'],
  cpu_shares: ['--cpu-shares', 'value'],
  cpu_period: ['--cpu-period', 'value'],
  cpu_quota: ['--cpu-quota', 'value'],
  cpu_rt_runtime: ['--cpu-rt-runtime', 'value'],
  cpu_rt_period: ['--cpu-rt-period', 'value'],
  cpuset: ['--cpuset-cpus', 'value'],
  mem_reservation: ['--memory-reservation', 'value'],
  memswap_limit: ['--memory-swap', 'value'],
  mem_swappiness: ['--memory-swappiness', 'value'],
  oom_score_adj: ['--oom-score-adj', 'value'],
  pid: ['--pid', 'value'],
  ipc: ['--ipc', 'value'],
  cgroup: ['--cgroupns', 'value'],
  cgroup_parent: ['--cgroup-parent', 'value'],
  platform: ['--platform', 'value'],
  mac_address: ['--mac-address', 'value'],
  runtime: ['--runtime', 'value'],
  security_opt: ['--security-opt', 'list'],
  device_cgroup_rules: ['--device-cgroup-rule', 'list'],
};

const DROPPED: Record<string, string> = {
  links: 'services on one network reach each other by name (every service has its name as a network alias)',
  external_links: 'services on one network reach each other by name',
  develop: 'compose watch (development) has no equivalent under systemd',
  attach: 'logs go to the journal',
  credential_spec: 'Windows only',
  isolation: 'Windows only',
  cpu_count: 'Windows only',
  cpu_percent: 'Windows only',
  storage_opt: 'rootless Podman sets no per-container storage options',
  container_name_prefix: 'not used',
};

function convertService(name: string, s: Obj, ctx: Ctx): void {
  const base: Path = ['services', name];
  const r = ctx.report;
  const c = new UnitBuilder('Container', ctx.version, r);
  const unitName = `${name}.container`;
  const svcSection = c.service;

  // networks first: they decide on the default network and the aliases
  let networks: string[] = [];
  const aliases = [name];
  const networkMode = str(s.network_mode);
  if (s.network_mode !== undefined) {
    const p = [...base, 'network_mode'];
    if (networkMode === 'host' || networkMode === 'none') {
      networks = [networkMode];
      r.mapped(p, `Network=${networkMode}`);
    } else if (networkMode === 'bridge' || networkMode === 'default') {
      ctx.usesDefaultNetwork = true;
      r.mapped(p, 'the default network');
    } else r.needs(p, `${networkMode}: sharing another container's namespace needs a pod; put the services in one`);
  } else if (isObj(s.networks)) {
    for (const [net, opts] of Object.entries(s.networks)) {
      const p = [...base, 'networks', net];
      const ref = net === 'default' ? `${ctx.project}.network` : ctx.networkRefs.get(net);
      if (ref === undefined) throw new ComposeError(`${dotted(p)}: no network ${JSON.stringify(net)} is declared`);
      if (net === 'default') ctx.usesDefaultNetwork = true;
      networks.push(ref);
      r.mapped(p, `Network=${ref}`);
      subkeys(opts, p, ctx, {
        aliases: (x, q) => {
          aliases.push(...(Array.isArray(x) ? x.map(str) : []));
          r.mapped(q, 'NetworkAlias= (Podman gives aliases on every network of the container)');
        },
        ipv4_address: (x, q) => c.put('IP', str(x), q),
        ipv6_address: (x, q) => c.put('IP6', str(x), q),
        priority: (_, q) => r.dropped(q, 'Podman connects networks in the order given'),
        gw_priority: (_, q) => r.needs(q, 'no Quadlet key for the default gateway priority'),
        interface_name: (_, q) => r.needs(q, 'no Quadlet key for the interface name'),
        link_local_ips: (_, q) => r.needs(q, 'no Quadlet key for link-local addresses'),
        mac_address: (x, q) => c.args([`--mac-address=${lit(str(x))}`], q, ''),
        driver_opts: (_, q) => r.needs(q, 'no Quadlet key for per-network driver options'),
      });
    }
  } else ctx.usesDefaultNetwork = true;

  if (networks.length > 0) c.put('Network', networks, [...base, 'networks'], 'Network=');
  if (networkMode !== 'host' && networkMode !== 'none') {
    c.implicit('NetworkAlias', [...new Set(aliases)].map(lit), [...base, 'networks']);
  }

  const handlers: Record<string, (v: unknown, p: Path) => void> = {
    image: (v, p) =>
      s.build === undefined
        ? c.put('Image', lit(str(v)), p)
        : r.mapped(p, `the tag of the built image (${name}.build)`),
    build: (v, p) => convertBuild(name, v, p, s, c, ctx),
    container_name: (v, p) => c.put('ContainerName', lit(str(v)), p),
    hostname: (v, p) => c.put('HostName', lit(str(v)), p),
    command: (v, p) => c.put('Exec', words(v).map(lit), p),
    entrypoint: (v, p) => {
      const w = words(v);
      c.put('Entrypoint', lit(w.length === 1 ? w[0]! : JSON.stringify(w)), p);
    },
    environment: (v, p) => {
      const env: Record<string, string> = {};
      for (const [k, x] of Object.entries(isObj(v) ? v : {})) {
        if (x === null || x === undefined) {
          const from = ctx.lookup(k);
          if (from === undefined) r.dropped([...p, k], `${k} has no value and is not set in the environment`);
          else env[k] = from;
        } else env[k] = str(x);
      }
      c.put('Environment', env, p);
    },
    env_file: (v, p) => convertEnvFiles(name, v, p, c, ctx),
    labels: (v, p) => c.put('Label', kvMap(v), p),
    annotations: (v, p) => c.put('Annotation', kvMap(v), p),
    user: (v, p) => {
      const [u, g] = str(v).split(':');
      c.put('User', lit(u!), p);
      if (g) c.put('Group', lit(g), p);
    },
    working_dir: (v, p) => c.put('WorkingDir', lit(str(v)), p),
    read_only: (v, p) => c.put('ReadOnly', v === true, p),
    init: (v, p) => c.put('RunInit', v === true, p),
    cap_add: (v, p) => c.put('AddCapability', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    cap_drop: (v, p) => c.put('DropCapability', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    devices: (v, p) =>
      c.put(
        'AddDevice',
        (Array.isArray(v) ? v : []).map((d) =>
          lit(isObj(d) ? [d.source, d.target, d.permissions].filter((x) => x !== undefined).join(':') : str(d)),
        ),
        p,
      ),
    tmpfs: (v, p) => c.put('Tmpfs', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    sysctls: (v, p) =>
      c.put(
        'Sysctl',
        Object.entries(kvMap(v)).map(([k, x]) => lit(`${k}=${x}`)),
        p,
      ),
    ulimits: (v, p) =>
      c.put(
        'Ulimit',
        Object.entries(isObj(v) ? v : {}).map(([k, x]) =>
          lit(isObj(x) ? `${k}=${str(x.soft)}:${str(x.hard)}` : `${k}=${str(x)}`),
        ),
        p,
      ),
    dns: (v, p) => c.put('DNS', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    dns_search: (v, p) => c.put('DNSSearch', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    dns_opt: (v, p) => c.put('DNSOption', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    extra_hosts: (v, p) =>
      c.put(
        'AddHost',
        Object.entries(kvMap(v)).map(([h, ip]) => lit(`${h}:${ip}`)),
        p,
      ),
    expose: (v, p) => c.put('ExposeHostPort', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    group_add: (v, p) => c.put('GroupAdd', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    userns_mode: (v, p) => c.put('UserNS', lit(str(v)), p),
    shm_size: (v, p) => c.put('ShmSize', bytes(v), p),
    mem_limit: (v, p) => c.put('Memory', bytes(v), p),
    pids_limit: (v, p) => c.put('PidsLimit', str(v), p),
    stop_signal: (v, p) => c.put('StopSignal', lit(str(v)), p),
    stop_grace_period: (v, p) => {
      const sec = seconds(v);
      if (sec === undefined) r.needs(p, `${str(v)}: not a duration`);
      else c.put('StopTimeout', sec, p);
    },
    pull_policy: (v, p) => {
      const policy = str(v) === 'if_not_present' ? 'missing' : str(v);
      if (['always', 'missing', 'never', 'newer'].includes(policy)) c.put('Pull', policy, p);
      else if (policy === 'build') r.dropped(p, 'the image comes from its .build unit');
      else r.needs(p, `${policy}: no such pull policy in Podman (a timer running podman pull could do it)`);
    },
    logging: (v, p) =>
      subkeys(v, p, ctx, {
        driver: (x, q) => c.put('LogDriver', lit(str(x)), q),
        options: (x, q) =>
          c.put(
            'LogOpt',
            Object.entries(kvMap(x)).map(([k, o]) => lit(`${k}=${o}`)),
            q,
          ),
      }),
    restart: (v, p) => {
      const [policy, max] = str(v).split(':');
      if (policy === 'no') r.mapped(p, 'systemd restarts nothing by default');
      else if (policy === 'always') {
        svcSection.Restart = 'always';
        r.mapped(p, '[Service] Restart=always');
      } else if (policy === 'unless-stopped') {
        svcSection.Restart = 'always';
        r.mapped(p, '[Service] Restart=always (systemctl stop stops it for good either way)');
      } else if (policy === 'on-failure') {
        svcSection.Restart = 'on-failure';
        if (max) c.unit.StartLimitBurst = max;
        r.mapped(p, `[Service] Restart=on-failure${max ? `, [Unit] StartLimitBurst=${max}` : ''}`);
      } else r.needs(p, `${str(v)}: not a restart policy`);
    },
    healthcheck: (v, p) => convertHealthcheck(v, p, c, ctx),
    ports: (v, p) => convertPorts(v, p, c, ctx),
    volumes: (v, p) => convertServiceVolumes(v, p, c, ctx),
    secrets: (v, p) => convertServiceSecrets(v, p, c, ctx),
    configs: (v, p) => convertServiceConfigs(v, p, c, ctx),
    depends_on: (v, p) => convertDependsOn(v, p, c, ctx),
    deploy: (v, p) => convertDeploy(v, p, c, ctx),
    networks: () => undefined, // above
    network_mode: () => undefined, // above
    profiles: (v, p) => r.mapped(p, `enabled by profile ${(v as unknown[]).join(', ')}`),
    extends: (_, p) => r.mapped(p, 'merged into this service'),
    scale: (v, p) =>
      Number(v) <= 1 ? r.mapped(p, 'one container') : r.needs(p, 'a compartment runs one container per service'),
    volumes_from: (_, p) => r.needs(p, 'declare the shared volumes on both services instead'),
    domainname: (_, p) => r.needs(p, 'Podman has no domain name option; set it in the image or the hostname'),
    gpus: (_, p) => r.needs(p, 'GPUs need CDI devices (AddDevice=nvidia.com/gpu=all) set up on the host'),
    post_start: (_, p) => r.needs(p, 'lifecycle hooks: use [Service] ExecStartPost= with podman exec'),
    pre_stop: (_, p) => r.needs(p, 'lifecycle hooks: use [Service] ExecStop= with podman exec'),
    label_file: (_, p) => r.needs(p, 'write the labels in labels:'),
    blkio_config: (_, p) => r.needs(p, 'block I/O limits need cgroup v2 io delegation: PodmanArgs --blkio-weight …'),
  };
  for (const [flag, [podman, kind]] of Object.entries(PODMAN_FLAGS)) {
    handlers[flag] = (v, p) => {
      if (kind === 'bool') {
        if (v === true) c.args([podman], p, '');
        else r.mapped(p, 'the default');
      } else if (kind === 'list') {
        c.args(
          (Array.isArray(v) ? v : [v]).map((x) => `${podman}=${lit(str(x))}`),
          p,
          '',
        );
      } else c.args([`${podman}=${lit(str(v))}`], p, '');
    };
  }
  for (const [k, why] of Object.entries(DROPPED)) handlers[k] = (_, p) => r.dropped(p, why);

  subkeys(s, base, ctx, handlers, 'no equivalent quadletman knows');
  if (s.image === undefined && s.build === undefined) {
    throw new ComposeError(`${dotted(base)}: a service needs an image or a build`);
  }
  ctx.spec.units[unitName] = c.toSpec('container');
}

function convertBuild(name: string, v: unknown, path: Path, s: Obj, c: UnitBuilder, ctx: Ctx): void {
  const b = isObj(v) ? v : { context: v };
  const r = ctx.report;
  if (compareVersions(ctx.version, '5.2') < 0) {
    r.needs(path, `Podman ${ctx.version} has no .build units (5.2 has): build the image and set image:`);
    return;
  }
  const ctxDir = str(b.context);
  if (/^[a-z]+:\/\/|^git@/.test(ctxDir)) {
    r.needs(path, `${ctxDir}: a remote build context; clone it to a folder the compartment user can read`);
    return;
  }
  const unit = `${name}.build`;
  const bu = new UnitBuilder('Build', ctx.version, r);
  const tag = typeof s.image === 'string' ? s.image : `localhost/${ctx.project}-${name}:latest`;
  bu.put('ImageTag', [lit(tag)], path, `ImageTag=${tag}`);
  subkeys(b, path, ctx, {
    context: (x, p) =>
      bu.put(
        'SetWorkingDirectory',
        lit(str(x)),
        p,
        `SetWorkingDirectory=${str(x)} (the compartment user must read it)`,
      ),
    dockerfile: (x, p) => bu.put('File', lit(str(x)), p),
    dockerfile_inline: (_, p) => r.needs(p, 'write the Dockerfile into the build context'),
    args: (x, p) => bu.put('BuildArg', kvMap(x), p),
    target: (x, p) => bu.put('Target', lit(str(x)), p),
    labels: (x, p) => bu.put('Label', kvMap(x), p),
    network: (x, p) => bu.put('Network', [lit(str(x))], p),
    pull: (x, p) => (x === true ? bu.put('Pull', 'always', p) : r.mapped(p, 'the default')),
    no_cache: (x, p) => (x === true ? bu.args(['--no-cache'], p, '') : r.mapped(p, 'the default')),
    platforms: (_, p) => r.needs(p, 'one platform per build: set Arch= on the .build unit'),
    cache_from: (_, p) => r.dropped(p, 'BuildKit caches do not apply to podman build'),
    cache_to: (_, p) => r.dropped(p, 'BuildKit caches do not apply to podman build'),
    secrets: (_, p) => r.needs(p, 'build secrets: add Secret= to the .build unit with a Podman secret'),
    ssh: (_, p) => r.needs(p, 'SSH agent forwarding during a build has no Quadlet key'),
    additional_contexts: (_, p) => r.needs(p, 'extra build contexts: PodmanArgs --build-context'),
    extra_hosts: (x, p) =>
      bu.args(
        Object.entries(kvMap(x)).map(([h, ip]) => `--add-host=${lit(`${h}:${ip}`)}`),
        p,
        '',
      ),
    shm_size: (x, p) => bu.args([`--shm-size=${bytes(x)}`], p, ''),
    tags: (x, p) => bu.put('ImageTag', (Array.isArray(x) ? x : []).map(str).map(lit), p),
    isolation: (_, p) => r.dropped(p, 'Windows only'),
    privileged: (_, p) => r.needs(p, 'a privileged build has no Quadlet key'),
    ulimits: (_, p) => r.needs(p, 'build ulimits: PodmanArgs --ulimit'),
    entitlements: (_, p) => r.dropped(p, 'BuildKit only'),
    provenance: (_, p) => r.dropped(p, 'BuildKit only'),
    sbom: (_, p) => r.dropped(p, 'BuildKit only'),
  });
  ctx.spec.units[unit] = bu.toSpec('build');
  // the container runs what the build made (its image: names the tag)
  c.main.push(['Image', unit, path]);
}

function convertEnvFiles(name: string, v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  const list = Array.isArray(v) ? v : [v];
  const files: string[] = [];
  list.forEach((e, i) => {
    const p = Array.isArray(v) ? [...path, String(i)] : path;
    const file = isObj(e) ? str(e.path) : str(e);
    const required = !(isObj(e) && e.required === false);
    const text = ctx.readFile(file);
    if (text === undefined) {
      if (required) throw new ComposeError(`${dotted(p)}: ${file}: no such env file`);
      ctx.report.dropped(p, `${file} does not exist (required: false)`);
      return;
    }
    let vars: Record<string, string>;
    try {
      vars = parseEnvFile(text, ctx.lookup);
    } catch (err) {
      throw new ComposeError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const multi = Object.entries(vars).filter(([, x]) => /[\r\n]/.test(x));
    for (const [k] of multi) ctx.report.needs([...p, k], `${k} spans lines, which Podman env files cannot hold`);
    const content = Object.entries(vars)
      .filter(([, x]) => !/[\r\n]/.test(x))
      .map(([k, x]) => `${k}=${x}\n`)
      .join('');
    const managed = `compose/${name}${list.length > 1 ? `-${i + 1}` : ''}.env`;
    ctx.spec.files[managed] = { content, mode: '0600' };
    files.push(managed);
    ctx.report.mapped(p, `the managed file ${managed} (EnvironmentFile=): the variables of ${file}`);
  });
  if (files.length > 0) c.main.push(['EnvironmentFile', files, path]);
}

function convertHealthcheck(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  const h = isObj(v) ? v : {};
  if (h.disable === true) {
    c.put('HealthCmd', 'none', [...path, 'disable']);
  }
  subkeys(h, path, ctx, {
    disable: (x, p) => (x === true ? undefined : ctx.report.mapped(p, 'the default')),
    test: (x, p) => {
      if (h.disable === true) {
        ctx.report.dropped(p, 'the health check is disabled');
        return;
      }
      const cmd = healthCmd(x);
      if (cmd === undefined) ctx.report.needs(p, 'a test is CMD, CMD-SHELL, NONE or a command string');
      else c.put('HealthCmd', cmd, p);
    },
    interval: (x, p) => c.put('HealthInterval', str(x), p),
    timeout: (x, p) => c.put('HealthTimeout', str(x), p),
    retries: (x, p) => c.put('HealthRetries', str(x), p),
    start_period: (x, p) => c.put('HealthStartPeriod', str(x), p),
    start_interval: (_, p) =>
      ctx.report.dropped(p, 'Podman checks at the same interval during the start period (HealthInterval=)'),
  });
}

/** HealthCmd= from a compose test: `["CMD", …]` as a JSON list (exec form), a shell command as it is. */
export function healthCmd(test: unknown): string | undefined {
  if (typeof test === 'string') return test === '' ? undefined : lit(test);
  if (!Array.isArray(test) || test.length === 0) return undefined;
  const [kind, ...rest] = test.map(str);
  if (kind === 'NONE') return 'none';
  if (kind === 'CMD-SHELL' && rest.length > 0) return lit(rest.join(' '));
  if (kind === 'CMD' && rest.length > 0) return lit(JSON.stringify(rest));
  return undefined;
}

function hasHealthcheck(s: Obj | undefined): boolean {
  const h = s?.healthcheck;
  if (!isObj(h) || h.disable === true) return false;
  return h.test !== undefined && healthCmd(h.test) !== 'none';
}

function convertDependsOn(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  for (const [dep, d] of Object.entries(isObj(v) ? v : {})) {
    const p = [...path, dep];
    const spec = isObj(d) ? d : {};
    if (!Object.hasOwn(ctx.services, dep)) {
      ctx.report.dropped(p, `${dep} is not enabled (required: false)`);
      continue;
    }
    const svc = `${dep}.service`;
    const kind = spec.restart === true ? 'BindsTo' : spec.required === false ? 'Wants' : 'Requires';
    c.addUnit(kind, svc);
    c.addUnit('After', svc);
    const condition = str(spec.condition) || 'service_started';
    subkeys(spec, p, ctx, {
      condition: (_, q) => {
        if (condition === 'service_started') ctx.report.mapped(q, `[Unit] ${kind}=${svc} After=${svc}`);
        else if (condition === 'service_healthy') {
          if (!hasHealthcheck(ctx.services[dep])) {
            ctx.report.needs(q, `${dep} has no health check to wait for: give it a healthcheck`);
            return;
          }
          const notify = findKey('Container', 'Notify');
          const since = notify?.valuesSince?.healthy;
          if (since !== undefined && compareVersions(since, ctx.version) > 0) {
            ctx.report.needs(q, `Podman ${ctx.version} cannot wait for health (Notify=healthy is ${since})`);
            return;
          }
          ctx.healthy.add(dep);
          ctx.report.mapped(q, `${dep}.container Notify=healthy; [Unit] ${kind}=${svc} After=${svc}`);
        } else if (condition === 'service_completed_successfully') {
          ctx.oneshot.add(dep);
          ctx.report.mapped(
            q,
            `${dep} runs once (Type=oneshot, RemainAfterExit=yes); [Unit] ${kind}=${svc} After=${svc}`,
          );
        } else ctx.report.needs(q, `${condition}: not a depends_on condition`);
      },
      required: (_, q) => ctx.report.mapped(q, `[Unit] ${kind}=`),
      restart: (_, q) => ctx.report.mapped(q, `[Unit] ${kind}=`),
    });
    if (spec.condition === undefined) ctx.report.mapped(p, `[Unit] ${kind}=${svc} After=${svc}`);
  }
}

function convertPorts(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  (Array.isArray(v) ? v : []).forEach((port, i) => {
    const p = [...path, String(i)];
    let value: string;
    if (isObj(port)) {
      const target = str(port.target);
      const published = str(port.published);
      const ip = str(port.host_ip);
      const proto = str(port.protocol);
      value = `${ip ? `${ip.includes(':') ? `[${ip}]` : ip}:` : ''}${published || ip ? `${published}:` : ''}${target}${proto && proto !== 'tcp' ? `/${proto}` : ''}`;
      subkeys(port, p, ctx, {
        target: () => undefined,
        published: () => undefined,
        host_ip: () => undefined,
        protocol: () => undefined,
        mode: (x, q) =>
          x === 'ingress'
            ? ctx.report.dropped(q, 'Swarm only; published on this host')
            : ctx.report.mapped(q, 'published on this host'),
        name: (_, q) => ctx.report.dropped(q, 'a name for humans only'),
        app_protocol: (_, q) => ctx.report.dropped(q, 'a hint for humans only'),
      });
    } else value = str(port);
    const hostPort = /(?:^|:)(\d+)(?:-\d+)?:\d+(?:-\d+)?(?:\/\w+)?$/.exec(value)?.[1];
    const low = hostPort !== undefined && Number(hostPort) < 1024;
    c.put(
      'PublishPort',
      [lit(value)],
      p,
      `PublishPort=${value}${low ? ' (a rootless user needs net.ipv4.ip_unprivileged_port_start for ports below 1024)' : ''}`,
    );
  });
}

const SHORT_OPTIONS = new Set([
  'ro',
  'rw',
  'z',
  'Z',
  'nocopy',
  'shared',
  'slave',
  'private',
  'rshared',
  'rslave',
  'rprivate',
]);

function volumeSource(src: string, p: Path, ctx: Ctx): string {
  if (src.startsWith('/')) return lit(src);
  const ref = ctx.volumeRefs.get(src);
  if (ref === undefined) throw new ComposeError(`${dotted(p)}: no volume ${JSON.stringify(src)} is declared`);
  return lit(ref);
}

function convertServiceVolumes(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  (Array.isArray(v) ? v : []).forEach((vol, i) => {
    const p = [...path, String(i)];
    if (typeof vol === 'string') {
      const parts = vol.split(':');
      if (parts.length === 1) {
        c.put('Volume', [lit(vol)], p, 'an anonymous volume');
        return;
      }
      const [src, target, opts = ''] = parts;
      const kept = opts.split(',').filter((o) => SHORT_OPTIONS.has(o));
      const gone = opts.split(',').filter((o) => o !== '' && !SHORT_OPTIONS.has(o));
      const value = `${volumeSource(src!, p, ctx)}:${lit(target!)}${kept.length > 0 ? `:${kept.join(',')}` : ''}`;
      const bind = src!.startsWith('/');
      c.put(
        'Volume',
        [value],
        p,
        `Volume=${value}${bind ? ' (Podman does not create a missing host folder)' : ''}${gone.length > 0 ? `; dropped ${gone.join(',')} (Docker Desktop only)` : ''}`,
      );
      return;
    }
    if (!isObj(vol)) return;
    const type = str(vol.type) || 'volume';
    const target = str(vol.target);
    const opts: string[] = [];
    if (vol.read_only === true) opts.push('ro');
    const known: Record<string, (x: unknown, q: Path) => void> = {
      type: () => undefined,
      source: () => undefined,
      target: () => undefined,
      read_only: () => undefined,
      consistency: (_, q) => ctx.report.dropped(q, 'Docker Desktop only'),
      bind: (x, q) =>
        subkeys(x, q, ctx, {
          propagation: (y, r) => {
            opts.push(str(y));
            ctx.report.mapped(r, '');
          },
          selinux: (y, r) => {
            opts.push(str(y));
            ctx.report.mapped(r, '');
          },
          create_host_path: (y, r) =>
            y === false
              ? ctx.report.mapped(r, 'Podman does not create it')
              : ctx.report.needs(r, 'Podman does not create a missing host folder: create it first'),
          recursive: (_, r) => ctx.report.needs(r, 'no Quadlet key for recursive read-only binds'),
        }),
      volume: (x, q) =>
        subkeys(x, q, ctx, {
          nocopy: (y, r) => {
            if (y === true) opts.push('nocopy');
            ctx.report.mapped(r, '');
          },
          subpath: (_, r) => ctx.report.needs(r, 'a volume subpath needs Mount=type=volume,…,subpath='),
        }),
      tmpfs: (x, q) =>
        subkeys(x, q, ctx, {
          size: (y, r) => {
            opts.push(`size=${bytes(y)}`);
            ctx.report.mapped(r, '');
          },
          mode: (y, r) => {
            opts.push(`mode=${typeof y === 'number' ? y.toString(8) : str(y)}`);
            ctx.report.mapped(r, '');
          },
        }),
    };
    if (type === 'tmpfs') {
      subkeys(vol, p, ctx, known);
      c.put('Tmpfs', [lit(`${target}${opts.length > 0 ? `:${opts.join(',')}` : ''}`)], p);
      return;
    }
    if (type !== 'volume' && type !== 'bind') {
      ctx.report.needs(p, `${type}: not a mount type Podman has`);
      return;
    }
    subkeys(vol, p, ctx, known);
    const source = str(vol.source);
    const value =
      source === ''
        ? lit(target)
        : `${volumeSource(source, p, ctx)}:${lit(target)}${opts.length > 0 ? `:${opts.join(',')}` : ''}`;
    c.put('Volume', [value], p, `Volume=${value}`);
  });
}

/** A service's secrets or configs, each in the long form, with the top-level declaration it names. */
function eachGranted(
  v: unknown,
  path: Path,
  kind: 'secrets' | 'configs',
  ctx: Ctx,
  fn: (long: Obj, source: string, def: unknown, p: Path) => void,
): void {
  const declared = isObj(ctx.model[kind]) ? (ctx.model[kind] as Obj) : {};
  (Array.isArray(v) ? v : []).forEach((item, i) => {
    const p = [...path, String(i)];
    const long: Obj = isObj(item) ? item : { source: item };
    const source = str(long.source);
    if (!Object.hasOwn(declared, source)) {
      throw new ComposeError(`${dotted(p)}: no ${kind.slice(0, -1)} ${JSON.stringify(source)} is declared`);
    }
    fn(long, source, declared[source], p);
  });
}

function convertServiceSecrets(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  eachGranted(v, path, 'secrets', ctx, (long, source, def, p) => {
    const real = (isObj(def) && str(def.name)) || source;
    const target = str(long.target) || source;
    const parts = [real, 'type=mount', `target=${target.startsWith('/') ? target : `/run/secrets/${target}`}`];
    for (const k of ['uid', 'gid'] as const) if (long[k] !== undefined) parts.push(`${k}=${str(long[k])}`);
    if (long.mode !== undefined) {
      parts.push(`mode=${typeof long.mode === 'number' ? `0${long.mode.toString(8)}` : str(long.mode)}`);
    }
    c.put('Secret', [lit(parts.join(','))], p, `Secret=${parts.join(',')}`);
  });
}

function convertServiceConfigs(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  eachGranted(v, path, 'configs', ctx, (long, source, _, p) => {
    if (!Object.hasOwn(ctx.spec.files, configFile(source))) {
      ctx.report.needs(p, `the config ${source} has no content to mount`);
      return;
    }
    const target = str(long.target) || `/${source}`;
    const value = `${FILES_DIR_SPECIFIER}/${configFile(source)}:${lit(target)}:ro,z`;
    subkeys(long, p, ctx, {
      source: () => undefined,
      target: () => undefined,
      uid: (_, q) => ctx.report.dropped(q, 'a bind-mounted file keeps its owner (the compartment user, root inside)'),
      gid: (_, q) => ctx.report.dropped(q, 'a bind-mounted file keeps its group'),
      mode: (_, q) => ctx.report.dropped(q, 'the managed file is 0644, mounted read-only'),
    });
    c.put('Volume', [value], p, `Volume=${value}`);
  });
}

function convertDeploy(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  const r = ctx.report;
  const swarm = (_: unknown, p: Path) => r.dropped(p, 'Swarm only');
  subkeys(v, path, ctx, {
    mode: (x, p) => (x === 'replicated' ? r.mapped(p, 'one container') : r.needs(p, `${str(x)}: Swarm only`)),
    replicas: (x, p) =>
      Number(x) <= 1 ? r.mapped(p, 'one container') : r.needs(p, 'a compartment runs one container per service'),
    endpoint_mode: swarm,
    labels: swarm,
    placement: swarm,
    update_config: swarm,
    rollback_config: swarm,
    restart_policy: (x, p) =>
      subkeys(x, p, ctx, {
        condition: (y, q) => {
          const policy = { none: 'no', 'on-failure': 'on-failure', any: 'always' }[str(y)];
          if (policy === undefined) r.needs(q, `${str(y)}: not a restart condition`);
          else {
            c.service.Restart = policy;
            r.mapped(q, `[Service] Restart=${policy}`);
          }
        },
        delay: (y, q) => {
          c.service.RestartSec = str(y);
          r.mapped(q, '[Service] RestartSec=');
        },
        max_attempts: (y, q) => {
          c.unit.StartLimitBurst = str(y);
          r.mapped(q, '[Unit] StartLimitBurst=');
        },
        window: (y, q) => {
          c.unit.StartLimitIntervalSec = str(y);
          r.mapped(q, '[Unit] StartLimitIntervalSec=');
        },
      }),
    resources: (x, p) =>
      subkeys(x, p, ctx, {
        limits: (y, q) =>
          subkeys(y, q, ctx, {
            memory: (z, s) => c.put('Memory', bytes(z), s),
            cpus: (z, s) => c.args([`--cpus=${str(z)}`], s, 'no Quadlet key for a CPU limit'),
            pids: (z, s) => c.put('PidsLimit', str(z), s),
          }),
        reservations: (y, q) =>
          subkeys(y, q, ctx, {
            memory: (z, s) => c.args([`--memory-reservation=${bytes(z)}`], s, ''),
            cpus: (_, s) => r.dropped(s, 'Podman reserves no CPU; use cpu_shares for a relative weight'),
            devices: (_, s) => r.needs(s, 'devices (GPUs) need CDI devices set up on the host: AddDevice='),
            generic_resources: swarm,
          }),
      }),
  });
}

/** Changes to dependencies (health-gated, one-shot), applied to their units after all were converted. */
function applyDependencyModes(ctx: Ctx): void {
  const units = ctx.spec.units;
  for (const dep of ctx.healthy) {
    const u = units[`${dep}.container`];
    if (isObj(u) && isObj(u.container)) u.container.Notify = 'healthy';
  }
  for (const dep of ctx.oneshot) {
    const u = units[`${dep}.container`];
    if (isObj(u)) {
      u.service = { ...(isObj(u.service) ? u.service : {}), Type: 'oneshot', RemainAfterExit: true };
      delete (u.service as Obj).Restart;
    }
  }
}

/** The report as text, one entry a line: `disposition  path  note`. */
export function reportText(report: readonly ReportEntry[]): string {
  return report.map((e) => `${e.disposition.padEnd(11)} ${e.path}${e.note ? `  ${e.note}` : ''}\n`).join('');
}
