// Hostile bundles, adopted folders and explain requests.
// - import: `.quadlets` bundles written by the project's own writer from hostile units, timers, files, volumes,
//   secrets, registries, probes and metadata, and bundles with hostile lines spliced in anywhere. What an accepted
//   import writes must be exactly what Podman's reading of the bundle installs (parseBundle, the library's port of
//   `podman quadlet install`), with only comment lines taken off the first unit, plus the timers and files the
//   header declares, decoded here independently of the reader (`# | ` lines, or base64).
// - export: an applied spec exported and imported into a new compartment gives the same files, byte for byte.
// - adopt: folders whose file names and contents are hostile; what is written is exactly the folder's files.
// - explain: hostile file names and contents; what the generator's staging is given is exactly the request's files,
//   and nothing of them is on a command line.
import { isDeepStrictEqual } from 'node:util';
import { parseBundle, serializeBundle } from '@quadletman/quadlet';
import fc from 'fast-check';
import type { CompartmentId } from '../core/ids.js';
import { FILES_DIR, QUADLET_DIR, SYSTEMD_USER_DIR } from '../core/layout.js';
import { render } from '../core/render.js';
import { type BundleContent, writeBundle } from '../core/service/bundles-format.js';
import { asUser } from '../host/session.js';
import { FILE_AGENT } from '../host/user-files.js';
import { VOLUMES_ROOT } from '../http/routes/compartments-test-support.js';
import { COMPARTMENT } from './hostile-fields.js';
import { type Answer, call, runQuadlet, SESSION, type Stage, type Tally } from './hostile-harness.js';
import { errorOf, namesValue } from './hostile-routes.js';
import { hostileString, hostileText, mixed, nameish, pathish, plainName, show, writable } from './hostile-values.js';

const noCR = (s: string) => s.replace(/\r/g, '');

/** A `[Container]` unit with hostile comments and values (no `---` line: a bundle part cannot hold one). */
export const unitTextArb = fc
  .tuple(
    fc.constantFrom('', '# c\n', '[Unit]\nDescription=x\n'),
    fc.oneof(writable, mixed),
    fc.oneof(writable, hostileString),
    fc.oneof(fc.constant(''), hostileText),
  )
  .map(([head, comment, label, tail]) =>
    noCR(`${head}[Container]\n# ${comment.replace(/\n/g, ' ')}\nImage=localhost/x\nLabel=${label}\n${tail}`),
  )
  .filter((t) => !t.split('\n').some((l) => l.trim() === '---'));

const goodUnit = '[Container]\nImage=localhost/x\n';

/** Mostly `plain`, sometimes `hostile`: a bundle or folder is refused as a whole, so most of its parts are plain. */
const often = <T>(plain: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 4, arbitrary: plain }, { weight: 1, arbitrary: hostile });

/** A plain bundle: two units, a timer, two files, a host volume, a secret, a login and a probe. */
function plainContent(): BundleContent {
  return {
    meta: { compartment: 'orig', description: 'Blog', podmanVersion: null, volumesRoot: VOLUMES_ROOT },
    units: [
      { name: 'web.container', text: goodUnit },
      { name: 'db.container', text: `${goodUnit}Volume=${VOLUMES_ROOT}/orig/data:/data\n` },
    ],
    extraUnits: [{ name: 'backup.timer', text: '[Timer]\nOnCalendar=daily\n' }],
    files: [
      { path: 'web.env', in: 'files', mode: 0o600, content: 'A=1\n' },
      { path: 'play.yaml', in: 'quadlet', mode: 0o644, content: 'kind: Pod\n' },
    ],
    volumes: [{ name: 'data', kind: 'host' }],
    secrets: [{ name: 'db-password' }],
    registries: [{ registry: 'quay.io', username: 'bob' }],
    probes: [{ name: 'web', type: 'tcp', port: 8080 }],
  };
}

