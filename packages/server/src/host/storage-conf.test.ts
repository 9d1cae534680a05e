import { describe, expect, it } from 'vitest';
import {
  containersConf,
  containersConfWithJournaldEvents,
  kernelSupportsRootlessOverlay,
  storageConf,
} from './storage-conf.js';

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
  it('containers.conf logs events to the journal', () =>
    expect(containersConf()).toContain('events_logger = "journald"'));
});

describe('containers.conf upgrade to journald events', () => {
  const old = '# Written by quadletman.\n[engine]\nevents_logger = "file"\n';
  it('turns the file quadletman wrote before into the one it writes now', () => {
    expect(containersConfWithJournaldEvents(old)).toBe(containersConf());
  });
  it('leaves a file that has it alone', () => {
    expect(containersConfWithJournaldEvents(containersConf())).toBeUndefined();
    expect(containersConfWithJournaldEvents("[engine]\n  events_logger='journald' # mine\n")).toBeUndefined();
  });
  it('writes the file when it is missing', () => {
    expect(containersConfWithJournaldEvents(undefined)).toBe(containersConf());
  });
  it('changes only the events_logger line of a file someone edited', () => {
    const text = '[containers]\nlog_size_max = 1000\n\n[engine]\n  events_logger = "none" # quiet\nnum_locks = 4096\n';
    expect(containersConfWithJournaldEvents(text)).toBe(
      '[containers]\nlog_size_max = 1000\n\n[engine]\n  events_logger = "journald"\nnum_locks = 4096\n',
    );
  });
  it('adds the setting to [engine], or the table itself, where there is none', () => {
    expect(containersConfWithJournaldEvents('[engine]\nnum_locks = 4096\n')).toBe(
      '[engine]\nevents_logger = "journald"\nnum_locks = 4096\n',
    );
    expect(containersConfWithJournaldEvents('[containers]\nlog_size_max = 1000')).toBe(
      '[containers]\nlog_size_max = 1000\n[engine]\nevents_logger = "journald"\n',
    );
  });
});
