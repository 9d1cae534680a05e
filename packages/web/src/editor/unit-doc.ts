/**
 * The editors' document: the unit text is the one source of truth. The form reads fields from the parsed
 * UnitFile and writes them back with the library's minimal edits (`setValue`, `addValue`, `removeKey`) or, for
 * one item of a repeated key, by replacing that entry's lines through the library's single encoder
 * (`formatEntry`); the file is then serialized, so every line the edit did not touch stays byte-identical —
 * comments, blank lines, order, unknown keys and invalid lines included. The raw editor edits the text itself.
 * Switching views therefore never loses anything: both views show the same text.
 *
 * Pure (no DOM): the form components and the tests use it.
 */
import {
  addValue,
  type EntryNode,
  formatEntry,
  getEntries,
  getLast,
  parseUnitFile,
  removeKey,
  serializeUnitFile,
  setValue,
  type UnitFile,
  type UnitNode,
  UnitValueError,
  valueProblem,
} from '@quadletman/quadlet';

export interface UnitDoc {
  text: string;
  file: UnitFile;
}

export const docFromText = (text: string): UnitDoc => ({ text, file: parseUnitFile(text) });

const docFromFile = (file: UnitFile): UnitDoc => docFromText(serializeUnitFile(file));

/** The result of an edit: the new document, or why the value cannot be written (the text is unchanged). */
export type EditResult = { ok: true; doc: UnitDoc } | { ok: false; error: string };

function attempt(doc: UnitDoc, edit: (f: UnitFile) => UnitFile): EditResult {
  try {
    return { ok: true, doc: docFromFile(edit(doc.file)) };
  } catch (e) {
    if (e instanceof UnitValueError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Every assignment of `key` in `section`, in file order (empty assignments included: they reset lists). */
export const entriesOf = (file: UnitFile, section: string, key: string): EntryNode[] =>
  getEntries(file, section).filter((e) => e.key === key);

/** The value that counts for a single-valued key (the last assignment), or undefined when absent. */
export const singleValue = (file: UnitFile, section: string, key: string): string | undefined =>
  getLast(file, section, key)?.value;

/** Sets a single-valued key: rewrites its last assignment in place, or adds it at the end of its section. */
export const setSingle = (doc: UnitDoc, section: string, key: string, value: string): EditResult =>
  attempt(doc, (f) => setValue(f, section, key, value));

/** Removes every assignment of a key. */
export const removeAll = (doc: UnitDoc, section: string, key: string): EditResult =>
  attempt(doc, (f) => removeKey(f, section, key));

/** Adds one assignment of a repeated key after its last one (or at the end of the section). */
export const addItem = (doc: UnitDoc, section: string, key: string, value: string): EditResult =>
  attempt(doc, (f) => addValue(f, section, key, value));

/** Replaces the `index`-th assignment of a key (in file order) with one line holding `value`. */
export function setItem(doc: UnitDoc, section: string, key: string, index: number, value: string): EditResult {
  const target = entriesOf(doc.file, section, key)[index];
  if (target === undefined) return addItem(doc, section, key, value);
  const problem = valueProblem(value);
  if (problem) return { ok: false, error: problem.message };
  let line: string;
  try {
    line = formatEntry(key, value);
  } catch (e) {
    if (e instanceof UnitValueError) return { ok: false, error: e.message };
    throw e;
  }
  const nodes = doc.file.nodes.map((n): UnitNode => (n === target ? { ...target, value, raw: [line] } : n));
  return { ok: true, doc: docFromFile({ ...doc.file, nodes }) };
}

/** Removes the `index`-th assignment of a key (in file order); other lines stay as they are. */
export function removeItem(doc: UnitDoc, section: string, key: string, index: number): EditResult {
  const target = entriesOf(doc.file, section, key)[index];
  if (target === undefined) return { ok: true, doc };
  return { ok: true, doc: docFromFile({ ...doc.file, nodes: doc.file.nodes.filter((n) => n !== target) }) };
}

/** The 1-based physical lines that differ between two texts of the same length in lines (for tests and the UI). */
export function changedLines(before: string, after: string): number[] {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  const out: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push(i + 1);
  return out;
}
