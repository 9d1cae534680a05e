/**
 * The unit files of a compartment as the editor sees them, and the spec that results from the editor's
 * drafts. The server keeps a compartment as a spec (packages/server/src/core/SPEC.md): a unit is typed fields
 * or raw `text`. The editor edits text: a text unit's own text, or for a typed unit the text its last applied
 * revision rendered; saving a draft makes the unit a text unit (`units[name] = { text }`), which the server
 * renders verbatim. Timers with a `job` stay typed (their job container is rendered from the spec).
 */
import { unitTypeOfFile } from '@quadletman/quadlet';

export type Spec = Record<string, unknown>;

export interface UnitSource {
  /** The unit's file name, as the spec's key (`web.container`). */
  path: string;
  /** Its text; null when the spec types it and no revision has rendered it yet. */
  text: string | null;
  /** The spec holds typed fields (not raw text). */
  typed: boolean;
  /** Text edits are not possible (a timer with a job). */
  locked: boolean;
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** A Quadlet unit file by plain name (`web.container`): what the generator's dry run, and so explain, takes. */
export const isQuadletFile = (name: string): boolean => !name.includes('/') && unitTypeOfFile(name) !== undefined;

/** A revision's Quadlet unit files (under the Quadlet folder), by file name. */
export function quadletFilesByName(rendered: Readonly<Record<string, { text: string }>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, f] of Object.entries(rendered)) {
    const name = baseName(path);
    if (path === `.config/containers/systemd/${name}` && isQuadletFile(name)) out[name] = f.text;
  }
  return out;
}

const unitsOf = (spec: Spec): Record<string, Record<string, unknown>> =>
  spec.units && typeof spec.units === 'object' ? (spec.units as Record<string, Record<string, unknown>>) : {};

/** Every unit of the spec, with its text from the spec or from the rendered files of a revision. */
export function unitSources(spec: Spec, rendered?: Readonly<Record<string, { text: string }>>): UnitSource[] {
  const byName = new Map<string, string>();
  for (const [path, f] of Object.entries(rendered ?? {})) byName.set(baseName(path), f.text);
  return Object.entries(unitsOf(spec))
    .map(([path, u]) => {
      const own = typeof u?.text === 'string' ? u.text : undefined;
      return {
        path,
        text: own ?? byName.get(path) ?? null,
        typed: own === undefined,
        locked: u !== null && typeof u === 'object' && 'job' in u,
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** The spec with the drafts in: a text replaces the unit (as raw text), null removes it. */
export function specWithDrafts(spec: Spec, drafts: Readonly<Record<string, string | null>>): Spec {
  const units = { ...unitsOf(spec) };
  for (const [path, text] of Object.entries(drafts)) {
    if (text === null) delete units[path];
    else units[path] = { text };
  }
  return { ...spec, units };
}
