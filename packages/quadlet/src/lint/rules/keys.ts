/**
 * Sections and keys: unknown or misplaced sections, keys Quadlet does not know (or not yet, at the target
 * version), deprecated keys, unknown systemd keys, and single-valued keys assigned more than once.
 */
import { findKey, findSection, findSystemdKey, keysAt, SECTIONS, SYSTEMD_SECTIONS } from '../../registry';
import type { EntryNode } from '../../unit-file/types';
import type { UnitContext } from '../context';
import { didYouMean, suggest } from '../suggest';

const SERVICE_SECTIONS = ['Unit', 'Service', 'Install'];

export function checkSectionsAndKeys(ctx: UnitContext): void {
  const quadletSection = findSection('Quadlet');
  const quadletKnown = quadletSection !== undefined && ctx.atLeast(quadletSection.since);
  for (const name of ctx.sections) {
    const entries = ctx.sectionEntries(name);
    if (name === ctx.main || (name === 'Quadlet' && quadletKnown)) {
      checkQuadletKeys(ctx, name, entries);
    } else if (SERVICE_SECTIONS.includes(name)) {
      checkSystemdKeys(ctx, name, entries);
    } else if (!name.startsWith('X-')) {
      reportUnknownSection(ctx, name);
    }
    checkRepeats(ctx, name);
  }
}

function checkQuadletKeys(ctx: UnitContext, section: string, entries: readonly EntryNode[]): void {
  const known = () => keysAt(section, ctx.version).map((k) => k.key);
  for (const e of entries) {
    const def = findKey(section, e.key);
    if (!def) {
      const elsewhere = SERVICE_SECTIONS.find((s) => findSystemdKey(s, e.key));
      const hint = elsewhere
        ? ` '${e.key}' is a systemd key: put it in [${elsewhere}].`
        : didYouMean(suggest(e.key, known()));
      ctx.report({
        code: 'unknown-key',
        node: e,
        message: `Quadlet does not know the key '${e.key}' in [${section}], so the generator rejects the file.${hint}`,
      });
    } else if (!ctx.atLeast(def.since)) {
      ctx.report({
        code: 'key-too-new',
        node: e,
        message: `'${e.key}' needs Podman ${def.since} or newer; the generator of Podman ${ctx.version} rejects the file.`,
      });
    } else if (def.deprecated) {
      ctx.report({ code: 'deprecated-key', node: e, message: `'${e.key}' is deprecated: ${def.deprecated}` });
    }
  }
}

function checkSystemdKeys(ctx: UnitContext, section: string, entries: readonly EntryNode[]): void {
  const def = SYSTEMD_SECTIONS.find((s) => s.name === section);
  if (!def) return;
  for (const e of entries) {
    if (findSystemdKey(section, e.key)) continue;
    const quadlet = findKey(ctx.main, e.key);
    const hint = quadlet
      ? ` '${e.key}' is a Quadlet key: put it in [${ctx.main}].`
      : didYouMean(
          suggest(
            e.key,
            def.keys.map((k) => k.key),
          ),
        );
    ctx.report({
      code: 'unknown-systemd-key',
      node: e,
      message: `systemd does not know '${e.key}' in [${section}] and ignores it.${hint}`,
    });
  }
}

function reportUnknownSection(ctx: UnitContext, name: string): void {
  const node = ctx.file.nodes.find((n) => n.kind === 'section' && n.name === name);
  const owner = SECTIONS.find((s) => s.name === name && s.name !== 'Quadlet');
  let message: string;
  if (owner) {
    message = `[${name}] belongs in ${owner.unitTypes.map((t) => `.${t}`).join('/')} files; in a .${ctx.type} file systemd ignores it.`;
  } else {
    const candidates = [ctx.main, ...SERVICE_SECTIONS, 'Quadlet'];
    message = `systemd does not know the section [${name}] and ignores it.${didYouMean(suggest(name, candidates))} Sections for your own notes start with X-.`;
  }
  ctx.report({
    code: 'unknown-section',
    message,
    ...(node?.kind === 'section' ? { node } : {}),
  });
}

/** A single-valued key assigned more than once: only the last assignment counts. */
function checkRepeats(ctx: UnitContext, section: string): void {
  const keys = ctx.keysOf(section);
  for (const key of ctx.repeatedKeys(section)) {
    const list = keys.get(key)!;
    const def = findKey(section, key) ?? findSystemdKey(section, key);
    if (!def || def.repeat) continue;
    const last = list[list.length - 1]!;
    for (const e of list.slice(0, -1)) {
      ctx.report({
        code: 'overridden-key',
        node: e,
        message: `'${key}' is set again on line ${last.line}${locationSuffix(e, last)}; only the last value counts, so this one is ignored.`,
      });
    }
  }
}

function locationSuffix(a: EntryNode, b: EntryNode): string {
  return b.source && b.source !== a.source ? ` of ${b.source}` : '';
}
