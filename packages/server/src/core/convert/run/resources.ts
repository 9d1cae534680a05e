// The options that name something outside the container: volumes and binds (-v, --mount), networks (--network),
// secrets (--secret) and the other containers it needs (--requires). Named volumes, networks and secrets become
// the compartment's own (declared once, on first use); host paths must be absolute (the folder a relative one was
// relative to is not known); sharing another container's namespace needs a pod.

import { lit } from '../common.js';
import type { Builder } from './service.js';

type Handler = (v: string, b: Builder) => void;

const RELATIVE = 'a host path relative to the folder podman ran in, which is not known here: write it absolute';

/** A volume source: an absolute host path, a volume name (declared), or a relative path (needs input: false). */
function source(src: string, b: Builder): boolean {
  if (src.startsWith('/')) return true;
  if (src.startsWith('.') || src.startsWith('~') || src.includes('/')) {
    b.needs(`${src}: ${RELATIVE}`, true);
    return false;
  }
  b.resource('volumes', src);
  return true;
}

const volume: Handler = (v, b) => {
  const parts = v.split(':');
  if (parts.length > 3) b.fail(`${v}: expected [SOURCE:]TARGET[:OPTIONS]`);
  if (parts.length === 1 || source(parts[0]!, b)) b.list('volumes', [v], true);
};

/** --mount type=…,source=…,target=…: Quadlet's Mount= (a named volume as its `.volume` unit). */
const mount: Handler = (v, b) => {
  const fields = v.split(',').map((f) => {
    const eq = f.indexOf('=');
    return eq < 0 ? [f, undefined] : [f.slice(0, eq), f.slice(eq + 1)];
  });
  const type = fields.find(([k]) => k === 'type')?.[1] ?? 'volume';
  const src = fields.find(([k]) => k === 'source' || k === 'src');
  if (src?.[1] !== undefined && (type === 'bind' || type === 'volume')) {
    if (type === 'bind' && !src[1].startsWith('/')) {
      b.needs(`${src[1]}: ${RELATIVE}`, true);
      return;
    }
    if (type === 'volume') {
      if (!source(src[1], b)) return;
      if (!src[1].startsWith('/')) src[1] = `${src[1]}.volume`;
    }
  }
  const value = fields.map(([k, x]) => (x === undefined ? k : `${k}=${x}`)).join(',');
  b.direct((c, p) => c.put('Mount', [lit(value)], p, `Mount=${value}`), true);
};

/** --network: the compartment's network, a network of its own (`NAME.network`), the host's, none, or pasta. */
const network: Handler = (v, b) => {
  const colon = v.indexOf(':');
  const mode = colon < 0 ? v : v.slice(0, colon);
  const opts = colon < 0 ? '' : v.slice(colon + 1);
  if (['host', 'none', 'pasta', 'slirp4netns'].includes(mode)) {
    if (b.service.networks !== undefined) b.fail(`${v} cannot be combined with another --network`);
    b.scalar('network_mode', v);
    b.also('networks');
    return;
  }
  if (b.service.network_mode !== undefined) b.fail(`${v} cannot be combined with --network ${b.service.network_mode}`);
  if (mode === 'container' || mode === 'ns' || mode === 'private') {
    b.needs(`${v}: sharing another container's (or a given) namespace needs a pod; put the containers in one`);
    return;
  }
  const name = ['bridge', 'podman', 'default'].includes(mode) ? 'default' : mode;
  if (name !== 'default') b.resource('networks', name);
  // podman's per-network options, spelled as compose's (what compose has no key for is reported by it)
  const entry: Record<string, unknown> = {};
  const SPELLING: Record<string, string> = { ip: 'ipv4_address', ip6: 'ipv6_address', mac: 'mac_address' };
  for (const o of opts === '' ? [] : opts.split(',')) {
    const eq = o.indexOf('=');
    const k = eq < 0 ? o : o.slice(0, eq);
    const x = eq < 0 ? '' : o.slice(eq + 1);
    const key = k === 'alias' ? 'aliases' : (SPELLING[k] ?? k);
    if (k === 'alias') entry.aliases = [...((entry.aliases as string[] | undefined) ?? []), x];
    else entry[key] = x;
    b.also(`networks.${name}.${key}`, `.${name}.${k}`);
  }
  b.map('networks', name, entry);
};

/** --secret NAME[,type=…,target=…]: the secret as Secret=, its value to be set on the host. */
const secret: Handler = (v, b) => {
  b.resource('secrets', v.split(',')[0]!);
  b.direct((c, p) => c.put('Secret', [lit(v)], p, `Secret=${v}`), true);
};

/** --requires: the containers converted with it become Requires= + After=. */
const requires: Handler = (v, b) => {
  for (const dep of v.split(',').filter((d) => d !== '')) {
    if (b.shared.names.has(dep)) b.map('depends_on', dep, {});
    else b.needs(`${dep}: not one of the containers converted here`);
  }
};

export const RESOURCE_HANDLERS: Record<string, Handler> = { volume, mount, network, secret, requires };
