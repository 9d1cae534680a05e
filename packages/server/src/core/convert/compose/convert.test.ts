// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose's ${VAR} syntax is what these tests are about
/**
 * Compose → compartment spec: interpolation, env files, the merge rules, the conversion of each kind of key, the
 * errors, and the report's promise that every key of the input has an entry (for the fixtures and for generated
 * compose files).
 */
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InvalidError } from '../../errors.js';
import { lintRendered } from '../../lint.js';
import { render } from '../../render.js';
import { type ConvertOptions, convertCompose, loadCompose, type ReportEntry } from './convert.js';
import { parseEnvFile } from './dotenv.js';
import { InterpolationError, interpolate } from './interpolate.js';
import { ComposeError, loadYaml, mergeCompose } from './merge.js';
import { SHAPES } from './service.js';
import { composeArb, fixtureOptions } from './test-support.js';

const readText = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);
const vars =
  (m: Record<string, string>) =>
  (n: string): string | undefined =>
    Object.hasOwn(m, n) ? m[n] : undefined;

/** Converts one compose text (plus other files by path) in /p. */
function convert(text: string, more: Partial<ConvertOptions> & { other?: Record<string, string> } = {}) {
  const other = more.other ?? {};
  return convertCompose({
    files: [{ path: '/p/compose.yaml', text }],
    readFile: (p) => other[p],
    environment: {},
    home: '/home/u',
    ...more,
  });
}
const entry = (report: ReportEntry[], path: string) => report.find((e) => e.path === path);
type Section = Record<string, unknown>;
const unit = (r: ReturnType<typeof convert>, name: string) =>
  (r.spec.units as Record<string, { unit: Section; container: Section; service: Section; build: Section }>)[name]!;

/** A literal `$` in compose: `$$`. */
const dollars = (s: string) => s.split('$').join('$$');

describe('interpolation', () => {
  const env = vars({ A: 'a', E: '', N: '1' });
  it.each([
    ['${A}', 'a'],
    ['$A-x', 'a-x'],
    ['${A:-d}', 'a'],
    ['${E:-d}', 'd'],
    ['${E-d}', ''],
    ['${U-d}', 'd'],
    ['${U:-${A}}', 'a'],
    ['${U:-${V:-deep}}', 'deep'],
    ['${A:+x}', 'x'],
    ['${E:+x}', ''],
    ['${E+x}', 'x'],
    ['${U+x}', ''],
    ['$$A', '$A'],
    ['$${A}', '${A}'],
    ['a $ b $1 $-', 'a $ b $1 $-'],
    ['${N}0', '10'],
    ['${A?no}', 'a'],
  ])('%s → %s', (text, expected) => {
    expect(interpolate(text, env).value).toBe(expected);
  });

  it('reports unset variables without a default', () => {
    expect(interpolate('${U} $W ${X:-d}', env)).toEqual({ value: '  d', unset: ['U', 'W'] });
  });

  it('fails for required variables and bad syntax', () => {
    expect(() => interpolate('${U:?set U please}', env)).toThrow(/required variable U is unset or empty: set U please/);
    expect(() => interpolate('${E:?}', env)).toThrow(InterpolationError);
    expect(interpolate('${E?}', env).value).toBe('');
    expect(() => interpolate('${U?}', env)).toThrow(/U is unset/);
    expect(() => interpolate('${A', env)).toThrow(/no closing/);
    expect(() => interpolate('${}', env)).toThrow(/invalid interpolation/);
    expect(() => interpolate('${A/x/y}', env)).toThrow(/invalid interpolation/);
  });

  it('leaves text without $ alone, and $$-escaped text reads back as itself', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(interpolate(s.replaceAll('$', ''), env).value).toBe(s.replaceAll('$', ''));
        expect(interpolate(dollars(s), env).value).toBe(s);
      }),
    );
  });

  it('substitutes values exactly, never interpolating them again', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (value, before, after) => {
        const text = `${dollars(before)}\${V}${dollars(after)}`;
        expect(interpolate(text, vars({ V: value })).value).toBe(`${before}${value}${after}`);
      }),
    );
  });

  it('uses a default when unset (and, with :, when empty)', () => {
    const word = fc.string().map((s) => s.replace(/[$}]/g, ''));
    fc.assert(
      fc.property(word, fc.constantFrom('', 'v'), (d, v) => {
        expect(interpolate(`\${V:-${d}}`, vars({ V: v })).value).toBe(v === '' ? d : v);
        expect(interpolate(`\${V-${d}}`, vars({ V: v })).value).toBe(v);
        expect(interpolate(`\${V-${d}}`, vars({})).value).toBe(d);
      }),
    );
  });
});

