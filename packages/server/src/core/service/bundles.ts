/**
 * Adopt, export and import: moving Quadlet units into and out of compartments, verbatim.
 *
 * - adopt: a folder of Quadlet files (any user's `~/.config/containers/systemd`) → a compartment's desired
 *   state, each unit as a raw `text` unit, every other file beside them (see bundles-adopt.ts). The source is
 *   only read: its user's units keep running until that user stops them.
 * - export: a compartment → a `.quadlets` bundle of its rendered Quadlet units, plus quadletman's comment
 *   extension for what Podman's format cannot carry (see bundles-format.ts).
 * - import: a bundle → a new compartment (or one created empty), each unit verbatim as a raw `text` unit. The
 *   JSON answer of an export, saved as it came, is read as the bundle it carries.
 *
 * adopt and import change nothing unless asked to apply: without `apply` they validate, lint and report (and
 * plan, for an existing compartment). With `apply` they refuse a set with lint errors before creating anything,
 * then go through CompartmentService.applyState, which creates the compartment when it is new and keeps the
 * state only when the apply succeeded.
 *
 * Names that carry the compartment id: the default network `<id>.network` and host volume paths
 * `<volumes root>/<id>/<volume>`. Import keeps unit names as they are (a bundle from compartment `a` imported
 * as `b` keeps `a.network`, now a plain unit of `b`; `b` gets no default network of its own), and rewrites only
 * host volume paths to `b`'s own folders (the volumes are declared again, so apply creates them for `b`'s
 * user). So export(a) → import b → export(b) is the same bundle but for the compartment in the header and the
 * `<root>/a/` → `<root>/b/` volume paths.
 */
import { type Diagnostic, type FileReport, parseUnitFile, serializeUnitFile } from '@quadletman/quadlet';
import type { ApplyOptions, ApplyResult } from '../apply/engine.js';
import { ConflictError, InvalidError, NotFoundError } from '../errors.js';
import { type CompartmentId, parseCompartmentId } from '../ids.js';
import { areaOf, DEFAULT_VOLUMES_ROOT, pathInArea } from '../layout.js';
import { lintRendered } from '../lint.js';
import type { Plan } from '../plan.js';
import { type RenderOptions, render } from '../render.js';
import { checkSpec, type DesiredState, specError, toSpec } from '../spec.js';
import { type AdoptedSet, adoptFiles, type SourceFile } from './bundles-adopt.js';
import { type BundleContent, BundleWriteError, bundleTextOf, readBundle, writeBundle } from './bundles-format.js';
import type { CompartmentService } from './compartments.js';

/** What host/adopt-source.ts reads from a folder. */
export interface AdoptSource {
  /** The folder as given, and its real path. */
  dir: string;
  realDir: string;
  /** The folder's owner: the user whose units these are. */
  owner: { uid: number; name?: string };
  files: SourceFile[];
}

export interface BundleServiceDeps {
  compartments: CompartmentService;
  readSource: (dir: string) => Promise<AdoptSource>;
  render?: RenderOptions;
}

export interface PreparedState {
  compartment: CompartmentId;
  /** The compartment does not exist yet (apply creates it). */
  created: boolean;
  state: DesiredState;
  units: string[];
  files: string[];
  lint: FileReport[];
  lintErrors: number;
  warnings: string[];
  /** For an existing compartment: what applying would change. */
  plan?: Plan;
  /** Set when applied. */
  apply?: ApplyResult;
}

export interface AdoptResult extends PreparedState {
  source: { dir: string; owner: { uid: number; name?: string } };
  /** The services (and timers) the source user's systemd runs from the adopted files. */
  sourceServices: string[];
  /** What to do about them, as text. */
  sourceAdvice: string;
}

export interface ImportResult extends PreparedState {
  /** The bundle's diagnostics (warnings only: a bundle with errors is refused). */
  diagnostics: Diagnostic[];
  from: string | null;
}

export interface ExportResult {
  compartment: CompartmentId;
  text: string;
  units: string[];
  /** Carried by quadletman's extension only (Podman's install ignores them). */
  extension: { files: string[]; timers: string[]; volumes: string[]; probes: string[] };
  warnings: string[];
}

