import { parseBundle } from '@quadletman/quadlet';
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidError } from '../errors.js';
import { parseSpecText } from '../spec.js';
import { rebaseHostVolumes } from './bundles.js';
import { EVERY_TYPE_YAML, setupBundles } from './bundles.test-support.js';
import { adoptFiles } from './bundles-adopt.js';
import { readBundle } from './bundles-format.js';

const Q = '.config/containers/systemd';
const apply = { apply: { actor: 'test' } };

async function withEvery() {
  const t = setupBundles();
  const r = await t.compartments.applyState(parseSpecText(EVERY_TYPE_YAML), { actor: 'test', create: true });
  expect(r.outcome, r.message).toBe('applied');
  return t;
}

describe('export', () => {
  it('writes every Quadlet unit type as a part Podman reads, and the rest in the extension', async () => {
    const t = await withEvery();
    const e = t.bundles.export('every');
    const podman = parseBundle(e.text);
    expect(podman.diagnostics).toEqual([]);
    expect(podman.units.map((u) => u.name)).toEqual([
      'app.kube',
      'app.pod',
      'backup.container',
      'base.image',
      'built.build',
      'cache.volume',
      'every.network',
      'extra.network',
      'named.volume',
      'side.container',
      'thing.artifact',
      'web.container',
    ]);
    expect(e.units).toEqual(podman.units.map((u) => u.name));
    expect(e.extension).toEqual({
      files: ['Containerfile', 'app.yaml', 'crlf.txt', 'files/web.env', 'web.container.d/10-extra.conf'],
      timers: ['backup.timer'],
      volumes: ['data'],
      probes: ['web'],
    });
    // the header sits in the first part, before its FileName comment; Podman keeps it as comments
    expect(e.text.startsWith('# quadletman.bundle: {"version":1,"compartment":"every"')).toBe(true);
    expect(podman.units[0]!.text).toMatch(/# quadletman\.end\n# FileName=app\n\[Kube\]/);
    // the unit texts are the rendered files, but for the compartment's target: they stand on their own
    const web = podman.units.find((u) => u.name === 'web.container')!;
    const onDisk = t.hostOf('every').files.get(`${Q}/web.container`)!;
    expect(onDisk).toContain('PartOf=every.target');
    expect(web.text).toBe(
      `# FileName=web\n${onDisk.replace('[Unit]\nPartOf=every.target\n\n', '').replace('WantedBy=every.target', 'WantedBy=default.target')}`,
    );
    expect(web.text).toContain('Volume=/var/lib/quadletman/volumes/every/data:/data');
    expect(e.warnings.join('\n')).toMatch(/carries unit files only/);
    expect(e.warnings.join('\n')).toMatch(/Secrets are exported by name only/);
  });

  it('is deterministic', async () => {
    const t = await withEvery();
    expect(t.bundles.export('every').text).toBe(t.bundles.export('every').text);
  });

  it('carries contents that look like separators, FileName comments or CR line ends without confusing Podman', async () => {
    const t = await withEvery();
    const text = t.bundles.export('every').text;
    expect(text).toContain('# | ---'); // the YAML's document separator, as a content line
    const read = readBundle(text);
    expect(read.diagnostics).toEqual([]);
    const files = Object.fromEntries(read.content!.files.map((f) => [f.path, f]));
    expect(files['crlf.txt']!.content).toBe('line\r\n# FileName=evil\r\n');
    expect(files['app.yaml']!.content).toBe(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n---\nkind: ConfigMap\n',
    );
    expect(files['web.env']).toMatchObject({ in: 'files', mode: 0o600, content: 'A=1\n' });
  });

  it('refuses a compartment without Quadlet units, and a unit with a --- line', async () => {
    const t = setupBundles();
    await t.compartments.applyState(parseSpecText('compartment: empty\nnetwork: false\n'), {
      actor: 't',
      create: true,
    });
    expect(() => t.bundles.export('empty')).toThrow(/at least one Quadlet unit/);
    const dash = parseSpecText(
      'compartment: dash\nnetwork: false\nunits:\n  a.container:\n    text: "[Container]\\nImage=x\\n---\\n"\n',
    );
    t.store.compartments.create({ id: dash.id });
    t.store.compartments.saveState(dash);
    expect(() => t.bundles.export('dash')).toThrow(/a\.container: a line "---" would split the unit/);
  });
});

describe('import', () => {
  it('round trip: export → import into another compartment → export gives the same bundle (but for ids)', async () => {
    const t = await withEvery();
    const first = t.bundles.export('every').text;
    const r = await t.bundles.import('copy', first, 'every.quadlets', apply);
    expect(r.apply?.outcome, r.apply?.message).toBe('applied');
    expect(r.from).toBe('every');
    expect(r.created).toBe(true);
    const again = t.bundles.export('copy').text;
    const expected = first
      .replace('"compartment":"every"', '"compartment":"copy"')
      .replaceAll('/var/lib/quadletman/volumes/every/', '/var/lib/quadletman/volumes/copy/');
    expect(again).toBe(expected);
    // every file lands where it was, verbatim; the host volume now is copy's own folder
    const a = t.hostOf('every').files;
    const b = t.hostOf('copy').files;
    // (the copy's units are the bundle's texts: they are not part of a compartment target)
    expect([...b.keys()].sort()).toEqual([...a.keys()].filter((k) => k !== '.config/systemd/user/every.target').sort());
    expect(b.get(`${Q}/web.container`)).toContain('Volume=/var/lib/quadletman/volumes/copy/data:/data');
    expect(b.get(`${Q}/app.yaml`)).toBe(a.get(`${Q}/app.yaml`));
    expect(b.get('.config/systemd/user/backup.timer')).toBe(a.get('.config/systemd/user/backup.timer'));
    expect(b.get('.config/quadletman/files/web.env')).toBe('A=1\n');
    expect(t.hostOf('copy').modes.get('.config/quadletman/files/web.env')).toBe(0o600);
    const state = t.compartments.state('copy');
    expect(state.network).toBeNull();
    expect(state.units['every.network']).toMatchObject({ format: 'text' });
    expect(state.volumes).toEqual({ data: { kind: 'host' } });
    expect(state.probes.map((p) => p.name)).toEqual(['web']);
    expect(state.secrets).toEqual([{ name: 'db-password' }]);
    // and once more: the bundle of the copy imports into a third compartment with the same units
    const third = await t.bundles.import('third', again, 'copy.quadlets', apply);
    expect(third.apply?.outcome).toBe('applied');
    expect(t.bundles.export('third').text).toBe(expected.replaceAll('copy', 'third'));
  });

  it('reads the JSON answer of an export saved as it came as the bundle it carries, and says so', async () => {
    const t = await withEvery();
    const answer = t.bundles.export('every');
    const saved = `${JSON.stringify(answer, null, 2)}\n`;
    const r = await t.bundles.import('copy', saved, 'every.quadlets', apply);
    expect(r.apply?.outcome, r.apply?.message).toBe('applied');
    expect(r.from).toBe('every');
    expect(r.warnings).toContain(
      'every.quadlets is the JSON answer of an export; the bundle was read from its "text".',
    );
    expect(t.bundles.export('copy').text).toBe(
      answer.text
        .replace('"compartment":"every"', '"compartment":"copy"')
        .replaceAll('/var/lib/quadletman/volumes/every/', '/var/lib/quadletman/volumes/copy/'),
    );
    // JSON of another shape is no bundle
    const other = JSON.stringify({ text: answer.text });
    await expect(t.bundles.import('x', other, 'x.json')).rejects.toThrow(/x\.json is not a valid bundle/);
  });

  it('imports a plain Podman bundle (no extension) and reports its warnings with lines', async () => {
    const t = setupBundles();
    const text =
      '# FileName=web\n[Container]\nImage=localhost/busybox:latest\n# FileName=other\n---\n\n---\n# FileName=net\n[Network]\n';
    const r = await t.bundles.import('plain', text, 'b.quadlets');
    expect(r.from).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['bundle-extra-filename', 4],
      ['bundle-empty-part', 6],
    ]);
    expect(r.units).toEqual(['net.network', 'web.container']);
    expect(t.store.rows.size).toBe(0); // without --apply nothing is created
    expect(t.users.size).toBe(0);
  });

  const refused = async (text: string, match: RegExp) => {
    const t = setupBundles();
    await expect(t.bundles.import('x', text, 'b.quadlets', apply)).rejects.toThrow(match);
    expect(t.store.rows.size).toBe(0);
    expect(t.users.size).toBe(0);
    expect(t.hosts.size).toBe(0);
  };

  it('refuses bundles with errors, naming the line, and changes nothing', async () => {
    await refused('# FileName=../x\n[Container]\nImage=a\n', /b\.quadlets:1: .*must not contain \/ or \\/);
    await refused('[Container]\nImage=a\n---\n# FileName=b\n[Container]\nImage=a\n', /b\.quadlets:1: .*FileName/);
    await refused(
      '# FileName=a\n[Container]\nImage=a\n---\n# FileName=a\n[Container]\n',
      /b\.quadlets:5: .*a\.container/,
    );
    await refused('# FileName=x\n[Service]\nExecStart=/bin/true\n', /no Quadlet section/);
  });

  it('refuses hostile names and paths: NUL, spaces, unicode, ../ in the extension, a Quadlet unit smuggled as extension', async () => {
    await refused('# FileName=a\0b\n[Container]\nImage=a\n', /NUL/);
    await refused('# FileName=a b\n[Container]\nImage=a\n', /units\["a b\.container"\]: invalid unit file name/);
    await refused('# FileName=wéb\n[Container]\nImage=a\n', /invalid unit file name/);
    const header = (entry: string) =>
      `# quadletman.bundle: {"version":1,"compartment":"a","description":"","podmanVersion":null,"volumesRoot":"/v"}\n${entry}\n# quadletman.end\n# FileName=a\n[Container]\nImage=a\n`;
    await refused(
      header('# quadletman.file: {"path":"../x","in":"quadlet","mode":"0644","encoding":"text","lines":1}\n# | x'),
      /files\["\.\.\/x"\]: invalid file path/,
    );
    await refused(
      header('# quadletman.file: {"path":"/etc/x","in":"files","mode":"0644","encoding":"text","lines":1}\n# | x'),
      /invalid file path: must be a relative path/,
    );
    await refused(
      header('# quadletman.unit: {"name":"evil.container","encoding":"text","lines":1}\n# | [Container]'),
      /b\.quadlets:2: an extension unit is a \.timer/,
    );
    await refused(
      header('# quadletman.unit: {"name":"../e.timer","encoding":"text","lines":1}\n# | [Timer]'),
      /invalid unit file name/,
    );
    await refused(
      header('# quadletman.file: {"path":"x","in":"quadlet","mode":"0644","encoding":"text","lines":5}\n# | x'),
      /b\.quadlets:4: expected a content line/,
    );
    await refused(header('# quadletman.volume: {"name":"../v","kind":"host"}'), /volumes\["\.\.\/v"\]/);
    await refused(
      header('# quadletman.file: {"path":"a\\nb","in":"quadlet","mode":"0644","encoding":"text","lines":1}\n# | x'),
      /files\["a\\nb"\]: invalid file path/,
    );
    await refused(header('# quadletman.probe: {"name":"p","type":"exec","cmd":"rm -rf /"}'), /probes/);
    await refused(header('# quadletman.bogus: {}'), /b\.quadlets:2: unknown entry/);
    await refused(header('not a comment'), /b\.quadlets:2: expected/);
  });

  it('refuses a compartment that has units, and fills one that is empty', async () => {
    const t = await withEvery();
    const text = t.bundles.export('every').text;
    await expect(t.bundles.import('every', text, 'b', apply)).rejects.toThrow(ConflictError);
    await t.compartments.create({ id: 'empty' });
    const r = await t.bundles.import('empty', text, 'b', apply);
    expect(r.created).toBe(false);
    expect(r.apply?.outcome).toBe('applied');
  });

  it('refuses to apply a set with lint errors before creating anything', async () => {
    const t = setupBundles();
    await expect(
      t.bundles.import('bad', '# FileName=a\n[Container]\nNetwork=missing.network\n', 'b.quadlets', apply),
    ).rejects.toThrow(/lint error/);
    expect(t.users.size).toBe(0);
    expect(t.store.rows.size).toBe(0);
  });
});