describe('booleans written as strings', () => {
  it("reads read_only, init and a volume's read_only from interpolated or quoted strings, as Compose does", () => {
    const r = convert(
      'services:\n  a:\n    image: x\n    read_only: "${RO:-true}"\n    init: "False"\n    volumes: [{type: bind, source: /srv, target: /s, read_only: "1"}]\n',
      { environment: {} },
    );
    const a = unit(r, 'a.container').container;
    expect(a.ReadOnly).toBe(true);
    expect(a.RunInit).toBe(false);
    expect(a.Volume).toEqual(['/srv:/s:ro']);
  });
});

describe('env files', () => {
  it('reads quotes, comments, export and interpolation', () => {
    const text = [
      '# a comment',
      'export A=1',
      "B='lit $A # not a comment'",
      'C="x\\ny $A"',
      'D=plain # comment',
      'E=${A}${MISSING:-z}',
      'F',
      'G="two',
      'lines"',
      '',
    ].join('\n');
    expect(parseEnvFile(text, vars({ F: 'from-env' }))).toEqual({
      A: '1',
      B: 'lit $A # not a comment',
      C: 'x\ny 1',
      D: 'plain',
      E: '1z',
      F: 'from-env',
      G: 'two\nlines',
    });
    expect(() => parseEnvFile('1A=x')).toThrow(/line 1/);
    expect(() => parseEnvFile('A="open')).toThrow(/closing/);
  });
});

describe('merging compose files', () => {
  const merge = (...texts: string[]) =>
    texts.map((t, i) => loadYaml(t, `f${i}`)).reduce((a, b) => mergeCompose(a, b) as Record<string, unknown>, {});

  it('merges mappings, appends sequences, overrides commands, replaces unique resources by target', () => {
    const m = merge(
      'services: {a: {image: x, dns: [1.1.1.1], command: [a, b], ports: ["80:80", "81:81"], volumes: ["v:/data", "w:/w"], environment: {A: "1"}}}',
      'services: {a: {image: y, dns: [8.8.8.8], command: [c], ports: ["80:80"], volumes: ["u:/data"], environment: {B: "2"}}}',
    );
    expect(m).toEqual({
      services: {
        a: {
          image: 'y',
          dns: ['1.1.1.1', '8.8.8.8'],
          command: ['c'],
          ports: ['80:80', '81:81'],
          volumes: ['u:/data', 'w:/w'],
          environment: { A: '1', B: '2' },
        },
      },
    });
  });

  it('knows !reset and !override', () => {
    const m = merge(
      'services: {a: {image: x, ports: ["80:80"], environment: {A: "1", B: "2"}, user: root}}',
      'services: {a: {ports: !override ["90:90"], environment: {A: !reset null}, user: !reset ""}}',
    );
    expect(m).toEqual({ services: { a: { image: 'x', ports: ['90:90'], environment: { B: '2' } } } });
  });

  it('is the identity with an empty file, and mappings merged with themselves stay the same', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    const tree = fc.dictionary(
      fc.string({ minLength: 1 }).filter((k) => !k.startsWith('\u0000') && k !== '__proto__'),
      fc.oneof(
        scalar,
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => k !== '__proto__'),
          scalar,
        ),
      ),
    );
    fc.assert(
      fc.property(tree, (t) => {
        expect(mergeCompose({}, t)).toEqual(t);
        expect(mergeCompose(t, {})).toEqual(t);
        expect(mergeCompose(t, t)).toEqual(t);
      }),
    );
  });

  it('reads merge keys (<<: *fragment)', () => {
    const m = loadYaml('x-log: &log {driver: journald}\nservices: {a: {logging: {<<: *log, options: {tag: a}}}}', 'f');
    expect(m.services).toEqual({ a: { logging: { driver: 'journald', options: { tag: 'a' } } } });
  });

  it('reads YAML 1.1 octal modes', () => {
    expect(loadYaml('mode: 0440\nother: 0o17\nn: 10', 'f')).toEqual({ mode: 0o440, other: 0o17, n: 10 });
  });
});

