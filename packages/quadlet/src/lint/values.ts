/**
 * Value checks by kind. Each returns undefined when the value is well-formed, else a short phrase saying
 * what is wrong. They accept what podman and systemd accept, no more, no less, as far as is known.
 */

const TRUE = new Set(['1', 'yes', 'true', 'on']);
const FALSE = new Set(['0', 'no', 'false', 'off']);

/** Podman's reading of a boolean: only 1/yes/true/on are true; anything else is false. */
export function podmanBool(v: string): boolean {
  return TRUE.has(v.toLowerCase());
}

export function isBool(v: string): boolean {
  const l = v.toLowerCase();
  return TRUE.has(l) || FALSE.has(l);
}

const SYSTEMD_TRUE = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const SYSTEMD_FALSE = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

/** systemd's reading of a boolean (parse_boolean): 1/yes/y/true/t/on or 0/no/n/false/f/off, in any case. */
export function systemdBool(v: string): boolean | undefined {
  const l = v.toLowerCase();
  return SYSTEMD_TRUE.has(l) ? true : SYSTEMD_FALSE.has(l) ? false : undefined;
}

const INT = /^[+-]?\d+$/;
export const isInt = (v: string): boolean => INT.test(v);

// Go's time.ParseDuration: "300ms", "1.5h", "2h45m"; podman also takes a bare number of seconds for some keys.
// Microseconds are also written with the micro sign (U+00B5) or the Greek mu (U+03BC). Non-ASCII characters are
// written as escapes throughout the sources: the CLI bundle must be ASCII (scripts/build.mjs).
const GO_DURATION = /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/;
export function checkGoDuration(v: string): string | undefined {
  if (v === '0' || GO_DURATION.test(v)) return undefined;
  return 'is not a duration like 30s, 1m30s or 500ms';
}

// systemd time spans: "5min 20s", "1h", "100ms", or a plain number of seconds.
const SD_UNIT =
  '(us|usec|\\u00b5s|ms|msec|s|sec|second|seconds|m|min|minute|minutes|h|hr|hour|hours|d|day|days|w|week|weeks|M|month|months|y|year|years)';
const SD_SPAN = new RegExp(`^(\\d+(\\.\\d+)?\\s*${SD_UNIT}?\\s*)+$`);
export function checkSystemdSpan(v: string): string | undefined {
  if (v === 'infinity' || SD_SPAN.test(v.trim())) return undefined;
  return 'is not a time span like 30s, 5min or 1h 30min';
}

// systemd sizes: "512M", "1G 512M", "1.5G" (base 1024), and for memory limits also a percentage or infinity.
const SD_SIZE = /^(\d+(\.\d+)?\s*[KMGTPE]?B?\s*)+$/i;
const SD_SHARE = /^\d+(\.\d+)?(%|\u2030)$/;
export function checkSystemdSize(v: string): string | undefined {
  const t = v.trim();
  return t === 'infinity' || SD_SHARE.test(t) || SD_SIZE.test(t) ? undefined : 'is not a size like 512M or 2G';
}

