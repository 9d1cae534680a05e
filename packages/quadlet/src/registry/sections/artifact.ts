/**
 * `[Artifact]` of `.artifact` units (Podman 5.7+): becomes `podman artifact pull`.
 */
import { common, key } from '../define';
import type { SectionDef } from '../types';
import {
  authFile,
  certDir,
  containersConfModule,
  creds,
  decryptionKey,
  globalArgs,
  podmanArgs,
  retry,
  retryDelay,
  serviceName,
  tlsVerify,
} from './shared';

export const ARTIFACT_SECTION: SectionDef = {
  name: 'Artifact',
  unitTypes: ['artifact'],
  since: '5.7',
  keys: [
    key('Artifact', 'string', '5.7', 'OCI artifact to pull; a fully qualified name is best.', {
      required: true,
      common: true,
    }),
    common(authFile('5.7')),
    common(certDir('5.7')),
    containersConfModule('5.7'),
    common(creds('5.7')),
    common(decryptionKey('5.7', 'artifact')),
    globalArgs('5.7'),
    podmanArgs('5.7', 'podman artifact pull'),
    key('Quiet', 'bool', '5.7', 'Keeps the pull from printing progress.', { flag: '--quiet', common: true }),
    common(retry('5.7', 'artifact pull')),
    common(retryDelay('5.7')),
    serviceName('5.7', '<name>-artifact.service'),
    common(tlsVerify('5.7')),
  ],
};