describe('converting services', () => {
  it('gives every service its name on the default network, and maps depends_on forms', () => {
    const r = convert(`
services:
  web:
    image: nginx
    depends_on:
      db: { condition: service_healthy, restart: true }
      init: { condition: service_completed_successfully }
      cache: { condition: service_started, required: false }
  db:
    image: postgres
    healthcheck: { test: ["CMD", "pg_isready"], interval: 1m30s, start_interval: 2s }
  init: { image: busybox, command: "echo hi" }
  cache: { image: redis }
`);
    expect(r.spec.network).toEqual({});
    expect(unit(r, 'web.container').unit).toEqual({
      BindsTo: ['db.service'],
      After: ['db.service', 'init.service', 'cache.service'],
      Requires: ['init.service'],
      Wants: ['cache.service'],
    });
    expect(unit(r, 'db.container').container).toMatchObject({
      NetworkAlias: ['db'],
      HealthCmd: '["pg_isready"]',
      HealthInterval: '1m30s',
      Notify: 'healthy',
    });
    expect(unit(r, 'init.container').service).toEqual({ Type: 'oneshot', RemainAfterExit: true });
    expect(entry(r.report, 'services.db.healthcheck.start_interval')?.disposition).toBe('dropped');
  });

  it("takes network_mode host, none and rootless Podman's pasta and slirp4netns, without aliases", () => {
    const r = convert(`
services:
  a: { image: x, network_mode: host }
  b: { image: x, network_mode: "pasta:--map-gw" }
  c: { image: x, network_mode: slirp4netns }
  d: { image: x, network_mode: "service:a" }
`);
    expect(unit(r, 'a.container').container).toEqual({ Network: ['host'], Image: 'x' });
    expect(unit(r, 'b.container').container).toEqual({ Network: ['pasta:--map-gw'], Image: 'x' });
    expect(unit(r, 'c.container').container).toEqual({ Network: ['slirp4netns'], Image: 'x' });
    expect(entry(r.report, 'services.b.network_mode')).toMatchObject({ disposition: 'mapped' });
    expect(unit(r, 'd.container').container).toEqual({ Network: ['a.container'], Image: 'x' });
    expect(entry(r.report, 'services.d.network_mode')).toMatchObject({ disposition: 'mapped' });
  });

  it("joins another service's network namespace as Network=<service>.container from Podman 5.3, without ports", () => {
    const text = `
services:
  vpn: { image: x, ports: ["8080:80"] }
  app: { image: y, network_mode: "service:vpn", ports: ["9090:90"] }
`;
    const r = convert(text, { podmanVersion: '5.4' });
    expect(unit(r, 'app.container').container).toEqual({ Network: ['vpn.container'], Image: 'y' });
    expect(entry(r.report, 'services.app.ports')).toMatchObject({
      disposition: 'needs-input',
      note: expect.stringContaining('publish them on vpn'),
    });
    const old = convert(text, { podmanVersion: '5.2' });
    expect(entry(old.report, 'services.app.network_mode')).toMatchObject({
      disposition: 'needs-input',
      note: expect.stringContaining('put the services in a pod'),
    });
    expect(() => convert('services: {a: {image: x, network_mode: "service:ghost"}}')).toThrow(
      /services\.a\.network_mode: no service "ghost"/,
    );
  });

  it('falls back to PodmanArgs for keys the target Podman lacks, and needs input where there is no flag', () => {
    const text = 'services: {a: {image: x, mem_limit: 512MB, stop_signal: SIGINT, build: ./a}}';
    const old = convert(text, { podmanVersion: '5.0' });
    expect(unit(old, 'a.container').container.PodmanArgs).toEqual([
      '--network-alias=a',
      '--memory=512m',
      '--stop-signal=SIGINT',
    ]);
    expect(entry(old.report, 'services.a.mem_limit')?.disposition).toBe('podman-args');
    expect(entry(old.report, 'services.a.build')?.disposition).toBe('needs-input');
    const now = convert(text);
    expect(unit(now, 'a.container').container).toMatchObject({
      Memory: '512m',
      StopSignal: 'SIGINT',
      Image: 'a.build',
    });
    expect(unit(now, 'a.build').build).toMatchObject({ SetWorkingDirectory: '/p/a', ImageTag: ['x'] });
  });

  it('maps security options to their Quadlet keys, the rest to --security-opt', () => {
    const r = convert(
      'services: {a: {image: x, security_opt: ["no-new-privileges:true", "label:disable", "label=type:spc_t", "seccomp=unconfined", "apparmor:p", "mask=/x"]}}',
      { podmanVersion: '5.4' },
    );
    expect(unit(r, 'a.container').container).toMatchObject({
      NoNewPrivileges: true,
      SecurityLabelDisable: true,
      SecurityLabelType: 'spc_t',
      SeccompProfile: 'unconfined',
      PodmanArgs: ['--security-opt=apparmor=p', '--security-opt=mask=/x'],
    });
  });

  it('escapes % and $ in values that land in ExecStart, and leaves data maps to the renderer', () => {
    const r = convert(
      'services: {a: {image: x, command: ["sh", "-c", "echo $$HOME 100%"], environment: {P: "$$5 100%"}}}',
    );
    expect(unit(r, 'a.container').container.Exec).toEqual(['sh', '-c', 'echo $$HOME 100%%']);
    expect(unit(r, 'a.container').container.Environment).toEqual({ P: '$5 100%' });
  });

  it('clears the image entrypoint for entrypoint: [] or an empty string, and keeps it for null', () => {
    for (const v of ['[]', '""', '[""]']) {
      const r = convert(`services: {a: {image: x, entrypoint: ${v}}}`);
      expect(unit(r, 'a.container').container.Entrypoint, v).toBe('[]');
    }
    const none = convert('services: {a: {image: x, entrypoint: null}}');
    expect(unit(none, 'a.container').container.Entrypoint).toBeUndefined();
    expect(entry(none.report, 'services.a.entrypoint')?.disposition).toBe('dropped');
  });

  it('disables a health check with disable: true, whatever its test says', () => {
    const r = convert('services: {a: {image: x, healthcheck: {test: [CMD, "true"], disable: true}}}');
    expect(unit(r, 'a.container').container.HealthCmd).toBe('none');
    expect(entry(r.report, 'services.a.healthcheck.test')?.disposition).toBe('dropped');
  });

  it('makes binds absolute, named volumes Podman volumes, and env files managed files', () => {
    const r = convert(
      `
services:
  a:
    image: x
    volumes: ["./data:/data:ro,cached", "~/in:/in", "v:/v", "/abs:/abs", "/anon"]
    env_file: [.env.a, { path: missing.env, required: false }]
volumes: { v: { driver_opts: { type: tmpfs, device: tmpfs, o: size=10m } } }
`,
      { other: { '/p/.env.a': 'K="v w"\n' } },
    );
    expect(unit(r, 'a.container').container.Volume).toEqual([
      '/p/data:/data:ro',
      '/home/u/in:/in',
      'v:/v',
      '/abs:/abs',
      '/anon',
    ]);
    expect(r.spec.volumes).toEqual({
      v: { kind: 'podman', options: { type: 'tmpfs', device: 'tmpfs', options: 'size=10m' } },
    });
    expect(r.spec.files).toEqual({ 'compose/a-1.env': { content: 'K=v w\n', mode: '0600' } });
    expect(unit(r, 'a.container').container.EnvironmentFile).toEqual(['compose/a-1.env']);
  });

  it('takes --env over the environment over the .env file, and reports where each value came from', () => {
    const r = convert('services: {a: {image: "x:${T}", environment: {U: "${U}", V: "${V}"}}}', {
      env: { T: 'opt' },
      environment: { T: 'env', U: 'env' },
      other: { '/p/.env': 'T=file\nU=file\nV=file\n' },
    });
    expect(unit(r, 'a.container').container.Image).toBe('x:opt');
    expect(r.variables).toEqual([
      { name: 'T', value: 'opt', from: 'option' },
      { name: 'U', value: 'env', from: 'environment' },
      { name: 'V', value: 'file', from: 'env-file' },
    ]);
    expect(entry(r.report, '${V}')?.note).toBe('= "file" (the env file)');
  });

  it('takes a bare environment entry from the project environment, .env included', () => {
    const r = convert('services: {a: {image: x, environment: [FROM_FILE, FROM_ENV, NOWHERE]}}', {
      environment: { FROM_ENV: 'e' },
      other: { '/p/.env': 'FROM_FILE=f\n' },
    });
    expect(unit(r, 'a.container').container.Environment).toEqual({ FROM_FILE: 'f', FROM_ENV: 'e' });
    expect(entry(r.report, 'services.a.environment.NOWHERE')?.disposition).toBe('dropped');
  });

  it('converts services in profiles only when chosen (--profile, else COMPOSE_PROFILES)', () => {
    const text = 'services: {a: {image: x}, b: {image: y, profiles: [debug]}}';
    expect(Object.keys(convert(text, { environment: { COMPOSE_PROFILES: 'x,debug' } }).spec.units as object)).toEqual([
      'a.container',
      'b.container',
    ]);
    expect(Object.keys(convert(text).spec.units as object)).toEqual(['a.container']);
    expect(Object.keys(convert(text, { profiles: ['debug'] }).spec.units as object)).toEqual([
      'a.container',
      'b.container',
    ]);
  });

  it('names the compartment from --project, COMPOSE_PROJECT_NAME, name: or the folder', () => {
    const named = (text: string, more: Partial<ConvertOptions> = {}) => convert(text, more).spec.compartment;
    expect(named('services: {a: {image: x}}')).toBe('p');
    expect(named('name: Shop_2\nservices: {a: {image: x}}')).toBe('shop-2');
    expect(named('name: shop\nservices: {a: {image: x}}', { environment: { COMPOSE_PROJECT_NAME: 'env' } })).toBe(
      'env',
    );
    expect(named('name: shop\nservices: {a: {image: x}}', { project: '9 Lives!' })).toBe('lives');
    expect(() => named('name: "123"\nservices: {a: {image: x}}')).toThrow(/--project/);
  });

  it('resolves extends in the same file and in another', () => {
    const r = convert(
      'services: {base: {image: x, environment: {A: "1"}}, a: {extends: base, environment: {B: "2"}}, b: {extends: {file: other.yaml, service: o}}}',
      { other: { '/p/other.yaml': 'services: {o: {image: z, cap_add: [NET_ADMIN]}}' } },
    );
    expect(unit(r, 'a.container').container).toMatchObject({ Image: 'x', Environment: { A: '1', B: '2' } });
    expect(unit(r, 'b.container').container).toMatchObject({ Image: 'z', AddCapability: ['NET_ADMIN'] });
  });
});

