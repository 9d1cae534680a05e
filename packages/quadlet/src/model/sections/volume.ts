/** The [Volume] section of `.volume` units: its common keys. */
import type { FieldTable } from '../fields';

export interface VolumeSection {
  volumeName?: string;
  driver?: string;
  device?: string;
  type?: string;
  options?: string;
  copy?: boolean;
  user?: string;
  group?: string;
  image?: string;
  label?: Record<string, string>;
  podmanArgs?: string[];
  globalArgs?: string[];
}

export const VOLUME_FIELDS: FieldTable<VolumeSection> = {
  volumeName: ['VolumeName', 'string'],
  driver: ['Driver', 'string'],
  device: ['Device', 'string'],
  type: ['Type', 'string'],
  options: ['Options', 'string'],
  copy: ['Copy', 'bool'],
  user: ['User', 'string'],
  group: ['Group', 'string'],
  image: ['Image', 'string'],
  label: ['Label', 'kv'],
  podmanArgs: ['PodmanArgs', 'argsAll'],
  globalArgs: ['GlobalArgs', 'argsAll'],
};
