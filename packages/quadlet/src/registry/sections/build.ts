/**
 * `[Build]` of `.build` units (Podman 5.2+): becomes `podman build`.
 */
import { common, key } from '../define';
import type { SectionDef } from '../types';
import {
  arch,
  authFile,
  containersConfModule,
  dns,
  dnsOption,
  dnsSearch,
  globalArgs,
  label,
  network,
  podmanArgs,
  retry,
  retryDelay,
  serviceName,
  tlsVerify,
  variant,
  volume,
} from './shared';

export const BUILD_SECTION: SectionDef = {
  name: 'Build',
  unitTypes: ['build'],
  since: '5.2',
  keys: [
    key('Annotation', 'kv', '5.2', 'OCI annotations (key=value) written into the built image.', {
      repeat: true,
      flag: '--annotation',
    }),
    arch('5.2', 'build'),
    authFile('5.2'),
    key('BuildArg', 'kv', '5.7', 'Build-time ARG value (name=value); not kept in the image environment.', {
      repeat: true,
      flag: '--build-arg',
      common: true,
    }),
    containersConfModule('5.2'),
    dns('5.2', 'the build containers'),
    dnsOption('5.2'),
    dnsSearch('5.2'),
    key('Environment', 'kv', '5.2', 'Environment variables baked into the built image.', {
      repeat: true,
      flag: '--env',
      common: true,
    }),
    key('File', 'path', '5.2', 'Containerfile to build: a path or an http(s) URL.', {
      flag: '--file',
      required: true,
      oneOf: ['File', 'SetWorkingDirectory'],
      common: true,
    }),
    key('ForceRM', 'bool', '5.2', 'Removes intermediate containers even when the build fails (default yes).', {
      flag: '--force-rm',
    }),
    globalArgs('5.2'),
    key('GroupAdd', 'string', '5.2', 'Supplementary group for RUN steps, or keep-groups.', {
      repeat: true,
      flag: '--group-add',
    }),
    key('IgnoreFile', 'path', '5.7', 'Alternative .containerignore file for the build context.', {
      flag: '--ignorefile',
    }),
    key('ImageTag', 'string', '5.2', 'Name given to the built image; other units refer to the first one.', {
      repeat: true,
      repeatSince: '5.3',
      flag: '--tag',
      required: true,
      common: true,
    }),
    common(label('5.2', 'built image')),
    common(network('5.2', 'RUN steps')),
    podmanArgs('5.2', 'podman build'),
    key('Pull', 'string', '5.2', 'When to pull base images: always, missing, never or newer.', {
      flag: '--pull',
      values: ['always', 'missing', 'never', 'newer'],
      common: true,
    }),
    retry('5.5'),
    retryDelay('5.5'),
    key('Secret', 'string', '5.2', 'Secret made available to RUN steps: id=…,src=….', {
      repeat: true,
      flag: '--secret',
    }),
    serviceName('5.3', '<name>-build.service'),
    key('SetWorkingDirectory', 'string', '5.2', 'Build context: a path, a URL, or file / unit for their directories.', {
      values: ['file', 'unit'],
      required: true,
      oneOf: ['File', 'SetWorkingDirectory'],
      common: true,
    }),
    key('Target', 'string', '5.2', 'Stage of a multi-stage Containerfile to stop at.', {
      flag: '--target',
      common: true,
    }),
    tlsVerify('5.2'),
    variant('5.2', 'build'),
    common(volume('5.2', 'the RUN steps')),
  ],
};
