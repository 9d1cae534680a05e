/**
 * `[Kube]` of `.kube` units: becomes `podman kube play`.
 */
import { common, key } from '../define';
import type { SectionDef } from '../types';
import {
  containersConfModule,
  globalArgs,
  network,
  podmanArgs,
  publishPort,
  remapKeys,
  serviceName,
  userNS,
} from './shared';

export const KUBE_SECTION: SectionDef = {
  name: 'Kube',
  unitTypes: ['kube'],
  since: '4.4',
  keys: [
    common(
      key(
        'AutoUpdate',
        'string',
        '4.7',
        'Auto-update policy (registry or local), optionally per container as name/policy.',
        {
          repeat: true,
          flag: '--annotation',
          values: ['registry', 'local'],
        },
      ),
    ),
    common(
      key('ConfigMap', 'path', '4.4', 'A Kubernetes ConfigMap YAML file; relative to the unit.', {
        repeat: true,
        flag: '--configmap',
      }),
    ),
    containersConfModule('4.8'),
    common(
      key('ExitCodePropagation', 'enum', '4.6', 'How failed containers turn into the exit status of the service.', {
        values: ['all', 'any', 'none'],
      }),
    ),
    globalArgs('4.8'),
    common(
      key('KubeDownForce', 'bool', '4.8', 'Also removes volumes when the unit stops (podman kube down --force).', {
        flag: '--force',
      }),
    ),
    common(
      key('LogDriver', 'string', '4.5', 'Log driver for the containers (journald, k8s-file, passthrough, none…).', {
        flag: '--log-driver',
        values: ['journald', 'k8s-file', 'json-file', 'passthrough', 'none'],
      }),
    ),
    key('LogOpt', 'string', '5.2', 'Log driver option such as max-size=10mb (accepted, though not documented).', {
      repeat: true,
      flag: '--log-opt',
    }),
    common(network('4.4', 'the pods')),
    podmanArgs('4.6', 'podman kube play'),
    common(publishPort('4.4', 'pod')),
    ...remapKeys('4.4'),
    serviceName('5.3', '<name>.service'),
    common(
      key(
        'SetWorkingDirectory',
        'enum',
        '4.7',
        'Runs the service in the directory of the YAML or of the unit, for relative paths.',
        {
          values: ['yaml', 'unit'],
        },
      ),
    ),
    common(userNS('4.5', 'pods')),
    common(
      key('Yaml', 'path', '4.4', 'The Kubernetes YAML to play; relative to the unit.', {
        required: true,
        repeat: true,
        repeatSince: '5.7',
      }),
    ),
  ],
};
