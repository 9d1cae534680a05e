/**
 * `[Image]` of `.image` units (Podman 4.8+): becomes `podman image pull`.
 */
import { common, key } from '../define';
import type { SectionDef } from '../types';
import {
  arch,
  authFile,
  certDir,
  containersConfModule,
  creds,
  decryptionKey,
  globalArgs,
  PULL_POLICIES,
  podmanArgs,
  retry,
  retryDelay,
  serviceName,
  tlsVerify,
  variant,
} from './shared';

export const IMAGE_SECTION: SectionDef = {
  name: 'Image',
  unitTypes: ['image'],
  since: '4.8',
  keys: [
    key('AllTags', 'bool', '4.8', 'Pulls every tag of the repository.', { flag: '--all-tags', common: true }),
    common(arch('4.8', 'pull')),
    common(authFile('4.8')),
    certDir('4.8'),
    containersConfModule('4.8'),
    common(creds('4.8')),
    decryptionKey('4.8'),
    globalArgs('4.8'),
    key('Image', 'string', '4.8', 'Image to pull; a fully qualified name is best.', { required: true, common: true }),
    key('ImageTag', 'string', '4.8', 'Name for an image pulled from an archive; .image references use it.', {
      common: true,
    }),
    key('OS', 'string', '4.8', "Operating system of the image to pull, instead of the host's.", {
      flag: '--os',
      common: true,
    }),
    podmanArgs('4.8', 'podman image pull'),
    key('Policy', 'enum', '5.6', 'When to pull: always, only if missing, never, or if newer.', {
      flag: '--policy',
      values: PULL_POLICIES,
      common: true,
    }),
    retry('5.5'),
    retryDelay('5.5'),
    serviceName('5.3', '<name>-image.service'),
    common(tlsVerify('4.8')),
    common(variant('4.8', 'pull')),
  ],
};