const SIZE = /^\d+(\.\d+)?\s*([bkmgt]i?b?)?$/i;
export function checkSize(v: string): string | undefined {
  return SIZE.test(v) ? undefined : 'is not a size like 512m or 2g';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export function isIPv4(v: string): boolean {
  return IPV4.test(v);
}

export function isIPv6(v: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(v) || !v.includes(':')) return false;
  const dbl = v.split('::');
  if (dbl.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const parts = [...groups(dbl[0]!), ...(dbl.length === 2 ? groups(dbl[1]!) : [])];
  let count = 0;
  for (const [i, p] of parts.entries()) {
    if (i === parts.length - 1 && p.includes('.')) {
      if (!isIPv4(p)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) count += 1;
    else return false;
  }
  return dbl.length === 2 ? count < 8 : count === 8;
}

export function checkIP(v: string): string | undefined {
  return isIPv4(v) || isIPv6(v) ? undefined : 'is not an IPv4 or IPv6 address';
}

export function checkSubnet(v: string): string | undefined {
  const [addr, bits, extra] = v.split('/');
  if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return 'is not a subnet like 10.89.0.0/24';
  if (isIPv4(addr!)) return Number(bits) <= 32 ? undefined : 'has a prefix length over 32';
  if (isIPv6(addr!)) return Number(bits) <= 128 ? undefined : 'has a prefix length over 128';
  return 'is not a subnet like 10.89.0.0/24';
}

const PORT = /^\d{1,5}(-\d{1,5})?$/;
const validPort = (p: string): boolean =>
  PORT.test(p) && p.split('-').every((n) => Number(n) >= 0 && Number(n) <= 65535);

export interface PortMapping {
  ip?: string;
  host?: string;
  container: string;
  protocol?: string;
}

/** Parses podman's `--publish` syntax: `[[ip:][hostPort]:]containerPort[/protocol]`. */
export function parsePublishPort(v: string): PortMapping | string {
  let rest = v;
  let protocol: string | undefined;
  const slash = rest.lastIndexOf('/');
  if (slash >= 0 && !rest.slice(slash).includes(':') && !rest.slice(slash).includes(']')) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
    for (const p of protocol.split(',')) {
      if (!['tcp', 'udp', 'sctp'].includes(p)) return `has an unknown protocol '${p}' (tcp, udp or sctp)`;
    }
  }
  let ip: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0 || rest[end + 1] !== ':') return 'has an IPv6 address without its closing bracket and colon';
    ip = rest.slice(1, end);
    if (!isIPv6(ip)) return `has '${ip}', which is not an IPv6 address`;
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(':');
  let host: string | undefined;
  let container: string;
  if (ip !== undefined) {
    if (parts.length !== 2) return 'is not of the form [ip:][hostPort:]containerPort';
    host = parts[0];
    container = parts[1]!;
  } else if (parts.length === 1) {
    container = parts[0]!;
  } else if (parts.length === 2) {
    host = parts[0];
    container = parts[1]!;
  } else if (parts.length === 3) {
    ip = parts[0];
    host = parts[1];
    container = parts[2]!;
    if (ip && !isIPv4(ip)) return `has '${ip}', which is not an IPv4 address (write IPv6 in brackets)`;
  } else {
    return 'is not of the form [ip:][hostPort:]containerPort[/protocol]';
  }
  if (!validPort(container)) return `has '${container}', which is not a container port or range`;
  if (host && !validPort(host)) return `has '${host}', which is not a host port or range`;
  const m: PortMapping = { container };
  if (ip) m.ip = ip;
  if (host) m.host = host;
  if (protocol) m.protocol = protocol;
  return m;
}

/** Splits a published port on colons, as Podman's generator did: a bracketed IPv6 address is one piece. */
function splitPorts(v: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let end = 0;
  while (end < v.length) {
    if (v[end] === '[') {
      const close = v.indexOf(']', end + 1);
      end = close < 0 ? v.length : close + 1;
    } else if (v[end] === ':') {
      parts.push(v.slice(start, end));
      start = ++end;
    } else end++;
  }
  parts.push(v.slice(start));
  return parts;
}

/** A port or range, as the generator's own check before 5.3 read it (its pattern is anchored at the end only). */
const GENERATOR_PORT = /\d+(-\d+)?(\/udp|\/tcp)?$/;

/** Up to Podman 5.2 the generator checked PublishPort= itself and rejected the file for what it refused:
 * returns that reason, or undefined when it passed the value on. */
export function generatorPortError(v: string): string | undefined {
  const parts = splitPorts(v.trim());
  if (parts.length > 3) return 'is not of the form [ip:][hostPort:]containerPort';
  const host = parts.length === 1 ? '' : parts[parts.length - 2]!;
  const container = parts[parts.length - 1]!;
  for (const p of [host, container]) if (p !== '' && !GENERATOR_PORT.test(p)) return `has '${p}', not a port or range`;
  return undefined;
}

/** The systemd specifiers a unit file may use (`%%` is a literal percent sign). */
const SPECIFIERS = new Set('aAbBCdDEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY%'.split(''));
/** systemd reserves `%` followed by an ASCII letter or digit for specifiers; after anything else (or at the end
 * of the value) the `%` is kept literally. */
const RESERVED = /[A-Za-z0-9]/;

/** The first unknown `%x` specifier in a value (one systemd refuses), or undefined when there is none. */
export function unknownSpecifier(v: string): string | undefined {
  for (let i = v.indexOf('%'); i >= 0; i = v.indexOf('%', i + 2)) {
    const c = v[i + 1];
    if (c === undefined) return undefined;
    if (RESERVED.test(c) && !SPECIFIERS.has(c)) return `%${c}`;
  }
  return undefined;
}

/** Whether an image reference names its registry (a short name needs a short-name alias or a search). */
export function isFullyQualifiedImage(image: string): boolean {
  if (image.endsWith('.image') || image.endsWith('.build')) return true;
  const slash = image.indexOf('/');
  if (slash < 0) return false;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}
