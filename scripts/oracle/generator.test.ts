import { describe, expect, it } from 'vitest';
import { normalizeKeyValueOrder } from './generator';

describe('normalizeKeyValueOrder', () => {
  const head = 'ExecStart=/usr/bin/podman run --name systemd-%N --replace --rm -d';

  it('puts the key-value flag groups of one run in one order (Podman 5.6 and later vary it)', () => {
    const a = normalizeKeyValueOrder(`${head} --env a --env b=1 --label x quay.io/i`);
    const b = normalizeKeyValueOrder(`${head} --label x --env a --env b=1 quay.io/i`);
    expect(a).toBe(b);
    expect(a).toBe(`${head} --env a --env b=1 --label x quay.io/i`);
  });

  it('keeps the order within a group, other words, separate runs and other lines as they are', () => {
    // A fixed order (up to 5.5: env, label, annotation) only changes by the same rule on both sides.
    expect(normalizeKeyValueOrder(`${head} --label z --label a --annotation n=1 --env e quay.io/i`)).toBe(
      `${head} --annotation n=1 --env e --label z --label a quay.io/i`,
    );
    expect(normalizeKeyValueOrder(`${head} --label l --publish 80 --env e quay.io/i`)).toBe(
      `${head} --label l --publish 80 --env e quay.io/i`,
    );
    expect(normalizeKeyValueOrder('ExecStop=/usr/bin/podman rm --label b --env a')).toBe(
      'ExecStop=/usr/bin/podman rm --label b --env a',
    );
    expect(normalizeKeyValueOrder(`${head} --env "a b=c d" --label %%x quay.io/i`)).toBe(
      `${head} --env "a b=c d" --label %%x quay.io/i`,
    );
  });
});
