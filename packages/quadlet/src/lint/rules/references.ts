/**
 * References between the units of a set, resolved the way Podman's generator resolves them: by file name,
 * among all units it loaded (whether or not they convert cleanly).
 */
import { findKey, findSection, unitTypeOfFile } from '../../registry';
import { MAIN_SECTION, type UnitType } from '../../registry/types';
import { splitWords } from '../../unit-file';
import type { EntryNode } from '../../unit-file/types';
import type { UnitContext } from '../context';
import { didYouMean, suggest } from '../suggest';

export const QUADLET_EXTENSIONS = ['.container', '.volume', '.kube', '.network', '.image', '.build', '.pod'];

/** Whether the target version resolves references from `section`.`key` to units of `type`; when it does not,
 * Podman passes the name on literally (and podman then looks for a network/image/volume of that name). */
export function resolvesRef(ctx: UnitContext, key: string, type: UnitType, section = ctx.main): boolean {
  const since = findKey(section, key)?.refsSince?.[type];
  return since === undefined || ctx.atLeast(since);
}

function reportUnresolved(ctx: UnitContext, e: EntryNode, name: string, type: UnitType): void {
  const since = findKey(ctx.main, e.key)?.refsSince?.[type];
  ctx.report({
    code: 'bad-value',
    node: e,
    message: `Podman ${ctx.version} does not resolve ${e.key}= references to .${type} units (that needs ${since}); it passes '${name}' on literally and podman fails when the unit starts.`,
  });
}

const dirOf = (p: string): string => p.slice(0, Math.max(p.lastIndexOf('/'), 0));

/** A unit file of the set that Podman cannot read is no unit for the generator: a reference to it fails.
 * (From 4.7 on a referrer in the same folder is dropped with the folder, and reported as such.) Returns
 * whether `name` is such a file. */
export function reportUnreadable(ctx: UnitContext, node: EntryNode, name: string): boolean {
  const path = ctx.set.unreadable.get(name);
  if (path === undefined) return false;
  if (dirOf(path) === dirOf(ctx.path) && ctx.atLeast('4.7')) return true;
  ctx.report({
    code: 'broken-reference',
    node,
    message: `${node.key}= names ${name}, which Podman cannot read: the generator does not load it, so it rejects this file too.`,
  });
  return true;
}

/** Reports `name` when it is not a unit of the set; returns whether it exists. */
export function requireUnit(ctx: UnitContext, node: EntryNode, name: string, what: string): boolean {
  if (ctx.set.units.has(name)) return true;
  if (reportUnreadable(ctx, node, name)) return false;
  const ext = name.slice(name.lastIndexOf('.'));
  const sameType = [...ctx.set.units.keys()].filter((u) => u.endsWith(ext));
  ctx.report({
    code: 'missing-reference',
    node,
    message: `${node.key}= names ${what} '${name}', but the set has no such unit, so the generator rejects the file.${didYouMean(suggest(name, sameType))}`,
  });
  return false;
}

/** The [Unit] keys whose Quadlet unit names the generator translates to service names (from 5.5 on). */
const UNIT_DEPENDENCY_KEYS = [
  'After',
  'Before',
  'BindsTo',
  'Conflicts',
  'OnFailure',
  'OnSuccess',
  'PartOf',
  'PropagatesReloadTo',
  'PropagatesStopTo',
  'ReloadPropagatedFrom',
  'Requires',
  'Requisite',
  'StopPropagatedFrom',
  'Upholds',
  'Wants',
];

/** [Unit] dependencies on Quadlet units (`Requires=db.container`): from 5.5 on the generator turns each into
 * the unit's service name and rejects the file when the set has no such unit. Names of unit types the
 * version does not know are passed on as they are. */
export function checkUnitDependencies(ctx: UnitContext): void {
  if (!ctx.atLeast('5.5')) return;
  for (const key of UNIT_DEPENDENCY_KEYS) {
    for (const e of ctx.all('Unit', key)) {
      for (const dep of splitWords(e.value, 'strv').words) {
        const type = dep.includes('/') ? undefined : unitTypeOfFile(dep);
        const section = type && findSection(MAIN_SECTION[type]);
        if (section && ctx.atLeast(section.since)) requireUnit(ctx, e, dep, 'the unit');
      }
    }
  }
}

/** Network=: `.network` and `.container` references must exist; a `.container` takes no options. */
export function checkNetworks(ctx: UnitContext): void {
  for (const e of ctx.mainAll('Network')) {
    if (!e.value) continue;
    const colon = e.value.indexOf(':');
    const name = colon >= 0 ? e.value.slice(0, colon) : e.value;
    const isNetwork = name.endsWith('.network');
    const isContainer = name.endsWith('.container');
    if (!isNetwork && !isContainer) continue;
    if (isContainer && !resolvesRef(ctx, 'Network', 'container')) {
      reportUnresolved(ctx, e, name, 'container');
      continue;
    }
    if (!requireUnit(ctx, e, name, isNetwork ? 'the network' : 'the container')) continue;
    if (isNetwork && ctx.set.rejected.has(name)) {
      ctx.report({
        code: 'broken-reference',
        node: e,
        message: `${name} is itself rejected by the generator, so Podman cannot name its network and rejects this file too.`,
      });
      continue;
    }
    if (colon >= 0 && isContainer) {
      ctx.report({
        code: 'invalid-value',
        node: e,
        message: `Joining the network of ${name} takes no options; the generator rejects '${e.value}'.`,
      });
    }
  }
}

