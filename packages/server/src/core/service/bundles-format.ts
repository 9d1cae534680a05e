/**
 * quadletman's `.quadlets` bundles: Podman's multi-unit file (parts separated by `---`, each named by its
 * `# FileName=` comment; see @quadletman/quadlet's bundle module) plus a documented extension for what that
 * format cannot carry. Pure: text in, text out.
 *
 * Podman's format carries Quadlet units only. A compartment also has `.timer` units, config files (kube YAML,
 * drop-ins, env files), managed host volumes, probes, secret names and registry logins. quadletman writes
 * them as comment lines at the top of the first part, before its `# FileName=` line:
 *
 *   # quadletman.bundle: {"version":1,"compartment":"blog","description":"","podmanVersion":null,"volumesRoot":"/var/lib/quadletman/volumes"}
 *   # (free comment lines)
 *   # quadletman.volume: {"name":"data","kind":"host"}
 *   # quadletman.file: {"path":"web.env","in":"files","mode":"0600","encoding":"text","lines":2}
 *   # | A=1
 *   # |
 *   # quadletman.unit: {"name":"backup.timer","encoding":"text","lines":4}
 *   # | …
 *   # quadletman.secret: {"name":"db-password"}
 *   # quadletman.registry: {"registry":"docker.io","username":"bob"}
 *   # quadletman.probe: {"name":"web","type":"http",…}
 *   # quadletman.end
 *
 * `podman quadlet install` keeps these lines as comments of the first unit and ignores them (so a bundle stays
 * installable by Podman, without the extra files); `quadletman import` reads them and removes them from the
 * first unit again. A content line is `# | ` + the line (`# |` when empty), so no content line can be a `---`
 * separator, a `# FileName=` comment or a section header. Content with a carriage return is base64
 * (`"encoding":"base64"`, 76 characters a line). Everything is written in a fixed order: the same compartment
 * gives the same bytes.
 */
import { type Diagnostic, parseBundle, serializeBundle } from '@quadletman/quadlet';

export const BUNDLE_FORMAT_VERSION = 1;
const PREFIX = '# quadletman.';
const CONTENT = '# |';
const END = '# quadletman.end';

export interface BundleMeta {
  compartment: string;
  description: string;
  podmanVersion: string | null;
  /** Root of managed host volumes where the bundle was exported: unit texts name `<root>/<compartment>/<vol>`. */
  volumesRoot: string;
}

export interface CarriedFile {
  /** Relative to its folder. */
  path: string;
  /** `quadlet`: beside the units; `files`: the compartment's files folder. */
  in: 'quadlet' | 'files';
  mode: number;
  content: string;
}

/** What a quadletman bundle holds: Podman's units and the extension. */
export interface BundleContent {
  meta: BundleMeta;
  /** Quadlet units (`web.container`), in order. */
  units: { name: string; text: string; line?: number }[];
  /** Other units (`.timer`), carried by the extension. */
  extraUnits: { name: string; text: string }[];
  files: CarriedFile[];
  volumes: { name: string; kind: 'host' }[];
  secrets: { name: string; description?: string }[];
  registries: { registry: string; username: string }[];
  probes: Record<string, unknown>[];
}

const octal = (m: number) => `0${m.toString(8).padStart(3, '0')}`;

function contentLines(text: string): { encoding: 'text' | 'base64'; lines: string[] } {
  if (!text.includes('\r')) return { encoding: 'text', lines: text.split('\n') };
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return { encoding: 'base64', lines: lines.length ? lines : [''] };
}

const contentLine = (l: string) => (l === '' ? CONTENT : `${CONTENT} ${l}`);

