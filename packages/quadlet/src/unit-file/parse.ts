/**
 * The lossless unit-file parser. It reads lines exactly as Podman's Quadlet does (pkg/systemd/parser):
 * every physical line is trimmed; empty lines and lines starting with `#` or `;` are comments; a line ending in
 * `\` continues on the next line (the `\` is dropped and nothing is inserted), and comment lines inside a
 * continuation are skipped; the joined line is then a section header, a `Key=Value` entry or an error.
 * It never throws: what Podman would reject becomes an `invalid` node, and every physical line lands in
 * exactly one node.
 */
import { splitLines } from './lines';
import type { EntryNode, InvalidNode, SectionNode, TriviaNode, UnitFile, UnitNode } from './types';
import { isAsciiSpace, trimGoSpace } from './whitespace';

/** True for a trimmed line Podman treats as a comment (this includes the empty line). */
export const isCommentLine = (line: string): boolean => {
  const c = line.charCodeAt(0);
  return line === '' || c === 0x23 /* # */ || c === 0x3b /* ; */;
};

/** True for a trimmed line that looks like a section header: `[` … `]`, only blanks after the first `]`. */
function isSectionLine(line: string): boolean {
  if (line[0] !== '[') return false;
  const end = line.indexOf(']');
  if (end === -1) return false;
  for (let i = end + 1; i < line.length; i++) if (line[i] !== ' ' && line[i] !== '\t') return false;
  return true;
}

/** Podman's rule for section names: not empty, no brackets, no control characters. */
export function isValidSectionName(name: string): boolean {
  if (name === '') return false;
  // By UTF-16 code unit: every character refused is a single unit, and no surrogate is one of them.
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5b /* [ */ || c === 0x5d /* ] */ || c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  }
  return true;
}

interface Pending {
  start: number;
  raw: string[];
  text: string;
}

function classify(logical: string, raw: string[], line: number, section: string | undefined): UnitNode {
  if (isCommentLine(logical)) return { kind: logical === '' ? 'blank' : 'comment', line, raw } satisfies TriviaNode;
  if (isSectionLine(logical)) {
    const name = logical.slice(1, logical.indexOf(']'));
    if (!isValidSectionName(name)) return invalid(line, raw, `invalid section name "${name}"`);
    return { kind: 'section', name, line, raw } satisfies SectionNode;
  }
  const eq = logical.indexOf('=');
  if (eq <= 0) return invalid(line, raw, 'not a key-value pair, section header or comment');
  if (section === undefined) return invalid(line, raw, 'key-value pair before the first section header');
  let keyEnd = eq;
  while (keyEnd > 0 && isAsciiSpace(logical.charCodeAt(keyEnd - 1))) keyEnd--;
  let valueStart = eq + 1;
  while (valueStart < logical.length && isAsciiSpace(logical.charCodeAt(valueStart))) valueStart++;
  const key = logical.slice(0, keyEnd);
  return { kind: 'entry', section, key, value: logical.slice(valueStart), line, raw } satisfies EntryNode;
}

const invalid = (line: number, raw: string[], reason: string, ignored = false): InvalidNode =>
  ignored ? { kind: 'invalid', line, raw, reason, ignored } : { kind: 'invalid', line, raw, reason };

/** Parses unit-file text. Never throws; `serializeUnitFile(parseUnitFile(t)) === t` for every string `t`. */
export function parseUnitFile(text: string): UnitFile {
  const { lines, eol, finalNewline } = splitLines(text);
  const nodes: UnitNode[] = [];
  let section: string | undefined;
  let pending: Pending | undefined;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = trimGoSpace(raw);
    if (isCommentLine(trimmed)) {
      if (pending && pending.text !== '') {
        pending.raw.push(raw); // Podman skips comments inside a continuation
        continue;
      }
      if (pending) {
        nodes.push(invalid(pending.start, pending.raw, 'a lone "\\" continues nothing; Podman ignores it', true));
        pending = undefined;
      }
      nodes.push({ kind: trimmed === '' ? 'blank' : 'comment', line: i + 1, raw: [raw] });
      continue;
    }
    let piece = trimmed;
    if (piece.endsWith('\\')) {
      piece = piece.slice(0, -1);
      if (i !== lines.length - 1) {
        pending ??= { start: i + 1, raw: [], text: '' };
        pending.raw.push(raw);
        pending.text += piece;
        continue;
      }
    }
    const start = pending?.start ?? i + 1;
    const rawLines = pending ? [...pending.raw, raw] : [raw];
    const logical = (pending?.text ?? '') + piece;
    pending = undefined;
    const node = classify(logical, rawLines, start, section);
    nodes.push(node);
    if (node.kind === 'section') section = node.name;
  }
  if (pending) {
    const reason =
      pending.text === ''
        ? 'a lone "\\" continues nothing; Podman ignores it'
        : 'the line continues ("\\") into the end of the file; Podman silently drops it';
    nodes.push(invalid(pending.start, pending.raw, reason, true));
  }
  return { nodes, eol, finalNewline };
}
