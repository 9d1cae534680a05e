/**
 * The editors' document model over the library's fixture files and generated unit files: parsing keeps the
 * text byte for byte, and every form edit changes exactly the lines of the entry it edits — comments,
 * blank lines, unknown keys, invalid lines and order stay as they were.
 */
import { formatEntry, getEntries, MAIN_SECTION, mainSection, UNIT_TYPES } from '@quadletman/quadlet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../test-support/fixtures';
import { addItem, docFromText, entriesOf, removeAll, removeItem, setItem, setSingle } from './unit-doc';

const lines = (s: string) => s.split(/\r?\n/);

/** The text expected when the entry starting at `line` with `count` physical lines is replaced by `replacement`. */
function spliceLines(text: string, line: number, count: number, replacement: string[]): string[] {
  const l = lines(text);
  return [...l.slice(0, line - 1), ...replacement, ...l.slice(line - 1 + count)];
}

const safeValue = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:/._=,-]{0,24}$/);

describe('fixtures', () => {
  it('has fixture files to test with', () => {
    expect(FIXTURES.length).toBeGreaterThan(50);
  });

  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s: parse keeps every byte', (_name, f) => {
    expect(docFromText(f.text).text).toBe(f.text);
  });

  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s: editing any entry changes only its lines', (_name, f) => {
    const doc = docFromText(f.text);
    for (const e of getEntries(doc.file)) {
      const index = entriesOf(doc.file, e.section, e.key).indexOf(e);
      const value = `edited-${e.line}`;
      const r = setItem(doc, e.section, e.key, index, value);
      if (!r.ok) continue; // an open continuation at the end of the file: refused, text unchanged
      expect(lines(r.doc.text)).toEqual(spliceLines(f.text, e.line, e.raw.length, [formatEntry(e.key, value)]));
      // And back: the form reads the value it wrote.
      expect(entriesOf(r.doc.file, e.section, e.key)[index]?.value).toBe(value);
    }
  });

  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s: removing an entry removes only its lines', (_name, f) => {
    const doc = docFromText(f.text);
    for (const e of getEntries(doc.file)) {
      const index = entriesOf(doc.file, e.section, e.key).indexOf(e);
      const r = removeItem(doc, e.section, e.key, index);
      expect(r.ok).toBe(true);
      if (r.ok) expect(lines(r.doc.text)).toEqual(spliceLines(f.text, e.line, e.raw.length, []));
    }
  });

  it.each(FIXTURES.map((f) => [f.name, f] as const))(
    '%s: setting the last assignment (setValue) rewrites that line',
    (_name, f) => {
      const doc = docFromText(f.text);
      const seen = new Set<string>();
      for (const e of [...getEntries(doc.file)].reverse()) {
        const id = `${e.section}/${e.key}`;
        if (seen.has(id)) continue; // only the last assignment of each key
        seen.add(id);
        const r = setSingle(doc, e.section, e.key, 'x');
        if (!r.ok) continue;
        expect(lines(r.doc.text)).toEqual(spliceLines(f.text, e.line, e.raw.length, [formatEntry(e.key, 'x')]));
      }
    },
  );
});

/** A generated unit file: sections of a unit type with registry keys, comments and blank lines in between. */
const unitText = fc.constantFrom(...UNIT_TYPES).chain((type) => {
  const keys = mainSection(type).keys.map((k) => k.key);
  const line = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...keys), safeValue).map(([k, v]) => `${k}=${v}`) },
    { weight: 1, arbitrary: fc.constantFrom('# a comment', '; another', '', '#Image=commented-out') },
    { weight: 1, arbitrary: safeValue.map((v) => `X-Custom=${v}`) },
  );
  const section = (name: string) => fc.array(line, { maxLength: 8 }).map((ls) => [`[${name}]`, ...ls].join('\n'));
  return fc
    .tuple(section(MAIN_SECTION[type]), fc.option(section('Unit')), fc.option(section('Install')), fc.boolean())
    .map(([main, unit, install, finalNewline]) => ({
      type,
      text: [unit, main, install].filter((s): s is string => s !== null).join('\n\n') + (finalNewline ? '\n' : ''),
    }));
});

describe('generated unit files', () => {
  it('an edit of one entry changes exactly its line', () => {
    fc.assert(
      fc.property(unitText, safeValue, fc.nat(), ({ text }, value, pick) => {
        const doc = docFromText(text);
        expect(doc.text).toBe(text);
        const entries = getEntries(doc.file);
        if (entries.length === 0) return;
        const e = entries[pick % entries.length]!;
        const index = entriesOf(doc.file, e.section, e.key).indexOf(e);
        const r = setItem(doc, e.section, e.key, index, value);
        expect(r.ok).toBe(true);
        if (r.ok) expect(lines(r.doc.text)).toEqual(spliceLines(text, e.line, 1, [formatEntry(e.key, value)]));
      }),
      { numRuns: 300 },
    );
  });

  it('adding a value inserts one line and keeps every other line in order', () => {
    fc.assert(
      fc.property(unitText, safeValue, ({ type, text }, value) => {
        const doc = docFromText(text);
        const key = mainSection(type).keys[0]!.key;
        const r = addItem(doc, MAIN_SECTION[type], key, value);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const before = lines(text);
        const after = lines(r.doc.text);
        expect(after.length).toBe(before.length + (r.doc.text.split('[').length > text.split('[').length ? 3 : 1));
        // Every old line is still there, in the same order (a subsequence of the new text).
        let j = 0;
        for (const l of after) if (j < before.length && l === before[j]) j++;
        expect(j).toBe(before.length);
        expect(after.filter((l) => l === formatEntry(key, value)).length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('removing a key removes its lines only', () => {
    fc.assert(
      fc.property(unitText, ({ type, text }) => {
        const doc = docFromText(text);
        const entries = getEntries(doc.file, MAIN_SECTION[type]);
        const victim = entries[0];
        if (!victim) return;
        const r = removeAll(doc, victim.section, victim.key);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const gone = new Set(entriesOf(doc.file, victim.section, victim.key).map((e) => e.line));
        expect(lines(r.doc.text)).toEqual(lines(text).filter((_l, i) => !gone.has(i + 1)));
      }),
      { numRuns: 200 },
    );
  });

  it('a value the encoder refuses leaves the text as it was and says why', () => {
    const doc = docFromText('[Container]\nImage=a\n');
    const r = setSingle(doc, 'Container', 'Image', 'two\nlines');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/\S/);
    const item = setItem(doc, 'Container', 'Image', 0, 'two\nlines');
    expect(item.ok).toBe(false);
  });
});
