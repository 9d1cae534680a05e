import { readFileSync } from 'node:fs';
import { fromUnitFile, parseUnitFile } from '@quadletman/quadlet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidError } from './errors.js';
import { render } from './render.js';
import { checkSpec, parseSpecText, specToYaml, toSpec, validateSpec } from './spec.js';
import { specArb } from './test-support/arbitraries.js';
import { BLOG_YAML, minimal } from './test-support/specs.js';
import { unescapeDollar, unescapePercent } from './values.js';

const issuesOf = (input: unknown) => checkSpec(input).issues;
const withContainer = (container: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  compartment: 'web',
  units: { 'web.container': { container: { image: 'docker.io/library/nginx', ...container }, ...extra } },
});
const MB = 'x'.repeat(1024 * 1024);

describe('the spec', () => {
  it('reads the example spec', () => {
    const s = parseSpecText(BLOG_YAML);
    expect(s.id).toBe('blog');
    expect(s.podmanVersion).toBe('5.4');
    expect(Object.keys(s.units)).toEqual([
      'app.pod',
      'backup.timer',
      'db.container',
      'legacy.container',
      'sidecar.container',
      'web.container',
    ]);
    const web = s.units['web.container'];
    expect(web?.format === 'model' && web.model).toMatchObject({
      type: 'container',
      container: { publishPort: ['8080:80'], exec: ['sleep', 'infinity'], environmentFile: ['web.env'] },
      service: { restart: 'on-failure' },
      extra: [['Container', 'SecurityLabelDisable', 'true']],
    });
    expect(s.volumes).toEqual({ cache: { kind: 'podman', options: { driver: 'local' } }, data: { kind: 'host' } });
    expect(s.files['web.env']).toEqual({ content: 'A=1\n', mode: 0o600, in: 'files' });
    expect(s.probes[1]).toEqual({
      name: 'web',
      type: 'http',
      port: 8080,
      host: '127.0.0.1',
      path: '/',
      scheme: 'http',
      expectStatus: 200,
      timeoutMs: 5000,
    });
  });

  it('the example in SPEC.md is valid', () => {
    const md = readFileSync(new URL('./SPEC.md', import.meta.url), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(md)?.[1];
    expect(yaml).toBeDefined();
    const s = parseSpecText(yaml!, 'SPEC.md');
    expect(Object.keys(s.units)).toEqual([
      'backup.timer',
      'legacy.container',
      'tick.service',
      'web.container',
      'web.socket',
    ]);
    expect(render(s).files.size).toBe(11); // with blog.target
    expect(s.routes.map((r) => r.path)).toEqual(['/', '/api']);
  });

  it('accepts JSON and Quadlet key spellings', () => {
    const s = parseSpecText(
      JSON.stringify(withContainer({ PublishPort: ['80:80'], ContainerName: 'w', Sysctl: ['net.ipv4.ip_forward=1'] })),
    );
    const u = s.units['web.container'];
    expect(u?.format === 'model' && u.model).toMatchObject({
      container: { publishPort: ['80:80'], containerName: 'w' },
      extra: [['Container', 'Sysctl', 'net.ipv4.ip_forward=1']],
    });
  });

  it('toSpec gives back a spec that validates to the same state', () => {
    const s = parseSpecText(BLOG_YAML);
    expect(validateSpec(toSpec(s))).toEqual(s);
    expect(parseSpecText(specToYaml(s))).toEqual(s);
    const tuples = validateSpec(
      withContainer(
        {},
        {
          extra: [
            ['Service', 'KillSignal', 'SIGINT'],
            ['Unit', 'ConditionPathExists', '/x'],
          ],
        },
      ),
    );
    expect(validateSpec(toSpec(tuples))).toEqual(tuples);
    fc.assert(
      fc.property(specArb, (spec) => {
        const state = validateSpec(spec);
        expect(validateSpec(JSON.parse(JSON.stringify(toSpec(state))))).toEqual(state);
        expect(parseSpecText(specToYaml(state))).toEqual(state);
      }),
      { numRuns: 50 },
    );
  });

  it('writes strings with lines of only blanks so that they read back exactly', () => {
    // found by the property above: a block scalar turned ' \n' into '\n'
    const state = validateSpec(withContainer({ exec: [' \n', ' ', 'a\n \t\nb\n'] }));
    expect(parseSpecText(specToYaml(state))).toEqual(state);
  });

  it('reports every problem with its path', () => {
    const issues = issuesOf({
      compartment: 'Bad_Id',
      units: {
        'web.container': { container: { image: 'a\nb', publishPort: ['8080:80', ''], Imagee: 'x' }, servce: {} },
        'x.mount': { text: '' },
      },
      extra: 1,
    });
    expect(issues.map((i) => i.path)).toContain('compartment');
    const top = checkSpec({ compartment: 'web', units: {}, nope: 1 }).issues;
    expect(top).toEqual([{ path: '', message: expect.stringMatching(/nope/) }]);
    const units = checkSpec({
      compartment: 'web',
      units: {
        'web.container': { container: { image: 'a\nb', publishPort: ['8080:80', ''], Imagee: 'x' }, servce: {} },
        'x.mount': { text: '' },
      },
    }).issues;
    expect(units).toEqual(
      expect.arrayContaining([
        { path: 'units["web.container"].container.image', message: expect.stringMatching(/line break/) },
        { path: 'units["web.container"].container.publishPort[1]', message: expect.stringMatching(/empty/) },
        { path: 'units["web.container"].container.Imagee', message: expect.stringMatching(/did you mean "Image"/) },
        { path: 'units["web.container"].servce', message: expect.stringMatching(/unknown property/) },
        { path: 'units["x.mount"]', message: expect.stringMatching(/Quadlet units/) },
      ]),
    );
    expect(() =>
      validateSpec({ compartment: 'web', units: { 'web.container': { container: { image: 'a\nb' } } } }),
    ).toThrow(InvalidError);
    try {
      validateSpec({ compartment: 'web', units: { 'web.container': { container: { image: 'a\nb' } } } });
    } catch (e) {
      expect((e as InvalidError).message).toContain('units["web.container"].container.image: a value cannot contain');
      expect((e as InvalidError).details?.issues).toHaveLength(1);
    }
  });

  it('refuses names that collide with generated files', () => {
    expect(issuesOf({ compartment: 'web', units: { 'web.network': { network: {} } } })).toEqual([
      { path: 'network', message: expect.stringMatching(/web.network, which units\["web.network"\]/) },
    ]);
    expect(issuesOf({ compartment: 'web', network: false, units: { 'web.network': { network: {} } } })).toEqual([]);
    expect(
      issuesOf({
        compartment: 'web',
        units: { 'b.timer': { timer: {}, job: { container: { image: 'x' } } }, 'b.container': { container: {} } },
      }).map((i) => i.path),
    ).toEqual(['units["b.timer"].job']);
    expect(
      issuesOf({ compartment: 'web', units: { 'd.volume': { volume: {} } }, volumes: { d: { kind: 'podman' } } }),
    ).toHaveLength(1);
  });

  it('reports YAML syntax errors and duplicate keys with line numbers', () => {
    expect(() => parseSpecText('compartment: web\ncompartment: x\n', 'app.yaml')).toThrow(/app.yaml:2:1/);
    expect(() => parseSpecText('units: [\n', 'app.yaml')).toThrow(/not valid YAML/);
  });

  it('never takes passwords', () => {
    expect(
      issuesOf({ compartment: 'web', registries: [{ registry: 'docker.io', username: 'bob', password: 'hunter2' }] }),
    ).toEqual([{ path: 'registries[0].password', message: expect.stringMatching(/never part of a spec/) }]);
  });
});

// Hostile input: each row is refused with a message at its path, or rendered so that the library's parser
// reads back exactly the intended value.
type Row = [
  label: string,
  spec: unknown,
  expected: { path: string; message: RegExp } | ((files: Map<string, string>) => void),
];

const unitText = (files: Map<string, string>, name = 'web.container') =>
  files.get(`.config/containers/systemd/${name}`) ?? '';
const containerModel = (files: Map<string, string>) => fromUnitFile('container', parseUnitFile(unitText(files)));
const envBack = (files: Map<string, string>, key: string) => {
  const v = containerModel(files).container.environment?.[unescapeDollar(key)];
  return v === undefined ? undefined : unescapePercent(unescapeDollar(v));
};
const envIs = (key: string, value: string) => (files: Map<string, string>) => expect(envBack(files, key)).toBe(value);
const execIs = (words: string[]) => (files: Map<string, string>) =>
  expect(containerModel(files).container.exec).toEqual(words);
const refused = (path: string, message: RegExp) => ({ path, message });
const env = (value: string) => withContainer({ environment: { V: value } });
const W = 'units["web.container"]';

const HOSTILE: Row[] = [
  ['newline in an environment value', env('a\nb'), envIs('V', 'a\nb')],
  ['carriage return in an environment value', env('a\rb'), envIs('V', 'a\rb')],
  ['NUL in an environment value', env('a\0b'), refused(`${W}.container.environment.V`, /NUL/)],
  ['% in an environment value', env('100% %h %%'), envIs('V', '100% %h %%')],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} is the point
  ['$ in an environment value', env('${HOME} $USER $$'), envIs('V', '${HOME} $USER $$')],
  ['quotes and backslashes', env(`"a" 'b' \\c \\`), envIs('V', `"a" 'b' \\c \\`)],
  ['RTL and emoji', env('\u202eשלום 👩‍👩‍👧 é'), envIs('V', '\u202eשלום 👩‍👩‍👧 é')],
  ['a 1 MB environment value', env(MB), refused(`${W}.container.environment.V`, /too long/)],
  [
    '= in an environment name',
    withContainer({ environment: { 'A=B': 'x' } }),
    refused(`${W}.container.environment["A=B"]`, /"="/),
  ],
  [
    'newline in an environment name',
    withContainer({ environment: { 'A\nB': 'x' } }),
    refused(`${W}.container.environment["A\\nB"]`, /whitespace/),
  ],
  [
    'newline in the image',
    withContainer({ image: 'nginx\nExecStartPre=/bin/rm -rf /' }),
    refused(`${W}.container.image`, /line break/),
  ],
  [
    'carriage return in the image',
    withContainer({ image: 'nginx\r' }),
    refused(`${W}.container.image`, /carriage return/),
  ],
  ['NUL in the image', withContainer({ image: 'ng\0inx' }), refused(`${W}.container.image`, /NUL/)],
  [
    'a % that starts no specifier (systemd keeps it)',
    withContainer({ image: 'nginx%', Tmpfs: '/run:size=50%' }, { extra: [['Service', 'CPUQuota', '50%']] }),
    (files) => {
      expect(containerModel(files).container.image).toBe('nginx%');
      expect(unitText(files)).toContain('Tmpfs=/run:size=50%\n');
      expect(unitText(files)).toContain('CPUQuota=50%\n');
    },
  ],
  ['a % before a digit', withContainer({ image: 'nginx%1' }), refused(`${W}.container.image`, /"%1"/)],
  [
    'an unknown specifier',
    withContainer({ image: 'nginx%z' }),
    refused(`${W}.container.image`, /"%z" is not a systemd specifier/),
  ],
  ['a 1 MB image', withContainer({ image: MB }), refused(`${W}.container.image`, /too long/)],
  ['a trailing backslash', withContainer({ image: 'nginx\\' }), refused(`${W}.container.image`, /continue the line/)],
  [
    'newline in a publishPort item',
    withContainer({ publishPort: ['80:80', '1:1\nPodmanArgs=--privileged'] }),
    refused(`${W}.container.publishPort[1]`, /line break/),
  ],
  [
    'newline in an Exec word',
    withContainer({ exec: ['sh', '-c', 'echo a\necho b'] }),
    execIs(['sh', '-c', 'echo a\necho b']),
  ],
  ['quotes in Exec words', withContainer({ exec: ['printf', `"%%s" '\\n'`] }), execIs(['printf', `"%%s" '\\n'`])],
  ['NUL in an Exec word', withContainer({ exec: ['a\0'] }), refused(`${W}.container.exec[0]`, /NUL/)],
  ['an empty Exec word', withContainer({ exec: ['a', ''] }), refused(`${W}.container.exec[1]`, /empty/)],
  ['emoji in an Exec word', withContainer({ exec: ['echo', '👩‍👩‍👧 שלום'] }), execIs(['echo', '👩‍👩‍👧 שלום'])],
  [
    'newline in a description',
    withContainer({}, { unit: { description: 'a\nb' } }),
    refused(`${W}.unit.description`, /line break/),
  ],
  [
    'newline in a strv word',
    withContainer({}, { install: { wantedBy: ['a\nb.target'] } }),
    refused(`${W}.install.wantedBy[0]`, /line break/),
  ],
  [
    'newline in an extra key value',
    withContainer({ Sysctl: 'a=1\nb' }),
    refused(`${W}.container.Sysctl`, /line break/),
  ],
  [
    'an injected key name',
    withContainer({ 'Image\nExecStartPre': 'x' }),
    refused(`${W}.container["Image\\nExecStartPre"]`, /unknown Container key/),
  ],
  [
    'NUL in raw unit text',
    { compartment: 'web', units: { 'a.container': { text: '[Container]\0' } } },
    refused('units["a.container"].text', /NUL/),
  ],
  [
    'a 1 MB raw unit',
    { compartment: 'web', units: { 'a.container': { text: `#${MB}` } } },
    refused('units["a.container"].text', /too long/),
  ],
  [
    '../ in a unit name',
    { compartment: 'web', units: { '../x.container': { container: {} } } },
    refused('units["../x.container"]', /invalid unit file name/),
  ],
  [
    'an absolute unit name',
    { compartment: 'web', units: { '/etc/x.container': { container: {} } } },
    refused('units["/etc/x.container"]', /invalid unit file name/),
  ],
  [
    'a newline in a unit name',
    { compartment: 'web', units: { 'a\nb.container': { container: {} } } },
    refused('units["a\\nb.container"]', /invalid unit file name/),
  ],
  [
    '% in a unit name',
    { compartment: 'web', units: { 'a%n.container': { container: {} } } },
    refused('units["a%n.container"]', /invalid unit file name/),
  ],
  [
    'emoji in a unit name',
    { compartment: 'web', units: { '👩.container': { container: {} } } },
    refused('units["👩.container"]', /invalid unit file name/),
  ],
  [
    '../ in a file path',
    { compartment: 'web', files: { '../../.ssh/authorized_keys': 'x' } },
    refused('files["../../.ssh/authorized_keys"]', /".." segments/),
  ],
  [
    'an absolute file path',
    { compartment: 'web', files: { '/etc/passwd': 'x' } },
    refused('files["/etc/passwd"]', /relative/),
  ],
  [
    'a hidden file path',
    { compartment: 'web', files: { '.bashrc': 'x' } },
    refused('files[".bashrc"]', /not start with \./),
  ],
  ['a newline in a file path', { compartment: 'web', files: { 'a\nb': 'x' } }, refused('files["a\\nb"]', /segment/)],
  ['NUL in file content', { compartment: 'web', files: { 'a.env': 'A=\0' } }, refused('files["a.env"].content', /NUL/)],
  [
    'a setuid file mode',
    { compartment: 'web', files: { 'a.env': { content: '', mode: 0o4755 } } },
    refused('files["a.env"].mode', /setuid/),
  ],
  ['../ in a volume name', { compartment: 'web', volumes: { '../x': {} } }, refused('volumes["../x"]', /volume name/)],
  ['a / in a secret name', { compartment: 'web', secrets: ['a/b'] }, refused('secrets[0]', /secret name/)],
  [
    'a newline in a compartment description',
    { compartment: 'web', description: 'a\nb' },
    refused('description', /control/),
  ],
  ['../ as compartment id', { compartment: '../web' }, refused('compartment', /lowercase letter/)],
  [
    '__proto__ as a unit name',
    JSON.parse('{"compartment":"w","units":{"__proto__":{"container":{}}}}'),
    refused('units.__proto__', /"__proto__" is not allowed/),
  ],
  [
    '__proto__ as an environment name',
    JSON.parse('{"compartment":"w","units":{"a.container":{"container":{"environment":{"__proto__":"x"}}}}}'),
    refused('units["a.container"].container.environment.__proto__', /"__proto__" is not allowed/),
  ],
  [
    // found by the hostile-input suite: it was stored as U+FFFD
    'a lone surrogate in a registry user name',
    { compartment: 'web', registries: [{ registry: 'quay.io', username: 'bob\ud800' }] },
    refused('registries[0].username', /lone UTF-16 surrogate/),
  ],
  [
    'a space in a probe path',
    { compartment: 'web', probes: [{ name: 'p', type: 'http', port: 80, path: '/a b' }] },
    refused('probes[0].path', /printable/),
  ],
];