type Part = readonly [string, (c: BundleContent, v: string) => void];
/** The parts of a bundle a hostile value can take, one per bundle (a bundle is refused or taken as a whole). */
const PARTS: readonly Part[] = [
  [
    'meta.compartment',
    (c, v) => {
      c.meta.compartment = v;
    },
  ],
  [
    'meta.description',
    (c, v) => {
      c.meta.description = v;
    },
  ],
  [
    'meta.podmanVersion',
    (c, v) => {
      c.meta.podmanVersion = v;
    },
  ],
  [
    'meta.volumesRoot',
    (c, v) => {
      c.meta.volumesRoot = v;
    },
  ],
  [
    'unit name',
    (c, v) => {
      c.units[0]!.name = `${v}.container`;
    },
  ],
  [
    'unit text',
    (c, v) => {
      c.units[1]!.text = v;
    },
  ],
  [
    'timer name',
    (c, v) => {
      c.extraUnits[0]!.name = `${v}.timer`;
    },
  ],
  [
    'timer text',
    (c, v) => {
      c.extraUnits[0]!.text = v;
    },
  ],
  [
    'file path (files)',
    (c, v) => {
      c.files[0]!.path = v;
    },
  ],
  [
    'file path (quadlet)',
    (c, v) => {
      c.files[1]!.path = v;
    },
  ],
  [
    'file content (files)',
    (c, v) => {
      c.files[0]!.content = v;
    },
  ],
  [
    'file content (quadlet)',
    (c, v) => {
      c.files[1]!.content = v;
    },
  ],
  [
    'volume name',
    (c, v) => {
      c.volumes[0]!.name = v;
    },
  ],
  [
    'secret name',
    (c, v) => {
      c.secrets[0]!.name = v;
    },
  ],
  [
    'registry username',
    (c, v) => {
      c.registries[0]!.username = v;
    },
  ],
  [
    'probe host',
    (c, v) => {
      c.probes[0]!.host = v;
    },
  ],
];

/** A plain bundle with one hostile part, and which. */
export const bundleContentArb: fc.Arbitrary<{ part: string; value: string; content: BundleContent }> = fc
  .tuple(
    fc.nat({ max: PARTS.length - 1 }),
    fc.oneof(hostileString, nameish(plainName), unitTextArb, hostileText, pathish),
  )
  .map(([i, value]) => {
    const content = plainContent();
    const [part, set] = PARTS[i]!;
    set(content, value);
    return { part, value, content };
  });

// ---------------------------------------------------------------------------------------------------------
// What an accepted bundle must install

/**
 * The files and timers the header carries, decoded as the format documents it: the header is the comment block at
 * the top of the first part (as Podman installs it) from `# quadletman.bundle:` to `# quadletman.end`; a carried
 * text is the `lines` lines after its entry, `# | ` taken off (`# |` is an empty line), or their base64.
 */
function headerCarried(firstPart: string | undefined): Map<string, { content: string; kind: 'file' | 'unit' }> {
  const out = new Map<string, { content: string; kind: 'file' | 'unit' }>();
  if (firstPart === undefined || !firstPart.startsWith('# quadletman.bundle:')) return out;
  const lines = firstPart.split('\n');
  for (let i = 1; i < lines.length && lines[i] !== '# quadletman.end'; i++) {
    const m = /^# quadletman\.(file|unit): (.*)$/.exec(lines[i]!);
    if (!m) continue;
    let v: { path?: string; name?: string; in?: string; encoding?: string; lines?: number };
    try {
      v = JSON.parse(m[2]!);
    } catch {
      continue;
    }
    const n = v.lines ?? 0;
    const body = lines.slice(i + 1, i + 1 + n).map((l) => (l === '# |' ? '' : l.slice(4)));
    i += n;
    const content = v.encoding === 'base64' ? Buffer.from(body.join(''), 'base64').toString('utf8') : body.join('\n');
    const target =
      m[1] === 'unit' ? `${SYSTEMD_USER_DIR}/${v.name}` : `${v.in === 'quadlet' ? QUADLET_DIR : FILES_DIR}/${v.path}`;
    out.set(target, { content, kind: m[1] as 'file' | 'unit' });
  }
  return out;
}

