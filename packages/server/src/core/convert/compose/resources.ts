// The top-level resources of a compose project: volumes (the compartment's Podman volumes), networks (its
// `.network` units; `default` is the compartment's default network), secrets (Podman secret names) and configs
// (managed files). External ones are used by name and reported.

import { isObj, type Obj, type Path, str } from '../common.js';
import { assign, type Ctx, kvMap, subkeys } from './context.js';
import { ComposeError } from './merge.js';

/** An external volume or network: used by its name, which must exist (reported as needing input). */
function isExternal(def: Obj, name: string, path: Path, refs: Map<string, string>, what: string, ctx: Ctx): boolean {
  if (def.external !== true && !isObj(def.external)) return false;
  const real = str(def.name) || name;
  refs.set(name, real);
  ctx.report.needs(path, `external: the Podman ${what} ${real} must exist for the compartment user`);
  return true;
}

export function convertVolumes(v: unknown, ctx: Ctx): void {
  for (const [name, d] of Object.entries(isObj(v) ? v : {})) {
    const path = ['volumes', name];
    const def = isObj(d) ? d : {};
    if (isExternal(def, name, path, ctx.volumeRefs, 'volume', ctx)) continue;
    const options: Obj = {};
    ctx.volumeRefs.set(name, name);
    ctx.report.mapped(path, `the compartment's Podman volume ${name} (${name}.volume)`);
    subkeys(def, path, ctx, {
      name: assign(options, 'volumeName', 'VolumeName=', ctx),
      driver: (x, p) => {
        if (str(x) === 'local') ctx.report.mapped(p, 'the default driver');
        else {
          options.driver = str(x);
          ctx.report.mapped(p, 'Driver=');
        }
      },
      driver_opts: (x, p) => {
        for (const [k, o] of Object.entries(isObj(x) ? x : {})) {
          const field = k === 'type' ? 'type' : k === 'device' ? 'device' : k === 'o' ? 'options' : undefined;
          if (field) {
            options[field] = str(o);
            ctx.report.mapped([...p, k], `${field === 'options' ? 'Options' : field === 'type' ? 'Type' : 'Device'}=`);
          } else ctx.report.needs([...p, k], 'a driver option Quadlet has no key for');
        }
      },
      labels: assign(options, 'label', 'Label=', ctx, kvMap),
      external: (_, p) => ctx.report.mapped(p, 'not external'),
    });
    ctx.spec.volumes[name] = { kind: 'podman', ...(Object.keys(options).length > 0 ? { options } : {}) };
  }
}

export function convertNetworks(v: unknown, ctx: Ctx): void {
  for (const [name, d] of Object.entries(isObj(v) ? v : {})) {
    const path = ['networks', name];
    const def = isObj(d) ? d : {};
    if (isExternal(def, name, path, ctx.networkRefs, 'network', ctx)) continue;
    if (name === 'default') {
      ctx.networkRefs.set(name, `${ctx.project}.network`);
      continue; // converted with the default network
    }
    const unit = `${name}.network`;
    ctx.networkRefs.set(name, unit);
    ctx.report.mapped(path, `the network unit ${unit}`);
    const net = networkSection(def, path, ctx);
    ctx.spec.units[unit] = { network: net };
  }
}

