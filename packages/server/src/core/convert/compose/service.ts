// One compose service → `<service>.container` (and `<service>.build`): every key of the service has a handler
// that sets Quadlet keys through the unit builder (which falls back to PodmanArgs= for the target version) and
// reports what it did; a key without a handler needs input, an `x-` key is dropped.

import { compareVersions, findKey, isKeyAvailable, splitWords } from '@quadletman/quadlet';
import { tryParseReference } from '../../images/reference.js';
import { FILES_DIR_SPECIFIER } from '../../layout.js';
import { dotted, isObj, lit, type Obj, type Path, str } from '../common.js';
import { UnitBuilder } from '../unit-builder.js';
import { type Ctx, kvMap, subkeys } from './context.js';
import { parseEnvFile } from './dotenv.js';
import { ComposeError } from './merge.js';
import { configFile } from './resources.js';

/** Compose byte sizes (`512m`, `1gb`, `1024`) in Podman's spelling. */
function bytes(v: unknown): string {
  const s = str(v).trim().toLowerCase();
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/.exec(s);
  return m ? `${m[1]}${m[2]}` : s;
}

/** A compose duration (`1m30s`, `500ms`) in whole seconds, for StopTimeout. */
function seconds(v: unknown): string | undefined {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, ns: 1e-9 };
  let total = 0;
  const s = str(v);
  const re = /(\d+(?:\.\d+)?)(h|ms|us|ns|m|s)/gy;
  let end = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * units[m[2]!]!;
    end = re.lastIndex;
  }
  if (end !== s.length || s === '') return /^\d+$/.test(s) ? s : undefined;
  return String(Math.ceil(total));
}

/** A command as words: a list as it is, a string split as a shell would (compose's rule). */
function words(v: unknown, path: Path): string[] {
  if (Array.isArray(v)) return v.map(str);
  const r = splitWords(str(v), 'args');
  const error = r.error ?? (openQuote(str(v)) ? 'a quote is not closed' : undefined);
  if (error !== undefined) throw new ComposeError(`${dotted(path)}: cannot be split into words: ${error}`);
  return r.words;
}

/** True when a shell would still be inside quotes at the end of `s` (systemd's splitter lets that pass). */
function openQuote(s: string): boolean {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && quote !== "'") i++;
    else if (quote === '' && (ch === "'" || ch === '"')) quote = ch;
    else if (ch === quote) quote = '';
  }
  return quote !== '';
}

const PODMAN_FLAGS: Record<string, [flag: string, kind: 'value' | 'bool' | 'list']> = {
  privileged: ['--privileged', 'bool'],
  tty: ['--tty', 'bool'],
  stdin_open: ['--interactive', 'bool'],
  oom_kill_disable: ['--oom-kill-disable', 'bool'],
  cpus: ['--cpus', 'value'],
  cpu_shares: ['--cpu-shares', 'value'],
  cpu_period: ['--cpu-period', 'value'],
  cpu_quota: ['--cpu-quota', 'value'],
  cpu_rt_runtime: ['--cpu-rt-runtime', 'value'],
  cpu_rt_period: ['--cpu-rt-period', 'value'],
  cpuset: ['--cpuset-cpus', 'value'],
  mem_reservation: ['--memory-reservation', 'value'],
  memswap_limit: ['--memory-swap', 'value'],
  mem_swappiness: ['--memory-swappiness', 'value'],
  oom_score_adj: ['--oom-score-adj', 'value'],
  pid: ['--pid', 'value'],
  ipc: ['--ipc', 'value'],
  cgroup: ['--cgroupns', 'value'],
  cgroup_parent: ['--cgroup-parent', 'value'],
  platform: ['--platform', 'value'],
  mac_address: ['--mac-address', 'value'],
  runtime: ['--runtime', 'value'],
  device_cgroup_rules: ['--device-cgroup-rule', 'list'],
};

const DROPPED: Record<string, string> = {
  links: 'services on one network reach each other by name (every service has its name as a network alias)',
  external_links: 'services on one network reach each other by name',
  develop: 'compose watch (development) has no equivalent under systemd',
  attach: 'logs go to the journal',
  credential_spec: 'Windows only',
  isolation: 'Windows only',
  cpu_count: 'Windows only',
  cpu_percent: 'Windows only',
  storage_opt: 'rootless Podman sets no per-container storage options',
};

