/**
 * `[Pod]` of `.pod` units (Podman 5.0+): becomes `podman pod create`.
 */
import { common, key } from '../define';
import type { SectionDef } from '../types';
import {
  addHost,
  containersConfModule,
  dns,
  dnsOption,
  dnsSearch,
  gidMap,
  globalArgs,
  ip,
  ip6,
  label,
  network,
  networkAlias,
  podmanArgs,
  publishPort,
  remapKeys,
  serviceName,
  shmSize,
  subGIDMap,
  subUIDMap,
  uidMap,
  userNS,
  volume,
} from './shared';

export const POD_SECTION: SectionDef = {
  name: 'Pod',
  unitTypes: ['pod'],
  since: '5.0',
  keys: [
    common(addHost('5.3')),
    containersConfModule('5.0'),
    common(dns('5.3', 'the containers of the pod')),
    dnsOption('5.3'),
    dnsSearch('5.3'),
    key('ExitPolicy', 'enum', '5.6', 'What the pod does when its last container exits (Quadlet default: stop).', {
      flag: '--exit-policy',
      values: ['continue', 'stop'],
    }),
    gidMap('5.3', 'pod'),
    globalArgs('5.0'),
    key('HostName', 'string', '5.5', 'Host name shared by all containers of the pod.', {
      flag: '--hostname',
      common: true,
    }),
    ip('5.3', 'pod'),
    ip6('5.3', 'pod'),
    common(label('5.6', 'pod')),
    common(network('5.0', 'the pod')),
    common(networkAlias('5.2', 'pod')),
    podmanArgs('5.0', 'podman pod create'),
    key('PodName', 'string', '5.0', 'Name of the podman pod (default systemd-%N).', { flag: '--name', common: true }),
    common(publishPort('5.0', 'pod')),
    ...remapKeys('5.3'),
    serviceName('5.3', '<name>-pod.service'),
    shmSize('5.4'),
    key('StopTimeout', 'int', '5.7', 'Seconds `podman pod stop` waits before killing the containers.', {
      flag: '--time',
    }),
    subGIDMap('5.3'),
    subUIDMap('5.3'),
    uidMap('5.3', 'pod'),
    common(userNS('5.3', 'pod')),
    common(volume('5.0', 'every container of the pod')),
  ],
};
