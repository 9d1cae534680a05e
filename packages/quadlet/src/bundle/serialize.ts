/**
 * Writes `.quadlets` bundles: each unit's text, trimmed, separated by a `---` line. A unit without a
 * `# FileName=` comment gets one as its first line. Throws `BundleError` for a unit that could not be read
 * back as itself (no Quadlet section, a `---` line inside, a name that does not match its type or comment).
 */
import { UNIT_TYPES } from '../registry/types';
import { trimGoSpace } from '../unit-file/whitespace';
import { type BundleUnit, detectType, fileNameComments } from './parse';

export class BundleError extends Error {
  override readonly name = 'BundleError';
}

function part(unit: BundleUnit): string {
  const dot = unit.name.lastIndexOf('.');
  const base = unit.name.slice(0, dot);
  const type = unit.name.slice(dot + 1);
  if (dot <= 0 || !(UNIT_TYPES as readonly string[]).includes(type)) {
    throw new BundleError(`${unit.name}: not a Quadlet unit name`);
  }
  if (base !== trimGoSpace(base) || /[\n/\\]/.test(base))
    throw new BundleError(
      `${unit.name}: a bundle unit name cannot contain / or \\, a line break or surrounding spaces`,
    );
  if (unit.text.split('\n').some((l) => trimGoSpace(l) === '---')) {
    throw new BundleError(`${unit.name}: a line "---" would split the unit`);
  }
  const body = trimGoSpace(unit.text);
  const lines = body.split('\n');
  const named = fileNameComments(lines)[0]?.value;
  if (named !== undefined && named !== base) {
    throw new BundleError(`${unit.name}: its FileName comment says "${named}"`);
  }
  if (detectType(lines) !== type) throw new BundleError(`${unit.name}: its first Quadlet section is not [${type}]`);
  return named === undefined ? `# FileName=${base}\n${body}\n` : `${body}\n`;
}

/** The bundle text for `units`; `parseBundle` reads it back as the same units. */
export const serializeBundle = (units: readonly BundleUnit[]): string => units.map(part).join('---\n');
