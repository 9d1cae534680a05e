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
    key('AutoUpdate', 'string', '4.7', 'Auto-update policy (registry, local), optionally as container/policy.', {
      repeat: true,
      flag: '--annotation',
      values: ['registry', 'local'],
      common: true,
    }),
    key('ConfigMap', 'path', '4.4', 'A Kubernetes ConfigMap YAML file; relative to the unit.', {
      repeat: true,
      flag: '--configmap',
      common: true,
    }),
    containersConfModule('4.8'),
    key('ExitCodePropagation', 'enum', '4.6', 'How failed containers turn into the exit status of the service.', {
      values: ['all', 'any', 'none'],
      common: true,
    }),
    globalArgs('4.8'),
    key('KubeDownForce', 'bool', '4.8', 'Also removes volumes when the unit stops (podman kube down --force).', {
      flag: '--force',
      common: true,
    }),
    key('LogDriver', 'string', '4.5', 'Log driver for the containers (journald, k8s-file, passthrough, none…).', {
      flag: '--log-driver',
      values: ['journald', 'k8s-file', 'json-file', 'passthrough', 'none'],
      common: true,
    }),
    key('LogOpt', 'string', '5.2', 'Log driver option such as max-size=10mb (accepted, though not documented).', {
      repeat: true,
      flag: '--log-opt',
    }),
    common(network('4.4', 'the pods')),
    podmanArgs('4.6', 'podman kube play'),
    common(publishPort('4.4', 'pod')),
    ...remapKeys('4.4'),
    serviceName('5.3', '<name>.service'),
    key('SetWorkingDirectory', 'enum', '4.7', "Runs the service in the YAML's or the unit's directory.", {
      values: ['yaml', 'unit'],
      common: true,
    }),
    common(userNS('4.5', 'pods')),
    key('Yaml', 'path', '4.4', 'The Kubernetes YAML to play; relative to the unit.', {
      required: true,
      repeat: true,
      repeatSince: '5.7',
      common: true,
    }),
  ],
};
