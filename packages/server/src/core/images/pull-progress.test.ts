import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PullEvent, PullProgress, parsePullLine } from './pull-progress.js';

const hex = (c: string) => c.repeat(64);
const ID = hex('9');

// Without a terminal (what the server sees): full digests, no state; containers/image may name a blob twice.
const PLAIN = [
  'Trying to pull registry.example.org/team/web:1.2...',
  'Getting image source signatures',
  `Copying blob sha256:${hex('a')}`,
  `Copying blob sha256:${hex('a')}`,
  `Copying blob sha256:${hex('b')}`,
  `Copying config sha256:${hex('c')}`,
  'Writing manifest to image destination',
  ID,
];

// On a terminal, newer releases (mpb v8): the finished bars, with the ` | ` speed column left empty.
const TTY = [
  'Trying to pull registry.sandbox.test:5000/db:16...',
  'Getting image source signatures',
  'Copying blob eecc815b2162 done   |',
  'Copying blob a6517f7fcac2 skipped: already exists  |',
  'Copying blob 2caf8f78bb77 done   |',
  'Copying config 19c6e0712c done   |',
  'Writing manifest to image destination',
  ID,
];

describe('parsePullLine', () => {
  it.each<[string, PullEvent | undefined]>([
    ['Trying to pull localhost/busybox:latest...', { kind: 'trying', reference: 'localhost/busybox:latest' }],
    [`Copying blob sha256:${hex('a')}`, { kind: 'blob', digest: `sha256:${hex('a')}`, state: 'copying' }],
    ['Copying blob eecc815b2162 done   |', { kind: 'blob', digest: 'eecc815b2162', state: 'done' }],
    ['Copying blob eecc815b2162 done', { kind: 'blob', digest: 'eecc815b2162', state: 'done' }],
    ['Copying blob 770c4d307a2e skipped: already exists  ', { kind: 'blob', digest: '770c4d307a2e', state: 'skipped' }],
    [
      'Copying blob a6517f7fcac2 skipped: already exists  |',
      { kind: 'blob', digest: 'a6517f7fcac2', state: 'skipped' },
    ],
    [
      'Copying blob 09bec785a242 [=====>--------------------------------] 1.2MiB / 3.4MiB | 1.1 MiB/s',
      { kind: 'blob', digest: '09bec785a242', state: 'copying' },
    ],
    [`Copying config sha256:${hex('c')}`, { kind: 'config', digest: `sha256:${hex('c')}`, state: 'copying' }],
    ['Copying config 19c6e0712c done   |', { kind: 'config', digest: '19c6e0712c', state: 'done' }],
    ['Writing manifest to image destination', { kind: 'manifest' }],
    [ID, { kind: 'image', id: ID }],
    [
      'Error: initializing source docker://registry.example.org/nope:1: reading manifest 1 in registry.example.org/nope: manifest unknown',
      {
        kind: 'error',
        message:
          'initializing source docker://registry.example.org/nope:1: reading manifest 1 in registry.example.org/nope: manifest unknown',
      },
    ],
    [
      'time="2026-12-03T17:00:00Z" level=error msg="pulling \\"x\\": unauthorized"',
      { kind: 'error', message: 'pulling "x": unauthorized' },
    ],
    ['Getting image source signatures', undefined],
    ['Storing signatures', undefined],
    ['WARN[0001] Failed, retrying in 1s ... (1/3). Error: initializing source', undefined],
    ['time="2026-12-03T17:00:00Z" level=warning msg="Failed, retrying"', undefined],
    ['', undefined],
    ['Copying blob not-hex done', undefined],
  ])('%j', (line, want) => expect(parsePullLine(line)).toEqual(want));

  it('reads the last state a terminal redraw shows, escapes removed', () => {
    const redraw =
      '\x1b[1A\x1b[JCopying blob eecc815b2162 [====>---] 1.0MiB / 3.0MiB\rCopying blob eecc815b2162 done   | \x1b[0m';
    expect(parsePullLine(redraw)).toEqual({ kind: 'blob', digest: 'eecc815b2162', state: 'done' });
  });
});

describe('any line', () => {
  it('gives an event or undefined, never an exception, and blob digests are hex', () => {
    const piece = fc.constantFrom(
      'Copying ',
      'blob ',
      'config ',
      'sha256:',
      'eecc815b2162',
      ' done',
      ' |',
      '\r',
      '\x1b[1A',
      'Error: ',
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (parts) => {
        const e = parsePullLine(parts.join(''));
        if (e?.kind === 'blob') expect(e.digest).toMatch(/^(sha256:)?[0-9a-f]+$/);
      }),
    );
  });
});

describe('PullProgress', () => {
  it('without a terminal: distinct blobs, none with a known state, then the image', () => {
    const p = new PullProgress();
    for (const l of PLAIN) p.addLine(l);
    expect(p.tally()).toEqual({ blobs: 2, blobsDone: 0, blobsSkipped: 0, written: true, imageId: ID, errors: [] });
    expect(p.message()).toBe('2 blobs; image written');
  });

  it('on a terminal: done and skipped blobs counted', () => {
    const p = new PullProgress();
    for (const l of TTY) p.addLine(l);
    expect(p.tally()).toMatchObject({ blobs: 3, blobsDone: 2, blobsSkipped: 1, written: true, imageId: ID });
    expect(p.message()).toBe('3 blobs: 2 copied, 1 already present; image written');
  });

  it('a blob counts once, by its last state, whether named in full or short', () => {
    const p = new PullProgress();
    p.addLine(`Copying blob sha256:eecc815b2162${'0'.repeat(52)}`);
    p.addLine('Copying blob eecc815b2162 [==>---] 1.0MiB / 3.0MiB');
    expect(p.message()).toBe('1 blob');
    p.addLine('Copying blob eecc815b2162 done   |');
    expect(p.tally()).toMatchObject({ blobs: 1, blobsDone: 1, blobsSkipped: 0, written: false });
    expect(p.message()).toBe('1 blob: 1 copied');
  });

  it('collects errors and says when nothing has started', () => {
    const p = new PullProgress();
    expect(p.message()).toBe('no blobs yet');
    expect(p.addLine('Error: short-name "app" did not resolve to an alias')).toEqual({
      kind: 'error',
      message: 'short-name "app" did not resolve to an alias',
    });
    expect(p.tally().errors).toEqual(['short-name "app" did not resolve to an alias']);
    expect(p.tally().written).toBe(false);
  });
});