describe('adopt', () => {
  const files = [
    {
      path: 'web.container',
      content: '[Container]\nImage=localhost/busybox:latest\nNetwork=app.network\nEnvironmentFile=web.env\n',
      mode: 0o644,
    },
    { path: 'app.network', content: '[Network]\n', mode: 0o644 },
    { path: 'web.container.d/10-x.conf', content: '[Container]\nEnvironment=X=1\n', mode: 0o640 },
    { path: 'web.env', content: 'SECRET=1\n', mode: 0o400 },
    { path: 'k.kube', content: '[Kube]\nYaml=sub/k.yaml\n', mode: 0o644 },
    { path: 'sub/k.yaml', content: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: k\n', mode: 0o644 },
    { path: 'nightly.timer', content: '[Timer]\nOnCalendar=daily\nUnit=web.service\n', mode: 0o644 },
  ];

  it('keeps units verbatim and every other file where it was; applies; leaves the old user alone', async () => {
    const t = setupBundles({ files });
    const r = await t.bundles.adopt('shop', '/home/alice/.config/containers/systemd', apply);
    expect(r.apply?.outcome, r.apply?.message).toBe('applied');
    expect(r.units).toEqual(['app.network', 'k.kube', 'nightly.timer', 'web.container']);
    expect(r.files).toEqual(['sub/k.yaml', 'web.container.d/10-x.conf', 'web.env']);
    const host = t.hostOf('shop');
    for (const f of files) {
      const where = f.path.endsWith('.timer') ? `.config/systemd/user/${f.path}` : `${Q}/${f.path}`;
      expect(host.files.get(where), where).toBe(f.content);
    }
    expect(host.modes.get(`${Q}/web.env`)).toBe(0o600);
    expect(host.modes.get(`${Q}/web.container.d/10-x.conf`)).toBe(0o640);
    expect([...host.files.keys()].some((p) => p.endsWith('shop.network'))).toBe(false);
    expect(r.sourceServices).toEqual(['app-network.service', 'k.service', 'nightly.timer', 'web.service']);
    expect(r.sourceAdvice).toMatch(/alice's own units were not stopped/);
    expect(r.sourceAdvice).toMatch(
      /As alice: systemctl --user stop app-network\.service k\.service nightly\.timer web\.service/,
    );
    expect(r.sourceAdvice).toMatch(/disable --now/);
  });

  it('into a compartment created empty: only the adopted units, no default network', async () => {
    const t = setupBundles({ files });
    await t.compartments.create({ id: 'shop', description: 'Shop' });
    t.store.compartments.saveState({ ...parseSpecText('compartment: shop\ndescription: Shop\n'), network: {} });
    const r = await t.bundles.adopt('shop', '/src', apply);
    expect(r.created).toBe(false);
    expect(r.apply?.outcome).toBe('applied');
    expect(r.state.network).toBeNull();
    expect(r.state.description).toBe('Shop');
    expect([...t.hostOf('shop').files.keys()].some((p) => p.endsWith('shop.network'))).toBe(false);
  });

  it('without --apply reads, lints and reports, and changes nothing', async () => {
    const t = setupBundles({ files });
    const r = await t.bundles.adopt('shop', '/src');
    expect(r.apply).toBeUndefined();
    expect(r.lintErrors).toBe(0);
    expect(t.store.rows.size).toBe(0);
    expect(t.users.size).toBe(0);
  });

  it('warns about files the units name outside the folder', async () => {
    const t = setupBundles({
      files: [
        {
          path: 'w.container',
          content: '[Container]\nImage=a\nEnvironmentFile=/home/alice/app.env\nVolume=%h/data:/data\nVolume=named:/x\n',
          mode: 0o644,
        },
      ],
    });
    const r = await t.bundles.adopt('w', '/src');
    expect(r.warnings).toEqual([
      "w.container:3: EnvironmentFile=/home/alice/app.env is outside the adopted folder; the compartment's user must be able to read it",
      "w.container:4: Volume=%h/data:/data is outside the adopted folder; the compartment's user must be able to read it (and %h now expands for the compartment's user)",
    ]);
  });

  it.each([
    ['../x.container', /"\.\.\/x\.container": its name is not a valid file name/],
    ['a\nb.container', /"a\\nb\.container": its name contains a line break or NUL/],
    ['a\0b.container', /"a\\u0000b\.container": its name contains a line break or NUL/],
    ['.hidden.container', /"\.hidden\.container": its name is not a valid file name/],
    ['we b.container', /"we b\.container": its name is not a valid file name/],
    ['sub/../../etc/passwd', /must not contain "\.\." segments/],
  ])('refuses the hostile name %j with a clear error, and changes nothing', async (path, match) => {
    const t = setupBundles({ files: [...files, { path, content: '[Container]\nImage=a\n', mode: 0o644 }] });
    const err = await t.bundles.adopt('shop', '/src', apply).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as Error).message).toMatch(/cannot adopt \/src; nothing was changed/);
    expect((err as Error).message).toMatch(match);
    expect(t.store.rows.size).toBe(0);
    expect(t.users.size).toBe(0);
    expect(t.hosts.size).toBe(0);
  });

  it('refuses content with NUL and a folder with no unit', async () => {
    let t = setupBundles({ files: [{ path: 'a.container', content: '[Container]\n\0', mode: 0o644 }] });
    await expect(t.bundles.adopt('a', '/src', apply)).rejects.toThrow(
      /"a\.container": its content must not contain NUL/,
    );
    t = setupBundles({ files: [{ path: 'notes.txt', content: 'hi\n', mode: 0o644 }] });
    await expect(t.bundles.adopt('a', '/src', apply)).rejects.toThrow(/holds no Quadlet unit/);
  });

  it('adds to an existing compartment, refusing names it already has', async () => {
    const t2 = setupBundles({
      files: [{ path: 'extra2.container', content: '[Container]\nImage=localhost/busybox:latest\n', mode: 0o644 }],
    });
    await t2.compartments.applyState(parseSpecText(EVERY_TYPE_YAML), { actor: 't', create: true });
    const r = await t2.bundles.adopt('every', '/src', apply);
    expect(r.created).toBe(false);
    expect(r.apply?.outcome).toBe('applied');
    expect(t2.compartments.state('every').units['web.container']).toMatchObject({ format: 'model' });
    expect(t2.hostOf('every').files.get(`${Q}/extra2.container`)).toBe('[Container]\nImage=localhost/busybox:latest\n');
    const t3 = setupBundles({ files: [{ path: 'web.container', content: '[Container]\nImage=a\n', mode: 0o644 }] });
    await t3.compartments.applyState(parseSpecText(EVERY_TYPE_YAML), { actor: 't', create: true });
    await expect(t3.bundles.adopt('every', '/src', apply)).rejects.toThrow(ConflictError);
  });
});

