/** The [Artifact] section of `.artifact` units: its common keys. */
import type { FieldTable } from '../fields';

export interface ArtifactSection {
  artifact?: string;
  serviceName?: string;
  authFile?: string;
  certDir?: string;
  creds?: string;
  decryptionKey?: string;
  tlsVerify?: boolean;
  quiet?: boolean;
  retry?: string;
  retryDelay?: string;
  podmanArgs?: string[];
  globalArgs?: string[];
}

export const ARTIFACT_FIELDS: FieldTable<ArtifactSection> = {
  artifact: ['Artifact', 'string'],
  serviceName: ['ServiceName', 'string'],
  authFile: ['AuthFile', 'string'],
  certDir: ['CertDir', 'string'],
  creds: ['Creds', 'string'],
  decryptionKey: ['DecryptionKey', 'string'],
  tlsVerify: ['TLSVerify', 'bool'],
  quiet: ['Quiet', 'bool'],
  retry: ['Retry', 'string'],
  retryDelay: ['RetryDelay', 'string'],
  podmanArgs: ['PodmanArgs', 'argsAll'],
  globalArgs: ['GlobalArgs', 'argsAll'],
};
