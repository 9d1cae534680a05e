import { describe, expect, it } from 'vitest';
import { containersConf, kernelSupportsRootlessOverlay, storageConf } from './storage-conf.js';

describe('storage.conf', () => {
  it.each([
    ['5.13.0', true],
    ['6.18.44-fc-v657', true],
    ['5.10.0-28-amd64', false],
    ['4.19.0', false],
    ['junk', false],
  ])('kernel %s rootless overlay: %s', (r, want) => expect(kernelSupportsRootlessOverlay(r)).toBe(want));
  it('native overlay on new kernels, fuse-overlayfs on old ones', () => {
    expect(storageConf({ kernelRelease: '6.1.0' })).not.toContain('mount_program');
    expect(storageConf({ kernelRelease: '5.10.0' })).toContain('mount_program = "/usr/bin/fuse-overlayfs"');
    expect(storageConf({ kernelRelease: '6.1.0' })).toContain('driver = "overlay"');
  });
  it('containers.conf logs events to a file', () => expect(containersConf()).toContain('events_logger = "file"'));
});