describe('rebaseHostVolumes', () => {
  it('changes only Volume= lines of declared host volumes', () => {
    const text =
      '[Container]\n# Volume=/r/a/data:/x\nVolume=/r/a/data:/data:Z\nVolume=/r/a/other:/o\nVolume=/r/a/database:/d\nVolume = /r/a/data\n';
    expect(rebaseHostVolumes(text, { root: '/r', id: 'a' }, { root: '/s/', id: 'b' }, ['data'])).toBe(
      '[Container]\n# Volume=/r/a/data:/x\nVolume=/s/b/data:/data:Z\nVolume=/r/a/other:/o\nVolume=/r/a/database:/d\nVolume = /s/b/data\n',
    );
  });
});

describe('adoptFiles', () => {
  it('sorts units, files and plain systemd units', () => {
    const r = adoptFiles([
      { path: 'x.service', content: '[Service]\n', mode: 0o644 },
      { path: 'sub/y.container', content: '[Container]\nImage=a\n', mode: 0o644 },
      { path: 'z@.container', content: '[Container]\nImage=a\n', mode: 0o644 },
      { path: 'named.container', content: '[Container]\nImage=a\nServiceName=custom\n', mode: 0o644 },
    ]);
    expect(Object.keys(r.units)).toEqual(['named.container', 'z@.container']);
    expect(Object.keys(r.files)).toEqual(['sub/y.container', 'x.service']);
    expect(r.services).toEqual(['custom.service']);
    expect(r.warnings).toEqual([
      'x.service: a plain systemd unit does nothing in a Quadlet folder; kept there as a file',
    ]);
  });
});
