/**
 * `[Network]` of `.network` units: becomes `podman network create`.
 */
import { common, key } from '../define';
import type { SectionDef } from '../types';
import { containersConfModule, dns, globalArgs, label, podmanArgs, serviceName } from './shared';

export const NETWORK_SECTION: SectionDef = {
  name: 'Network',
  unitTypes: ['network'],
  since: '4.4',
  keys: [
    containersConfModule('4.8'),
    key('DisableDNS', 'bool', '4.4', 'Turns off the DNS service that resolves container names on this network.', {
      flag: '--disable-dns',
      common: true,
    }),
    common(dns('4.7', 'containers on this network')),
    key('Driver', 'string', '4.4', 'Network driver: bridge (default), macvlan or ipvlan.', {
      flag: '--driver',
      values: ['bridge', 'macvlan', 'ipvlan'],
      common: true,
    }),
    key('Gateway', 'ip', '4.4', 'Gateway of the matching Subnet= (needs a subnet).', {
      repeat: true,
      flag: '--gateway',
      common: true,
    }),
    globalArgs('4.8'),
    key('InterfaceName', 'string', '5.6', 'Bridge name, or host parent device for macvlan/ipvlan.', {
      flag: '--interface-name',
    }),
    key('Internal', 'bool', '4.4', 'Cuts the network off from the outside world.', {
      flag: '--internal',
      common: true,
    }),
    key('IPAMDriver', 'string', '4.4', 'IP address management driver: host-local, dhcp or none.', {
      flag: '--ipam-driver',
      values: ['host-local', 'dhcp', 'none'],
    }),
    key('IPRange', 'subnet', '4.4', 'Part (CIDR or start-end) of the matching Subnet= that addresses come from.', {
      repeat: true,
      flag: '--ip-range',
      common: true,
    }),
    key('IPv6', 'bool', '4.4', 'Enables IPv6 (dual stack) on the network.', { flag: '--ipv6', common: true }),
    label('4.4', 'network'),
    key('NetworkDeleteOnStop', 'bool', '5.5', 'Removes the network when the unit stops, unless still in use.'),
    key('NetworkName', 'string', '4.7', 'Name of the podman network (default systemd-<name>).', { common: true }),
    key('Options', 'kv', '4.4', 'Driver-specific option as key=value, e.g. mtu=1400.', { repeat: true, flag: '--opt' }),
    podmanArgs('4.6', 'podman network create'),
    serviceName('5.3', '<name>-network.service'),
    key('Subnet', 'subnet', '4.4', 'A subnet of the network in CIDR notation.', {
      repeat: true,
      flag: '--subnet',
      common: true,
    }),
  ],
};
