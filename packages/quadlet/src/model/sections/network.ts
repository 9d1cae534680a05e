/** The [Network] section of `.network` units: its common keys. */
import type { FieldTable } from '../fields';

export interface NetworkSection {
  networkName?: string;
  driver?: string;
  subnet?: string[];
  gateway?: string[];
  ipRange?: string[];
  ipv6?: boolean;
  internal?: boolean;
  disableDNS?: boolean;
  dns?: string[];
  interfaceName?: string;
  ipamDriver?: string;
  options?: string;
  label?: Record<string, string>;
  networkDeleteOnStop?: boolean;
  podmanArgs?: string[];
  globalArgs?: string[];
}

export const NETWORK_FIELDS: FieldTable<NetworkSection> = {
  networkName: ['NetworkName', 'string'],
  driver: ['Driver', 'string'],
  subnet: ['Subnet', 'list'],
  gateway: ['Gateway', 'list'],
  ipRange: ['IPRange', 'list'],
  ipv6: ['IPv6', 'bool'],
  internal: ['Internal', 'bool'],
  disableDNS: ['DisableDNS', 'bool'],
  dns: ['DNS', 'list'],
  interfaceName: ['InterfaceName', 'string'],
  ipamDriver: ['IPAMDriver', 'string'],
  options: ['Options', 'string'],
  label: ['Label', 'kv'],
  networkDeleteOnStop: ['NetworkDeleteOnStop', 'bool'],
  podmanArgs: ['PodmanArgs', 'argsAll'],
  globalArgs: ['GlobalArgs', 'argsAll'],
};
