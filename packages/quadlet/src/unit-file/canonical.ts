/**
 * The canonical form written by `quadletman fmt`: `[Section]` and `Key=Value` lines without surrounding
 * whitespace, continuations joined into one line (comments that sat inside them move just above the entry),
 * runs of blank lines collapsed to one, exactly one blank line before each section (and the comments directly
 * above it), no blank lines at the start or end, `\n` line ends and a final newline. It never changes what
 * Podman reads: lines it cannot normalize safely (invalid lines, a value only the end of the file can hold)
 * are kept with only their surrounding whitespace trimmed, and a continuation that runs into the end of the
 * file (which Podman ignores) is commented out.
 */
import { valueProblem } from './encode';
import { isCommentLine } from './parse';
import type { UnitFile } from './types';
import { trimGoSpace } from './whitespace';

const isCommentText = (line: string) => line.startsWith('#') || line.startsWith(';');

export function serializeCanonical(u: UnitFile): string {
  const out: string[] = [];
  let pendingBlank = false;
  const flushBlank = () => {
    if (pendingBlank && out.length > 0) out.push('');
    pendingBlank = false;
  };

  for (const n of u.nodes) {
    switch (n.kind) {
      case 'blank':
        pendingBlank = out.length > 0;
        break;
      case 'comment':
        flushBlank();
        out.push(trimGoSpace(n.raw[0] ?? ''));
        break;
      case 'section': {
        if (pendingBlank) flushBlank();
        else {
          let k = out.length;
          while (k > 0 && isCommentText(out[k - 1]!)) k--;
          if (k > 0 && out[k - 1] !== '') out.splice(k, 0, '');
        }
        out.push(`[${n.name}]`);
        break;
      }
      case 'entry': {
        flushBlank();
        // The parser's key is already trimmed and `=`-free, so only the value can need the raw lines. Kept
        // raw, the entry keeps its inner comments too; joined, they move just above it.
        if (valueProblem(n.value) !== undefined) {
          out.push(...n.raw.map(trimGoSpace));
          break;
        }
        const inner = n.raw.slice(1).map(trimGoSpace);
        out.push(...inner.filter((l) => l !== '' && isCommentLine(l)));
        out.push(`${n.key}=${n.value}`);
        break;
      }
      case 'invalid': {
        // A lone `\` continues nothing and has no effect: drop it.
        if (n.ignored && n.raw.every((l) => isCommentLine(trimGoSpace(l)) || trimGoSpace(l) === '\\')) break;
        flushBlank();
        // A continuation into the end of the file is ignored by Podman; it stays, commented out, so that
        // nothing written after it can revive it.
        const lines = n.raw.map(trimGoSpace);
        if (n.ignored) out.push(...lines.filter((l) => l !== '').map((l) => (isCommentText(l) ? l : `# ${l}`)));
        else out.push(...lines);
        break;
      }
    }
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
