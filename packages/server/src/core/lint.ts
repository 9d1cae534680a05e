// The lint gate of an apply: the rendered Quadlet files, linted as one unit set by @quadletman/quadlet's
// `lintSet` (the linter that mirrors Podman's generator), so the apply engine can refuse before it touches the
// disk. systemd's own units (timers, sockets, services, targets in the user's unit folder) are linted in the same
// set, as systemd reads them; config files are passed along so references to them resolve.
// One check of quadletman's own joins it: every unit's service must have a name the host layer accepts
// (`quadletman-service-name`).

import {
  type Diagnostic,
  type FileReport,
  getLast,
  hasErrors,
  lintSet,
  MAIN_SECTION,
  type PodmanVersion,
  parseUnitFile,
  parseVersion,
  unitTypeOfFile,
} from '@quadletman/quadlet';
import { UnitNameSchema } from './ids.js';
import { areaOf, pathInArea, QUADLET_DIR } from './layout.js';
import { serviceOf } from './plan.js';

/**
 * The service of a unit must have a name quadletman's host layer accepts (ids.ts `UnitNameSchema`). The generator
 * accepts any `ServiceName=` and writes the service to `<its folder>/<name>.service`, so a name with `/` and `..`
 * puts a file outside the generator's folder (Go's path.Join), and any other name the host cannot take makes the
 * apply fail only at the restart, after the files were written and the generator had run.
 */
function serviceNameProblem(path: string, text: string): Diagnostic | undefined {
  const service = serviceOf(path, text);
  if (service === undefined || UnitNameSchema.safeParse(service).success) return undefined;
  const type = unitTypeOfFile(path);
  const entry = type ? getLast(parseUnitFile(text), MAIN_SECTION[type], 'ServiceName') : undefined;
  return {
    severity: 'error',
    code: 'quadletman-service-name',
    message:
      `the service would be ${JSON.stringify(service)}, which is not a unit name quadletman can start: ` +
      'use letters, digits and _ : . - @, without ".." (ServiceName= is the name without .service)',
    line: entry?.line ?? 0,
    ...(entry ? { key: 'ServiceName' } : {}),
  };
}

export interface RenderedLint {
  /** One report per rendered Quadlet-folder file and systemd unit, by home-relative path, in path order. */
  reports: FileReport[];
  /** No diagnostic of severity error. */
  ok: boolean;
  errors: number;
  warnings: number;
}

/** systemd's own units in the user's unit folder, linted beside the Quadlet units. */
const SYSTEMD_UNIT = /\.(timer|socket|service|target|path)$/;

/** Lints the Quadlet folder and systemd's own units of a rendered set (home-relative path → text). */
export function lintRendered(
  files: ReadonlyMap<string, string>,
  options: { podmanVersion?: string | null } = {},
): RenderedLint {
  // one set: a socket's or timer's service may be a Quadlet unit's generated one
  const homePath = new Map<string, string>();
  for (const [p] of files) {
    const area = areaOf(p);
    if (area === 'quadlet' || (area === 'systemd' && SYSTEMD_UNIT.test(p))) homePath.set(pathInArea(p), p);
  }
  const set = [...homePath]
    .map(([path, home]) => ({ path, text: files.get(home)! }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const version: PodmanVersion | undefined = options.podmanVersion ? parseVersion(options.podmanVersion) : undefined;
  const texts = new Map(set.map((f) => [f.path, f.text]));
  const reports = lintSet(set, version ? { podmanVersion: version } : {}).map((r): FileReport => {
    const own = serviceNameProblem(r.path, texts.get(r.path) ?? '');
    return {
      path: homePath.get(r.path) ?? `${QUADLET_DIR}/${r.path}`,
      diagnostics: own ? [...r.diagnostics, own] : r.diagnostics,
    };
  });
  const all: Diagnostic[] = reports.flatMap((r) => r.diagnostics);
  return {
    reports,
    ok: !hasErrors(all),
    errors: all.filter((d) => d.severity === 'error').length,
    warnings: all.filter((d) => d.severity === 'warning').length,
  };
}
