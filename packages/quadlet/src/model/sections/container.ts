/** The [Container] section of `.container` units: its common keys. */
import type { FieldTable } from '../fields';

export interface ContainerSection {
  image?: string;
  containerName?: string;
  exec?: string[];
  entrypoint?: string;
  podmanArgs?: string[];
  globalArgs?: string[];
  publishPort?: string[];
  exposeHostPort?: string[];
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  network?: string[];
  networkAlias?: string[];
  ip?: string;
  ip6?: string;
  dns?: string[];
  addHost?: string[];
  environment?: Record<string, string>;
  environmentFile?: string[];
  environmentHost?: boolean;
  label?: Record<string, string>;
  annotation?: Record<string, string>;
  user?: string;
  group?: string;
  userNS?: string;
  workingDir?: string;
  hostName?: string;
  pod?: string;
  autoUpdate?: string;
  pull?: string;
  notify?: string;
  readOnly?: boolean;
  runInit?: boolean;
  noNewPrivileges?: boolean;
  secret?: string[];
  addCapability?: string[];
  dropCapability?: string[];
  addDevice?: string[];
  healthCmd?: string;
  healthInterval?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  healthTimeout?: string;
  healthOnFailure?: string;
  logDriver?: string;
  timezone?: string;
  stopTimeout?: string;
  stopSignal?: string;
  shmSize?: string;
  memory?: string;
  pidsLimit?: string;
  ulimit?: string[];
}

export const CONTAINER_FIELDS: FieldTable<ContainerSection> = {
  image: ['Image', 'string'],
  containerName: ['ContainerName', 'string'],
  exec: ['Exec', 'args'],
  entrypoint: ['Entrypoint', 'string'],
  podmanArgs: ['PodmanArgs', 'argsAll'],
  globalArgs: ['GlobalArgs', 'argsAll'],
  publishPort: ['PublishPort', 'list'],
  exposeHostPort: ['ExposeHostPort', 'list'],
  volume: ['Volume', 'list'],
  mount: ['Mount', 'list'],
  tmpfs: ['Tmpfs', 'list'],
  network: ['Network', 'list'],
  networkAlias: ['NetworkAlias', 'list'],
  ip: ['IP', 'string'],
  ip6: ['IP6', 'string'],
  dns: ['DNS', 'list'],
  addHost: ['AddHost', 'list'],
  environment: ['Environment', 'kv'],
  environmentFile: ['EnvironmentFile', 'list'],
  environmentHost: ['EnvironmentHost', 'bool'],
  label: ['Label', 'kv'],
  annotation: ['Annotation', 'kv'],
  user: ['User', 'string'],
  group: ['Group', 'string'],
  userNS: ['UserNS', 'string'],
  workingDir: ['WorkingDir', 'string'],
  hostName: ['HostName', 'string'],
  pod: ['Pod', 'string'],
  autoUpdate: ['AutoUpdate', 'string'],
  pull: ['Pull', 'string'],
  notify: ['Notify', 'string'],
  readOnly: ['ReadOnly', 'bool'],
  runInit: ['RunInit', 'bool'],
  noNewPrivileges: ['NoNewPrivileges', 'bool'],
  secret: ['Secret', 'list'],
  addCapability: ['AddCapability', 'strv'],
  dropCapability: ['DropCapability', 'strv'],
  addDevice: ['AddDevice', 'list'],
  healthCmd: ['HealthCmd', 'string'],
  healthInterval: ['HealthInterval', 'string'],
  healthRetries: ['HealthRetries', 'string'],
  healthStartPeriod: ['HealthStartPeriod', 'string'],
  healthTimeout: ['HealthTimeout', 'string'],
  healthOnFailure: ['HealthOnFailure', 'string'],
  logDriver: ['LogDriver', 'string'],
  timezone: ['Timezone', 'string'],
  stopTimeout: ['StopTimeout', 'string'],
  stopSignal: ['StopSignal', 'string'],
  shmSize: ['ShmSize', 'string'],
  memory: ['Memory', 'string'],
  pidsLimit: ['PidsLimit', 'string'],
  ulimit: ['Ulimit', 'list'],
};
