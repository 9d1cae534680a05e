/**
 * Keys that several Quadlet sections share. Each factory takes the version that introduced the key in the
 * section at hand, since the same key arrived in different sections at different times.
 */
import { key } from '../define';
import type { KeyDef, PodmanVersion } from '../types';

const REMAP_DEPRECATED = 'Superseded by UserNS= (and UIDMap=/GIDMap=); Quadlet still accepts it for old files.';

/** `ContainersConfModule=`: load a containers.conf module for the podman call. */
export const containersConfModule = (since: PodmanVersion): KeyDef =>
  key('ContainersConfModule', 'path', since, 'Extra containers.conf module loaded by the podman command.', {
    repeat: true,
    flag: '--module',
  });

/** `GlobalArgs=`: raw arguments between `podman` and its subcommand. */
export const globalArgs = (since: PodmanVersion): KeyDef =>
  key('GlobalArgs', 'words', since, 'Raw global podman options, placed before the subcommand; use sparingly.', {
    repeat: true,
  });

/** `PodmanArgs=`: raw arguments appended to the podman subcommand. */
export const podmanArgs = (since: PodmanVersion, command: string): KeyDef =>
  key(
    'PodmanArgs',
    'words',
    since,
    `Raw extra options appended to \`${command}\`; an escape hatch for unsupported flags.`,
    {
      repeat: true,
    },
  );

/** `ServiceName=`: the name of the generated systemd service, without `.service`. */
export const serviceName = (since: PodmanVersion, defaultName: string): KeyDef =>
  key('ServiceName', 'string', since, `Name of the generated systemd unit, without .service (default ${defaultName}).`);

/** `Label=` on the created podman object. */
export const label = (since: PodmanVersion, what: string): KeyDef =>
  key('Label', 'kv', since, `Labels (key=value) put on the ${what}.`, { repeat: true, flag: '--label' });

export const retry = (since: PodmanVersion, what = 'image pull'): KeyDef =>
  key('Retry', 'int', since, `How many times to retry the ${what} after an HTTP error.`, { flag: '--retry' });

export const retryDelay = (since: PodmanVersion): KeyDef =>
  key('RetryDelay', 'duration', since, 'Pause between two pull attempts (e.g. 5s).', { flag: '--retry-delay' });

export const authFile = (since: PodmanVersion): KeyDef =>
  key('AuthFile', 'path', since, 'Registry credentials file to use instead of the default auth.json.', {
    flag: '--authfile',
  });

export const certDir = (since: PodmanVersion): KeyDef =>
  key('CertDir', 'path', since, 'Directory of TLS certificates (*.crt, *.cert, *.key) for the registry.', {
    flag: '--cert-dir',
  });

export const creds = (since: PodmanVersion): KeyDef =>
  key('Creds', 'string', since, 'Registry login as username[:password].', { flag: '--creds' });

export const decryptionKey = (since: PodmanVersion, what = 'image'): KeyDef =>
  key('DecryptionKey', 'string', since, `Key file[:passphrase] that decrypts an encrypted ${what}.`, {
    flag: '--decryption-key',
  });

export const tlsVerify = (since: PodmanVersion): KeyDef =>
  key('TLSVerify', 'bool', since, 'Whether to insist on HTTPS with verified certificates for the registry.', {
    flag: '--tls-verify',
  });

export const arch = (since: PodmanVersion, verb: string): KeyDef =>
  key('Arch', 'string', since, `CPU architecture of the image to ${verb}, instead of the host's.`, {
    flag: '--arch',
    values: ['amd64', 'arm64', 'arm', 'ppc64le', 's390x', 'riscv64', '386'],
  });

export const variant = (since: PodmanVersion, verb: string): KeyDef =>
  key('Variant', 'string', since, `Architecture variant of the image to ${verb} (e.g. v7, v8).`, {
    flag: '--variant',
  });

export const dns = (since: PodmanVersion, what: string): KeyDef =>
  key('DNS', 'ip', since, `DNS server for ${what}; \`none\` leaves /etc/resolv.conf alone.`, {
    repeat: true,
    flag: '--dns',
  });

export const dnsOption = (since: PodmanVersion): KeyDef =>
  key('DNSOption', 'string', since, 'A resolv.conf option such as ndots:2.', { repeat: true, flag: '--dns-option' });

export const dnsSearch = (since: PodmanVersion): KeyDef =>
  key('DNSSearch', 'string', since, 'A DNS search domain; `.` removes the search list.', {
    repeat: true,
    flag: '--dns-search',
  });