/** Image=: `.image` and `.build` references must exist. */
export function checkImageRef(ctx: UnitContext, e: EntryNode, value: string): void {
  const type: UnitType | undefined = value.endsWith('.image')
    ? 'image'
    : value.endsWith('.build')
      ? 'build'
      : undefined;
  if (type && !resolvesRef(ctx, 'Image', type)) {
    reportUnresolved(ctx, e, value, type);
    return;
  }
  if (type) {
    if (requireUnit(ctx, e, value, 'the image unit') && value.endsWith('.image')) warnIfRejected(ctx, e, value);
  }
}

/** A `.volume` or `.image` unit the generator rejects leaves its referrers with an empty name: they are
 * generated, but podman fails when they start. */
function warnIfRejected(ctx: UnitContext, e: EntryNode, name: string): void {
  if (!ctx.set.rejected.has(name)) return;
  ctx.report({
    code: 'rejected-reference',
    node: e,
    message: `${name} is rejected by the generator, so ${e.key}= gets an empty name here and podman fails when the unit starts.`,
  });
}

/** Volume=: `SOURCE:DEST[:OPTIONS]`; a source ending in `.volume` must exist. */
export function checkVolumes(ctx: UnitContext): void {
  for (const e of ctx.mainAll('Volume')) {
    const parts = e.value.split(':');
    if (parts.length < 2) continue;
    const source = parts[0]!;
    if (source.endsWith('.volume') && !source.startsWith('.') && !source.startsWith('/')) {
      if (requireUnit(ctx, e, source, 'the volume')) warnIfRejected(ctx, e, source);
    }
  }
}

/** Splits a --mount value into its comma-separated fields, honouring double quotes as CSV does. */
export function splitMountFields(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '"') {
      if (quoted && v[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const SOURCE_MOUNTS = new Set(['volume', 'bind', 'glob', 'image']);

/** A Mount= without a source (or with an empty one): up to 5.6 the generator crashes on it, 5.7 and 5.8
 * reject the file, and from 6.0 on a volume mount without a source is an anonymous volume. */
function reportNoSource(ctx: UnitContext, e: EntryNode, mount: string, type: string, absent: boolean): void {
  const what = absent ? 'has no source=…' : 'has an empty source';
  if (!ctx.atLeast('5.7')) {
    ctx.report({
      code: 'generator-crash',
      node: e,
      message: `Mount=${mount} ${what}: Podman ${ctx.version}'s generator crashes on it, generating no unit at all.`,
    });
  } else if (type !== 'volume' || !ctx.atLeast('6.0')) {
    ctx.report({
      code: 'invalid-value',
      node: e,
      message: `Mount=${mount} ${what}: a ${type} mount needs one, and the generator rejects the file.`,
    });
  }
}

/** Mount=: a type is required; for volume/bind/glob/image mounts a source is needed and `.volume`/`.image`
 * sources must exist. */
export function checkMounts(ctx: UnitContext, words: (e: EntryNode) => string[]): void {
  for (const e of ctx.mainAll('Mount')) {
    for (const mount of words(e)) {
      const fields = splitMountFields(mount);
      const typeField = fields.find((f) => f.startsWith('type='));
      // From 5.6 on a Mount= without type= is a volume mount (FindMountType); before, the file is rejected.
      if (!typeField && !ctx.atLeast('5.6')) {
        ctx.report({
          code: 'invalid-value',
          node: e,
          message: `Mount=${mount} has no type=…; the generator rejects the file. Start it with type=bind, volume, tmpfs, image or glob.`,
        });
        continue;
      }
      const type = typeField ? typeField.slice('type='.length) : 'volume';
      if (!SOURCE_MOUNTS.has(type) && !(type === 'artifact' && ctx.atLeast('5.7'))) continue;
      const sources = fields.filter(
        (f) => f === 'source' || f === 'src' || f.startsWith('source=') || f.startsWith('src='),
      );
      const bare = sources.find((f) => !f.includes('='));
      if (bare !== undefined) {
        ctx.report({
          code: 'invalid-value',
          node: e,
          message: `Mount=${mount}: '${bare}' has no value; the generator rejects the file. Write source=PATH.`,
        });
        continue;
      }
      const last = sources[sources.length - 1];
      const source = last === undefined ? '' : last.slice(last.indexOf('=') + 1);
      if (source === '') {
        reportNoSource(ctx, e, mount, type, last === undefined);
        continue;
      }
      if (source.startsWith('.') || source.startsWith('/')) continue;
      if (source.endsWith('.image') && !resolvesRef(ctx, 'Mount', 'image')) {
        reportUnresolved(ctx, e, source, 'image');
        continue;
      }
      if (source.endsWith('.volume') || source.endsWith('.image')) {
        if (requireUnit(ctx, e, source, 'the unit')) warnIfRejected(ctx, e, source);
      }
    }
  }
}
