// The lint gate of an apply: the rendered Quadlet files, linted as one unit set by @quadletman/quadlet's
// `lintSet` (the linter that mirrors Podman's generator), so the apply engine can refuse before it touches the
// disk. Timers and config files are not Quadlet units: they are passed along so references to them resolve.

import {
  type Diagnostic,
  type FileReport,
  hasErrors,
  lintSet,
  type PodmanVersion,
  parseVersion,
} from '@quadletman/quadlet';
import { areaOf, pathInArea, QUADLET_DIR } from './layout.js';

export interface RenderedLint {
  /** One report per rendered Quadlet-folder file, by home-relative path, in path order. */
  reports: FileReport[];
  /** No diagnostic of severity error. */
  ok: boolean;
  errors: number;
  warnings: number;
}

/** Lints the Quadlet folder of a rendered set (home-relative path → text). */
export function lintRendered(
  files: ReadonlyMap<string, string>,
  options: { podmanVersion?: string | null } = {},
): RenderedLint {
  const set = [...files]
    .filter(([p]) => areaOf(p) === 'quadlet')
    .map(([p, text]) => ({ path: pathInArea(p), text }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const version: PodmanVersion | undefined = options.podmanVersion ? parseVersion(options.podmanVersion) : undefined;
  const reports = lintSet(set, version ? { podmanVersion: version } : {}).map(
    (r): FileReport => ({ path: `${QUADLET_DIR}/${r.path}`, diagnostics: r.diagnostics }),
  );
  const all: Diagnostic[] = reports.flatMap((r) => r.diagnostics);
  return {
    reports,
    ok: !hasErrors(all),
    errors: all.filter((d) => d.severity === 'error').length,
    warnings: all.filter((d) => d.severity === 'warning').length,
  };
}
