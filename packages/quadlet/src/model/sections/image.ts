/** The [Image] section of `.image` units: its common keys. */
import type { FieldTable } from '../fields';

export interface ImageSection {
  image?: string;
  imageTag?: string;
  allTags?: boolean;
  arch?: string;
  os?: string;
  variant?: string;
  authFile?: string;
  certDir?: string;
  creds?: string;
  decryptionKey?: string;
  tlsVerify?: boolean;
  policy?: string;
  retry?: string;
  retryDelay?: string;
  podmanArgs?: string[];
  globalArgs?: string[];
}

export const IMAGE_FIELDS: FieldTable<ImageSection> = {
  image: ['Image', 'string'],
  imageTag: ['ImageTag', 'string'],
  allTags: ['AllTags', 'bool'],
  arch: ['Arch', 'string'],
  os: ['OS', 'string'],
  variant: ['Variant', 'string'],
  authFile: ['AuthFile', 'string'],
  certDir: ['CertDir', 'string'],
  creds: ['Creds', 'string'],
  decryptionKey: ['DecryptionKey', 'string'],
  tlsVerify: ['TLSVerify', 'bool'],
  policy: ['Policy', 'string'],
  retry: ['Retry', 'string'],
  retryDelay: ['RetryDelay', 'string'],
  podmanArgs: ['PodmanArgs', 'argsAll'],
  globalArgs: ['GlobalArgs', 'argsAll'],
};