/** Problems of what an import wrote, against Podman's reading of the bundle and the header it declares. */
function installedProblems(
  text: string,
  files: ReadonlyMap<string, string>,
  from: string | null,
  to: string,
): string[] {
  const out: string[] = [];
  const podman = parseBundle(text);
  if (podman.diagnostics.some((d) => d.severity === 'error')) out.push('accepted a bundle Podman refuses');
  const carried = headerCarried(podman.units[0]?.text);
  const expected = new Set<string>();
  podman.units.forEach((u, i) => {
    const p = `${QUADLET_DIR}/${u.name}`;
    expected.add(p);
    const got = files.get(p);
    if (got === undefined) {
      out.push(`${p} (a unit of the bundle) was not written`);
      return;
    }
    const rebased = (t: string) => (from ? t.split(`${VOLUMES_ROOT}/${from}/`).join(`${VOLUMES_ROOT}/${to}/`) : t);
    if (i === 0) {
      // the first part's header is taken off: only comment lines, and the rest stays as it is
      if (!rebased(u.text).endsWith(got) && !u.text.endsWith(got)) out.push(`${p} is not the end of its part`);
      const cut = u.text.slice(0, u.text.length - got.length);
      if (cut.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#'))) {
        out.push(`${p}: what was taken off the first part is not only comments`);
      }
    } else if (got !== u.text && got !== rebased(u.text)) out.push(`${p} differs from its part`);
  });
  for (const [p, c] of carried) {
    if (expected.has(p)) continue;
    expected.add(p);
    const got = files.get(p);
    const rebased = from ? c.content.split(`${VOLUMES_ROOT}/${from}/`).join(`${VOLUMES_ROOT}/${to}/`) : c.content;
    if (got === undefined) out.push(`${p} (declared by the header) was not written`);
    else if (got !== c.content && got !== rebased) {
      out.push(`${p} holds ${show(got)}, the header carries ${show(c.content)}`);
    }
  }
  for (const p of files.keys())
    if (!expected.has(p)) out.push(`${p} was written, but neither Podman nor the header has it`);
  return out;
}

const nothingMade = (stage: Stage, id: string) =>
  !stage.ctx.app.store.compartments.get(id as CompartmentId) && (stage.hosts.get(id)?.writes ?? 0) === 0;

/**
 * A refusal of a bundle, adopt or explain names where: a line, a path, a file, a spec path, a validation path, the
 * bundle itself (by its source, when the whole text is refused), or the body (too large for its route).
 */
function namesWhere(res: Answer, values: string[], source?: string): boolean {
  const e = errorOf(res);
  if (res.status === 413) return true;
  if (source !== undefined && (e.message ?? '').startsWith(`${source}: `)) return true;
  const d = e.details ?? {};
  if ((d.issues?.length ?? 0) > 0 || (d.diagnostics?.length ?? 0) > 0 || (d.lint?.length ?? 0) > 0) return true;
  if ((d.problems?.length ?? 0) > 0 || (d.validation?.length ?? 0) > 0) return true;
  if (/:\d+:/.test(e.message ?? '')) return true;
  // the spec's own message names the field it refuses (`description: is too long (1001 characters; …)`)
  if (/^(description|podmanVersion|compartment): /.test(e.message ?? '')) return true;
  return values.some((v) => namesValue(res, v));
}

let counter = 0;

