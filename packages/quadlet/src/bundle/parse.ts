/**
 * `.quadlets` bundles (Podman 5.8, `podman quadlet install`): several Quadlet units in one file. The rules,
 * as Podman applies them:
 * - a line that is `---` once trimmed separates parts; parts that are only whitespace are skipped;
 * - each part is installed trimmed of surrounding whitespace;
 * - its type is that of the first header line `[…]` naming a Quadlet type (case-insensitive: `[Container]`
 *   makes a `.container`);
 * - its name comes from the first comment line `# FileName=NAME` (only `#` comments; spaces around `NAME`
 *   ignored); `NAME` must not be empty or contain `/` or `\`; the file installed is `NAME.<type>`;
 * - any bad part makes Podman refuse the whole bundle, and installing two parts of the same name fails.
 */
import type { Diagnostic } from '../diagnostics';
import { UNIT_TYPES, type UnitType } from '../registry/types';
import { trimGoSpace } from '../unit-file/whitespace';

export interface BundleUnit {
  /** The file Podman installs: `NAME.<type>`, e.g. `web.container`. */
  name: string;
  /** The part's text as Podman installs it (trimmed), with a final line break. */
  text: string;
}

export interface ParsedBundleUnit extends BundleUnit {
  type: UnitType;
  /** 1-based line of the bundle where `text` starts (add `line - 1` to a line of `text`). */
  line: number;
}

export interface ParsedBundle {
  units: ParsedBundleUnit[];
  diagnostics: Diagnostic[];
}

interface Part {
  lines: string[];
  start: number;
}

const diag = (code: string, message: string, line: number, severity: Diagnostic['severity'] = 'error'): Diagnostic => ({
  severity,
  code,
  message,
  line,
});

/** The Quadlet type a part declares with its first header naming one, if any. */
export function detectType(lines: readonly string[]): UnitType | undefined {
  for (const raw of lines) {
    const line = trimGoSpace(raw);
    if (!line.startsWith('[') || !line.endsWith(']')) continue;
    const name = line.replace(/^\[+/, '').replace(/\]+$/, '').toLowerCase();
    if ((UNIT_TYPES as readonly string[]).includes(name)) return name as UnitType;
  }
  return undefined;
}

/** Every `# FileName=` comment of a part: its value and index. */
export function fileNameComments(lines: readonly string[]): { value: string; index: number }[] {
  const out: { value: string; index: number }[] = [];
  lines.forEach((raw, index) => {
    const line = trimGoSpace(raw);
    if (!line.startsWith('#')) return;
    const body = trimGoSpace(line.slice(1));
    if (body.startsWith('FileName=')) out.push({ value: trimGoSpace(body.slice('FileName='.length)), index });
  });
  return out;
}

function splitParts(text: string): Part[] {
  const parts: Part[] = [];
  let current: Part = { lines: [], start: 1 };
  text.split('\n').forEach((line, i) => {
    if (trimGoSpace(line) === '---') {
      if (current.lines.length > 0) parts.push(current);
      current = { lines: [], start: i + 2 };
    } else current.lines.push(line);
  });
  if (current.lines.length > 0) parts.push(current);
  return parts;
}

/** Splits a bundle into units and reports everything that would make `podman quadlet install` refuse it. */
export function parseBundle(text: string): ParsedBundle {
  const units: ParsedBundleUnit[] = [];
  const diagnostics: Diagnostic[] = [];
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const seen = new Map<string, number>();

  const parts = splitParts(text);
  const anyContent = parts.some((p) => p.lines.some((l) => trimGoSpace(l) !== ''));
  parts.forEach((part, i) => {
    const body = trimGoSpace(part.lines.join('\n'));
    const first = part.lines.findIndex((l) => trimGoSpace(l) !== '');
    const line = part.start + Math.max(first, 0);
    const n = i + 1;
    if (body === '') {
      if (anyContent)
        diagnostics.push(diag('bundle-empty-part', `Part ${n} is empty; Podman skips it.`, line, 'warning'));
      return;
    }
    const type = detectType(part.lines);
    if (type === undefined) {
      diagnostics.push(
        diag('bundle-unknown-type', `Part ${n} has no Quadlet section ([Container], [Volume], …).`, line),
      );
    }
    const names = fileNameComments(part.lines);
    const fileName = names[0];
    if (fileName === undefined) {
      diagnostics.push(diag('bundle-missing-filename', `Part ${n} has no "# FileName=NAME" comment.`, line));
    } else if (fileName.value === '') {
      diagnostics.push(
        diag('bundle-invalid-filename', `Part ${n}: "# FileName=" names no file.`, part.start + fileName.index),
      );
    } else if (/[/\\]/.test(fileName.value)) {
      diagnostics.push(
        diag(
          'bundle-invalid-filename',
          `Part ${n}: FileName "${fileName.value}" must not contain / or \\.`,
          part.start + fileName.index,
        ),
      );
    }
    for (const extra of names.slice(1)) {
      diagnostics.push(
        diag(
          'bundle-extra-filename',
          `Part ${n}: only the first FileName comment counts; this one is ignored.`,
          part.start + extra.index,
          'warning',
        ),
      );
    }
    if (type === undefined || fileName === undefined || fileName.value === '' || /[/\\]/.test(fileName.value)) return;
    const name = `${fileName.value}.${type}`;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      diagnostics.push(
        diag(
          'bundle-duplicate-filename',
          `Part ${n} is named ${name} like part ${earlier}; installing it fails.`,
          part.start + fileName.index,
        ),
      );
      return;
    }
    seen.set(name, n);
    const unitText = body.replace(/\r?\n/g, eol).replace(/\r+$/, '') + eol;
    units.push({ name, type, text: unitText, line });
  });

  if (units.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(diag('bundle-empty', 'The bundle holds no Quadlet unit.', 0));
  }
  return { units, diagnostics };
}