/**
 * `Network=`: Quadlet resolves `x.network` to the network of that unit and, since 5.3, `x.container` to
 * `container:<name>` (joining that container's network namespace), in every section that has the key.
 */
export const network = (since: PodmanVersion, what: string): KeyDef =>
  key('Network', 'unit-ref', since, `Network mode or network for ${what}; may name a .network (or .container) unit.`, {
    repeat: true,
    flag: '--network',
    refs: ['network', 'container'],
    refsSince: { container: '5.3' },
    values: ['host', 'none', 'private', 'bridge', 'pasta', 'slirp4netns'],
  });

export const networkAlias = (since: PodmanVersion, what: string): KeyDef =>
  key('NetworkAlias', 'string', since, `Extra DNS name for the ${what} on its networks.`, {
    repeat: true,
    flag: '--network-alias',
  });

export const publishPort = (since: PodmanVersion, what: string): KeyDef =>
  key('PublishPort', 'port', since, `Publishes ${what} ports on the host: [ip:][hostPort:]containerPort[/proto].`, {
    repeat: true,
    flag: '--publish',
  });

export const volume = (since: PodmanVersion, what: string): KeyDef =>
  key('Volume', 'volume', since, `Mounts a volume or host path into ${what}; the source may name a .volume unit.`, {
    repeat: true,
    flag: '--volume',
    refs: ['volume'],
  });

export const addHost = (since: PodmanVersion): KeyDef =>
  key('AddHost', 'string', since, 'Adds a hostname:ip line to /etc/hosts.', { repeat: true, flag: '--add-host' });

export const ip = (since: PodmanVersion, what: string): KeyDef =>
  key('IP', 'ip', since, `Fixed IPv4 address for the ${what}.`, { flag: '--ip' });

export const ip6 = (since: PodmanVersion, what: string): KeyDef =>
  key('IP6', 'ip', since, `Fixed IPv6 address for the ${what}.`, { flag: '--ip6' });

export const userNS = (since: PodmanVersion, what: string): KeyDef =>
  key('UserNS', 'string', since, `User namespace mode for the ${what}, MODE[:OPTIONS] (auto, keep-id, host…).`, {
    flag: '--userns',
    values: ['auto', 'host', 'keep-id', 'nomap', 'private'],
  });

export const uidMap = (since: PodmanVersion, what: string): KeyDef =>
  key('UIDMap', 'uidmap', since, `UID mapping for a new user namespace of the ${what}.`, {
    repeat: true,
    flag: '--uidmap',
  });

export const gidMap = (since: PodmanVersion, what: string): KeyDef =>
  key('GIDMap', 'uidmap', since, `GID mapping for a new user namespace of the ${what}.`, {
    repeat: true,
    flag: '--gidmap',
  });

export const subUIDMap = (since: PodmanVersion): KeyDef =>
  key('SubUIDMap', 'string', since, 'Builds the UID mapping from the named /etc/subuid entry.', {
    flag: '--subuidname',
  });

export const subGIDMap = (since: PodmanVersion): KeyDef =>
  key('SubGIDMap', 'string', since, 'Builds the GID mapping from the named /etc/subgid entry.', {
    flag: '--subgidname',
  });

export const shmSize = (since: PodmanVersion): KeyDef =>
  key('ShmSize', 'size', since, 'Size of /dev/shm, e.g. 64m.', { flag: '--shm-size' });

/** The deprecated RemapUsers family, still accepted in `[Container]`, `[Kube]` and `[Pod]`. */
export const remapKeys = (since: PodmanVersion): KeyDef[] => [
  key('RemapGid', 'uidmap', since, 'Old way to give a GID mapping for RemapUsers=manual.', {
    repeat: true,
    flag: '--userns',
    deprecated: REMAP_DEPRECATED,
  }),
  key('RemapUid', 'uidmap', since, 'Old way to give a UID mapping for RemapUsers=manual.', {
    repeat: true,
    flag: '--userns',
    deprecated: REMAP_DEPRECATED,
  }),
  key('RemapUidSize', 'int', since, 'Old way to size the namespace for RemapUsers=auto.', {
    flag: '--userns',
    deprecated: REMAP_DEPRECATED,
  }),
  key('RemapUsers', 'enum', since, 'Old way to pick a user-namespace mode.', {
    flag: '--userns',
    values: ['manual', 'auto', 'keep-id'],
    deprecated: REMAP_DEPRECATED,
  }),
];

/** Pull policies understood by `podman run --pull` and `podman pull --policy`. */
export const PULL_POLICIES = ['always', 'missing', 'never', 'newer'] as const;