describe('hostile input', () => {
  it.each(HOSTILE)('%s', (_label, spec, expected) => {
    const { state, issues } = checkSpec(spec);
    if (typeof expected === 'function') {
      expect(issues).toEqual([]);
      expected(render(state!).files);
    } else {
      expect(state).toBeUndefined();
      expect(issues).toContainEqual({ path: expected.path, message: expect.stringMatching(expected.message) });
    }
  });

  it('a 1 MB config file is accepted up to the limit and refused past it', () => {
    const fits = validateSpec({ compartment: 'web', files: { 'big.conf': MB } });
    expect(render(fits).files.get('.config/quadletman/files/big.conf')).toBe(MB);
    expect(issuesOf({ compartment: 'web', files: { 'big.conf': `${MB}x` } })).toEqual([
      { path: 'files["big.conf"].content', message: expect.stringMatching(/too long/) },
    ]);
  });

  it('random literal data in environment values always reads back exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        const { state, issues } = checkSpec(env(value));
        if (value.includes('\0') || /[\ud800-\udfff]/.test(value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) {
          expect(issues.length).toBeGreaterThan(0);
          return;
        }
        expect(issues).toEqual([]);
        expect(envBack(render(state!).files, 'V')).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('minimal spec', () => {
    expect(validateSpec(minimal()).units['app.container']).toBeDefined();
  });
});

describe('image pins and update modes', () => {
  const DIGEST = `sha256:${'a'.repeat(64)}`;
  const REPO = 'registry.example.test:5000/demo/web';
  it('reads pin and updates on a container and renders the pinned digest as its Image=', () => {
    const s = validateSpec(withContainer({ image: `${REPO}:v1` }, { pin: DIGEST, updates: 'apply' }));
    expect(s.units['web.container']).toMatchObject({ format: 'model', pin: DIGEST, updates: 'apply' });
    const text = render(s).files.get('.config/containers/systemd/web.container')!;
    expect(text).toContain(`Image=${REPO}@${DIGEST}\n`);
    expect(parseSpecText(specToYaml(s))).toEqual(s);
  });
  it('keeps `pin: digest` (resolved at apply) and renders the name as written until then', () => {
    const s = validateSpec(withContainer({ image: `${REPO}:v1` }, { pin: 'digest' }));
    expect(s.units['web.container']).toMatchObject({ pin: 'digest' });
    expect(render(s).files.get('.config/containers/systemd/web.container')).toContain(`Image=${REPO}:v1\n`);
  });
  it('refuses pins of what no registry serves, bad digests and unknown modes, saying where', () => {
    const paths = (input: unknown) => issuesOf(input).map((i) => `${i.path}: ${i.message}`);
    expect(paths(withContainer({ image: 'localhost/web:1' }, { pin: 'digest' }))[0]).toMatch(
      /^units\["web\.container"\]\.pin: pins the image of a registry/,
    );
    expect(paths(withContainer({ image: `${REPO}@${DIGEST}` }, { pin: 'digest' }))[0]).toContain('no digest');
    expect(paths(withContainer({ image: `${REPO}:v1` }, { pin: 'sha256:abc' }))[0]).toContain('64 hex digits');
    expect(paths(withContainer({ image: `${REPO}:v1` }, { updates: 'always' }))[0]).toMatch(
      /updates: must be "notify" or "apply"/,
    );
    expect(
      issuesOf({ compartment: 'web', units: { 'data.volume': { volume: {}, pin: 'digest' } } })[0]!.message,
    ).toContain('unknown property');
  });
});

describe('helper users: uidMap, gidMap and volume owners', () => {
  const paths = (input: unknown) => issuesOf(input).map((i) => `${i.path}: ${i.message}`);
  const unit = (files: Map<string, string>) => files.get('.config/containers/systemd/web.container')!;
  const maps = (text: string, key: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${key}=`))
      .map((l) => l.slice(key.length + 1));

  it('renders a full UIDMap/GIDMap block: every id 0..65535 once, the helper ids on lines of their own', () => {
    const s = validateSpec({
      ...withContainer({ user: '999:999', volume: ['data:/data'] }, { uidMap: [999, 33] }),
      volumes: { data: { owner: 999 } },
    });
    expect(s.units['web.container']).toMatchObject({ uidMap: [33, 999] });
    expect(s.volumes.data).toEqual({ kind: 'host', owner: 999 });
    const r = render(s);
    const uid = maps(unit(r.files), 'UIDMap');
    expect(uid).toEqual(['0:0:1', '1:1:32', '33:33:1', '34:34:965', '999:999:1', '1000:1000:64536']);
    expect(maps(unit(r.files), 'GIDMap')).toEqual(uid);
    const entries = uid.map((e) => e.split(':').map(Number) as [number, number, number]);
    expect(entries.every(([c, h]) => c === h)).toBe(true);
    expect(entries.reduce((n, [, , k]) => n + k, 0)).toBe(65536);
    expect(r.helperIds).toEqual([33, 999]);
    expect(r.hostVolumes).toEqual([expect.objectContaining({ name: 'data', owner: 999 })]);
    expect(parseSpecText(specToYaml(s))).toEqual(s);
    expect(validateSpec(toSpec(s))).toEqual(s);
  });

  it('a gidMap of its own; a volume owner alone makes a helper user too', () => {
    const s = validateSpec({
      ...withContainer({}, { uidMap: [1000], gidMap: [1000, 100] }),
      volumes: { logs: { kind: 'host', owner: 33 }, plain: {} },
    });
    const r = render(s);
    expect(maps(unit(r.files), 'GIDMap')).toEqual([
      '0:0:1',
      '1:1:99',
      '100:100:1',
      '101:101:899',
      '1000:1000:1',
      '1001:1001:64535',
    ]);
    expect(r.helperIds).toEqual([33, 100, 1000]);
    expect(r.hostVolumes.find((v) => v.name === 'plain')).not.toHaveProperty('owner');
  });

  it('refuses bad ids, a container that sets its own user namespace, and names Linux cannot have, saying where', () => {
    expect(paths(withContainer({}, { uidMap: [0] }))[0]).toMatch(
      /uidMap\[0\]: must be an id inside the container, 1\.\.65535/,
    );
    expect(paths(withContainer({}, { uidMap: [5, 5] }))[0]).toMatch(/uidMap\[1\]: 5 is listed twice/);
    expect(paths(withContainer({}, { uidMap: 'all' }))[0]).toMatch(/uidMap: must be a list of 1 to 64 ids/);
    expect(paths(withContainer({}, { gidMap: [70000] }))[0]).toMatch(/gidMap\[0\]: must be an id inside the container/);
    expect(paths(withContainer({ userNS: 'keep-id' }, { uidMap: [999] }))[0]).toMatch(
      /uidMap: quadletman writes this container's user namespace \(UIDMap=\/GIDMap=\); remove UserNS=/,
    );
    expect(
      paths({
        ...withContainer({}, { uidMap: [999] }),
        units: {
          'web.container': { container: { image: 'x' }, uidMap: [9], extra: [['Container', 'UIDMap', '0:0:1']] },
        },
      })[0],
    ).toMatch(/remove UIDMap=/);
    expect(paths({ compartment: 'web', units: {}, volumes: { d: { owner: -1 } } })[0]).toMatch(
      /volumes\.d\.owner: must be the id inside the container/,
    );
    expect(paths({ compartment: 'web', units: {}, volumes: { d: { kind: 'podman', owner: 5 } } })[0]).toMatch(
      /volumes\.d\.owner: a Podman volume's owner/,
    );
    const long = 'a'.repeat(27);
    expect(paths({ compartment: long, units: {}, volumes: { d: { owner: 999 } } })[0]).toMatch(
      new RegExp(`volumes\\.d\\.owner: the helper user qm-${long}-999 would be longer than Linux's 32 characters`),
    );
    expect(issuesOf({ compartment: long, units: {}, volumes: { d: { owner: 9 } } })).toEqual([]);
  });
});