/** Imports `text` into a new compartment and applies it; judges what was written. */
async function importText(
  field: string,
  stage: Stage,
  tally: Tally,
  family: string,
  text: string,
  count: number,
  values: string[],
  source?: string,
) {
  const id = `b${++counter}`;
  tally.sent(family, count);
  const res = await call(stage, 'POST', `/api/compartments/${id}/import`, {
    text,
    apply: true,
    ...(source !== undefined ? { source } : {}),
  });
  const v = text.length > 600 ? `${text.slice(0, 600)}…` : text;
  if (res.status >= 400) {
    tally.refuse(family);
    if (process.env.QUADLETMAN_HOSTILE_DEBUG) console.log('DEBUG import refused', show(errorOf(res).message, 400));
    if (!namesWhere(res, values, source ?? 'request body')) {
      tally.unclearRefusal(family, field, v, show(errorOf(res).message, 300));
    }
    if (!nothingMade(stage, id)) tally.unclearRefusal(family, field, v, 'refused, but made the compartment');
    return;
  }
  const j = res.json() as { apply?: { outcome: string; message: string }; from?: string | null };
  if (j.apply?.outcome !== 'applied') {
    tally.refuse(family);
    if ((stage.hosts.get(id)?.writes ?? 0) > 0 && j.apply?.outcome === 'refused') {
      tally.unclearRefusal(family, field, v, 'refused, but wrote files');
    }
    if (j.apply?.outcome !== 'refused')
      tally.note(family, 'import text', v, `apply ${j.apply?.outcome}: ${j.apply?.message}`);
    return;
  }
  tally.accept(family);
  const files = stage.hosts.get(id)!.files;
  for (const m of installedProblems(text, files, j.from ?? null, id)) tally.injection(family, field, v, m);
}

/** Writes the bundle with the project's writer and imports it (a bundle the writer refuses is not sent). */
export async function importWritten(
  stage: Stage,
  tally: Tally,
  b: { part: string; value: string; content: BundleContent },
  source?: string,
): Promise<boolean> {
  let text: string;
  try {
    text = writeBundle(b.content);
  } catch {
    return false;
  }
  await importText(b.part, stage, tally, 'import-written', text, 1 + (source !== undefined ? 1 : 0), [b.value], source);
  return true;
}

/** Splices hostile lines into a bundle the writer made. */
export async function importSpliced(
  stage: Stage,
  tally: Tally,
  base: string,
  lines: string[],
  at: number[],
): Promise<void> {
  const all = base.split('\n');
  lines.forEach((l, i) => {
    all.splice(at[i]! % (all.length + 1), 0, l);
  });
  await importText('spliced lines', stage, tally, 'import-spliced', all.join('\n'), lines.length, lines);
}

/** Lines to splice into bundles: separators, names, headers, content lines, sections, keys. */
export const spliceLineArb = fc.oneof(
  fc.constantFrom(
    '---',
    ' --- ',
    '# FileName=evil',
    '# FileName=../evil',
    '# FileName=',
    '[Container]',
    '[Service]',
    'ExecStartPre=/bin/evil',
    'Image=evil',
    '# quadletman.end',
    '# quadletman.file: {"path":"../../.bashrc","in":"files","mode":"0644","encoding":"text","lines":1}',
    '# quadletman.file: {"path":"evil.env","in":"files","mode":"0644","encoding":"text","lines":1}',
    '# quadletman.unit: {"name":"evil.timer","encoding":"text","lines":1}',
    '# quadletman.unit: {"name":"../evil.timer","encoding":"base64","lines":1}',
    '# quadletman.volume: {"name":"../../etc","kind":"host"}',
    '# quadletman.secret: {"name":"-rf"}',
    '# quadletman.registry: {"registry":"-x","username":"--password-stdin"}',
    '# quadletman.probe: {"name":"p","type":"tcp","port":1,"host":"-x"}',
    '# quadletman.bundle: {"version":1,"compartment":"h","description":"","podmanVersion":null,"volumesRoot":"/"}',
    '# | [Service]',
    '# | ExecStart=/bin/evil',
    '# |',
    '#',
    '\r',
    '\\',
  ),
  mixed.map(noCR),
  mixed.map((m) => `# | ${noCR(m)}`),
  mixed.map((m) => `# quadletman.${noCR(m)}`),
);

