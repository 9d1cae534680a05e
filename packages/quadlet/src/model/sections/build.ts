/** The [Build] section of `.build` units: its common keys. */
import type { FieldTable } from '../fields';

export interface BuildSection {
  imageTag?: string[];
  file?: string;
  setWorkingDirectory?: string;
  target?: string;
  pull?: string;
  arch?: string;
  variant?: string;
  authFile?: string;
  tlsVerify?: boolean;
  forceRM?: boolean;
  ignoreFile?: string;
  environment?: Record<string, string>;
  label?: Record<string, string>;
  annotation?: Record<string, string>;
  buildArg?: Record<string, string>;
  network?: string[];
  volume?: string[];
  secret?: string[];
  dns?: string[];
  groupAdd?: string[];
  retry?: string;
  retryDelay?: string;
  podmanArgs?: string[];
  globalArgs?: string[];
}

export const BUILD_FIELDS: FieldTable<BuildSection> = {
  imageTag: ['ImageTag', 'list'],
  file: ['File', 'string'],
  setWorkingDirectory: ['SetWorkingDirectory', 'string'],
  target: ['Target', 'string'],
  pull: ['Pull', 'string'],
  arch: ['Arch', 'string'],
  variant: ['Variant', 'string'],
  authFile: ['AuthFile', 'string'],
  tlsVerify: ['TLSVerify', 'bool'],
  forceRM: ['ForceRM', 'bool'],
  ignoreFile: ['IgnoreFile', 'string'],
  environment: ['Environment', 'kv'],
  label: ['Label', 'kv'],
  annotation: ['Annotation', 'kv'],
  buildArg: ['BuildArg', 'kv'],
  network: ['Network', 'list'],
  volume: ['Volume', 'list'],
  secret: ['Secret', 'list'],
  dns: ['DNS', 'list'],
  groupAdd: ['GroupAdd', 'list'],
  retry: ['Retry', 'string'],
  retryDelay: ['RetryDelay', 'string'],
  podmanArgs: ['PodmanArgs', 'argsAll'],
  globalArgs: ['GlobalArgs', 'argsAll'],
};
