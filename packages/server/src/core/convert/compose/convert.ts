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
import { NEWEST_PODMAN, parseVersion } from '@quadletman/quadlet';
import type { DesiredState } from '../../spec.js';
import { isObj, type Obj, projectName, Report, type ReportEntry } from '../common.js';
import {
  type ComposeFile,
  type LoadContext,
  type LoadedProject,
  loadProject,
  type ReadFile,
  type Variable,
} from './load.js';
import { ComposeError } from './merge.js';
import { convertModel } from './model.js';

export { type Disposition, projectName, type ReportEntry, reportText } from '../common.js';

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
  /** The full name the target host gives a short image name (its registries.conf), when it gives one. */
  qualifyImage?: (shortName: string) => string | undefined;
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

  const defaultNet = isObj(model.networks) && isObj(model.networks.default) ? model.networks.default : undefined;
  const { spec, state } = convertModel({
    model,
    project,
    version,
    report,
    readFile: opts.readFile,
    lookup,
    services,
    pinVersion: opts.podmanVersion !== undefined,
    defaultNetwork: defaultNet,
    qualifyImage: opts.qualifyImage,
  });
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
