/**
 * `[Volume]` of `.volume` units: becomes `podman volume create`.
 */
import { common, key } from '../define';
import type { SectionDef } from '../types';
import { containersConfModule, globalArgs, label, podmanArgs, serviceName } from './shared';

export const VOLUME_SECTION: SectionDef = {
  name: 'Volume',
  unitTypes: ['volume'],
  since: '4.4',
  keys: [
    containersConfModule('4.8'),
    key('Copy', 'bool', '4.4', 'Fills the empty volume with what the image has at the mount point, on first use.', {
      flag: '--opt',
      common: true,
    }),
    key('Device', 'path', '4.4', 'Device (or remote filesystem) mounted as the volume.', {
      flag: '--opt',
      common: true,
    }),
    key('Driver', 'string', '4.8', 'Volume driver; `image` builds the volume from Image=.', {
      flag: '--driver',
      values: ['local', 'image'],
      common: true,
    }),
    key('GID', 'group', '6.0', 'GID that owns the volume; unlike Group= it is not a mount option.', { flag: '--gid' }),
    globalArgs('4.8'),
    key('Group', 'group', '4.4', 'Host group owning the volume, passed to the mount.', { flag: '--opt', common: true }),
    key(
      'Image',
      'unit-ref',
      '4.8',
      'Image the volume is made from when Driver=image; may name an .image or .build unit.',
      {
        flag: '--opt',
        refs: ['image', 'build'],
        refsSince: { build: '5.2' },
        common: true,
      },
    ),
    common(label('4.4', 'volume')),
    key('Options', 'string', '4.4', 'Mount options, as for mount -o.', { flag: '--opt', common: true }),
    podmanArgs('4.6', 'podman volume create'),
    serviceName('5.3', '<name>-volume.service'),
    key('Type', 'string', '4.4', 'Filesystem type of Device=, as for mount -t.', { flag: '--opt', common: true }),
    key('UID', 'user', '6.0', 'UID that owns the volume; unlike User= it is not a mount option.', { flag: '--uid' }),
    key('User', 'user', '4.4', 'Host user owning the volume, passed to the mount.', { flag: '--opt', common: true }),
    key('VolumeName', 'string', '4.7', 'Name of the podman volume (default systemd-<name>).', { common: true }),
  ],
};
