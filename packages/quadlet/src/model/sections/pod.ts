/** The [Pod] section of `.pod` units: its common keys. */
import type { FieldTable } from '../fields';

export interface PodSection {
  podName?: string;
  serviceName?: string;
  podmanArgs?: string[];
  globalArgs?: string[];
  publishPort?: string[];
  volume?: string[];
  network?: string[];
  networkAlias?: string[];
  ip?: string;
  ip6?: string;
  dns?: string[];
  addHost?: string[];
  hostName?: string;
  userNS?: string;
  shmSize?: string;
  label?: Record<string, string>;
}

export const POD_FIELDS: FieldTable<PodSection> = {
  podName: ['PodName', 'string'],
  serviceName: ['ServiceName', 'string'],
  podmanArgs: ['PodmanArgs', 'argsAll'],
  globalArgs: ['GlobalArgs', 'argsAll'],
  publishPort: ['PublishPort', 'list'],
  volume: ['Volume', 'list'],
  network: ['Network', 'list'],
  networkAlias: ['NetworkAlias', 'list'],
  ip: ['IP', 'string'],
  ip6: ['IP6', 'string'],
  dns: ['DNS', 'list'],
  addHost: ['AddHost', 'list'],
  hostName: ['HostName', 'string'],
  userNS: ['UserNS', 'string'],
  shmSize: ['ShmSize', 'string'],
  label: ['Label', 'kv'],
};
