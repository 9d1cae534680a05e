// `podman pull` output as typed events, and a tally of blobs for a progress message. Both forms of
// containers/image's copy output are read: without a terminal each blob and the config is one line with the full
// digest (`Copying blob sha256:<64 hex>`, no state); on a terminal the progress bars end as `Copying blob <12 hex>
// done` or `… skipped: already exists`, newer releases adding a ` | ` speed column, with cursor escapes around
// them. The image id is the last line (stdout). Pure.

export type PullEvent =
  | { kind: 'trying'; reference: string }
  | { kind: 'blob'; digest: string; state: 'copying' | 'done' | 'skipped' }
  | { kind: 'config'; digest: string; state: 'copying' | 'done' }
  | { kind: 'manifest' }
  | { kind: 'image'; id: string }
  | { kind: 'error'; message: string };

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what this removes
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const TRYING = /^Trying to pull (\S+?)\.\.\.$/;
const COPYING = /^Copying (blob|config) (sha256:)?([0-9a-f]+)(?:\s+(.*))?$/;
const IMAGE_ID = /^[0-9a-f]{64}$/;
const LOGRUS_ERROR = /\blevel=(?:error|fatal) msg="((?:[^"\\]|\\.)*)"/;

/** The last thing a terminal would show of `raw`: escapes removed, only what follows the last carriage return. */
function visible(raw: string): string {
  const text = raw.replace(ANSI, '');
  return text.slice(text.lastIndexOf('\r') + 1).trim();
}

/** One line of `podman pull` output as an event; undefined for lines that carry none (signatures, warnings…). */
export function parsePullLine(line: string): PullEvent | undefined {
  const text = visible(line);
  if (text === '') return undefined;
  const trying = TRYING.exec(text);
  if (trying) return { kind: 'trying', reference: trying[1]! };
  const copying = COPYING.exec(text);
  if (copying) {
    const [, kind, algorithm = '', hex, rest = ''] = copying;
    const digest = `${algorithm}${hex}`;
    const status = rest.replace(/\s*\|.*$/, '').trim();
    if (kind === 'config') return { kind: 'config', digest, state: status === 'done' ? 'done' : 'copying' };
    const state = status === 'done' ? 'done' : status.startsWith('skipped') ? 'skipped' : 'copying';
    return { kind: 'blob', digest, state };
  }
  if (text === 'Writing manifest to image destination') return { kind: 'manifest' };
  if (IMAGE_ID.test(text)) return { kind: 'image', id: text };
  if (text.startsWith('Error: ')) return { kind: 'error', message: text.slice('Error: '.length) };
  const logrus = LOGRUS_ERROR.exec(text);
  if (logrus) return { kind: 'error', message: logrus[1]!.replace(/\\(.)/g, '$1') };
  return undefined;
}

export interface PullTally {
  /** Distinct blobs named so far. */
  blobs: number;
  blobsDone: number;
  blobsSkipped: number;
  /** The manifest is written: the image is in the store. */
  written: boolean;
  imageId: string | undefined;
  errors: string[];
}

/**
 * Counts blobs by their first 12 hex digits (the short and the full form name the same blob; a blob may be
 * named more than once). A blob's last state counts.
 */
export class PullProgress {
  private readonly states = new Map<string, 'copying' | 'done' | 'skipped'>();
  private written = false;
  private imageId: string | undefined;
  private readonly errors: string[] = [];

  /** Feed a raw line; gives back its event, if any. */
  addLine(line: string): PullEvent | undefined {
    const event = parsePullLine(line);
    if (event) this.add(event);
    return event;
  }

  add(event: PullEvent): void {
    if (event.kind === 'blob') this.states.set(event.digest.replace(/^sha256:/, '').slice(0, 12), event.state);
    else if (event.kind === 'manifest') this.written = true;
    else if (event.kind === 'image') this.imageId = event.id;
    else if (event.kind === 'error') this.errors.push(event.message);
  }

  tally(): PullTally {
    let blobsDone = 0;
    let blobsSkipped = 0;
    for (const s of this.states.values()) {
      if (s === 'done') blobsDone++;
      else if (s === 'skipped') blobsSkipped++;
    }
    return {
      blobs: this.states.size,
      blobsDone,
      blobsSkipped,
      written: this.written,
      imageId: this.imageId,
      errors: [...this.errors],
    };
  }

  /** A short line for a progress display: "3 blobs: 1 copied, 2 already present". */
  message(): string {
    const t = this.tally();
    const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
    const parts: string[] = [];
    if (t.blobsDone > 0) parts.push(`${t.blobsDone} copied`);
    if (t.blobsSkipped > 0) parts.push(`${t.blobsSkipped} already present`);
    const blobs = t.blobs === 0 ? 'no blobs yet' : plural(t.blobs, 'blob');
    return `${blobs}${parts.length ? `: ${parts.join(', ')}` : ''}${t.written ? '; image written' : ''}`;
  }
}
