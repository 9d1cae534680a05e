// What a registry's digest means for a stored image, and when the next check is due.
import { describe, expect, it } from 'vitest';
import { parseImagesJson } from './inventory.js';
import { nextCheckAt, type RegistryCheckResult, updateStatus } from './update-check.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const IMAGE = 'registry.example.org/team/web:1.2';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const ok = (digest: string, mediaType = OCI_MANIFEST): RegistryCheckResult => ({
  image: IMAGE,
  ok: true,
  digest,
  mediaType,
});

// As `podman images --format json` lists an image pulled through an index: Digest is the platform's manifest,
// RepoDigests name both that and the index.
const [pulled] = parseImagesJson(
  JSON.stringify([
    {
      Id: 'a'.repeat(64),
      Names: [IMAGE],
      Digest: d('1'),
      RepoDigests: [`registry.example.org/team/web@${d('1')}`, `registry.example.org/team/web@${d('2')}`],
    },
  ]),
);

describe('updateStatus', () => {
  it('is up to date when the tag points to the stored manifest', () => {
    expect(updateStatus(ok(d('1')), pulled)).toEqual({
      status: 'up-to-date',
      remoteDigest: d('1'),
      localDigests: [d('1'), d('2')],
    });
  });

  it.each([OCI_INDEX, DOCKER_LIST])('counts an index digest among the RepoDigests as a match (%s)', (mediaType) => {
    expect(updateStatus(ok(d('2'), mediaType), pulled).status).toBe('up-to-date');
  });

  it('reports an update when the digest is new, saying so for an index', () => {
    expect(updateStatus(ok(d('3')), pulled)).toEqual({
      status: 'update-available',
      remoteDigest: d('3'),
      localDigests: [d('1'), d('2')],
    });
    const index = updateStatus(ok(d('3'), OCI_INDEX), pulled);
    expect(index.status).toBe('update-available');
    expect(index.reason).toContain('index changed');
  });

  it('is unknown when the registry gave no digest, with its code and message', () => {
    const r = updateStatus({ image: IMAGE, ok: false, code: 'unauthorized', message: 'needs a login' }, pulled);
    expect(r).toEqual({
      status: 'unknown',
      remoteDigest: undefined,
      localDigests: [d('1'), d('2')],
      reason: 'unauthorized: needs a login',
    });
  });

  it('is unknown when nothing is stored, or the stored image has no registry digest', () => {
    expect(updateStatus(ok(d('1')), undefined)).toMatchObject({
      status: 'unknown',
      remoteDigest: d('1'),
      localDigests: [],
      reason: `${IMAGE} is not stored locally`,
    });
    expect(updateStatus(ok(d('1')), { digest: undefined, repoDigests: [] })).toMatchObject({
      status: 'unknown',
      reason: expect.stringContaining('no digest from a registry'),
    });
  });

  it('repeats no digest and keeps Digest first', () => {
    const r = updateStatus(ok(d('9')), { digest: d('2'), repoDigests: [`r.example.org/a@${d('1')}`, `x@${d('2')}`] });
    expect(r.localDigests).toEqual([d('2'), d('1')]);
  });
});

describe('nextCheckAt', () => {
  const last = new Date('2026-12-01T00:00:00Z');
  const H = 60 * 60 * 1000;

  it('is due at once when never checked', () => {
    expect(nextCheckAt(undefined, H, 0.1, () => 0.5).getTime()).toBe(0);
  });

  it('adds the interval, moved by the jitter both ways', () => {
    expect(nextCheckAt(last, H, 0.1, () => 0.5).getTime()).toBe(last.getTime() + H);
    expect(nextCheckAt(last, H, 0.1, () => 0).getTime()).toBe(last.getTime() + 0.9 * H);
    expect(nextCheckAt(last, H, 0.1, () => 0.75).getTime()).toBe(last.getTime() + 1.05 * H);
  });

  it('defaults to every 6 h within ±10 %', () => {
    for (let i = 0; i < 200; i++) {
      const dt = nextCheckAt(last).getTime() - last.getTime();
      expect(dt).toBeGreaterThanOrEqual(5.4 * H);
      expect(dt).toBeLessThanOrEqual(6.6 * H);
    }
  });

  it('refuses a bad interval, jitter or random source', () => {
    expect(() => nextCheckAt(last, 0)).toThrow('bad check interval');
    expect(() => nextCheckAt(last, H, 1)).toThrow('bad jitter');
    expect(() => nextCheckAt(last, H, 0.1, () => 1)).toThrow('not a number in [0, 1)');
  });
});
