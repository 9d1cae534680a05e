// Loading a compose project into one model: each file is parsed and interpolated on its own, the files are merged
// in order, `extends` is resolved, relative paths are made absolute (against the file's project folder, `~`
// against the given home), then `include`d projects are loaded the same way and their resources added.
// Files are read through the `readFile` the caller gives: nothing here touches the host.

import { dirname, isAbsolute, join, normalize } from 'node:path/posix';
import { isObj, type Obj } from '../common.js';
import { EnvFileError, parseEnvFile } from './dotenv.js';
import { InterpolationError, interpolate, type Lookup } from './interpolate.js';
import { ComposeError, loadYaml, mergeCompose, normalizeService } from './merge.js';

export interface ComposeFile {
  /** Absolute path (used for messages and to resolve relative paths). */
  path: string;
  text: string;
}

/** Reads another file (absolute path); undefined when it does not exist. */
export type ReadFile = (path: string) => string | undefined;

/** Where a variable's value came from. */
export type VariableSource = 'option' | 'environment' | 'env-file' | 'unset';

export interface Variable {
  name: string;
  value: string | undefined;
  from: VariableSource;
}

export interface LoadContext {
  readFile: ReadFile;
  /** `--env` values (first), then the given environment. */
  overrides: Record<string, string>;
  environment: Record<string, string | undefined>;
  home: string | undefined;
  /** Every variable looked up, by name. */
  variables: Map<string, Variable>;
  /** Variables that were unset where no default was given (each became ""). */
  missing: Set<string>;
}

/** A lookup over --env values, the environment, then an env file's values; records what it answered. */
function lookupFor(ctx: LoadContext, envFile: Record<string, string>): Lookup {
  return (name) => {
    const pick = (): Variable => {
      if (Object.hasOwn(ctx.overrides, name)) return { name, value: ctx.overrides[name], from: 'option' };
      const e = Object.hasOwn(ctx.environment, name) ? ctx.environment[name] : undefined;
      if (e !== undefined) return { name, value: e, from: 'environment' };
      if (Object.hasOwn(envFile, name)) return { name, value: envFile[name], from: 'env-file' };
      return { name, value: undefined, from: 'unset' };
    };
    const v = pick();
    const before = ctx.variables.get(name);
    if (!before || before.from === 'unset') ctx.variables.set(name, v);
    return v.value;
  };
}

/**
 * The fields the Compose specification types as booleans: a string there (`read_only: "${RO:-true}"`, or quoted in
 * the file) is read as Compose's loader reads it, with Go's ParseBool spellings; any other string is refused.
 */
const BOOLEAN_PATHS = [
  'services.*.read_only',
  'services.*.init',
  'services.*.privileged',
  'services.*.tty',
  'services.*.stdin_open',
  'services.*.oom_kill_disable',
  'services.*.healthcheck.disable',
  'services.*.volumes.*.read_only',
  'services.*.volumes.*.volume.nocopy',
  'services.*.build.pull',
  'services.*.build.no_cache',
  'services.*.depends_on.*.restart',
  'services.*.depends_on.*.required',
  'networks.*.internal',
  'networks.*.enable_ipv6',
  'networks.*.attachable',
  'networks.*.external',
  'volumes.*.external',
  'secrets.*.external',
  'configs.*.external',
].map((p) => p.split('.'));

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function castBoolean(value: string, path: readonly string[], source: string): string | boolean {
  const typed = BOOLEAN_PATHS.some((b) => b.length === path.length && b.every((k, i) => k === '*' || k === path[i]));
  if (!typed) return value;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ComposeError(`${source}: ${path.join('.')}: ${JSON.stringify(value)} is not a boolean (true or false)`);
}

/** Interpolates every string value (not keys) of a parsed file. */
function interpolateTree(v: unknown, lookup: Lookup, source: string, path: string[], missing: Set<string>): unknown {
  if (typeof v === 'string') {
    try {
      const r = interpolate(v, lookup);
      for (const n of r.unset) missing.add(n);
      return castBoolean(r.value, path, source);
    } catch (e) {
      if (e instanceof InterpolationError) throw new ComposeError(`${source}: ${path.join('.')}: ${e.message}`);
      throw e;
    }
  }
  if (Array.isArray(v)) return v.map((x, i) => interpolateTree(x, lookup, source, [...path, String(i)], missing));
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = interpolateTree(x, lookup, source, [...path, k], missing);
    return out;
  }
  return v;
}