describe('errors name the file and the path', () => {
  it.each([
    ['services: {a: {image: x}\n', /\/p\/compose\.yaml:\d+:\d+: not valid YAML/],
    [
      'services: {a: {image: "${TAG:?give a tag}"}}',
      /\/p\/compose\.yaml: services\.a\.image: required variable TAG.*give a tag/,
    ],
    ['services: {a: {image: x, depends_on: [b]}}', /services\.a\.depends_on: no service "b"/],
    ['services: {a: {image: x, depends_on: [b]}, b: {image: x, depends_on: [a]}}', /a cycle: .*a → b → a|b → a → b/],
    ['services: {a: {extends: b}, b: {extends: a}}', /extends: a cycle/],
    ['services: {a: {image: x, env_file: nope.env}}', /nope\.env: no such env file/],
    ['services: {a: {image: x, volumes: ["undeclared:/x"]}}', /services\.a\.volumes\.0: no volume "undeclared"/],
    ['services: {a: {command: x}}', /services\.a: a service needs an image or a build/],
    ['services: {a: {image: x, command: "echo \'open"}}', /services\.a\.command: cannot be split into words/],
    ['services: {a: {image: x, ports: "80:80"}}', /services\.a\.ports: must be a list/],
    ['services: {a: {image: x, depends_on: [b]}, b: {image: y, profiles: [p]}}', /b is in a profile/],
    ['services: {a: {image: x, read_only: "${RO:-maybe}"}}', /services\.a\.read_only: "maybe" is not a boolean/],
  ])('%s', (text, message) => {
    expect(() => convert(text)).toThrow(ComposeError);
    expect(() => convert(text)).toThrow(message);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The report covers every key

function leaves(v: unknown, path: string[] = []): string[] {
  if (Array.isArray(v)) return v.length === 0 ? [path.join('.')] : v.flatMap((x, i) => leaves(x, [...path, String(i)]));
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    return entries.length === 0 ? [path.join('.')] : entries.flatMap(([k, x]) => leaves(x, [...path, k]));
  }
  return [path.join('.')];
}

function uncovered(model: unknown, report: readonly ReportEntry[]): string[] {
  return leaves(model).filter((leaf) => !report.some((e) => leaf === e.path || leaf.startsWith(`${e.path}.`)));
}

const loadedModel = (opts: ConvertOptions) => loadCompose(opts).model;

/** Every service key whose forms the conversion checks, and a few others (dropped, unknown, extension). */
const SERVICE_KEYS = [...Object.keys(SHAPES), 'develop', 'storage_opt', 'x-ext', 'unheard_of'];

describe('the report', () => {
  it.each(['wiki', 'photos', 'forge'])('covers every key of the %s fixture', (name) => {
    const opts = fixtureOptions(name, readText);
    const { report } = convertCompose(opts);
    expect(uncovered(loadedModel(opts), report)).toEqual([]);
    for (const f of opts.files) {
      const raw = loadYaml(f.text, f.path);
      delete raw.services; // (their leaves are checked in the merged model; these hold !override markers)
      expect(uncovered(raw, report)).toEqual([]);
    }
  });

  it('covers every key of services with values of any form, or refuses them as invalid input (never a crash)', () => {
    const leaf = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null));
    const flat = fc.oneof(
      leaf,
      fc.array(leaf, { maxLength: 3 }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), leaf, { maxKeys: 3 }),
    );
    const nested = fc.oneof(
      flat,
      fc.array(fc.dictionary(fc.constantFrom('target', 'source', 'published', 'type', 'x'), flat), { maxLength: 2 }),
      fc.dictionary(fc.constantFrom('limits', 'resources', 'memory', 'test', 'driver', 'condition', 'a'), flat),
    );
    let converted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...SERVICE_KEYS), nested, (key, value) => {
        const opts: ConvertOptions = {
          files: [{ path: '/p/compose.yaml', text: stringify({ services: { a: { image: 'x', [key]: value } } }) }],
          readFile: () => undefined,
          environment: {},
          home: '/h',
        };
        try {
          const { report } = convertCompose(opts);
          expect(uncovered(loadedModel(opts), report)).toEqual([]);
          converted++;
        } catch (e) {
          if (!(e instanceof InvalidError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
    expect(converted).toBeGreaterThan(100);
  });

  it('covers every key of generated compose files, which convert to valid specs', () => {
    fc.assert(
      fc.property(composeArb, fc.constantFrom('4.4', '4.8', '5.0', '5.4', '6.1'), (text, podmanVersion) => {
        const opts: ConvertOptions = {
          files: [{ path: '/p/compose.yaml', text }],
          readFile: () => undefined,
          environment: {},
          podmanVersion,
        };
        const { report, state } = convertCompose(opts);
        expect(uncovered(loadedModel(opts), report)).toEqual([]);
        // what the target Podman lacks went to PodmanArgs or the report: the linter finds no key too new
        const lint = lintRendered(render(state).files, { podmanVersion });
        expect(lint.reports.flatMap((f) => f.diagnostics.filter((d) => d.severity === 'error'))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('short image names', () => {
  const aliases: Record<string, string> = { nginx: 'registry.example.org/library/nginx' };
  const qualifyImage = (name: string) => {
    const [repo, tag] = name.split(':');
    return aliases[repo!] ? `${aliases[repo!]}${tag ? `:${tag}` : ''}` : undefined;
  };

  it("writes a short name fully when the host's registries.conf names its registry, and says so", () => {
    const r = convert('services:\n  web:\n    image: nginx:1.27\n', { qualifyImage });
    expect(unit(r, 'web.container').container.Image).toBe('registry.example.org/library/nginx:1.27');
    expect(r.report.filter((e) => e.path === 'services.web.image').map((e) => `${e.disposition} ${e.note}`)).toEqual([
      "mapped Image=registry.example.org/library/nginx:1.27 (the host's registries.conf names the registry of 'nginx:1.27')",
    ]);
  });

  it('keeps a short name the host cannot qualify, and the report says an apply refuses it', () => {
    const r = convert('services:\n  web:\n    image: team/app\n', { qualifyImage });
    expect(unit(r, 'web.container').container.Image).toBe('team/app');
    expect(entry(r.report, 'services.web.image')).toBeDefined();
    expect(r.report.filter((e) => e.disposition === 'needs-input').map((e) => e.note)).toContain(
      "'team/app' is a short name: write its registry (registry/name:tag); an apply refuses short names",
    );
  });

  it('leaves full and localhost/ names alone', () => {
    for (const image of ['registry.example.org/a:1', 'localhost/b', 'host:5000/c']) {
      const r = convert(`services:\n  web:\n    image: ${image}\n`, { qualifyImage: () => 'wrong' });
      expect(unit(r, 'web.container').container.Image).toBe(image);
    }
  });
});