function networkSection(def: Obj, path: Path, ctx: Ctx): Obj {
  const net: Obj = {};
  const add = (k: string, x: string) => {
    net[k] = [...((net[k] as string[] | undefined) ?? []), x];
  };
  subkeys(def, path, ctx, {
    name: assign(net, 'NetworkName', 'NetworkName=', ctx),
    driver: (x, p) => {
      if (str(x) === 'bridge') ctx.report.mapped(p, 'the default driver');
      else if (['host', 'none'].includes(str(x))) ctx.report.needs(p, `a ${str(x)} network: use network_mode instead`);
      else {
        net.Driver = str(x);
        ctx.report.mapped(p, 'Driver=');
      }
    },
    driver_opts: (x, p) => {
      const opts = Object.entries(isObj(x) ? x : {}).map(([k, o]) => `${k}=${str(o)}`);
      if (opts.length > 0) net.Options = opts.join(',');
      ctx.report.mapped(p, 'Options=');
    },
    ipam: (x, p) =>
      subkeys(x, p, ctx, {
        driver: assign(net, 'IPAMDriver', 'IPAMDriver=', ctx),
        config: (y, q) => {
          (Array.isArray(y) ? y : []).forEach((c, i) => {
            subkeys(c, [...q, String(i)], ctx, {
              subnet: (z, r) => {
                add('Subnet', str(z));
                ctx.report.mapped(r, 'Subnet=');
              },
              ip_range: (z, r) => {
                add('IPRange', str(z));
                ctx.report.mapped(r, 'IPRange=');
              },
              gateway: (z, r) => {
                add('Gateway', str(z));
                ctx.report.mapped(r, 'Gateway=');
              },
              aux_addresses: (_, r) => ctx.report.dropped(r, 'Podman networks have no reserved addresses'),
            });
          });
        },
        options: (_, q) => ctx.report.needs(q, 'IPAM driver options have no Quadlet key'),
      }),
    internal: assign(net, 'Internal', 'Internal=', ctx, (x) => x === true),
    enable_ipv6: assign(net, 'IPv6', 'IPv6=', ctx, (x) => x === true),
    enable_ipv4: (x, p) =>
      x === false
        ? ctx.report.needs(p, 'an IPv6-only network has no Quadlet key')
        : ctx.report.mapped(p, 'the default'),
    labels: assign(net, 'Label', 'Label=', ctx, kvMap),
    attachable: (_, p) => ctx.report.dropped(p, 'Swarm only'),
    external: (_, p) => ctx.report.mapped(p, 'not external'),
  });
  return net;
}

export function defaultNetworkSpec(def: Obj | undefined, ctx: Ctx): Obj {
  if (!def) return {};
  const path = ['networks', 'default'];
  ctx.report.mapped(path, `the compartment's default network ${ctx.project}.network`);
  const net = networkSection(def, path, ctx);
  // the default network takes typed fields only: spell them as the model does
  const typed: Obj = {};
  const names: Record<string, string> = {
    NetworkName: 'networkName',
    Driver: 'driver',
    Subnet: 'subnet',
    Gateway: 'gateway',
    IPRange: 'ipRange',
    IPv6: 'ipv6',
    Internal: 'internal',
    IPAMDriver: 'ipamDriver',
    Options: 'options',
    Label: 'label',
  };
  for (const [k, v] of Object.entries(net)) typed[names[k] ?? k] = v;
  return typed;
}

export function convertSecrets(v: unknown, ctx: Ctx): void {
  for (const [name, d] of Object.entries(isObj(v) ? v : {})) {
    const path = ['secrets', name];
    const def = isObj(d) ? d : {};
    const real = str(def.name) || name;
    ctx.spec.secrets.push(real);
    const how =
      typeof def.file === 'string'
        ? `its value is in ${def.file}`
        : typeof def.environment === 'string'
          ? `its value is the variable ${def.environment}`
          : 'external: it must exist';
    if (def.external !== undefined && def.external !== false) {
      ctx.report.mapped(path, `the Podman secret ${real} (external: it must exist for the compartment user)`);
    } else {
      ctx.report.needs(
        path,
        `the Podman secret ${real}: set its value on the host (a spec holds secret names, never values); ${how}`,
      );
    }
  }
}

/** The managed file a config's content goes to. */
export const configFile = (name: string) => `compose/configs/${name}`;

export function convertConfigs(v: unknown, ctx: Ctx): void {
  for (const [name, d] of Object.entries(isObj(v) ? v : {})) {
    const path = ['configs', name];
    const def = isObj(d) ? d : {};
    let content: string | undefined;
    if (typeof def.file === 'string') {
      content = ctx.readFile(def.file);
      if (content === undefined) throw new ComposeError(`configs.${name}.file: ${def.file}: no such file`);
    } else if (typeof def.content === 'string') content = def.content;
    else if (typeof def.environment === 'string') content = ctx.lookup(def.environment) ?? '';
    if (content === undefined) {
      ctx.report.needs(path, 'an external config: Podman has no configs; supply its content as a file');
      continue;
    }
    ctx.spec.files[configFile(name)] = { content };
    const from = typeof def.file === 'string' ? ` (the content of ${def.file})` : '';
    ctx.report.mapped(path, `the managed file ${configFile(name)}${from}, mounted read-only`);
  }
}