function readEnvFiles(paths: readonly string[], ctx: LoadContext, required: boolean): Record<string, string> {
  let vars: Record<string, string> = {};
  for (const p of paths) {
    const text = ctx.readFile(p);
    if (text === undefined) {
      if (required) throw new ComposeError(`${p}: no such env file`);
      continue;
    }
    try {
      vars = { ...vars, ...parseEnvFile(text, (n) => ctx.overrides[n] ?? ctx.environment[n] ?? vars[n]) };
    } catch (e) {
      if (e instanceof EnvFileError || e instanceof InterpolationError) throw new ComposeError(`${p}: ${e.message}`);
      throw e;
    }
  }
  return vars;
}

export interface LoadedProject {
  model: Obj;
  projectDir: string;
  /** How the project looks variables up: --env values, the environment, then its env files. */
  lookup: Lookup;
}

/**
 * Loads `files` (merged in order) as one project whose relative paths are relative to `projectDir`.
 * `envFiles`: the project's env files (default `<projectDir>/.env`, read when it exists).
 */
export function loadProject(
  files: readonly ComposeFile[],
  projectDir: string,
  ctx: LoadContext,
  envFiles?: readonly string[],
  depth = 0,
): LoadedProject {
  if (depth > 16) throw new ComposeError(`${files[0]?.path}: include goes deeper than 16 levels (a cycle?)`);
  const dotEnv = readEnvFiles(envFiles ?? [join(projectDir, '.env')], ctx, envFiles !== undefined);
  const lookup = lookupFor(ctx, dotEnv);
  let model: Obj = {};
  for (const f of files) {
    const parsed = interpolateTree(loadYaml(f.text, f.path), lookup, f.path, [], ctx.missing) as Obj;
    if (parsed.services !== undefined && !isObj(parsed.services)) {
      throw new ComposeError(`${f.path}: services: must be a mapping of service names`);
    }
    if (isObj(parsed.services)) {
      for (const [name, s] of Object.entries(parsed.services)) {
        if (s === null) parsed.services[name] = {};
        else if (!isObj(s)) throw new ComposeError(`${f.path}: services.${name}: must be a mapping`);
        else if (!Object.keys(s).some((k) => k.startsWith('\u0000'))) parsed.services[name] = normalizeService(s);
      }
    }
    model = (mergeCompose(model, parsed) as Obj | undefined) ?? {};
  }
  const where = files.map((f) => f.path).join(', ');
  resolveExtends(model, projectDir, ctx, where, lookup);
  absolutize(model, projectDir, ctx.home);
  const include = model.include;
  if (include !== undefined) {
    if (!Array.isArray(include)) throw new ComposeError(`${where}: include: must be a list`);
    include.forEach((entry, i) => {
      const sub = loadInclude(entry, projectDir, ctx, `${where}: include.${i}`, depth);
      addResources(model, sub.model, `${where}: include.${i}`);
    });
  }
  return { model, projectDir, lookup };
}

function loadInclude(entry: unknown, projectDir: string, ctx: LoadContext, where: string, depth: number) {
  const long = isObj(entry) ? entry : { path: entry };
  const paths = (Array.isArray(long.path) ? long.path : [long.path]).map((p) => {
    if (typeof p !== 'string' || p === '') throw new ComposeError(`${where}.path: must be a file path`);
    return absPath(p, projectDir);
  });
  const files = paths.map((p) => {
    const text = ctx.readFile(p);
    if (text === undefined) throw new ComposeError(`${where}: ${p}: no such compose file`);
    return { path: p, text };
  });
  const dir =
    typeof long.project_directory === 'string' ? absPath(long.project_directory, projectDir) : dirname(paths[0]!);
  const envFile = long.env_file;
  const envFiles =
    envFile === undefined
      ? undefined
      : (Array.isArray(envFile) ? envFile : [envFile]).map((p) => absPath(String(p), projectDir));
  return loadProject(files, dir, ctx, envFiles, depth + 1);
}

const RESOURCES = ['services', 'networks', 'volumes', 'secrets', 'configs'];

/** Copies an included project's resources; a name both declare differently is an error (they are not merged). */
function addResources(model: Obj, sub: Obj, where: string): void {
  for (const kind of RESOURCES) {
    const theirs = sub[kind];
    if (!isObj(theirs)) continue;
    const ours = isObj(model[kind]) ? (model[kind] as Obj) : {};
    for (const [name, v] of Object.entries(theirs)) {
      const same = JSON.stringify(ours[name]) === JSON.stringify(v);
      if (Object.hasOwn(ours, name) && !same && !(kind === 'networks' && name === 'default')) {
        throw new ComposeError(`${where}: ${kind}.${name} is declared both here and in the included project`);
      }
      ours[name] = v;
    }
    model[kind] = ours;
  }
}

function absPath(p: string, base: string): string {
  return normalize(isAbsolute(p) ? p : join(base, p));
}