/** The text Podman installs from a bundle of this one unit (trimmed, with its `# FileName=` comment). */
function alone(name: string, text: string): string | undefined {
  try {
    return parseBundle(serializeBundle([{ name, text }])).units[0]?.text;
  } catch {
    return undefined;
  }
}

/**
 * Exports h and imports the bundle into a new compartment: every file comes back byte for byte, but for the
 * `# FileName=` comment the bundle gives each Quadlet unit (Podman installs it with the unit), and exporting the
 * new compartment gives the same bundle but for the compartment in its header.
 */
export async function exportRoundTrip(stage: Stage, tally: Tally): Promise<void> {
  const family = 'export-import';
  const ex = await call(stage, 'GET', `/api/compartments/${COMPARTMENT}/export`);
  if (ex.status !== 200) {
    tally.note(family, 'export', '', `cannot export: ${show(errorOf(ex).message, 300)}`);
    return;
  }
  const text = String(ex.json().text);
  const id = `x${++counter}`;
  const res = await call(stage, 'POST', `/api/compartments/${id}/import`, { text, apply: true });
  const outcome = (res.json().apply as { outcome?: string } | undefined)?.outcome;
  if (res.status >= 400) {
    // a refusal is no injection, but the two doors disagree: worth knowing
    tally.note(family, 'export → import', '', `import refuses the export: ${show(errorOf(res).message, 300)}`);
    return;
  }
  if (res.status !== 200 || outcome !== 'applied') {
    tally.injection(family, 'export → import', '', `the export does not import: ${res.status} ${outcome}`);
    return;
  }
  const a = stage.hosts.get(COMPARTMENT)!;
  const b = stage.hosts.get(id)!;
  const hostVolumes = Object.values(stage.ctx.app.compartments.state(COMPARTMENT).volumes).some(
    (v) => v.kind === 'host',
  );
  // h as it exports: its units without its compartment target (an import's units stand on their own)
  const standalone = render(stage.ctx.app.compartments.state(COMPARTMENT), {
    volumesRoot: VOLUMES_ROOT,
    stackTarget: false,
  }).files;
  const keys = new Set([...standalone.keys(), ...b.files.keys()]);
  for (const p of keys) {
    const x = standalone.get(p);
    const y = b.files.get(p);
    const name = p.slice(p.lastIndexOf('/') + 1);
    const unit =
      p === `${QUADLET_DIR}/${name}` && /\.(container|pod|network|volume|image|build|kube|artifact)$/.test(name);
    const want = x !== undefined && unit ? alone(name, x) : x;
    if (x === undefined || y === undefined)
      tally.injection(family, p, '', `only in ${x === undefined ? 'the import' : 'h'}`);
    else if (y !== want && !hostVolumes) tally.injection(family, p, '', `the import holds ${show(y)}, h ${show(x)}`);
    else if (a.modes.get(p) !== b.modes.get(p)) tally.injection(family, p, '', 'another mode');
  }
  if (!hostVolumes) {
    const again = await call(stage, 'GET', `/api/compartments/${id}/export`);
    const header = (t: string) => t.replace(/^(# quadletman\.bundle: \{"version":1,"compartment":)"[^"]*"/, '$1"_"');
    if (header(String(again.json().text)) !== header(text)) {
      tally.injection(family, 'export → import → export', '', 'the second export is another bundle');
    }
  }
  await call(stage, 'DELETE', `/api/compartments/${id}`);
}

// ---------------------------------------------------------------------------------------------------------
// Adopt

export interface SourceFile {
  path: string;
  content: string;
  mode: number;
}

export const adoptFilesArb: fc.Arbitrary<SourceFile[]> = fc.array(
  fc.record({
    path: fc.oneof(
      pathish,
      fc
        .tuple(often(plainName, nameish(plainName)), fc.constantFrom('.env', '.container.d/x.conf', '.yaml', '.timer'))
        .map(([a, b]) => a + b),
    ),
    content: hostileText,
    mode: fc.constantFrom(0o644, 0o600, 0o400, 0o4755, 0o7777),
  }),
  { minLength: 1, maxLength: 3 },
);

export async function adopt(stage: Stage, tally: Tally, files: SourceFile[], dirValue?: string): Promise<void> {
  const family = 'adopt';
  const id = `a${++counter}`;
  const dir = dirValue ?? `/srv/src/${id}`;
  const all = [{ path: 'main.container', content: goodUnit, mode: 0o644 }, ...files];
  stage.folders[dir] = { dir, realDir: dir, owner: { uid: 1000, name: 'alice' }, files: all };
  tally.sent(family, files.length * 2 + (dirValue !== undefined ? 1 : 0));
  const res = await call(stage, 'POST', `/api/compartments/${id}/adopt`, { dir, apply: true });
  delete stage.folders[dir];
  const v = { dir, files: files.map((f) => ({ ...f, content: f.content.slice(0, 80) })) };
  if (res.status >= 400) {
    tally.refuse(family);
    if (process.env.QUADLETMAN_HOSTILE_DEBUG) console.log('DEBUG adopt refused', show(errorOf(res).message, 400));
    if (!namesWhere(res, [dir, ...files.map((f) => JSON.stringify(f.path).slice(1, -1))])) {
      tally.unclearRefusal(family, 'adopt folder', v, show(errorOf(res).message, 300));
    }
    if (!nothingMade(stage, id)) tally.unclearRefusal(family, 'adopt folder', v, 'refused, but made the compartment');
    return;
  }
  const outcome = (res.json().apply as { outcome?: string } | undefined)?.outcome;
  if (outcome !== 'applied') {
    tally.refuse(family);
    if (outcome !== 'refused') tally.note(family, 'adopt folder', v, `apply ${outcome}`);
    return;
  }
  tally.accept(family);
  const host = stage.hosts.get(id)!;
  const expected = new Map<string, { content: string; mode: number }>();
  for (const f of all) {
    const top = !f.path.includes('/');
    const unit = top && /\.(container|pod|network|volume|image|build|kube|artifact)$/.test(f.path);
    const timer = top && f.path.endsWith('.timer');
    const target = timer ? `${SYSTEMD_USER_DIR}/${f.path}` : `${QUADLET_DIR}/${f.path}`;
    expected.set(target, { content: f.content, mode: unit || timer ? 0o644 : (f.mode & 0o777) | 0o600 });
  }
  for (const [p, e] of expected) {
    if (host.files.get(p) !== e.content) tally.injection(family, p, v, `holds ${show(host.files.get(p))}`);
    else if (host.modes.get(p) !== e.mode) tally.injection(family, p, v, `mode ${host.modes.get(p)?.toString(8)}`);
  }
  for (const p of host.files.keys())
    if (!expected.has(p)) tally.injection(family, p, v, 'written, but not in the folder');
}

// ---------------------------------------------------------------------------------------------------------
// Explain

export async function explain(
  stage: Stage,
  tally: Tally,
  unit: string,
  files: Record<string, string>,
  generator: string | undefined,
  field = 'explain',
): Promise<void> {
  const family = 'explain';
  tally.sent(family, 1 + Object.keys(files).length * 2);
  let run: ReturnType<typeof runQuadlet> | undefined;
  stage.exec.dryRunAnswer = (fs) => {
    if (!generator) return { code: 0, stdout: '', stderr: '' };
    run = runQuadlet(generator, fs);
    return { code: run.code, stdout: run.stdout, stderr: run.stderr };
  };
  const batches = stage.exec.agentBatches.length;
  const mark = stage.exec.mark();
  const res = await call(stage, 'POST', `/api/compartments/${COMPARTMENT}/explain`, { unit, files });
  stage.exec.dryRunAnswer = () => ({ code: 0, stdout: '', stderr: '' });
  const staged = stage.exec.agentBatches.slice(batches) as { ops: Record<string, unknown>[] }[];
  const v = { unit, files: Object.keys(files) };
  if (res.status >= 400) {
    tally.refuse(family);
    if (!namesWhere(res, [unit, ...Object.keys(files)]))
      tally.unclearRefusal(family, field, v, show(errorOf(res).message));
    // (refused by the staging itself, as the file agent refuses a name the file system cannot take, is no leak)
    const byAgent = (errorOf(res).message ?? '').includes('(in the home of ');
    if (staged.length > 0 && !byAgent) tally.injection(family, field, v, 'refused, but the files were staged');
    if (byAgent) tally.note(family, field, v, `refused by the staging: ${show(errorOf(res).message, 200)}`);
    return;
  }
  tally.accept(family);
  const want = [
    { op: 'dry-run', bin: '/usr/libexec/podman/quadlet', stage: '.cache/quadletman', files, timeoutMs: 60_000 },
  ];
  if (staged.length !== 1 || !isDeepStrictEqual(staged[0]!.ops, want)) {
    tally.injection(family, field, v, `staged ${show(staged, 300)}`);
  }
  const agentArgv = asUser(SESSION, [process.execPath, FILE_AGENT]);
  for (const c of stage.exec.since(mark)) {
    if (!isDeepStrictEqual(c.argv, agentArgv)) tally.injection(family, field, v, `ran ${show(c.argv)}`);
  }
  if (run) {
    const j = res.json() as { service: string | null; commands: { key: string; value: string }[] };
    const text = j.service ? run.result.units.get(j.service) : undefined;
    const lines = (text ?? '')
      .split('\n')
      .filter((l) => /^(ExecStartPre|ExecStart|ExecReload|ExecStop|ExecStopPost)=/.test(l));
    if (j.service && text === undefined)
      tally.injection(family, field, v, `answers a service ${j.service} the generator did not make`);
    // the service answered is the one generated from the unit asked about: its SourcePath= line (lines split at
    // \n only: a generated file has no other line break; U+2028 inside a copied value is not one)
    const source = (text ?? '')
      .split('\n')
      .find((l) => l.startsWith('SourcePath='))
      ?.slice('SourcePath='.length);
    if (text !== undefined && source?.slice(source.lastIndexOf('/') + 1) !== unit) {
      tally.injection(
        family,
        field,
        v,
        `answers ${j.service}, which the generator made from ${show(source)}, for ${unit}`,
      );
    }
    for (const c of j.commands) {
      if (!lines.includes(`${c.key}=${c.value}`))
        tally.injection(family, field, v, `answers ${c.key}=${show(c.value)}, not a line of the generated service`);
    }
  }
}

/** Explain requests: a set of hostile-named files with hostile contents, and the unit asked about. */
export const explainArb = fc
  .tuple(
    fc.array(
      fc.tuple(
        often(plainName, nameish(plainName)).chain((n) =>
          often(fc.constantFrom('.container', '.network', '.volume'), fc.constantFrom('.timer', '', '.conf')).map(
            (s) => n + s,
          ),
        ),
        fc.oneof(unitTextArb, hostileText, fc.constant(goodUnit)),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    fc.nat(),
    often(fc.constant(''), hostileString),
  )
  .map(([entries, pick, other]) => {
    const files: Record<string, string> = Object.fromEntries(entries);
    const names = Object.keys(files);
    const unit = other !== '' && pick % 5 === 0 ? other : (names[pick % names.length] ?? 'x.container');
    // sometimes a `Key=value` line after a U+2028 in a value: a SourcePath= that names another file of the set
    const first = names.find((n) => n.endsWith('.container'));
    if (pick % 4 === 1 && first !== undefined) {
      const other = names.find((n) => n !== first) ?? 'evil.container';
      files[first] = `[Unit]\nDescription=x\u2028SourcePath=/stage/${other}\n\n${goodUnit}`;
    }
    return { unit, files };
  });