export function convertService(name: string, given: Obj, ctx: Ctx): void {
  const base: Path = ['services', name];
  const r = ctx.report;
  // a key with no value (`environment:`) says nothing
  const s: Obj = {};
  for (const [k, v] of Object.entries(given)) {
    if (v === null) r.dropped([...base, k], 'empty');
    else s[k] = v;
  }
  const c = new UnitBuilder('Container', ctx.version, r);
  const unitName = `${name}.container`;
  const svcSection = c.service;

  // networks first: they decide on the default network and the aliases
  let networks: string[] = [];
  const aliases = [name];
  const networkMode = str(s.network_mode);
  // another service's network namespace: Quadlet joins a .container unit's (Podman 5.3), with its dependency
  const joined = /^service:(.+)$/.exec(networkMode)?.[1];
  const joins = joined !== undefined && compareVersions(ctx.version, '5.3') >= 0;
  // the host's network, none, or rootless Podman's own user-mode networks (podman-compose takes these too)
  const namespaced = joins || /^(host|none|pasta|slirp4netns)$|^(pasta|slirp4netns):/.test(networkMode);
  if (s.network_mode !== undefined) {
    const p = [...base, 'network_mode'];
    if (joined !== undefined && !Object.hasOwn(ctx.services, joined))
      throw new ComposeError(`${dotted(p)}: no service ${JSON.stringify(joined)}`);
    if (joins) {
      networks = [`${joined}.container`];
      r.mapped(p, `Network=${joined}.container (its network namespace; the unit starts after it)`);
    } else if (joined !== undefined) {
      r.needs(
        p,
        `Podman ${ctx.version} cannot join another unit's network namespace (Network=….container is 5.3): put the services in a pod`,
      );
    } else if (namespaced) {
      networks = [lit(networkMode)];
      r.mapped(p, `Network=${networkMode}`);
    } else if (networkMode === 'bridge' || networkMode === 'default') {
      ctx.usesDefaultNetwork = true;
      r.mapped(p, 'the default network');
    } else r.needs(p, `${networkMode}: sharing another container's namespace needs a pod; put the services in one`);
  } else if (isObj(s.networks) && Object.keys(s.networks).length > 0) {
    for (const [net, opts] of Object.entries(s.networks)) {
      const p = [...base, 'networks', net];
      const ref = net === 'default' ? `${ctx.project}.network` : ctx.networkRefs.get(net);
      if (ref === undefined) throw new ComposeError(`${dotted(p)}: no network ${JSON.stringify(net)} is declared`);
      if (net === 'default') ctx.usesDefaultNetwork = true;
      networks.push(ref);
      r.mapped(p, `Network=${ref}`);
      subkeys(opts, p, ctx, {
        aliases: (x, q) => {
          aliases.push(...(Array.isArray(x) ? x.map(str) : []));
          r.mapped(q, 'NetworkAlias= (Podman gives aliases on every network of the container)');
        },
        ipv4_address: (x, q) => c.put('IP', str(x), q),
        ipv6_address: (x, q) => c.put('IP6', str(x), q),
        priority: (_, q) => r.dropped(q, 'Podman connects networks in the order given'),
        gw_priority: (_, q) => r.needs(q, 'no Quadlet key for the default gateway priority'),
        interface_name: (_, q) => r.needs(q, 'no Quadlet key for the interface name'),
        link_local_ips: (_, q) => r.needs(q, 'no Quadlet key for link-local addresses'),
        mac_address: (x, q) => c.args([`--mac-address=${lit(str(x))}`], q, ''),
        driver_opts: (_, q) => r.needs(q, 'no Quadlet key for per-network driver options'),
      });
    }
  } else ctx.usesDefaultNetwork = true;

  if (networks.length > 0) c.put('Network', networks, [...base, 'networks'], 'Network=');
  if (!namespaced) {
    c.implicit('NetworkAlias', [...new Set(aliases)].map(lit), [...base, 'networks']);
  }

  const handlers: Record<string, (v: unknown, p: Path) => void> = {
    image: (v, p) =>
      s.build === undefined
        ? convertImage(str(v), p, c, ctx)
        : r.mapped(p, `the tag of the built image (${name}.build)`),
    build: (v, p) => convertBuild(name, v, p, s, c, ctx),
    container_name: (v, p) => c.put('ContainerName', lit(str(v)), p),
    hostname: (v, p) => c.put('HostName', lit(str(v)), p),
    command: (v, p) => c.put('Exec', words(v, p).map(lit), p),
    entrypoint: (v, p) => {
      const w = words(v, p);
      // An empty entrypoint (`[]`, `''`, `--entrypoint ""`) clears the image's. `Entrypoint=[]` says so to every
      // Podman: an empty `Entrypoint=` is dropped by the generator before 5.8 (see entrypointForm).
      if (w.length === 0 || (w.length === 1 && w[0] === '')) c.put('Entrypoint', lit('[]'), p);
      else c.put('Entrypoint', lit(w.length === 1 ? w[0]! : JSON.stringify(w)), p);
    },
    environment: (v, p) => {
      const env: Record<string, string> = {};
      for (const [k, x] of Object.entries(isObj(v) ? v : {})) {
        if (x === null || x === undefined) {
          const from = ctx.lookup(k);
          if (from === undefined) r.dropped([...p, k], `${k} has no value and is not set in the environment`);
          else env[k] = from;
        } else env[k] = str(x);
      }
      c.put('Environment', env, p);
    },
    env_file: (v, p) => convertEnvFiles(name, v, p, c, ctx),
    labels: (v, p) => c.put('Label', kvMap(v), p),
    annotations: (v, p) => c.put('Annotation', kvMap(v), p),
    user: (v, p) => {
      const [u, g] = str(v).split(':');
      c.put('User', lit(u!), p);
      if (g) c.put('Group', lit(g), p);
    },
    working_dir: (v, p) => c.put('WorkingDir', lit(str(v)), p),
    read_only: (v, p) => c.put('ReadOnly', v === true, p),
    init: (v, p) => c.put('RunInit', v === true, p),
    cap_add: (v, p) => c.put('AddCapability', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    cap_drop: (v, p) => c.put('DropCapability', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    devices: (v, p) =>
      c.put(
        'AddDevice',
        (Array.isArray(v) ? v : []).map((d) =>
          lit(isObj(d) ? [d.source, d.target, d.permissions].filter((x) => x !== undefined).join(':') : str(d)),
        ),
        p,
      ),
    tmpfs: (v, p) => c.put('Tmpfs', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    sysctls: (v, p) =>
      c.put(
        'Sysctl',
        Object.entries(kvMap(v)).map(([k, x]) => lit(`${k}=${x}`)),
        p,
      ),
    ulimits: (v, p) =>
      c.put(
        'Ulimit',
        Object.entries(isObj(v) ? v : {}).map(([k, x]) =>
          lit(isObj(x) ? `${k}=${str(x.soft)}:${str(x.hard)}` : `${k}=${str(x)}`),
        ),
        p,
      ),
    dns: (v, p) => c.put('DNS', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    dns_search: (v, p) => c.put('DNSSearch', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    dns_opt: (v, p) => c.put('DNSOption', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    extra_hosts: (v, p) =>
      c.put(
        'AddHost',
        Object.entries(kvMap(v)).map(([h, ip]) => lit(`${h}:${ip}`)),
        p,
      ),
    expose: (v, p) => c.put('ExposeHostPort', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    security_opt: (v, p) => convertSecurityOpts(v, p, c, ctx),
    group_add: (v, p) => c.put('GroupAdd', (Array.isArray(v) ? v : [v]).map(str).map(lit), p),
    userns_mode: (v, p) => c.put('UserNS', lit(str(v)), p),
    shm_size: (v, p) => c.put('ShmSize', bytes(v), p),
    mem_limit: (v, p) => c.put('Memory', bytes(v), p),
    pids_limit: (v, p) => c.put('PidsLimit', str(v), p),
    stop_signal: (v, p) => c.put('StopSignal', lit(str(v)), p),
    stop_grace_period: (v, p) => {
      const sec = seconds(v);
      if (sec === undefined) r.needs(p, `${str(v)}: not a duration`);
      else c.put('StopTimeout', sec, p);
    },
    pull_policy: (v, p) => {
      const policy = str(v) === 'if_not_present' ? 'missing' : str(v);
      if (['always', 'missing', 'never', 'newer'].includes(policy)) c.put('Pull', policy, p);
      else if (policy === 'build') r.dropped(p, 'the image comes from its .build unit');
      else r.needs(p, `${policy}: no such pull policy in Podman (a timer running podman pull could do it)`);
    },
    logging: (v, p) =>
      subkeys(v, p, ctx, {
        driver: (x, q) => c.put('LogDriver', lit(str(x)), q),
        options: (x, q) =>
          c.put(
            'LogOpt',
            Object.entries(kvMap(x)).map(([k, o]) => lit(`${k}=${o}`)),
            q,
          ),
      }),
    restart: (v, p) => {
      const [policy, max] = str(v).split(':');
      if (policy === 'no') r.mapped(p, 'systemd restarts nothing by default');
      else if (policy === 'always') {
        svcSection.Restart = 'always';
        r.mapped(p, '[Service] Restart=always');
      } else if (policy === 'unless-stopped') {
        svcSection.Restart = 'always';
        r.mapped(p, '[Service] Restart=always (systemctl stop stops it for good either way)');
      } else if (policy === 'on-failure') {
        svcSection.Restart = 'on-failure';
        if (max) c.unit.StartLimitBurst = max;
        r.mapped(p, `[Service] Restart=on-failure${max ? `, [Unit] StartLimitBurst=${max}` : ''}`);
      } else r.needs(p, `${str(v)}: not a restart policy`);
    },
    healthcheck: (v, p) => convertHealthcheck(v, p, c, ctx),
    ports: (v, p) =>
      joins
        ? r.needs(
            p,
            `a container in ${joined}'s network namespace publishes no ports of its own: publish them on ${joined}`,
          )
        : convertPorts(v, p, c, ctx),
    volumes: (v, p) => convertServiceVolumes(v, p, c, ctx),
    secrets: (v, p) => convertServiceSecrets(v, p, c, ctx),
    configs: (v, p) => convertServiceConfigs(v, p, c, ctx),
    depends_on: (v, p) => convertDependsOn(v, p, c, ctx),
    deploy: (v, p) => convertDeploy(v, p, c, ctx),
    networks: () => undefined, // above
    network_mode: () => undefined, // above
    profiles: (v, p) => r.mapped(p, `enabled by profile ${(v as unknown[]).join(', ')}`),
    extends: (_, p) => r.mapped(p, 'merged into this service'),
    scale: (v, p) =>
      Number(v) <= 1 ? r.mapped(p, 'one container') : r.needs(p, 'a compartment runs one container per service'),
    volumes_from: (_, p) => r.needs(p, 'declare the shared volumes on both services instead'),
    domainname: (_, p) => r.needs(p, 'Podman has no domain name option; set it in the image or the hostname'),
    gpus: (_, p) => r.needs(p, 'GPUs need CDI devices (AddDevice=nvidia.com/gpu=all) set up on the host'),
    post_start: (_, p) => r.needs(p, 'lifecycle hooks: use [Service] ExecStartPost= with podman exec'),
    pre_stop: (_, p) => r.needs(p, 'lifecycle hooks: use [Service] ExecStop= with podman exec'),
    label_file: (_, p) => r.needs(p, 'write the labels in labels:'),
    blkio_config: (_, p) => r.needs(p, 'block I/O limits need cgroup v2 io delegation: PodmanArgs --blkio-weight …'),
  };
  for (const [flag, [podman, kind]] of Object.entries(PODMAN_FLAGS)) {
    handlers[flag] = (v, p) => {
      if (kind === 'bool') {
        if (v === true) c.args([podman], p, '');
        else r.mapped(p, 'the default');
      } else if (kind === 'list') {
        c.args(
          (Array.isArray(v) ? v : [v]).map((x) => `${podman}=${lit(str(x))}`),
          p,
          '',
        );
      } else if (str(v).startsWith('service:')) {
        r.needs(p, `${str(v)}: sharing another service's namespace needs a pod; put the services in one`);
      } else c.args([`${podman}=${lit(str(v))}`], p, '');
    };
  }
  for (const [k, why] of Object.entries(DROPPED)) handlers[k] = (_, p) => r.dropped(p, why);

  for (const [k, v] of Object.entries(s)) checkShape(k, v, [...base, k]);
  subkeys(s, base, ctx, handlers, 'no equivalent quadletman knows');
  if (s.image === undefined && s.build === undefined) {
    throw new ComposeError(`${dotted(base)}: a service needs an image or a build`);
  }
  ctx.hooks?.get(name)?.(c);
  ctx.spec.units[unitName] = c.toSpec('container');
}

type Shape = 'scalar' | 'list' | 'map';

/** The forms the Compose specification allows for a service key (lists of KEY=VALUE were made maps on loading). */
export const SHAPES: Record<string, readonly Shape[]> = {
  ...Object.fromEntries(
    [
      'image',
      'container_name',
      'hostname',
      'user',
      'working_dir',
      'userns_mode',
      'shm_size',
      'mem_limit',
      'pids_limit',
      'stop_signal',
      'stop_grace_period',
      'pull_policy',
      'restart',
      'network_mode',
      'scale',
      'read_only',
      'init',
      'domainname',
      ...Object.keys(PODMAN_FLAGS).filter((k) => PODMAN_FLAGS[k]![1] !== 'list'),
    ].map((k) => [k, ['scalar']]),
  ),
  ...Object.fromEntries(
    ['command', 'entrypoint', 'env_file', 'tmpfs', 'dns', 'dns_search'].map((k) => [k, ['scalar', 'list']]),
  ),
  ...Object.fromEntries(
    [
      'cap_add',
      'cap_drop',
      'devices',
      'ports',
      'volumes',
      'secrets',
      'configs',
      'profiles',
      'group_add',
      'security_opt',
      'dns_opt',
      'expose',
      'device_cgroup_rules',
      'links',
      'external_links',
      'volumes_from',
    ].map((k) => [k, ['list']]),
  ),
  ...Object.fromEntries(
    [
      'environment',
      'labels',
      'annotations',
      'sysctls',
      'extra_hosts',
      'depends_on',
      'networks',
      'ulimits',
      'logging',
      'healthcheck',
      'deploy',
    ].map((k) => [k, ['map']]),
  ),
  build: ['scalar', 'map'],
  extends: ['scalar', 'map'],
};

const shapeOf = (v: unknown): Shape | undefined =>
  Array.isArray(v) ? 'list' : isObj(v) ? 'map' : v === null || v === undefined ? undefined : 'scalar';

/** Refuses a key whose value has a form the specification does not allow (as compose's own validation does). */
function checkShape(key: string, v: unknown, path: Path): void {
  const allowed = SHAPES[key];
  const shape = shapeOf(v);
  if (!allowed || shape === undefined || allowed.includes(shape)) return;
  const what = { scalar: 'a single value', list: 'a list', map: 'a mapping' };
  throw new ComposeError(`${dotted(path)}: must be ${allowed.map((a) => what[a]).join(' or ')}`);
}

function convertBuild(name: string, v: unknown, path: Path, s: Obj, c: UnitBuilder, ctx: Ctx): void {
  const b = isObj(v) ? v : { context: v };
  const r = ctx.report;
  if (compareVersions(ctx.version, '5.2') < 0) {
    r.needs(path, `Podman ${ctx.version} has no .build units (5.2 has): build the image and set image:`);
    return;
  }
  const ctxDir = str(b.context);
  if (/^[a-z]+:\/\/|^git@/.test(ctxDir)) {
    r.needs(path, `${ctxDir}: a remote build context; clone it to a folder the compartment user can read`);
    return;
  }
  const unit = `${name}.build`;
  const bu = new UnitBuilder('Build', ctx.version, r);
  const tag = typeof s.image === 'string' ? s.image : `localhost/${ctx.project}-${name}:latest`;
  bu.put('ImageTag', [lit(tag)], path, `ImageTag=${tag}`);
  subkeys(b, path, ctx, {
    context: (x, p) =>
      bu.put(
        'SetWorkingDirectory',
        lit(str(x)),
        p,
        `SetWorkingDirectory=${str(x)} (the compartment user must read it)`,
      ),
    dockerfile: (x, p) => bu.put('File', lit(str(x)), p),
    dockerfile_inline: (_, p) => r.needs(p, 'write the Dockerfile into the build context'),
    args: (x, p) => bu.put('BuildArg', kvMap(x), p),
    target: (x, p) => bu.put('Target', lit(str(x)), p),
    labels: (x, p) => bu.put('Label', kvMap(x), p),
    network: (x, p) => bu.put('Network', [lit(str(x))], p),
    pull: (x, p) => (x === true ? bu.put('Pull', 'always', p) : r.mapped(p, 'the default')),
    no_cache: (x, p) => (x === true ? bu.args(['--no-cache'], p, '') : r.mapped(p, 'the default')),
    platforms: (_, p) => r.needs(p, 'one platform per build: set Arch= on the .build unit'),
    cache_from: (_, p) => r.dropped(p, 'BuildKit caches do not apply to podman build'),
    cache_to: (_, p) => r.dropped(p, 'BuildKit caches do not apply to podman build'),
    secrets: (_, p) => r.needs(p, 'build secrets: add Secret= to the .build unit with a Podman secret'),
    ssh: (_, p) => r.needs(p, 'SSH agent forwarding during a build has no Quadlet key'),
    additional_contexts: (_, p) => r.needs(p, 'extra build contexts: PodmanArgs --build-context'),
    extra_hosts: (x, p) =>
      bu.args(
        Object.entries(kvMap(x)).map(([h, ip]) => `--add-host=${lit(`${h}:${ip}`)}`),
        p,
        '',
      ),
    shm_size: (x, p) => bu.args([`--shm-size=${bytes(x)}`], p, ''),
    tags: (x, p) => bu.put('ImageTag', (Array.isArray(x) ? x : []).map(str).map(lit), p),
    isolation: (_, p) => r.dropped(p, 'Windows only'),
    privileged: (_, p) => r.needs(p, 'a privileged build has no Quadlet key'),
    ulimits: (_, p) => r.needs(p, 'build ulimits: PodmanArgs --ulimit'),
    entitlements: (_, p) => r.dropped(p, 'BuildKit only'),
    provenance: (_, p) => r.dropped(p, 'BuildKit only'),
    sbom: (_, p) => r.dropped(p, 'BuildKit only'),
  });
  ctx.spec.units[unit] = bu.toSpec('build');
  // the container runs what the build made (its image: names the tag)
  c.main.push(['Image', unit, path]);
}

function convertEnvFiles(name: string, v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  const list = Array.isArray(v) ? v : [v];
  const files: string[] = [];
  list.forEach((e, i) => {
    const p = Array.isArray(v) ? [...path, String(i)] : path;
    const file = isObj(e) ? str(e.path) : str(e);
    const required = !(isObj(e) && e.required === false);
    const text = ctx.readFile(file);
    if (text === undefined) {
      if (required) throw new ComposeError(`${dotted(p)}: ${file}: no such env file`);
      ctx.report.dropped(p, `${file} does not exist (required: false)`);
      return;
    }
    let vars: Record<string, string>;
    try {
      vars = parseEnvFile(text, ctx.lookup);
    } catch (err) {
      throw new ComposeError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const multi = Object.entries(vars).filter(([, x]) => /[\r\n]/.test(x));
    for (const [k] of multi) ctx.report.needs([...p, k], `${k} spans lines, which Podman env files cannot hold`);
    const content = Object.entries(vars)
      .filter(([, x]) => !/[\r\n]/.test(x))
      .map(([k, x]) => `${k}=${x}\n`)
      .join('');
    const managed = `compose/${name}${list.length > 1 ? `-${i + 1}` : ''}.env`;
    ctx.spec.files[managed] = { content, mode: '0600' };
    files.push(managed);
    ctx.report.mapped(p, `the managed file ${managed} (EnvironmentFile=): the variables of ${file}`);
  });
  if (files.length > 0) c.main.push(['EnvironmentFile', files, path]);
}

function convertHealthcheck(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  const h = isObj(v) ? v : {};
  if (h.disable === true) {
    c.put('HealthCmd', 'none', [...path, 'disable']);
  }
  subkeys(h, path, ctx, {
    disable: (x, p) => (x === true ? undefined : ctx.report.mapped(p, 'the default')),
    test: (x, p) => {
      if (h.disable === true) {
        ctx.report.dropped(p, 'the health check is disabled');
        return;
      }
      const cmd = healthCmd(x);
      if (cmd === undefined) ctx.report.needs(p, 'a test is CMD, CMD-SHELL, NONE or a command string');
      else c.put('HealthCmd', cmd, p);
    },
    interval: (x, p) => c.put('HealthInterval', str(x), p),
    timeout: (x, p) => c.put('HealthTimeout', str(x), p),
    retries: (x, p) => c.put('HealthRetries', str(x), p),
    start_period: (x, p) => c.put('HealthStartPeriod', str(x), p),
    start_interval: (_, p) =>
      ctx.report.dropped(p, 'Podman checks at the same interval during the start period (HealthInterval=)'),
  });
}

/** HealthCmd= from a compose test: `["CMD", …]` as a JSON list (exec form), a shell command as it is. */
export function healthCmd(test: unknown): string | undefined {
  if (typeof test === 'string') return test === '' ? undefined : lit(test);
  if (!Array.isArray(test) || test.length === 0) return undefined;
  const [kind, ...rest] = test.map(str);
  if (kind === 'NONE') return 'none';
  if (kind === 'CMD-SHELL' && rest.length > 0) return lit(rest.join(' '));
  if (kind === 'CMD' && rest.length > 0) return lit(JSON.stringify(rest));
  return undefined;
}

function hasHealthcheck(s: Obj | undefined): boolean {
  const h = s?.healthcheck;
  if (!isObj(h) || h.disable === true) return false;
  return h.test !== undefined && healthCmd(h.test) !== 'none';
}

function convertDependsOn(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  for (const [dep, d] of Object.entries(isObj(v) ? v : {})) {
    const p = [...path, dep];
    const spec = isObj(d) ? d : {};
    if (!Object.hasOwn(ctx.services, dep)) {
      ctx.report.dropped(p, `${dep} is not enabled (required: false)`);
      continue;
    }
    const svc = `${dep}.service`;
    const kind = spec.restart === true ? 'BindsTo' : spec.required === false ? 'Wants' : 'Requires';
    c.addUnit(kind, svc);
    c.addUnit('After', svc);
    const condition = str(spec.condition) || 'service_started';
    subkeys(spec, p, ctx, {
      condition: (_, q) => {
        if (condition === 'service_started') ctx.report.mapped(q, `[Unit] ${kind}=${svc} After=${svc}`);
        else if (condition === 'service_healthy') {
          if (!hasHealthcheck(ctx.services[dep])) {
            ctx.report.needs(q, `${dep} has no health check to wait for: give it a healthcheck`);
            return;
          }
          const notify = findKey('Container', 'Notify');
          const since = notify?.valuesSince?.healthy;
          if (since !== undefined && compareVersions(since, ctx.version) > 0) {
            ctx.report.needs(q, `Podman ${ctx.version} cannot wait for health (Notify=healthy is ${since})`);
            return;
          }
          ctx.healthy.add(dep);
          ctx.report.mapped(q, `${dep}.container Notify=healthy; [Unit] ${kind}=${svc} After=${svc}`);
        } else if (condition === 'service_completed_successfully') {
          ctx.oneshot.add(dep);
          ctx.report.mapped(
            q,
            `${dep} runs once (Type=oneshot, RemainAfterExit=yes); [Unit] ${kind}=${svc} After=${svc}`,
          );
        } else ctx.report.needs(q, `${condition}: not a depends_on condition`);
      },
      required: (_, q) => ctx.report.mapped(q, `[Unit] ${kind}=`),
      restart: (_, q) => ctx.report.mapped(q, `[Unit] ${kind}=`),
    });
    if (spec.condition === undefined) ctx.report.mapped(p, `[Unit] ${kind}=${svc} After=${svc}`);
  }
}

function convertPorts(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  (Array.isArray(v) ? v : []).forEach((port, i) => {
    const p = [...path, String(i)];
    let value: string;
    if (typeof port !== 'string' && typeof port !== 'number' && !isObj(port)) {
      ctx.report.needs(p, 'must be [HOST:]CONTAINER[/PROTOCOL] or a mapping');
      return;
    }
    if (isObj(port)) {
      const target = str(port.target);
      const published = str(port.published);
      const ip = str(port.host_ip);
      const proto = str(port.protocol);
      value = `${ip ? `${ip.includes(':') ? `[${ip}]` : ip}:` : ''}${published || ip ? `${published}:` : ''}${target}${proto && proto !== 'tcp' ? `/${proto}` : ''}`;
      subkeys(port, p, ctx, {
        target: () => undefined,
        published: () => undefined,
        host_ip: () => undefined,
        protocol: () => undefined,
        mode: (x, q) =>
          x === 'ingress'
            ? ctx.report.dropped(q, 'Swarm only; published on this host')
            : ctx.report.mapped(q, 'published on this host'),
        name: (_, q) => ctx.report.dropped(q, 'a name for humans only'),
        app_protocol: (_, q) => ctx.report.dropped(q, 'a hint for humans only'),
      });
    } else value = str(port);
    const hostPort = /(?:^|:)(\d+)(?:-\d+)?:\d+(?:-\d+)?(?:\/\w+)?$/.exec(value)?.[1];
    const low = hostPort !== undefined && Number(hostPort) < 1024;
    c.put(
      'PublishPort',
      [lit(value)],
      p,
      `PublishPort=${value}${low ? ' (a rootless user needs net.ipv4.ip_unprivileged_port_start for ports below 1024)' : ''}`,
    );
  });
}

const SHORT_OPTIONS = new Set([
  'ro',
  'rw',
  'z',
  'Z',
  'nocopy',
  'shared',
  'slave',
  'private',
  'rshared',
  'rslave',
  'rprivate',
]);

function volumeSource(src: string, p: Path, ctx: Ctx): string {
  if (src.startsWith('/')) return lit(src);
  const ref = ctx.volumeRefs.get(src);
  if (ref === undefined) throw new ComposeError(`${dotted(p)}: no volume ${JSON.stringify(src)} is declared`);
  return lit(ref);
}

function convertServiceVolumes(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  (Array.isArray(v) ? v : []).forEach((vol, i) => {
    const p = [...path, String(i)];
    if (typeof vol === 'string') {
      const parts = vol.split(':');
      if (parts.length === 1) {
        c.put('Volume', [lit(vol)], p, 'an anonymous volume');
        return;
      }
      const [src, target, opts = ''] = parts;
      const known = (o: string) => SHORT_OPTIONS.has(o) || (ctx.podmanVolumeOptions === true && o !== '');
      const kept = opts.split(',').filter(known);
      const gone = opts.split(',').filter((o) => o !== '' && !known(o));
      const value = `${volumeSource(src!, p, ctx)}:${lit(target!)}${kept.length > 0 ? `:${kept.join(',')}` : ''}`;
      const bind = src!.startsWith('/');
      c.put(
        'Volume',
        [value],
        p,
        `Volume=${value}${bind ? ' (Podman does not create a missing host folder)' : ''}${gone.length > 0 ? `; dropped ${gone.join(',')} (Docker Desktop only)` : ''}`,
      );
      return;
    }
    if (!isObj(vol)) {
      ctx.report.needs(p, 'must be SOURCE:TARGET[:MODE] or a mapping');
      return;
    }
    const type = str(vol.type) || 'volume';
    const target = str(vol.target);
    const opts: string[] = [];
    if (vol.read_only === true) opts.push('ro');
    const known: Record<string, (x: unknown, q: Path) => void> = {
      type: () => undefined,
      source: () => undefined,
      target: () => undefined,
      read_only: () => undefined,
      consistency: (_, q) => ctx.report.dropped(q, 'Docker Desktop only'),
      bind: (x, q) =>
        subkeys(x, q, ctx, {
          propagation: (y, r) => {
            opts.push(str(y));
            ctx.report.mapped(r, '');
          },
          selinux: (y, r) => {
            opts.push(str(y));
            ctx.report.mapped(r, '');
          },
          create_host_path: (y, r) =>
            y === false
              ? ctx.report.mapped(r, 'Podman does not create it')
              : ctx.report.needs(r, 'Podman does not create a missing host folder: create it first'),
          recursive: (_, r) => ctx.report.needs(r, 'no Quadlet key for recursive read-only binds'),
        }),
      volume: (x, q) =>
        subkeys(x, q, ctx, {
          nocopy: (y, r) => {
            if (y === true) opts.push('nocopy');
            ctx.report.mapped(r, '');
          },
          subpath: (_, r) => ctx.report.needs(r, 'a volume subpath needs Mount=type=volume,…,subpath='),
        }),
      tmpfs: (x, q) =>
        subkeys(x, q, ctx, {
          size: (y, r) => {
            opts.push(`size=${bytes(y)}`);
            ctx.report.mapped(r, '');
          },
          mode: (y, r) => {
            opts.push(`mode=${typeof y === 'number' ? y.toString(8) : str(y)}`);
            ctx.report.mapped(r, '');
          },
        }),
    };
    if (type === 'tmpfs') {
      subkeys(vol, p, ctx, known);
      c.put('Tmpfs', [lit(`${target}${opts.length > 0 ? `:${opts.join(',')}` : ''}`)], p);
      return;
    }
    if (type !== 'volume' && type !== 'bind') {
      ctx.report.needs(p, `${type}: not a mount type Podman has`);
      return;
    }
    subkeys(vol, p, ctx, known);
    const source = str(vol.source);
    const value =
      source === ''
        ? lit(target)
        : `${volumeSource(source, p, ctx)}:${lit(target)}${opts.length > 0 ? `:${opts.join(',')}` : ''}`;
    c.put('Volume', [value], p, `Volume=${value}`);
  });
}

/** A service's secrets or configs, each in the long form, with the top-level declaration it names. */
function eachGranted(
  v: unknown,
  path: Path,
  kind: 'secrets' | 'configs',
  ctx: Ctx,
  fn: (long: Obj, source: string, def: unknown, p: Path) => void,
): void {
  const declared = isObj(ctx.model[kind]) ? (ctx.model[kind] as Obj) : {};
  (Array.isArray(v) ? v : []).forEach((item, i) => {
    const p = [...path, String(i)];
    const long: Obj = isObj(item) ? item : { source: item };
    const source = str(long.source);
    if (!Object.hasOwn(declared, source)) {
      throw new ComposeError(`${dotted(p)}: no ${kind.slice(0, -1)} ${JSON.stringify(source)} is declared`);
    }
    fn(long, source, declared[source], p);
  });
}

function convertServiceSecrets(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  eachGranted(v, path, 'secrets', ctx, (long, source, def, p) => {
    const real = (isObj(def) && str(def.name)) || source;
    const target = str(long.target) || source;
    const parts = [real, 'type=mount', `target=${target.startsWith('/') ? target : `/run/secrets/${target}`}`];
    for (const k of ['uid', 'gid'] as const) if (long[k] !== undefined) parts.push(`${k}=${str(long[k])}`);
    if (long.mode !== undefined) {
      parts.push(`mode=${typeof long.mode === 'number' ? `0${long.mode.toString(8)}` : str(long.mode)}`);
    }
    c.put('Secret', [lit(parts.join(','))], p, `Secret=${parts.join(',')}`);
  });
}

function convertServiceConfigs(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  eachGranted(v, path, 'configs', ctx, (long, source, _, p) => {
    if (!Object.hasOwn(ctx.spec.files, configFile(source))) {
      ctx.report.needs(p, `the config ${source} has no content to mount`);
      return;
    }
    const target = str(long.target) || `/${source}`;
    const value = `${FILES_DIR_SPECIFIER}/${configFile(source)}:${lit(target)}:ro,z`;
    subkeys(long, p, ctx, {
      source: () => undefined,
      target: () => undefined,
      uid: (_, q) => ctx.report.dropped(q, 'a bind-mounted file keeps its owner (the compartment user, root inside)'),
      gid: (_, q) => ctx.report.dropped(q, 'a bind-mounted file keeps its group'),
      mode: (_, q) => ctx.report.dropped(q, 'the managed file is 0644, mounted read-only'),
    });
    c.put('Volume', [value], p, `Volume=${value}`);
  });
}

function convertDeploy(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  const r = ctx.report;
  const swarm = (_: unknown, p: Path) => r.dropped(p, 'Swarm only');
  subkeys(v, path, ctx, {
    mode: (x, p) => (x === 'replicated' ? r.mapped(p, 'one container') : r.needs(p, `${str(x)}: Swarm only`)),
    replicas: (x, p) =>
      Number(x) <= 1 ? r.mapped(p, 'one container') : r.needs(p, 'a compartment runs one container per service'),
    endpoint_mode: swarm,
    labels: swarm,
    placement: swarm,
    update_config: swarm,
    rollback_config: swarm,
    restart_policy: (x, p) =>
      subkeys(x, p, ctx, {
        condition: (y, q) => {
          const policy = { none: 'no', 'on-failure': 'on-failure', any: 'always' }[str(y)];
          if (policy === undefined) r.needs(q, `${str(y)}: not a restart condition`);
          else {
            c.service.Restart = policy;
            r.mapped(q, `[Service] Restart=${policy}`);
          }
        },
        delay: (y, q) => {
          c.service.RestartSec = str(y);
          r.mapped(q, '[Service] RestartSec=');
        },
        max_attempts: (y, q) => {
          c.unit.StartLimitBurst = str(y);
          r.mapped(q, '[Unit] StartLimitBurst=');
        },
        window: (y, q) => {
          c.unit.StartLimitIntervalSec = str(y);
          r.mapped(q, '[Unit] StartLimitIntervalSec=');
        },
      }),
    resources: (x, p) =>
      subkeys(x, p, ctx, {
        limits: (y, q) =>
          subkeys(y, q, ctx, {
            memory: (z, s) => c.put('Memory', bytes(z), s),
            cpus: (z, s) => c.args([`--cpus=${str(z)}`], s, 'no Quadlet key for a CPU limit'),
            pids: (z, s) => c.put('PidsLimit', str(z), s),
          }),
        reservations: (y, q) =>
          subkeys(y, q, ctx, {
            memory: (z, s) => c.args([`--memory-reservation=${bytes(z)}`], s, ''),
            cpus: (_, s) => r.dropped(s, 'Podman reserves no CPU; use cpu_shares for a relative weight'),
            devices: (_, s) => r.needs(s, 'devices (GPUs) need CDI devices set up on the host: AddDevice='),
            generic_resources: swarm,
          }),
      }),
  });
}

/** Changes to dependencies (health-gated, one-shot), applied to their units after all were converted. */
export function applyDependencyModes(ctx: Ctx): void {
  const units = ctx.spec.units;
  for (const dep of ctx.healthy) {
    const u = units[`${dep}.container`];
    if (isObj(u) && isObj(u.container)) u.container.Notify = 'healthy';
  }
  for (const dep of ctx.oneshot) {
    const u = units[`${dep}.container`];
    if (isObj(u)) {
      u.service = { ...(isObj(u.service) ? u.service : {}), Type: 'oneshot', RemainAfterExit: true };
      delete (u.service as Obj).Restart;
    }
  }
}

/** security_opt: the options Quadlet has keys for become those keys, the rest `--security-opt`. */
function convertSecurityOpts(v: unknown, path: Path, c: UnitBuilder, ctx: Ctx): void {
  (Array.isArray(v) ? v : [v]).forEach((o, i) => {
    const p = [...path, String(i)];
    const opt = str(o);
    const [name = '', value = ''] = opt.split(/[:=](.*)/s);
    const label = /^(type|level|filetype)[:=](.*)$/s.exec(value);
    if (name === 'no-new-privileges' && (value === '' || value === 'true')) c.put('NoNewPrivileges', true, p);
    else if (name === 'label' && value === 'disable') c.put('SecurityLabelDisable', true, p);
    else if (name === 'label' && label) {
      const key = { type: 'SecurityLabelType', level: 'SecurityLabelLevel', filetype: 'SecurityLabelFileType' }[
        label[1]!
      ];
      c.put(key!, lit(label[2]!), p);
    } else if (name === 'seccomp' && value !== '') c.put('SeccompProfile', lit(value), p);
    else if (name === 'apparmor' && value !== '' && isKeyAvailable('Container', 'AppArmor', ctx.version)) {
      c.put('AppArmor', lit(value), p);
    } else c.args([`--security-opt=${lit(opt.replace(/^(apparmor|seccomp|label):/, '$1='))}`], p, '');
  });
}

/**
 * `image:`. A short name (no registry) is written fully when the target host names its registry (a short-name
 * alias or a search registry in its registries.conf): an apply refuses short names, which an unattended pull
 * cannot resolve. Without one it is kept, and the report says to name the registry.
 */
function convertImage(image: string, p: Path, c: UnitBuilder, ctx: Ctx): void {
  const ref = tryParseReference(image);
  const short = ref !== undefined && ref.registry === undefined && !image.startsWith('localhost/');
  const full = short ? ctx.qualifyImage?.(image) : undefined;
  if (full) {
    c.put('Image', lit(full), p, `Image=${full} (the host's registries.conf names the registry of '${image}')`);
    return;
  }
  c.put('Image', lit(image), p);
  if (short) {
    ctx.report.needs(
      p,
      `'${image}' is a short name: write its registry (registry/name:tag); an apply refuses short names`,
    );
  }
}
