// What the compose conversion's parts share: the conversion's state and small readers of compose values (the
// report and the unit builder are common to every converter: ../common.ts, ../unit-builder.ts).

import type { PodmanVersion } from '@quadletman/quadlet';
import { isObj, type Obj, type Path, type Report, str } from '../common.js';
import type { UnitBuilder } from '../unit-builder.js';
import type { ReadFile } from './load.js';

export interface Ctx {
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
  /** Run on a service's unit once its keys are converted (by service name). */
  hooks?: Map<string, (c: UnitBuilder) => void>;
  /** Keep every option of a short volume: Podman reads options compose does not have (`U`, `noexec`, …). */
  podmanVolumeOptions?: boolean;
  /** The full name the host would resolve a short image name to (its registries.conf), when it has one. */
  qualifyImage?: (shortName: string) => string | undefined;
}

export function subkeys(
  obj: unknown,
  path: Path,
  ctx: Ctx,
  handlers: Record<string, (v: unknown, path: Path) => void>,
  what = 'no equivalent',
): void {
  if (obj === null || obj === undefined) return;
  if (!isObj(obj)) {
    ctx.report.needs(path, 'must be a mapping');
    return;
  }
  for (const [k, v] of Object.entries(obj)) {
    const h = handlers[k];
    // a key with no value (`environment:`, `[]`, `{}`) says nothing (but `build: {}` builds the project folder,
    // and `entrypoint: []` clears the image's entrypoint)
    const says = k === 'build' || (k === 'entrypoint' && Array.isArray(v));
    if (!says && (v === null || (typeof v === 'object' && Object.keys(v).length === 0))) {
      ctx.report.dropped([...path, k], 'empty');
    } else if (h) h(v, [...path, k]);
    else if (k.startsWith('x-')) ctx.report.dropped([...path, k], 'an extension field');
    else ctx.report.needs([...path, k], what);
  }
}

export const kvMap = (v: unknown): Record<string, string> => {
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
export const assign =
  (target: Obj, field: string, note: string, ctx: Ctx, read: (x: unknown) => unknown = str) =>
  (x: unknown, p: Path): void => {
    target[field] = read(x);
    ctx.report.mapped(p, note);
  };
