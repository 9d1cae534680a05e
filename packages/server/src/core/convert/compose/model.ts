// A compose model, already loaded (interpolated, merged, extended) → a validated compartment spec: the top-level
// resources, then every service, then the dependency modes. convert.ts calls it for compose files, and run/ for
// the compose model it makes of `podman run` commands.

import type { PodmanVersion } from '@quadletman/quadlet';
import { checkSpec, type DesiredState, specError } from '../../spec.js';
import type { Obj, Report } from '../common.js';
import type { UnitBuilder } from '../unit-builder.js';
import type { Ctx } from './context.js';
import type { ReadFile } from './load.js';
import { convertConfigs, convertNetworks, convertSecrets, convertVolumes, defaultNetworkSpec } from './resources.js';
import { applyDependencyModes, convertService } from './service.js';

export interface ModelOptions {
  model: Obj;
  project: string;
  version: PodmanVersion;
  report: Report;
  readFile: ReadFile;
  lookup: (name: string) => string | undefined;
  /** The services to convert (those enabled by profile). */
  services: Record<string, Obj>;
  /** Write podmanVersion into the spec. */
  pinVersion: boolean;
  /** The `default` network's settings, if the model has any. */
  defaultNetwork?: Obj;
  /** Run on a service's unit once its keys are converted (by service name): the run converter's own options. */
  hooks?: Map<string, (c: UnitBuilder) => void>;
  /** Keep every option of a short volume (`SRC:DST:U,noexec`): Podman reads them all (run/). */
  podmanVolumeOptions?: boolean;
  /** The full name a short image name gets on the target host (its registries.conf), when it has one. */
  qualifyImage?: (shortName: string) => string | undefined;
}

/** Converts the model's top-level resources and its services; throws the spec's issues if it is not valid. */
export function convertModel(o: ModelOptions): { spec: Obj; state: DesiredState } {
  const { model, project, version, report } = o;
  const ctx: Ctx = {
    project,
    version,
    report,
    readFile: o.readFile,
    lookup: o.lookup,
    model,
    services: o.services,
    spec: { units: {}, volumes: {}, files: {}, secrets: [] },
    volumeRefs: new Map(),
    networkRefs: new Map(),
    usesDefaultNetwork: false,
    healthy: new Set(),
    oneshot: new Set(),
    hooks: o.hooks,
    podmanVolumeOptions: o.podmanVolumeOptions,
    qualifyImage: o.qualifyImage,
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
  for (const [name, s] of Object.entries(o.services)) convertService(name, s, ctx);
  applyDependencyModes(ctx);

  const spec: Obj = { version: 1, compartment: project };
  if (o.pinVersion) spec.podmanVersion = version;
  spec.network = ctx.usesDefaultNetwork ? defaultNetworkSpec(o.defaultNetwork, ctx) : false;
  spec.units = ctx.spec.units;
  if (Object.keys(ctx.spec.volumes).length > 0) spec.volumes = ctx.spec.volumes;
  if (Object.keys(ctx.spec.files).length > 0) spec.files = ctx.spec.files;
  if (ctx.spec.secrets.length > 0) spec.secrets = [...new Set(ctx.spec.secrets)].sort();

  const { state, issues } = checkSpec(spec);
  if (!state) throw specError(issues);
  return { spec, state };
}
