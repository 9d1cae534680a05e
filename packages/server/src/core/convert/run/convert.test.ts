/**
 * podman run → compartment spec: each kind of option maps as the compose key that means the same does (the same
 * unit comes out), names and resources, what needs input, the errors, and the report's promise that every option
 * of the command has an entry, in the command's terms and order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InvalidError } from '../../errors.js';
import type { ReportEntry } from '../common.js';
import { convertCompose } from '../compose/index.js';
import { convertRun } from './convert.js';
import { HANDLERS } from './handlers.js';
import { FLAG_OPTIONS, parseCommand, VALUE_OPTIONS } from './parse.js';
import { runCommandArb } from './test-support.js';
import { splitCommands } from './words.js';

type Section = Record<string, unknown>;
type Unit = { unit?: Section; container: Section; service?: Section };
const units = (r: { spec: Record<string, unknown> }) => r.spec.units as Record<string, Unit>;
const at = (report: ReportEntry[], path: string) => report.filter((e) => e.path === path);
const IMG = 'registry.example.org/library/app:1';

describe('options map as the compose keys that mean the same', () => {
  it.each([
    ['--restart=unless-stopped', { restart: 'unless-stopped' }],
    ['--restart on-failure:4', { restart: 'on-failure:4' }],
    ['--memory 1G', { mem_limit: '1G' }],
    ['--cpus 1.5 --cpu-shares 512 --cpuset-cpus 0-1', { cpus: 1.5, cpu_shares: 512, cpuset: '0-1' }],
    ['-p 8080:80 -p 127.0.0.1:53:53/udp', { ports: ['8080:80', '127.0.0.1:53:53/udp'] }],
    ['-v /srv/a:/a:ro,z -v /b', { volumes: ['/srv/a:/a:ro,z', '/b'] }],
    ['-e A=1 -e B=x=y', { environment: { A: '1', B: 'x=y' } }],
    ['-l a=b --annotation c=d', { labels: { a: 'b' }, annotations: { c: 'd' } }],
    [
      "--health-cmd 'pg_isready -U x' --health-interval 5s --health-retries 3",
      { healthcheck: { test: 'pg_isready -U x', interval: '5s', retries: 3 } },
    ],
    ['--no-healthcheck', { healthcheck: { disable: true } }],
    ['--user 1000:100 -w /app --hostname h', { user: '1000:100', working_dir: '/app', hostname: 'h' }],
    ['--entrypoint /bin/sh', { entrypoint: ['/bin/sh'] }],
    [`--entrypoint '["/bin/sh","-c"]'`, { entrypoint: ['/bin/sh', '-c'] }],
    ['--cap-add A,B --cap-drop C', { cap_add: ['A', 'B'], cap_drop: ['C'] }],
    ['--read-only --init --privileged', { read_only: true, init: true, privileged: true }],
    ['--tmpfs /t --device /dev/fuse', { tmpfs: ['/t'], devices: ['/dev/fuse'] }],
    [
      '--security-opt label=disable --security-opt seccomp=unconfined',
      { security_opt: ['label=disable', 'seccomp=unconfined'] },
    ],
    [
      '--userns keep-id --pull newer --shm-size 64m --pids-limit 9',
      { userns_mode: 'keep-id', pull_policy: 'newer', shm_size: '64m', pids_limit: 9 },
    ],
    [
      '--add-host h:10.0.0.1 --dns 1.1.1.1 --sysctl a.b=1',
      { extra_hosts: ['h:10.0.0.1'], dns: ['1.1.1.1'], sysctls: { 'a.b': '1' } },
    ],
    [
      '--ulimit nofile=1:2 --stop-signal SIGINT --stop-timeout 20',
      { ulimits: { nofile: { soft: 1, hard: 2 } }, stop_signal: 'SIGINT', stop_grace_period: '20s' },
    ],
    ['--log-driver journald --log-opt tag=x', { logging: { driver: 'journald', options: { tag: 'x' } } }],
    ['--network host', { network_mode: 'host' }],
    ['--network none', { network_mode: 'none' }],
    ['--ipc host --pid host --platform linux/arm64', { ipc: 'host', pid: 'host', platform: 'linux/arm64' }],
  ])('%s', (options, compose) => {
    for (const version of ['5.0', '5.4', undefined]) {
      const run = convertRun(`podman run ${options} ${IMG} a 'b c'`, { compartment: 'app', podmanVersion: version });
      const svc = { app: { image: IMG, command: ['a', 'b c'], ...compose } };
      const text = stringify({ name: 'app', services: svc });
      const expected = convertCompose({
        files: [{ path: '/p/compose.yaml', text }],
        readFile: () => undefined,
        podmanVersion: version,
      });
      expect(units(run)['app.container']).toEqual(units(expected)['app.container']);
      expect(run.spec.network).toEqual(expected.spec.network);
    }
  });

  it('every option of the table has a handler, and every handler an option', () => {
    const table = [...VALUE_OPTIONS, ...FLAG_OPTIONS].sort();
    expect(Object.keys(HANDLERS).sort()).toEqual(table);
  });
});

describe('names, resources and what needs input', () => {
  it('names units by --name, else by the image (made unique), and the compartment after the first', () => {
    const r = convertRun(
      `podman run ${IMG}\npodman run registry.example.org/x/app@sha256:ab\npodman run --name Web_1 nginx:1`,
    );
    expect(Object.keys(units(r)).sort()).toEqual(['Web_1.container', 'app-2.container', 'app.container']);
    expect(r.state.id).toBe('app');
    expect(units(r)['Web_1.container']!.container.ContainerName).toBe('Web_1');
    expect(units(r)['app.container']!.container.ContainerName).toBeUndefined();
    expect(at(r.report, 'app')).toEqual([
      {
        path: 'app',
        disposition: 'mapped',
        note: 'podman run (line 1) → app.container (no --name: named after the image)',
      },
    ]);
    expect(at(r.report, 'Web_1')[0]!.note).toBe('podman run (line 3) → Web_1.container');
    expect(convertRun(`podman run ${IMG}`, { compartment: 'My Thing' }).state.id).toBe('my-thing');
  });

  it('makes named volumes, networks and secrets the compartment own, and binds stay absolute', () => {
    const r = convertRun(
      `podman run --name a -v data:/d:U,noexec -v /srv/x:/x --network back --secret pw,type=env,target=PW ${IMG} && podman run --name b -v data:/e --network back ${IMG}`,
    );
    expect(r.spec.volumes).toEqual({ data: { kind: 'podman' } });
    expect(units(r)['back.network']).toEqual({ network: {} });
    expect(r.spec.secrets).toEqual(['pw']);
    expect(units(r)['a.container']!.container).toMatchObject({
      Network: ['back.network'],
      NetworkAlias: ['a'],
      Volume: ['data:/d:U,noexec', '/srv/x:/x'],
      Secret: ['pw,type=env,target=PW'],
    });
    expect(r.spec.network).toBe(false);
    expect(at(r.report, 'secrets.pw')[0]!.disposition).toBe('needs-input');
  });

  it('needs input for relative paths, bare variables, env files, pods, short names and unknown options', () => {
    const r = convertRun(
      'podman run --name a -v ./x:/x -v ~/y:/y --mount type=bind,src=rel,dst=/z -e BARE --env-file e.env --pod p --wat --rootfs nginx',
    );
    expect(units(r)['a.container']!.container.Volume).toBeUndefined();
    expect(units(r)['a.container']!.container.Mount).toBeUndefined();
    const needs = r.report.filter((e) => e.disposition === 'needs-input').map((e) => e.path);
    expect(needs).toEqual([
      'a.--volume.0',
      'a.--volume.1',
      'a.--mount.0',
      'a.--env',
      'a.--env-file',
      'a.--pod',
      'a.--wat',
      'a.--rootfs',
      'a.image',
    ]);
    expect(at(r.report, 'a.--volume.0')[0]!.note).toBe(
      './x: a host path relative to the folder podman ran in, which is not known here: write it absolute',
    );
    expect(at(r.report, 'a.image').map((e) => e.note)).toContain(
      "'nginx' is a short name: write its registry (registry/name:tag); an apply refuses short names",
    );
    expect(at(r.report, 'a.--wat')[0]!.note).toMatch(/^--wat: not an option of podman run that quadletman knows/);
  });

  it('takes the last of a repeated single-valued option, and says the earlier one was dropped', () => {
    const r = convertRun(`podman run --name a --hostname one --hostname two ${IMG}`);
    expect(units(r)['a.container']!.container.HostName).toBe('two');
    expect(at(r.report, 'a.--hostname')).toEqual([
      { path: 'a.--hostname', disposition: 'dropped', note: 'given again at column 36: the last one counts' },
      { path: 'a.--hostname', disposition: 'mapped', note: 'Container HostName=' },
    ]);
  });

  it("networks: the compartment's, host, pasta, another container's (a pod), or refused together", () => {
    const net = (opt: string) => convertRun(`podman run --name a ${opt} ${IMG}`);
    expect(net('--network bridge').spec.network).toEqual({});
    expect(units(net('--network bridge'))['a.container']!.container.Network).toEqual(['a.network']);
    expect(units(net('--network pasta:-T,8080'))['a.container']!.container.Network).toEqual(['pasta:-T,8080']);
    expect(at(net('--network container:b').report, 'a.--network')[0]!.disposition).toBe('needs-input');
    expect(() => net('--network host --network back')).toThrow(
      /^column 36: --network: back cannot be combined with --network host/,
    );
    expect(() => net('--network back --network none')).toThrow(/none cannot be combined with another --network/);
  });

  it('--requires the other containers; the rest needs input', () => {
    const r = convertRun(`podman run --name db ${IMG}\npodman run --name app --requires db,cache ${IMG}`);
    expect(units(r)['app.container']!.unit).toEqual({ Requires: ['db.service'], After: ['db.service'] });
    expect(at(r.report, 'app.--requires')[0]).toMatchObject({
      disposition: 'needs-input',
      note: 'cache: not one of the containers converted here',
    });
  });

  it('falls back to PodmanArgs for what the target Podman lacks, and escapes % and $ for systemd', () => {
    const old = convertRun(`podman run --name a --memory 1g --tz UTC --health-on-failure kill ${IMG} echo '100% $5'`, {
      podmanVersion: '4.4',
    });
    expect(units(old)['a.container']!.container).toMatchObject({
      Timezone: 'UTC',
      PodmanArgs: ['--network-alias=a', '--memory=1g', '--health-on-failure=kill'],
      Exec: ['echo', '100%% $$5'],
    });
    expect(at(old.report, 'a.--memory')[0]).toMatchObject({
      disposition: 'podman-args',
      note: 'Podman 4.4 has no Memory=: PodmanArgs=--memory=1g',
    });
    const now = convertRun(`podman run --name a --memory 1g ${IMG}`, { podmanVersion: '5.5' });
    expect(units(now)['a.container']!.container.Memory).toBe('1g');
  });

  it('clears the image entrypoint with Entrypoint=[], which every Podman passes on', () => {
    for (const opt of [`--entrypoint ''`, '--entrypoint=', `--entrypoint '[]'`, `--entrypoint '[""]'`]) {
      for (const podmanVersion of ['5.4', '6.1'] as const) {
        const r = convertRun(`podman run --name a ${opt} ${IMG}`, { podmanVersion });
        expect(units(r)['a.container']!.container.Entrypoint, `${opt} at ${podmanVersion}`).toBe('[]');
      }
    }
  });

  it('drops what has no place under systemd, saying why', () => {
    const r = convertRun(`podman run --name a -dit --rm --replace --cidfile /x ${IMG}`);
    expect(r.report.filter((e) => e.disposition === 'dropped').map((e) => e.path)).toEqual([
      'a.--detach',
      'a.--interactive',
      'a.--tty',
      'a.--rm',
      'a.--replace',
      'a.--cidfile',
    ]);
    expect(units(r)['a.container']!.container.PodmanArgs).toBeUndefined();
  });
});

describe('errors say what and where', () => {
  it.each([
    ['', {}, /^no podman run command in the text$/],
    ['# only a comment\n', {}, /^no podman run command/],
    [`podman run ${IMG}`, { podmanVersion: 'five' }, /^five: not a Podman version like 5.4$/],
    [
      `podman run --name a ${IMG}\npodman run --name a ${IMG}`,
      {},
      /^line 2, column 12: --name a: the command at line 1, column 1 has that name too$/,
    ],
    [`podman run --name -bad ${IMG}`, {}, /^column 12: --name -bad: not a container name/],
    [`podman run --entrypoint '[1]' ${IMG}`, {}, /^column 12: --entrypoint: not a JSON list of strings$/],
    [`podman run --rm=maybe ${IMG}`, {}, /^column 12: --rm: maybe: expected true or false$/],
    [`podman run -v 'a b:/x' ${IMG}`, {}, /^column 12: -v: a b: not a volume name/],
    [`podman run ${IMG}`, { compartment: '---' }, /^---: no usable compartment name/],
    [`podman run ${'x'.repeat(300_000)}`, {}, /^the text is longer than/],
  ])('%s', (text, options, message) => {
    expect(() => convertRun(text, options)).toThrow(message);
  });
});

describe('the report', () => {
  it('has an entry for every option, in the command’s terms and order', () => {
    fc.assert(
      fc.property(runCommandArb, (text) => {
        const r = convertRun(text);
        const cmd = parseCommand(splitCommands(text)[0]!, false);
        const name = Object.keys(units(r))
          .find((u) => u.endsWith('.container'))!
          .replace(/\.container$/, '');
        for (const o of cmd.options) {
          const label = `${name}.${o.unknown ? o.spelled : `--${o.name}`}`;
          expect(
            r.report.some((e) => e.path === label || e.path.startsWith(`${label}.`)),
            `${label} in ${text}`,
          ).toBe(true);
        }
        for (const e of r.report) expect(e.path).not.toMatch(/^services\./);
        const order = r.report
          .map((e) => e.path)
          .filter(
            (p) => p.startsWith(`${name}.`) && !p.startsWith(`${name}.image`) && !p.startsWith(`${name}.command`),
          );
        const seen = new Map<string, number>();
        const labels = cmd.options.map((o) => {
          const label = `${name}.${o.unknown ? o.spelled : `--${o.name}`}`;
          const n = seen.get(label) ?? 0;
          seen.set(label, n + 1);
          return { label, item: `${label}.${n}` };
        });
        const under = (p: string, l: string) => p === l || p.startsWith(`${l}.`);
        const first = (p: string) => {
          const item = labels.findIndex((l) => under(p, l.item));
          return item >= 0 ? item : labels.findIndex((l) => under(p, l.label));
        };
        const positions = order.map(first);
        expect(positions, text).toEqual([...positions].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});

describe('any text', () => {
  const option = fc.oneof(
    fc.constantFrom(...[...VALUE_OPTIONS, ...FLAG_OPTIONS].map((o) => `--${o}`), '-p', '-v', '-e', '-dit', '--', '-x'),
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      'a:b',
      '/x:/y:ro',
      'data:/d',
      './r:/r',
      'k=v',
      'host',
      'container:x',
      'n:alias=a,ip=1.2.3.4',
      '[1]',
      '"q"',
      "'s'",
      '\\',
      '$x',
      ';',
      '&&',
      '\n',
    ),
  );
  it('converts, or is refused as invalid input naming the place (never a crash)', () => {
    fc.assert(
      fc.property(
        fc.array(option, { maxLength: 12 }),
        fc.constantFrom('podman run', 'docker create', 'podman'),
        (words, head) => {
          const text = `${head} ${words.join(' ')} registry.example.org/a:1`;
          try {
            const r = convertRun(text);
            expect(r.report.length).toBeGreaterThan(0);
          } catch (err) {
            expect(err, text).toBeInstanceOf(InvalidError);
            expect((err as Error).message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