type Spec = Record<string, unknown> & {
  units: Record<string, unknown>;
  files: Record<string, unknown>;
  volumes: Record<string, unknown>;
};

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class BundleService {
  constructor(private readonly deps: BundleServiceDeps) {}

  private get volumesRoot(): string {
    return this.deps.render?.volumesRoot ?? DEFAULT_VOLUMES_ROOT;
  }

  private existing(id: CompartmentId): DesiredState | undefined | null {
    try {
      this.deps.compartments.get(id);
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
    try {
      return this.deps.compartments.state(id);
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // adopt

  async adopt(id: string, dir: string, options: { apply?: ApplyOptions } = {}): Promise<AdoptResult> {
    const cid = parseCompartmentId(id, 'compartment');
    const source = await this.deps.readSource(dir);
    const adopted = adoptFiles(source.files);
    if (adopted.problems.length > 0) {
      throw new InvalidError(`cannot adopt ${source.dir}; nothing was changed:\n${adopted.problems.join('\n')}`, {
        details: { problems: adopted.problems },
      });
    }
    if (Object.keys(adopted.units).length === 0) {
      throw new InvalidError(`cannot adopt ${source.dir}: it holds no Quadlet unit (.container, .network, …)`);
    }
    const current = this.existing(cid);
    // Into a new or empty compartment: only what was adopted (no default network; the units name their own).
    const spec: Spec =
      current && !isEmpty(current)
        ? (toSpec(current) as Spec)
        : {
            compartment: cid,
            ...(current?.description ? { description: current.description } : {}),
            ...(current?.podmanVersion ? { podmanVersion: current.podmanVersion } : {}),
            network: false,
            units: {},
            files: {},
            volumes: {},
          };
    merge(spec, adopted, cid);
    const prepared = await this.prepare(cid, spec, current === null, adopted.warnings, `adopted from ${source.dir}`);
    const user = source.owner.name ?? `uid ${source.owner.uid}`;
    const services = adopted.services;
    const sourceAdvice = [
      `Adopting copied the files; ${user}'s own units were not stopped, disabled or removed and keep running.`,
      services.length
        ? `As ${user}: systemctl --user stop ${services.join(' ')}` +
          '; then move the files out of the folder and run systemctl --user daemon-reload (Quadlet units are generated and cannot be disabled' +
          (services.some((s) => s.endsWith('.timer')) ? '; systemctl --user disable --now for the timers' : '') +
          ').'
        : '',
      'Stop them before applying when they publish the same ports or use the same names.',
    ]
      .filter(Boolean)
      .join('\n');
    const result: AdoptResult = {
      ...prepared,
      source: { dir: source.dir, owner: source.owner },
      sourceServices: services,
      sourceAdvice,
    };
    if (options.apply) result.apply = await this.applyPrepared(prepared, options.apply);
    return result;
  }

  // -------------------------------------------------------------------------------------------------------
  // export

  export(id: string): ExportResult {
    const state = this.deps.compartments.state(id);
    // (without the compartment's target: a bundle's units stand on their own, wherever they are installed)
    const rendered = render(state, { ...this.deps.render, stackTarget: false });
    const content: BundleContent = {
      meta: {
        compartment: state.id,
        description: state.description,
        podmanVersion: state.podmanVersion,
        volumesRoot: this.volumesRoot,
      },
      units: [],
      extraUnits: [],
      files: [],
      volumes: Object.entries(state.volumes)
        .filter(([, v]) => v.kind === 'host')
        .map(([name]) => ({ name, kind: 'host' as const })),
      secrets: state.secrets.map((s) => ({ ...s })),
      registries: state.registries.map((r) => ({ ...r })),
      probes: state.probes.map((p) => ({ ...p })),
    };
    for (const [path, text] of rendered.files) {
      const area = areaOf(path);
      const rel = pathInArea(path);
      const mode = rendered.modes.get(path) ?? 0o644;
      if (area === 'systemd') content.extraUnits.push({ name: rel, text });
      else if (area === 'quadlet' && !rel.includes('/') && isQuadletUnit(rel)) content.units.push({ name: rel, text });
      else content.files.push({ path: rel, in: area === 'files' ? 'files' : 'quadlet', mode, content: text });
    }
    content.units.sort((a, b) => cmp(a.name, b.name));
    let text: string;
    try {
      text = writeBundle(content);
    } catch (e) {
      if (e instanceof BundleWriteError)
        throw new InvalidError(`cannot export '${state.id}' as a bundle: ${e.message}`);
      throw e;
    }
    const extension = {
      files: content.files.map((f) => (f.in === 'files' ? `files/${f.path}` : f.path)).sort(),
      timers: content.extraUnits.map((u) => u.name).sort(),
      volumes: content.volumes.map((v) => v.name),
      probes: content.probes.map((p) => String(p.name)),
    };
    const warnings: string[] = [];
    if (extension.files.length + extension.timers.length > 0) {
      warnings.push(
        `Podman's .quadlets format carries unit files only: ${[...extension.timers, ...extension.files].join(', ')} ` +
          'travel as comments that `quadletman import` reads and `podman quadlet install` ignores.',
      );
    }
    if (extension.volumes.length > 0) {
      warnings.push(
        `Host volumes (${extension.volumes.join(', ')}) are declared, not copied: their data stays in ${this.volumesRoot}/${state.id}/.`,
      );
    }
    if (state.secrets.length > 0) warnings.push('Secrets are exported by name only; create them in the target.');
    if (state.registries.length > 0) warnings.push('Registry logins are exported without passwords.');
    return { compartment: state.id, text, units: content.units.map((u) => u.name), extension, warnings };
  }

  // -------------------------------------------------------------------------------------------------------
  // import

  async import(
    id: string,
    bundleText: string,
    source: string,
    options: { apply?: ApplyOptions } = {},
  ): Promise<ImportResult> {
    const cid = parseCompartmentId(id, 'compartment');
    // A new compartment, or one created (`compartment create`) with nothing in it yet, e.g. to load images first.
    const current = this.existing(cid);
    if (current && !isEmpty(current)) {
      throw new ConflictError(`Compartment '${cid}' exists and has units; import fills a new (or empty) compartment.`);
    }
    if (bundleText.length > 16 * 1024 * 1024) throw new InvalidError(`${source}: larger than 16 MiB`);
    if (bundleText.includes('\0')) throw new InvalidError(`${source}: contains NUL; a bundle is text`);
    const { text, fromEnvelope } = bundleTextOf(bundleText);
    const { content, diagnostics } = readBundle(text);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (!content || errors.length > 0) {
      throw new InvalidError(
        `${source} is not a valid bundle; nothing was changed:\n${errors.map((d) => `${source}:${d.line}: ${d.message} [${d.code}]`).join('\n')}`,
        { details: { diagnostics } },
      );
    }
    const from = content.meta.compartment || null;
    const rebase = (text: string) =>
      from && content.meta.volumesRoot && content.volumes.length > 0
        ? rebaseHostVolumes(
            text,
            { root: content.meta.volumesRoot, id: from },
            { root: this.volumesRoot, id: cid },
            content.volumes.map((v) => v.name),
          )
        : text;
    const units: Record<string, unknown> = {};
    for (const u of [...content.units, ...content.extraUnits]) {
      if (Object.hasOwn(units, u.name)) throw new InvalidError(`${source}: ${u.name} is in the bundle twice`);
      units[u.name] = { text: rebase(u.text) };
    }
    const spec: Spec = {
      compartment: cid,
      ...(content.meta.description ? { description: content.meta.description } : {}),
      ...(content.meta.podmanVersion ? { podmanVersion: content.meta.podmanVersion } : {}),
      network: false,
      units,
      volumes: Object.fromEntries(content.volumes.map((v) => [v.name, { kind: 'host' }])),
      files: Object.fromEntries(
        content.files.map((f) => [
          f.path,
          { content: f.in === 'quadlet' ? rebase(f.content) : f.content, mode: octal(f.mode), in: f.in },
        ]),
      ),
      secrets: content.secrets,
      registries: content.registries,
      probes: content.probes,
    };
    const dup = duplicateFilePaths(content);
    if (dup) throw new InvalidError(`${source}: the file ${dup} is in the bundle twice`);
    const warnings = fromEnvelope
      ? [`${source} is the JSON answer of an export; the bundle was read from its "text".`]
      : [];
    const prepared = await this.prepare(cid, spec, current === null, warnings, `imported from ${source}`);
    const result: ImportResult = { ...prepared, diagnostics, from };
    if (options.apply) result.apply = await this.applyPrepared(prepared, options.apply);
    return result;
  }

  // -------------------------------------------------------------------------------------------------------

  /** Validates the spec, renders and lints it; plans against the host for an existing compartment. */
  private async prepare(
    cid: CompartmentId,
    spec: Spec,
    created: boolean,
    warnings: string[],
    what: string,
  ): Promise<PreparedState & { message: string }> {
    const { state, issues } = checkSpec(spec);
    if (!state) {
      const e = specError(issues);
      throw new InvalidError(`cannot use what was ${what}; nothing was changed:\n${e.message}`, {
        details: e.details ?? {},
      });
    }
    let rendered: ReturnType<typeof render>;
    try {
      rendered = render(state, this.deps.render);
    } catch (e) {
      if (e instanceof InvalidError) throw new InvalidError(`cannot use what was ${what}: ${e.message}`);
      throw e;
    }
    const lint = lintRendered(rendered.files, { podmanVersion: state.podmanVersion });
    const out: PreparedState & { message: string } = {
      compartment: cid,
      created,
      state,
      units: Object.keys(state.units),
      files: Object.keys(state.files),
      lint: lint.reports.filter((r) => r.diagnostics.length > 0),
      lintErrors: lint.errors,
      warnings,
      message: what,
    };
    if (!created) out.plan = (await this.deps.compartments.plan(cid, state)).plan;
    return out;
  }

  private async applyPrepared(p: PreparedState & { message: string }, options: ApplyOptions): Promise<ApplyResult> {
    if (p.lintErrors > 0) {
      const lines = p.lint.flatMap((r) =>
        r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${r.path}:${d.line}: ${d.message} [${d.code}]`),
      );
      throw new InvalidError(
        `the units have ${p.lintErrors} lint error(s); nothing was changed:\n${lines.join('\n')}`,
        {
          details: { lint: p.lint },
        },
      );
    }
    return this.deps.compartments.applyState(p.state, {
      ...options,
      message: options.message ?? p.message,
      create: true,
    });
  }
}

const octal = (m: number) => `0${m.toString(8).padStart(3, '0')}`;

function isQuadletUnit(name: string): boolean {
  return /\.(container|pod|network|volume|image|build|kube|artifact)$/.test(name);
}

const isEmpty = (s: DesiredState) =>
  Object.keys(s.units).length + Object.keys(s.files).length + Object.keys(s.volumes).length === 0;

function duplicateFilePaths(c: BundleContent): string | undefined {
  const seen = new Set<string>();
  for (const f of c.files) {
    if (seen.has(f.path)) return f.path;
    seen.add(f.path);
  }
  return undefined;
}

/** Adds adopted units and files to a spec; refuses names the compartment already has. */
function merge(spec: Spec, adopted: AdoptedSet, id: CompartmentId): void {
  const clashes: string[] = [];
  for (const [name, u] of Object.entries(adopted.units)) {
    if (Object.hasOwn(spec.units, name)) clashes.push(name);
    else spec.units[name] = u;
  }
  for (const [path, f] of Object.entries(adopted.files)) {
    if (Object.hasOwn(spec.files, path)) clashes.push(path);
    else spec.files[path] = f;
  }
  if (clashes.length > 0) {
    throw new ConflictError(
      `Compartment '${id}' already has ${clashes.join(', ')}; nothing was changed. Remove them from its spec first.`,
    );
  }
}

/**
 * Points `Volume=` sources in `<from.root>/<from.id>/<name>` (a host volume the bundle declares) at
 * `<to.root>/<to.id>/<name>`. Only those lines change; the rest of the text stays byte for byte.
 */
export function rebaseHostVolumes(
  text: string,
  from: { root: string; id: string },
  to: { root: string; id: string },
  names: readonly string[],
): string {
  const prefix = (x: { root: string; id: string }) => `${x.root.replace(/\/+$/, '')}/${x.id}/`;
  const oldPrefix = prefix(from);
  const newPrefix = prefix(to);
  if (oldPrefix === newPrefix || !text.includes(oldPrefix)) return text;
  const file = parseUnitFile(text);
  let changed = false;
  const nodes = file.nodes.map((n) => {
    if (n.kind !== 'entry' || n.key !== 'Volume' || !n.value.startsWith(oldPrefix)) return n;
    const rest = n.value.slice(oldPrefix.length);
    const name = names.find((v) => rest === v || rest.startsWith(`${v}:`));
    if (name === undefined || n.raw.length !== 1) return n;
    const at = n.raw[0]!.indexOf(oldPrefix);
    if (at < 0) return n;
    changed = true;
    const raw = n.raw[0]!.slice(0, at) + newPrefix + n.raw[0]!.slice(at + oldPrefix.length);
    return { ...n, value: newPrefix + rest, raw: [raw] };
  });
  return changed ? serializeUnitFile({ ...file, nodes }) : text;
}
