import { describe, expect, it } from 'vitest';
import type { ImageEntry } from '../core/service/images.js';
import { humanBytes, imagesText, pruneText, shortDigest } from './images-output.js';

const img = (over: Partial<ImageEntry>): ImageEntry => ({
  id: 'f'.repeat(64),
  repository: 'registry.example.org/demo/web',
  tags: ['v1'],
  names: ['registry.example.org/demo/web:v1'],
  digest: `sha256:${'ab'.repeat(32)}`,
  size: 5 * 1024 * 1024 + 300 * 1024,
  created: '2026-11-30T09:15:00.000Z',
  usedBy: ['web.container'],
  unused: false,
  containers: 1,
  dangling: false,
  ...over,
});

describe('images output', () => {
  it('sizes in binary units, digests short', () => {
    expect([0, 1023, 1536, 5 * 1024 ** 3].map(humanBytes)).toEqual(['0 B', '1023 B', '1.5 KiB', '5.0 GiB']);
    expect(shortDigest(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe('0123456789ab');
    expect(shortDigest(null)).toBe('-');
  });

  it('a table: image, tag, digest, size, created, used by or unused; then what is missing', () => {
    const text = imagesText({
      images: [
        img({}),
        img({ tags: ['v2', 'latest'], usedBy: [], unused: true, containers: 0, size: 2048 }),
        img({ repository: null, tags: [], names: [], digest: null, created: null, usedBy: [], unused: true }),
      ],
      missing: [{ unit: 'db.container', image: 'registry.example.org/demo/db:16' }],
    });
    expect(text.split('\n')).toEqual([
      'IMAGE                          TAG        DIGEST        SIZE     CREATED     USED BY',
      'registry.example.org/demo/web  v1         abababababab  5.3 MiB  2026-11-30  web.container',
      'registry.example.org/demo/web  v2,latest  abababababab  2.0 KiB  2026-11-30  unused',
      '<none> (ffffffffffff)          -          -             5.3 MiB  -           unused (1 container(s))',
      'missing: registry.example.org/demo/db:16 (needed by db.container)',
    ]);
    expect(imagesText({ images: [], missing: [] })).toBe('(no images)');
  });

  it('a prune: what went (or would), what Podman refused, and the bytes', () => {
    const gone = img({ names: ['localhost/old:1'], size: 1024 });
    expect(pruneText({ dryRun: true, removed: [gone], failed: [], bytes: 1024 })).toBe(
      'would remove localhost/old:1 (1.0 KiB)\nUp to 1.0 KiB would be freed. Run again without --dry-run to remove them.',
    );
    expect(
      pruneText({
        dryRun: false,
        removed: [gone],
        failed: [{ image: img({}), error: 'podman rmi x as qm-shop failed: in use' }],
        bytes: 1024,
      }),
    ).toBe(
      'removed localhost/old:1 (1.0 KiB)\n' +
        'not removed registry.example.org/demo/web:v1: podman rmi x as qm-shop failed: in use\n' +
        'Up to 1.0 KiB freed; 1 image(s) not removed.',
    );
    expect(pruneText({ dryRun: false, removed: [], failed: [], bytes: 0 })).toBe(
      'Nothing to remove: every image is in use.',
    );
  });
});