/** The extension header (ends with a line break); empty when there is nothing but units and no metadata. */
export function writeHeader(c: Omit<BundleContent, 'units'>): string {
  const out: string[] = [];
  const meta = {
    version: BUNDLE_FORMAT_VERSION,
    compartment: c.meta.compartment,
    description: c.meta.description,
    podmanVersion: c.meta.podmanVersion,
    volumesRoot: c.meta.volumesRoot,
  };
  out.push(`${PREFIX}bundle: ${JSON.stringify(meta)}`);
  out.push('# Podman installs the units below and keeps these comments; `quadletman import` also reads the');
  out.push(
    '# volumes, files, timers, secrets, registries and probes listed here, which a .quadlets bundle cannot carry.',
  );
  const entry = (kind: string, value: unknown) => out.push(`${PREFIX}${kind}: ${JSON.stringify(value)}`);
  for (const v of sortBy(c.volumes, (v) => v.name)) entry('volume', { name: v.name, kind: v.kind });
  for (const f of sortBy(c.files, (f) => `${f.in}/${f.path}`)) {
    const { encoding, lines } = contentLines(f.content);
    entry('file', { path: f.path, in: f.in, mode: octal(f.mode), encoding, lines: lines.length });
    out.push(...lines.map(contentLine));
  }
  for (const u of sortBy(c.extraUnits, (u) => u.name)) {
    const { encoding, lines } = contentLines(u.text);
    entry('unit', { name: u.name, encoding, lines: lines.length });
    out.push(...lines.map(contentLine));
  }
  for (const s of sortBy(c.secrets, (s) => s.name)) entry('secret', s);
  for (const r of sortBy(c.registries, (r) => r.registry)) entry('registry', r);
  for (const p of sortBy(c.probes, (p) => String(p.name))) entry('probe', p);
  out.push(END);
  return `${out.join('\n')}\n`;
}

function sortBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  return [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export class BundleWriteError extends Error {
  override readonly name = 'BundleWriteError';
}

/** The bundle text: the header, then the units as Podman's serializer writes them. */
export function writeBundle(c: BundleContent): string {
  if (c.units.length === 0) {
    throw new BundleWriteError('a .quadlets bundle needs at least one Quadlet unit, and this set has none');
  }
  for (const u of c.units) {
    if (u.text.includes('\r')) {
      throw new BundleWriteError(`${u.name}: has carriage returns; a bundle part must use \\n line ends`);
    }
  }
  let body: string;
  try {
    body = serializeBundle(c.units.map(({ name, text }) => ({ name, text })));
  } catch (e) {
    throw new BundleWriteError((e as Error).message);
  }
  return writeHeader(c) + body;
}

export interface ReadBundleResult {
  /** Set when the bundle has no error: every unit, the extension (empty for a plain Podman bundle). */
  content?: BundleContent;
  /** Podman's diagnostics and the extension's, with 1-based bundle lines. */
  diagnostics: Diagnostic[];
}

const err = (code: string, message: string, line: number): Diagnostic => ({ severity: 'error', code, message, line });

function decode(encoding: unknown, lines: string[]): string | undefined {
  if (encoding === 'text') return lines.join('\n');
  if (encoding !== 'base64') return undefined;
  const b64 = lines.join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
  return Buffer.from(b64, 'base64').toString('utf8');
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The bundle in a file given to import: the file itself, or, when it is the JSON answer of an export saved as it
 * came (`GET /api/compartments/:id/export`, `quadletman export --format json`: an object with the compartment and
 * the bundle's `text`), that text. Anything else is returned as it is, for readBundle to judge.
 */
export function bundleTextOf(text: string): { text: string; fromEnvelope: boolean } {
  if (!text.trimStart().startsWith('{')) return { text, fromEnvelope: false };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { text, fromEnvelope: false };
  }
  return isObject(value) && typeof value.text === 'string' && typeof value.compartment === 'string'
    ? { text: value.text, fromEnvelope: true }
    : { text, fromEnvelope: false };
}

/**
 * Reads a bundle: Podman's rules first (any error there refuses the bundle, as Podman would), then the
 * extension header of the first part, if it has one. Values are checked for shape here; what they mean (names,
 * paths, modes, probes) is checked by the spec validation the importer runs on the result.
 */
export function readBundle(text: string): ReadBundleResult {
  const parsed = parseBundle(text);
  const diagnostics = [...parsed.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const units = parsed.units.map((u) => ({ name: u.name, text: u.text, line: u.line }));
  const content: BundleContent = {
    meta: { compartment: '', description: '', podmanVersion: null, volumesRoot: '' },
    units,
    extraUnits: [],
    files: [],
    volumes: [],
    secrets: [],
    registries: [],
    probes: [],
  };
  const first = units[0];
  if (first === undefined || !first.text.startsWith(`${PREFIX}bundle:`)) return { content, diagnostics };

  const lines = first.text.split('\n');
  const at = (i: number) => first.line + i;
  let i = 0;
  let ended = false;
  const problems: Diagnostic[] = [];
  const readJson = (line: string, kind: string): unknown => {
    try {
      return JSON.parse(line.slice(`${PREFIX}${kind}:`.length));
    } catch {
      return undefined;
    }
  };
  const takeContent = (n: unknown, encoding: unknown, start: number): string | undefined => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || i + n > lines.length) {
      problems.push(err('quadletman-bundle-content', 'the number of content lines is missing or too large', at(start)));
      return undefined;
    }
    const got: string[] = [];
    for (let k = 0; k < n; k++) {
      const l = lines[i + k]!;
      if (l !== CONTENT && !l.startsWith(`${CONTENT} `)) {
        problems.push(err('quadletman-bundle-content', 'expected a content line "# | …"', at(i + k)));
        return undefined;
      }
      got.push(l === CONTENT ? '' : l.slice(CONTENT.length + 1));
    }
    i += n;
    const out = decode(encoding, got);
    if (out === undefined) problems.push(err('quadletman-bundle-content', 'unknown encoding or bad base64', at(start)));
    return out;
  };

  for (; i < lines.length && problems.length === 0; ) {
    const line = lines[i]!;
    const start = i++;
    if (line === END) {
      ended = true;
      break;
    }
    if (!line.startsWith(PREFIX)) {
      if (line.startsWith('#') && !line.startsWith(CONTENT)) continue; // a free comment
      problems.push(
        err('quadletman-bundle-header', 'expected "# quadletman.KIND: {…}" or "# quadletman.end"', at(start)),
      );
      break;
    }
    const kind = line.slice(PREFIX.length, line.indexOf(':') < 0 ? undefined : line.indexOf(':'));
    const v = readJson(line, kind);
    if (!isObject(v)) {
      problems.push(
        err('quadletman-bundle-header', `"${PREFIX}${kind}:" must be followed by a JSON object`, at(start)),
      );
      break;
    }
    switch (kind) {
      case 'bundle':
        if (start !== 0 || v.version !== BUNDLE_FORMAT_VERSION) {
          problems.push(
            err('quadletman-bundle-version', `only bundle format version ${BUNDLE_FORMAT_VERSION} is known`, at(start)),
          );
          break;
        }
        content.meta = {
          compartment: typeof v.compartment === 'string' ? v.compartment : '',
          description: typeof v.description === 'string' ? v.description : '',
          podmanVersion: typeof v.podmanVersion === 'string' ? v.podmanVersion : null,
          volumesRoot: typeof v.volumesRoot === 'string' ? v.volumesRoot : '',
        };
        break;
      case 'volume':
        if (typeof v.name !== 'string' || v.kind !== 'host') {
          problems.push(err('quadletman-bundle-header', 'a volume is {"name":…,"kind":"host"}', at(start)));
        } else content.volumes.push({ name: v.name, kind: 'host' });
        break;
      case 'file': {
        const mode = typeof v.mode === 'string' && /^0[0-7]{3}$/.test(v.mode) ? Number.parseInt(v.mode, 8) : undefined;
        if (typeof v.path !== 'string' || (v.in !== 'quadlet' && v.in !== 'files') || mode === undefined) {
          problems.push(
            err('quadletman-bundle-header', 'a file is {"path":…,"in":"quadlet"|"files","mode":"0644",…}', at(start)),
          );
          break;
        }
        const text = takeContent(v.lines, v.encoding, start);
        if (text !== undefined) content.files.push({ path: v.path, in: v.in, mode, content: text });
        break;
      }
      case 'unit': {
        if (typeof v.name !== 'string' || !v.name.endsWith('.timer')) {
          problems.push(
            err('quadletman-bundle-header', 'an extension unit is a .timer (Quadlet units are parts)', at(start)),
          );
          break;
        }
        const text = takeContent(v.lines, v.encoding, start);
        if (text !== undefined) content.extraUnits.push({ name: v.name, text });
        break;
      }
      case 'secret':
        content.secrets.push(v as BundleContent['secrets'][number]);
        break;
      case 'registry':
        content.registries.push(v as BundleContent['registries'][number]);
        break;
      case 'probe':
        content.probes.push(v);
        break;
      default:
        problems.push(err('quadletman-bundle-header', `unknown entry "${PREFIX}${kind}"`, at(start)));
    }
  }
  if (problems.length === 0 && !ended) {
    problems.push(err('quadletman-bundle-header', `the header has no "${END}" line`, first.line));
  }
  diagnostics.push(...problems);
  if (problems.length > 0) return { diagnostics };
  const rest = lines.slice(i).join('\n');
  if (rest.trim() === '') {
    diagnostics.push(err('quadletman-bundle-header', 'the first part holds only the header, no unit', first.line));
    return { diagnostics };
  }
  content.units[0] = { name: first.name, text: rest, line: at(i) };
  return { content, diagnostics };
}