/** A bind source made absolute: `~` against the home, a relative path against the project folder. */
function bindSource(src: string, projectDir: string, home: string | undefined): string {
  if (src === '~' || src.startsWith('~/')) {
    if (home === undefined) throw new ComposeError(`${src}: a path under ~ needs the home folder (--home)`);
    return normalize(join(home, src.slice(1)));
  }
  return absPath(src, projectDir);
}

const isBindSource = (s: string) => s.startsWith('.') || s.startsWith('/') || s.startsWith('~');

/** Makes the paths of every service and of file-based secrets and configs absolute. */
function absolutize(model: Obj, projectDir: string, home: string | undefined): void {
  for (const s of Object.values(isObj(model.services) ? model.services : {})) {
    if (!isObj(s)) continue;
    if (Array.isArray(s.volumes)) {
      s.volumes = s.volumes.map((v) => {
        if (typeof v === 'string') {
          const parts = v.split(':');
          if (parts.length >= 2 && isBindSource(parts[0]!)) {
            parts[0] = bindSource(parts[0]!, projectDir, home);
          }
          return parts.join(':');
        }
        if (isObj(v) && v.type === 'bind' && typeof v.source === 'string') {
          return { ...v, source: bindSource(v.source, projectDir, home) };
        }
        return v;
      });
    }
    if (s.env_file !== undefined) {
      const list = Array.isArray(s.env_file) ? s.env_file : [s.env_file];
      s.env_file = list.map((e) =>
        isObj(e) && typeof e.path === 'string'
          ? { ...e, path: absPath(e.path, projectDir) }
          : typeof e === 'string'
            ? absPath(e, projectDir)
            : e,
      );
    }
    if (typeof s.build === 'string') s.build = { context: s.build };
    if (isObj(s.build)) {
      const ctx = typeof s.build.context === 'string' ? s.build.context : '.';
      if (!/^[a-z]+:\/\/|^git@/.test(ctx)) s.build = { ...s.build, context: absPath(ctx, projectDir) };
    }
  }
  for (const kind of ['secrets', 'configs']) {
    for (const d of Object.values(isObj(model[kind]) ? (model[kind] as Obj) : {})) {
      if (isObj(d) && typeof d.file === 'string') d.file = absPath(d.file, projectDir);
    }
  }
}

/** Resolves `extends` (same file, or another file relative to the project folder); cycles are errors. */
function resolveExtends(model: Obj, projectDir: string, ctx: LoadContext, where: string, lookup: Lookup): void {
  const services = isObj(model.services) ? model.services : {};
  const cache = new Map<string, Obj>();
  const fileServices = (file: string): Obj => {
    const hit = cache.get(file);
    if (hit) return hit;
    const text = ctx.readFile(file);
    if (text === undefined) throw new ComposeError(`${where}: extends: ${file}: no such compose file`);
    const parsed = interpolateTree(loadYaml(text, file), lookup, file, [], ctx.missing) as Obj;
    const svcs = isObj(parsed.services) ? parsed.services : {};
    for (const [n, s] of Object.entries(svcs)) svcs[n] = isObj(s) ? normalizeService(s) : {};
    cache.set(file, svcs);
    return svcs;
  };
  const resolve = (pool: Obj, name: string, file: string, stack: string[]): Obj => {
    const key = `${file}#${name}`;
    if (stack.includes(key)) {
      throw new ComposeError(`${where}: services.${name}.extends: a cycle: ${[...stack, key].join(' → ')}`);
    }
    const s = pool[name];
    if (!isObj(s)) throw new ComposeError(`${where}: extends: no service ${JSON.stringify(name)} in ${file}`);
    const ext = s.extends;
    if (ext === undefined) return s;
    const spec = typeof ext === 'string' ? { service: ext } : ext;
    if (!isObj(spec) || typeof spec.service !== 'string') {
      throw new ComposeError(`${where}: services.${name}.extends: must name a service`);
    }
    const otherFile = typeof spec.file === 'string' ? absPath(spec.file, projectDir) : file;
    const otherPool = typeof spec.file === 'string' ? fileServices(otherFile) : pool;
    const base = resolve(otherPool, spec.service, otherFile, [...stack, key]);
    const { extends: _, ...own } = s;
    return mergeCompose(base, own, ['services', name]) as Obj;
  };
  const resolved: [string, Obj][] = [];
  for (const [name, s] of Object.entries(services)) {
    // (`extends` stays, so that the report accounts for it)
    if (isObj(s) && s.extends !== undefined) {
      resolved.push([name, { ...resolve(services, name, '(this project)', []), extends: s.extends }]);
    }
  }
  for (const [name, s] of resolved) services[name] = s;
}
