/**
 * Minimal edits. Each returns a new UnitFile (nodes are shared, never mutated) in which only the lines of the
 * edited key change; every other line stays byte-identical. New lines are written through the single encoder
 * (`formatEntry`), so they read back as exactly the given value, and use the file's line terminator.
 *
 * Repeated keys: `setValue` rewrites only the last assignment — the one that wins for single-value keys.
 * For a list key this leaves earlier items in place; use `setValues` to replace the whole list.
 *
 * Edits throw {@link UnitValueError} for values the encoder refuses, and (code `open-continuation`) in the one
 * case where the file's last line ends in `\` with a value that cannot be rewritten on one line and the new
 * line would have to follow it.
 */
import { formatEntry, formatSectionHeader } from './encode';
import { UnitValueError } from './errors';
import type { EntryNode, SectionNode, UnitFile, UnitNode } from './types';
import { trimGoSpace } from './whitespace';

const entry = (section: string, key: string, value: string): EntryNode => ({
  kind: 'entry',
  section,
  key,
  value,
  line: 0,
  raw: [formatEntry(key, value)],
});

/** Gives every node of the file itself its line number again after lines were inserted or removed. */
function renumber(nodes: UnitNode[]): UnitNode[] {
  let line = 1;
  return nodes.map((n) => {
    if (n.source !== undefined) return n;
    const out = n.line === line ? n : { ...n, line };
    line += n.raw.length;
    return out;
  });
}

const withNodes = (u: UnitFile, nodes: UnitNode[]): UnitFile => ({ ...u, nodes: renumber(nodes) });

const isKey = (n: UnitNode, section: string, key: string): n is EntryNode =>
  n.kind === 'entry' && n.section === section && n.key === key;

function lastIndex(nodes: readonly UnitNode[], pred: (n: UnitNode) => boolean): number {
  for (let i = nodes.length - 1; i >= 0; i--) if (pred(nodes[i]!)) return i;
  return -1;
}

/** Sets a key: rewrites its last assignment, or adds it (creating the section at the end when missing). */
export function setValue(u: UnitFile, section: string, key: string, value: string): UnitFile {
  const i = lastIndex(u.nodes, (n) => isKey(n, section, key));
  if (i === -1) return addValue(u, section, key, value);
  const nodes = [...u.nodes];
  nodes[i] = { ...entry(section, key, value), line: u.nodes[i]!.line };
  return withNodes(u, nodes);
}

/** Replaces every assignment of a key with `values` (one line each), where the first assignment was. */
export function setValues(u: UnitFile, section: string, key: string, values: readonly string[]): UnitFile {
  const first = u.nodes.findIndex((n) => isKey(n, section, key));
  if (first === -1) return values.reduce((acc, v) => addValue(acc, section, key, v), u);
  const fresh = values.map((v) => entry(section, key, v));
  const nodes = u.nodes.flatMap((n, i): UnitNode[] => (i === first ? fresh : isKey(n, section, key) ? [] : [n]));
  return withNodes(u, nodes);
}

/**
 * Adds an assignment: after the last assignment of the key, else after the last entry of the section's last
 * occurrence, else in a new section at the end of the file.
 */
export function addValue(u: UnitFile, section: string, key: string, value: string): UnitFile {
  const fresh = entry(section, key, value);
  let at = lastIndex(u.nodes, (n) => isKey(n, section, key));
  if (at === -1) {
    const header = lastIndex(u.nodes, (n) => n.kind === 'section' && n.name === section);
    if (header === -1) return appendSection(u, section, [fresh]);
    at = header;
    for (let i = header + 1; i < u.nodes.length && u.nodes[i]!.kind !== 'section'; i++) {
      const n = u.nodes[i]!;
      if (n.kind === 'entry' || (n.kind === 'invalid' && !n.ignored)) at = i;
    }
  }
  const nodes = [...u.nodes];
  nodes.splice(at + 1, 0, fresh);
  try {
    return withNodes(u, closeOpenTail(nodes, at));
  } catch (e) {
    // The last line of the file ends in `\` and cannot be rewritten: a different key can go before it.
    const prev = u.nodes[at]!;
    if (!(e instanceof UnitValueError) || prev.kind !== 'entry' || prev.key === key) throw e;
    const before = [...u.nodes];
    before.splice(at, 0, fresh);
    return withNodes(u, before);
  }
}

/** Removes every assignment of a key in a section. */
export function removeKey(u: UnitFile, section: string, key: string): UnitFile {
  return withNodes(
    u,
    u.nodes.filter((n) => !isKey(n, section, key)),
  );
}

/** Renames every header of a section (and re-labels its entries); other lines are untouched. */
export function renameSection(u: UnitFile, from: string, to: string): UnitFile {
  const raw = [formatSectionHeader(to)];
  let current: string | undefined;
  const nodes = u.nodes.map((n): UnitNode => {
    if (n.kind === 'section') {
      current = n.name;
      return n.name === from ? ({ ...n, name: to, raw } satisfies SectionNode) : n;
    }
    if (n.kind === 'entry' && current === from && n.section === from) return { ...n, section: to };
    return n;
  });
  return withNodes(u, nodes);
}

/** Removes every occurrence of a section with everything up to the next section header. */
export function removeSection(u: UnitFile, name: string): UnitFile {
  let inside = false;
  const nodes = u.nodes.filter((n) => {
    if (n.kind === 'section') inside = n.name === name;
    return !inside;
  });
  return withNodes(u, nodes);
}

/** Appends `[section]` and entries at the end of the file, after one blank line. */
function appendSection(u: UnitFile, section: string, entries: EntryNode[]): UnitFile {
  const header: SectionNode = { kind: 'section', name: section, line: 0, raw: [formatSectionHeader(section)] };
  const added: UnitNode[] = [header, ...entries];
  const nodes = [...u.nodes];
  // A continuation Podman ignores because it runs into the end of the file must stay last.
  let at = nodes.length;
  while (at > 0 && nodes[at - 1]!.kind === 'invalid' && (nodes[at - 1] as { ignored?: boolean }).ignored) at--;
  const prev = nodes[at - 1];
  if (prev !== undefined && prev.kind !== 'blank') added.unshift({ kind: 'blank', line: 0, raw: [''] });
  nodes.splice(at, 0, ...added);
  return withNodes(u, closeOpenTail(nodes, at - 1));
}

/**
 * The last line of a file may end in `\` (Podman drops that backslash at the end of the file). When lines are
 * inserted after it, it would swallow them, so such a node is rewritten in its one-line form first.
 */
function closeOpenTail(nodes: UnitNode[], i: number): UnitNode[] {
  const n = nodes[i];
  if (n === undefined || n.kind === 'comment' || i + 1 >= nodes.length) return nodes;
  const last = n.raw[n.raw.length - 1] ?? '';
  if (!trimGoSpace(last).endsWith('\\')) return nodes;
  const out = [...nodes];
  const reencode = (key: string, value: string) => {
    try {
      return [formatEntry(key, value)];
    } catch {
      throw new UnitValueError('open-continuation', `line ${n.line} continues into the inserted text`);
    }
  };
  if (n.kind === 'entry') out[i] = { ...n, raw: reencode(n.key, n.value) };
  else if (n.kind === 'section') out[i] = { ...n, raw: [formatSectionHeader(n.name)] };
  else if (n.kind === 'blank') out[i] = { ...n, raw: [''] };
  else if (!(n.kind === 'invalid' && n.ignored)) {
    throw new UnitValueError('open-continuation', `line ${n.line} continues into the inserted text`);
  }
  return out;
}
