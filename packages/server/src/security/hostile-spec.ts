// Hostile values in compartment specs, sent through `PUT /api/compartments/h/spec` or `POST …/apply` (as a JSON
// object, as YAML text in JSON, or as an application/yaml body). Many slots share one request; every slot is one
// hostile value in its own unit file (or its own volume, config file, secret…), so each value is judged alone:
// - refused: the 400 answer lists an issue at the slot's path (or the apply is refused by lint with a diagnostic
//   in the slot's file), and nothing changed: no file written, the stored state the same. The slots the answer
//   does not name are sent again without the refused ones, until the rest is applied.
// - accepted: the files the host was given hold exactly what the value means (hostile-fields.ts for fields; for
//   names, files and references the path and text below), the set of files is exactly the expected one, and the
//   YAML the API gives back for the spec reads back as the same state.
import { isDeepStrictEqual } from 'node:util';
import { compareVersions, getAll, parseUnitFile, splitWords } from '@quadletman/quadlet';
import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { FILES_DIR, QUADLET_DIR, SYSTEMD_USER_DIR } from '../core/layout.js';
import { serviceOf } from '../core/plan.js';
import { compartmentTarget, render } from '../core/render.js';
import { type DesiredState, parseSpecText, validateSpec } from '../core/spec.js';
import { formatPath } from '../core/spec-sections.js';
import { VOLUMES_ROOT } from '../http/routes/compartments-test-support.js';
import {
  COMPARTMENT,
  compareStructure,
  decodeProblem,
  type Expected,
  emptySpec,
  expectedOf,
  literalOf,
  names,
  placeholderOf,
  placeSlot,
  renderAlone,
  type Slot,
  type SpecObject,
  slotFiles,
  slotKeyFile,
  slotPath,
} from './hostile-fields.js';
import { type Answer, call, type GeneratorRun, runQuadlet, type Stage, type Tally } from './hostile-harness.js';
import {
  hostileString,
  hostileText,
  mixed,
  nameish,
  pathish,
  plainName,
  sameJson,
  show,
  writable,
} from './hostile-values.js';

// ---------------------------------------------------------------------------------------------------------
// Items: what one request carries

/** One hostile value (or a few, counted each) in a spec, with how to place it and how to judge it. */
export interface Item {
  family: string;
  /** For reports: which field. */
  field: string;
  /** What was sent (for reports). */
  value: unknown;
  /** How many hostile values it holds. */
  count: number;
  /** Spec paths that belong to it (an issue under one of them is its refusal). */
  paths: string[];
  /** Files (home-relative) that belong to it (a lint error in one of them is its refusal). */
  files: string[];
  /** Top-level spec parts only one item may set (`network`, `description`, …). */
  singleton?: string;
  /** Puts it into a spec. */
  place(spec: SpecObject): void;
  /** Problems of the accepted value, given the files the host holds and the stored state. */
  judge(files: ReadonlyMap<string, string>, modes: ReadonlyMap<string, number>, state: DesiredState): string[];
  /** Its files as the placeholder renders them (for the generator's run over the placeholders). */
  baseline?: () => Map<string, string>;
  /** For the generator sample: checks of the generator's run over the written Quadlet folder (`run`) against its
   * run over the same folder with placeholders (`base`). */
  generator?: (
    run: GeneratorRun,
    base: GeneratorRun,
    files: ReadonlyMap<string, string>,
    version: string,
  ) => { injection?: string; note?: string };
}

// ---------------------------------------------------------------------------------------------------------
// Field slots

const baselineCache = new Map<string, string[]>();

function shapeKey(e: Expected): string {
  if ('absent' in e) return 'absent';
  if ('map' in e) return `map${e.map.length}`;
  if ('words' in e) return `words${e.words.length === 0 ? 0 : 1}`;
  return `lines${e.lines.length}:${e.lines.length === 1 && (e.lines[0] === 'true' || e.lines[0] === 'false') ? e.lines[0] : ''}`;
}

/** The slot's files rendered alone with a placeholder of the shape of `e` (cached: contents do not depend on the
 * slot's index), in slotFiles order. */
function baselineOf(s: Slot, e: Expected): string[] | undefined {
  const key = `${s.field.id}|${s.byKey}|${shapeKey(e)}`;
  let texts = baselineCache.get(key);
  if (!texts) {
    const alone: Slot = { ...s, index: 0 };
    let rendered: Map<string, string>;
    try {
      rendered = renderAlone(alone, placeholderOf(s.field, e));
    } catch (err) {
      throw new Error(`the placeholder of ${s.field.id} does not render: ${(err as Error).message}`);
    }
    texts = slotFiles(alone).map((p) => rendered.get(p) ?? '');
    baselineCache.set(key, texts);
  }
  return texts;
}

const GEN_FLAG_KV: Record<string, string> = {
  Environment: '--env',
  Label: '--label',
  Annotation: '--annotation',
  BuildArg: '--build-arg',
};

/**
 * `Key=value` lines of a generated service as systemd reads it: systemd trims only ASCII blanks (" \t\n\r"), where
 * Podman's parser (and so the project's) trims every Unicode space; a generated line may end in one (U+3000).
 */
function systemdValues(serviceText: string, section: string, key: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of serviceText.split('\n')) {
    const line = raw.replace(/^[ \t\r]+|[ \t\r]+$/g, '');
    if (line.startsWith('[') && line.endsWith(']')) current = line.slice(1, -1);
    else if (current === section && line.startsWith(`${key}=`))
      out.push(line.slice(key.length + 1).replace(/^[ \t]+/, ''));
  }
  return out;
}

function execLines(serviceText: string): string[][] {
  return ['ExecStartPre', 'ExecStart']
    .flatMap((k) => systemdValues(serviceText, 'Service', k))
    .map((v) => splitWords(v, 'args').words);
}

const containsRun = (hay: readonly string[], needle: readonly string[]) =>
  needle.length === 0 || hay.some((_, i) => needle.every((n, j) => hay[i + j] === n));

/** A field slot as an item. */
export function fieldItem(s: Slot): Item {
  const f = s.field;
  const path = slotPath(s);
  const files = slotFiles(s);
  return {
    family: 'spec-field',
    field: `${f.id}${s.byKey ? ' (by key)' : ''}`,
    value: s.value,
    count: 1,
    paths: [path, ...(f.place === 'podman-volume' ? [formatPath(['volumes', `qmvol${s.index}`])] : [])],
    files,
    ...(f.place === 'default-network' ? { singleton: 'network' } : {}),
    place: (spec) => placeSlot(spec, s, s.value),
    judge: (got) => {
      const e = expectedOf(f, s.value);
      if (!e) return [`accepted a value the spec's documented reading refuses (${f.kind})`];
      const base = baselineOf(s, e)!;
      const keyFile = slotKeyFile(s);
      const out: string[] = [];
      files.forEach((p, i) => {
        const text = got.get(p);
        if (text === undefined) {
          out.push(`${p} was not written`);
          return;
        }
        const isKeyFile = p === keyFile;
        // A timer job's ServiceName= names the service the timer starts ([Timer] Unit=)
        const derived = f.place === 'job' && f.key === 'ServiceName' && p.endsWith('.timer');
        const [section, key] = isKeyFile ? [f.section, f.key] : derived ? ['Timer', 'Unit'] : ['', ''];
        out.push(...compareStructure(text, base[i]!, section, key).map((m) => `${p}: ${m}`));
        if (isKeyFile) {
          const d = decodeProblem(text, f.section, f.key, e);
          // render.ts fills an empty Network= of a unit without a pod with the compartment's default network, when
          // the batch declares one
          const defaultNetwork = `${COMPARTMENT}.network`;
          const filled =
            d !== undefined &&
            'absent' in e &&
            f.key === 'Network' &&
            got.has(`${QUADLET_DIR}/${defaultNetwork}`) &&
            decodeProblem(text, f.section, f.key, { lines: [defaultNetwork] }) === undefined;
          // and gives a timer job's service `Type=oneshot` when none is set
          const oneshot =
            d !== undefined &&
            'absent' in e &&
            f.place === 'job' &&
            f.section === 'Service' &&
            f.key === 'Type' &&
            decodeProblem(text, f.section, f.key, { lines: ['oneshot'] }) === undefined;
          // and makes every container, pod and kube unit part of the compartment's target
          const target = `${COMPARTMENT}.target`;
          const stacked =
            d !== undefined &&
            f.section === 'Unit' &&
            f.key === 'PartOf' &&
            (f.place === 'container' || f.place === 'pod' || f.place === 'kube') &&
            (('words' in e &&
              !e.words.includes(target) &&
              decodeProblem(text, f.section, f.key, { ...e, words: [...e.words, target] }) === undefined) ||
              // (a PartOf= sent empty still holds the target)
              ('absent' in e &&
                decodeProblem(text, f.section, f.key, { words: [target], mode: 'strv', oneEntry: true }) ===
                  undefined));
          if (d && !filled && !oneshot && !stacked) out.push(`${p}: ${d}`);
        }
        if (derived && 'lines' in e) {
          const sn = e.lines.at(-1)!;
          const want = sn.endsWith('.service') ? sn : `${sn}.service`;
          const unit = getAll(parseUnitFile(text), 'Timer', 'Unit').map((x) => x.value);
          if (!isDeepStrictEqual(unit, [want])) out.push(`${p}: Unit=${JSON.stringify(unit)}, expected ${want}`);
        }
      });
      return out;
    },
    baseline: () => {
      const e = expectedOf(f, s.value);
      const base = e ? baselineOf(s, e) : undefined;
      return new Map(base ? files.map((p, i) => [p, base[i]!]) : []);
    },
    generator: (run, base, got, version) => generatorCheck(s, run, base, got, version),
  };
}

/** The generated service of a Quadlet file in a run. */
function generated(run: GeneratorRun, file: string, text: string | undefined): { name?: string; text?: string } {
  const name = serviceOf(file, text);
  return name ? { name, text: run.result.units.get(name) } : {};
}

const valuesOf = (text: string, section: string, key: string) =>
  getAll(parseUnitFile(text), section, key).map((x) => x.value);

function generatorCheck(
  s: Slot,
  run: GeneratorRun,
  baseRun: GeneratorRun,
  got: ReadonlyMap<string, string>,
  version: string,
): { injection?: string; note?: string } {
  const f = s.field;
  if (f.place === 'timer') return {};
  const e = expectedOf(f, s.value);
  if (!e || 'absent' in e) return {};
  const keyFile = slotKeyFile(s);
  const file = keyFile.slice(keyFile.lastIndexOf('/') + 1);
  const text = got.get(keyFile);
  const reason = run.result.loadErrors.get(file) ?? run.result.rejected.get(file);
  const baseReason = baseRun.result.loadErrors.get(file) ?? baseRun.result.rejected.get(file);
  if (reason !== undefined) {
    const m = /unsupported key '([^']*)' in group '([^']*)'/.exec(reason);
    if (m && !parseUnitFile(text ?? '').nodes.some((n) => n.kind === 'entry' && n.key === m[1] && n.section === m[2])) {
      return { injection: `the generator found a key nobody wrote: ${reason}` };
    }
    if (f.since && compareVersions(f.since, version) > 0) return {};
    if (baseReason === undefined)
      return { note: `the generator ${version} rejects what the linter accepted: ${reason}` };
    return {};
  }
  if (baseReason !== undefined) return {};
  const svc = generated(run, file, text);
  const baseKeyText = baseTextOf(s) ?? '';
  const base = generated(baseRun, file, baseKeyText);
  if (svc.text === undefined) return {};
  if (f.section === 'Unit' || f.section === 'Service') {
    // Quadlet copies [Unit] and [Service] lines as they are, but sets some itself (a pod is Type=forking): where
    // the placeholder's line reaches the service, the value's must too
    if (f.kind === 'kv' || base.text === undefined) return {};
    const placeholder = valuesOf(baseKeyText, f.section, f.key);
    const baseHas = systemdValues(base.text, f.section, f.key);
    if (!placeholder.every((v) => baseHas.includes(v))) return {};
    const want = valuesOf(text!, f.section, f.key);
    const have = systemdValues(svc.text, f.section, f.key);
    return want.every((w) => have.includes(w))
      ? {}
      : { injection: `the generated ${svc.name} has ${f.key}=${show(have)}, the unit ${show(want)}` };
  }
  const lines = execLines(svc.text);
  if ('map' in e) {
    const flag = GEN_FLAG_KV[f.key];
    if (!flag) return {};
    // systemd's expansion of the ExecStart words: a `%` or `$` that is not doubled would be expanded
    const expanded = lines.map((l) => l.map((w, i) => (l[i - 1] === flag ? (literalOf(w, true) ?? `\0${w}`) : w)));
    for (const [k, v] of e.map) {
      if (!expanded.some((l) => containsRun(l, [flag, `${k}=${v}`]))) {
        return {
          injection: `the generated ${svc.name} has no ${flag} ${show(`${k}=${v}`)} (after systemd's expansion)`,
        };
      }
    }
    return {};
  }
  if ('words' in e && (f.key === 'Exec' || f.key === 'PodmanArgs' || f.key === 'GlobalArgs')) {
    if (!lines.some((l) => containsRun(l, e.words))) {
      return { injection: `the generated ${svc.name} does not carry the words ${show(e.words)} of ${f.key}` };
    }
    if (f.key === 'Exec') {
      const start = lines.at(-1) ?? [];
      if (!isDeepStrictEqual(start.slice(start.length - e.words.length), e.words)) {
        return { injection: `the generated ExecStart does not end with the Exec words ${show(e.words)}` };
      }
    }
  }
  return {};

  function baseTextOf(slot: Slot): string | undefined {
    const ex = expectedOf(slot.field, slot.value);
    const b = ex ? baselineOf(slot, ex) : undefined;
    return b?.[slotFiles(slot).indexOf(slotKeyFile(slot))];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Name slots: unit names, volumes, config files, secrets, registries, probes, extra lines, raw units, top-level

const QUADLET_SUFFIXES = ['container', 'pod', 'network', 'volume', 'image', 'build', 'kube', 'artifact'] as const;
const MINIMAL_BODY: Record<string, Record<string, unknown>> = {
  container: { container: { image: 'localhost/x' } },
  pod: { pod: {} },
  network: { network: {} },
  volume: { volume: {} },
  image: { image: { image: 'localhost/x' } },
  build: { build: { imageTag: 'localhost/b', setWorkingDirectory: '/srv/ctx' } },
  kube: { kube: { yaml: '/srv/play.yaml' } },
  artifact: { artifact: { artifact: 'localhost/a' } },
};

const unitTextCache = new Map<string, string>();
/** The text a minimal unit of `type` renders to (the same under any name). */
function minimalText(type: string): string {
  let t = unitTextCache.get(type);
  if (t === undefined) {
    const spec = emptySpec();
    spec.units[`m.${type}`] = MINIMAL_BODY[type];
    t = renderAlone0(spec).get(`${QUADLET_DIR}/m.${type}`)!;
    unitTextCache.set(type, t);
  }
  return t;
}

const renderAlone0 = (spec: SpecObject) => render(validateSpec(spec)).files;

const unitNameArb = fc
  .tuple(nameish(plainName), fc.constantFrom(...QUADLET_SUFFIXES, 'timer', 'service', 'conf', ''))
  .map(([n, s]) => (s === '' ? n : `${n}.${s}`));

function unitNameItem(name: string): Item {
  const dot = name.lastIndexOf('.');
  const suffix = dot >= 0 ? name.slice(dot + 1) : '';
  const type = (QUADLET_SUFFIXES as readonly string[]).includes(suffix) ? suffix : 'container';
  const path = formatPath(['units', name]);
  return {
    family: 'spec-unit-name',
    field: 'units.<name>',
    value: name,
    count: 1,
    paths: [path],
    files: [`${QUADLET_DIR}/${name}`],
    place: (spec) => {
      spec.units[name] = MINIMAL_BODY[type];
    },
    judge: (got) => {
      const p = `${QUADLET_DIR}/${name}`;
      if (name.includes('/') || name === '.' || name === '..') return [`accepted a unit name that is a path: ${p}`];
      const text = got.get(p);
      if (text === undefined) return [`${p} was not written`];
      return text === minimalText(type) ? [] : [`${p} holds ${show(text)}, expected ${show(minimalText(type))}`];
    },
  };
}

function volumeItem(i: number, name: string, kind: 'host' | 'podman'): Item {
  const ref = `r${i}.container`;
  return {
    family: 'spec-volume-name',
    field: `volumes.<name> (${kind})`,
    value: name,
    count: 1,
    paths: [formatPath(['volumes', name]), formatPath(['units', ref])],
    files: [`${QUADLET_DIR}/${ref}`, ...(kind === 'podman' ? [`${QUADLET_DIR}/${name}.volume`] : [])],
    place: (spec) => {
      spec.volumes[name] = kind === 'host' ? {} : { kind: 'podman' };
      spec.units[ref] = { container: { image: 'localhost/x', volume: [`${name}:/data`] } };
    },
    judge: (got, _modes, _state) => {
      const out: string[] = [];
      const text = got.get(`${QUADLET_DIR}/${ref}`);
      const vol = text === undefined ? [] : getAll(parseUnitFile(text), 'Container', 'Volume').map((e) => e.value);
      const want = kind === 'host' ? `${VOLUMES_ROOT}/${COMPARTMENT}/${name}:/data` : `${name}.volume:/data`;
      if (!isDeepStrictEqual(vol, [want])) out.push(`${ref} mounts ${show(vol)}, expected ${show(want)}`);
      if (kind === 'podman') {
        const p = `${QUADLET_DIR}/${name}.volume`;
        if (got.get(p) !== minimalText('volume')) out.push(`${p} holds ${show(got.get(p))}`);
      }
      return out;
    },
  };
}

function fileItem(i: number, p: string, content: string, mode: unknown, where: 'files' | 'quadlet'): Item {
  const ref = `r${i}.container`;
  const target = where === 'files' ? `${FILES_DIR}/${p}` : `${QUADLET_DIR}/${p}`;
  return {
    family: 'spec-file',
    field: `files.<path> (${where}, mode ${show(mode)})`,
    value: { path: p, content },
    count: 2,
    paths: [formatPath(['files', p]), formatPath(['units', ref])],
    files: [target, `${QUADLET_DIR}/${ref}`],
    place: (spec) => {
      spec.files ??= {};
      spec.files[p] = { content, mode, in: where };
      spec.units[ref] = { container: { image: 'localhost/x', environmentFile: [p] } };
    },
    judge: (got, modes) => {
      const out: string[] = [];
      if (p.split('/').some((seg) => seg === '..' || seg === '.' || seg === '') || p.startsWith('/')) {
        out.push(`accepted a path that leaves its folder: ${p}`);
      }
      if (got.get(target) !== content) out.push(`${target} holds ${show(got.get(target))}, sent ${show(content)}`);
      const wantMode = typeof mode === 'number' ? mode : Number.parseInt(String(mode).replace(/^0?o?/, ''), 8);
      if (modes.get(target) !== wantMode) out.push(`${target} has mode ${modes.get(target)?.toString(8)}`);
      const text = got.get(`${QUADLET_DIR}/${ref}`);
      const ef =
        text === undefined ? [] : getAll(parseUnitFile(text), 'Container', 'EnvironmentFile').map((e) => e.value);
      const want = where === 'files' ? `%h/${FILES_DIR}/${p}` : p;
      if (!isDeepStrictEqual(ef, [want])) out.push(`${ref} reads ${show(ef)}, expected ${show(want)}`);
      return out;
    },
  };
}

function secretItem(value: string | { name: string; description: string }): Item {
  const name = typeof value === 'string' ? value : value.name;
  return {
    family: 'spec-secret',
    field: typeof value === 'string' ? 'secrets[]' : 'secrets[].{name,description}',
    value,
    count: typeof value === 'string' ? 1 : 2,
    paths: ['secrets'],
    files: [],
    singleton: 'secrets',
    place: (spec) => {
      spec.secrets = [value];
    },
    judge: (_got, _m, state) => {
      const want = typeof value === 'string' || !value.description ? { name } : value;
      return sameJson(state.secrets, [want]) ? [] : [`stored secrets ${show(state.secrets)}`];
    },
  };
}

function registryItem(registry: string, username: string): Item {
  return {
    family: 'spec-registry',
    field: 'registries[].{registry,username}',
    value: { registry, username },
    count: 2,
    paths: ['registries'],
    files: [],
    singleton: 'registries',
    place: (spec) => {
      spec.registries = [{ registry, username }];
    },
    judge: (_got, _m, state) =>
      sameJson(state.registries, [{ registry, username }]) ? [] : [`stored ${show(state.registries)}`],
  };
}

function probeItem(probe: Record<string, unknown>): Item {
  return {
    family: 'spec-probe',
    field: 'probes[]',
    value: probe,
    count: 3,
    paths: ['probes'],
    files: [],
    singleton: 'probes',
    place: (spec) => {
      spec.probes = [probe];
    },
    judge: (_got, _m, state) => {
      const got = state.probes[0] as unknown as Record<string, unknown> | undefined;
      if (!got) return ['the probe was not stored'];
      return Object.entries(probe)
        .filter(([k, v]) => got[k] !== v)
        .map(([k, v]) => `probe ${k} stored as ${show(got[k])}, sent ${show(v)}`);
    },
  };
}

function descriptionItem(description: string): Item {
  return {
    family: 'spec-description',
    field: 'description',
    value: description,
    count: 1,
    paths: ['description'],
    files: [],
    singleton: 'description',
    place: (spec) => {
      spec.description = description;
    },
    judge: (_got, _m, state) => {
      const out = state.description === description ? [] : [`stored ${show(state.description)}`];
      // never rendered: the same files without it
      const withIt = render(state, { volumesRoot: VOLUMES_ROOT }).files;
      const without = render({ ...state, description: '' }, { volumesRoot: VOLUMES_ROOT }).files;
      if (!isDeepStrictEqual(withIt, without)) out.push('the rendered files change with the description');
      return out;
    },
  };
}

function extraItem(i: number, section: string, key: string, value: string): Item {
  const unit = `s${i}.container`;
  const file = `${QUADLET_DIR}/${unit}`;
  return {
    family: 'spec-extra',
    field: `extra [${show(section)}, ${show(key)}]`,
    value: [section, key, value],
    count: 3,
    paths: [formatPath(['units', unit])],
    files: [file],
    place: (spec) => {
      spec.units[unit] = { container: { image: 'localhost/x' }, extra: [[section, key, value]] };
    },
    judge: (got) => {
      const spec = emptySpec();
      spec.units[unit] = { container: { image: 'localhost/x' }, extra: [[section, key, 'p0']] };
      let base: string;
      try {
        base = renderAlone0(spec).get(file)!;
      } catch (e) {
        return [`accepted, but the same line with a plain value is refused: ${(e as Error).message.slice(0, 200)}`];
      }
      const text = got.get(file);
      if (text === undefined) return [`${file} was not written`];
      const out = compareStructure(text, base, section, key).map((m) => `${file}: ${m}`);
      const d = decodeProblem(text, section, key, { lines: [value] });
      if (d) out.push(`${file}: ${d}`);
      return out;
    },
  };
}

function rawUnitItem(i: number, text: string): Item {
  const unit = `s${i}.container`;
  const file = `${QUADLET_DIR}/${unit}`;
  return {
    family: 'spec-raw-unit',
    field: 'units.<name>.text',
    value: text,
    count: 1,
    paths: [formatPath(['units', unit])],
    files: [file],
    place: (spec) => {
      spec.units[unit] = { text };
    },
    judge: (got) => (got.get(file) === text ? [] : [`${file} holds ${show(got.get(file))}`]),
  };
}

function topItem(field: 'compartment' | 'podmanVersion', value: unknown): Item {
  return {
    family: 'spec-top',
    field,
    value,
    count: 1,
    paths: [field],
    files: [],
    singleton: field,
    place: (spec) => {
      (spec as Record<string, unknown>)[field] = value;
    },
    judge: (_got, _m, state) => {
      if (field === 'compartment') return value === COMPARTMENT ? [] : [`accepted compartment ${show(value)} for h`];
      return state.podmanVersion === null || /^\d+\.\d+$/.test(state.podmanVersion) ? [] : ['odd version stored'];
    },
  };
}

/** Hostile `[Container]` units: a valid unit with hostile lines around, in and after it. */
const rawUnitText = fc
  .tuple(
    fc.constantFrom('', '# c\n', '[Unit]\nDescription=x\n'),
    fc.oneof(writable, mixed),
    fc.oneof(writable, hostileString),
    fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: hostileText }),
  )
  .map(([head, a, b, tail]) => `${head}[Container]\nImage=localhost/x\n# ${a}\nLabel=${b}\n${tail}`);

/** A probe with one hostile part. */
const probeArb = fc
  .tuple(
    fc.constantFrom('name', 'host', 'path', 'type'),
    hostileString,
    nameish(fc.constantFrom('127.0.0.1', 'localhost', '::1', 'web')),
  )
  .map(([part, h, n]) => {
    const p: Record<string, unknown> = { name: 'web', type: 'http', port: 8080, host: '127.0.0.1', path: '/' };
    p[part] = part === 'path' ? `/${h}` : part === 'type' ? h : part === 'name' ? n : h;
    if (part === 'host' && n.length < 40) p.host = n;
    return p;
  });

const registryHost = fc.oneof(
  nameish(fc.constantFrom('quay.io', 'docker.io', 'registry.local:5000', 'ghcr.io/org')),
  fc.constantFrom('quay.io'),
);

const extraKeyArb = fc.oneof(
  nameish(fc.stringMatching(/^[A-Z][A-Za-z]{1,8}$/)),
  fc.constantFrom('Sysctl', 'Description', 'Restart', 'WantedBy', 'X-Custom', 'Image', 'Exec'),
);
const extraSectionArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('Container', 'Unit', 'Service', 'Install', 'Quadlet') },
  { weight: 1, arbitrary: nameish(fc.constantFrom('Container', 'X-Section')) },
);

/** `n` name items (unit names, volumes, files, secrets, registries, probes, extra lines, raw units, tops). */
export function nameItems(seed: number, n: number): Item[] {
  const rnd = fc.sample(
    fc.record({
      kind: fc.constantFrom(
        'unit',
        'unit',
        'volume',
        'volume',
        'file',
        'file',
        'file',
        'secret',
        'registry',
        'probe',
        'description',
        'extra',
        'extra',
        'raw',
        'top',
      ),
      unitName: unitNameArb,
      volume: nameish(plainName),
      volumeKind: fc.constantFrom('host', 'podman'),
      path: pathish,
      content: fc.oneof(hostileText, fc.constant('A=1\n')),
      mode: fc.oneof(
        fc.constantFrom('0600', '0644', '0640', '0755', 0o600, 0o644),
        fc.constantFrom('4755', '0400', 'abc', '-1', 0o7777, 0o1777, '0o644', ' 0644', '0644\n'),
      ),
      where: fc.constantFrom('files', 'quadlet'),
      secret: fc.oneof(
        nameish(plainName),
        fc.record({ name: nameish(plainName), description: fc.oneof(hostileString, fc.constant('db')) }),
      ),
      registry: registryHost,
      username: fc.oneof(hostileString, nameish(plainName)),
      probe: probeArb,
      description: fc.oneof(hostileString, fc.constant('Blog 100% ok')),
      extraSection: extraSectionArb,
      extraKey: extraKeyArb,
      extraValue: hostileString,
      raw: rawUnitText,
      top: fc.oneof(
        fc.record({ f: fc.constant('compartment' as const), v: fc.oneof(nameish(fc.constant('h')), fc.constant('h')) }),
        fc.record({
          f: fc.constant('podmanVersion' as const),
          v: fc.oneof(hostileString, fc.constantFrom('5.4', '4.4', '5.8', 5.4, '05.4', '5.4.2', '99.9')),
        }),
      ),
    }),
    { numRuns: n, seed },
  );
  const items: Item[] = [];
  const taken = new Set<string>();
  rnd.forEach((r, i) => {
    const uniq = (k: string) => {
      if (taken.has(k)) return false;
      taken.add(k);
      return true;
    };
    switch (r.kind) {
      case 'unit':
        if (uniq(`u:${r.unitName}`) && r.unitName !== `${COMPARTMENT}.network`) items.push(unitNameItem(r.unitName));
        break;
      case 'volume':
        if (uniq(`v:${r.volume}`) && uniq(`u:${r.volume}.volume`))
          items.push(volumeItem(i, r.volume, r.volumeKind as 'host' | 'podman'));
        break;
      case 'file':
        if (uniq(`f:${r.path}`) && uniq(`u:${r.path}`))
          items.push(fileItem(i, r.path, r.content, r.mode, r.where as 'files' | 'quadlet'));
        break;
      case 'secret':
        items.push(secretItem(r.secret));
        break;
      case 'registry':
        items.push(registryItem(r.registry, r.username));
        break;
      case 'probe':
        items.push(probeItem(r.probe));
        break;
      case 'description':
        items.push(descriptionItem(r.description));
        break;
      case 'extra':
        items.push(extraItem(i, r.extraSection, r.extraKey, r.extraValue));
        break;
      case 'raw':
        items.push(rawUnitItem(i, r.raw));
        break;
      case 'top':
        items.push(topItem(r.top.f, r.top.v));
        break;
    }
  });
  return items;
}

// ---------------------------------------------------------------------------------------------------------
// Sending and judging

/** How a spec is sent: PUT …/spec or POST …/apply, as a JSON object, as YAML text in JSON, or as a YAML body. */
export type Form = 'json' | 'text' | 'yaml' | 'apply-json' | 'apply-yaml';

interface Snapshot {
  writes: number;
  files: Map<string, string>;
  state: string;
}

function snapshot(stage: Stage): Snapshot {
  const host = stage.hosts.get(COMPARTMENT)!;
  return {
    writes: host.writes,
    files: new Map(host.files),
    state: JSON.stringify(stage.ctx.app.store.compartments.loadState(COMPARTMENT as never) ?? null),
  };
}

function changed(stage: Stage, before: Snapshot): string | undefined {
  const now = snapshot(stage);
  if (now.writes !== before.writes) return 'files were written';
  if (now.state !== before.state) return 'the stored state changed';
  if (now.files.size !== before.files.size || [...now.files].some(([p, t]) => before.files.get(p) !== t))
    return 'the host files changed';
  return undefined;
}

async function send(stage: Stage, spec: SpecObject, form: Form): Promise<{ res: Answer; form: Form }> {
  const apply = form.startsWith('apply');
  const [method, url] = apply
    ? ['POST', `/api/compartments/${COMPARTMENT}/apply`]
    : ['PUT', `/api/compartments/${COMPARTMENT}/spec`];
  if (form !== 'json' && form !== 'apply-json') {
    const text = stringify(spec, { lineWidth: 0 });
    // only when the YAML library writes this spec so that it reads back the same (otherwise: JSON)
    if (sameJson(parseDocument(text, { uniqueKeys: true }).toJS({ maxAliasCount: 100 }), spec)) {
      const res =
        form === 'text'
          ? await call(stage, method, url, { text })
          : await call(stage, method, url, text, 'application/yaml');
      return { res, form };
    }
  }
  return { res: await call(stage, method, url, { spec }), form: apply ? 'apply-json' : 'json' };
}

interface Issue {
  path: string;
  message: string;
}

export interface BatchOptions {
  form: Form;
  /** Run the real generator over the accepted files and check the items against it. */
  generator?: string;
  generatorVersion?: string;
  /** After acceptance, export and import the compartment and compare (returns the state for it). */
  afterAccept?: (state: DesiredState) => Promise<void>;
}

/**
 * Sends the items in one spec, then again without the ones refused, until the rest is applied; judges each.
 */
export async function runBatch(stage: Stage, tally: Tally, items: Item[], options: BatchOptions): Promise<void> {
  // one item per singleton
  const seen = new Set<string>();
  let pending = items.filter((it) => {
    if (!it.singleton) return true;
    if (seen.has(it.singleton)) return false;
    seen.add(it.singleton);
    return true;
  });
  for (const it of pending) tally.sent(it.family, it.count);
  for (let round = 0; pending.length > 0; round++) {
    if (round > 8) {
      for (const it of pending) tally.unclearRefusal(it.family, it.field, it.value, 'still refused after 8 rounds');
      return;
    }
    const spec = emptySpec();
    for (const it of pending) it.place(spec);
    const before = snapshot(stage);
    const { res } = await send(stage, spec, options.form);
    const body = res.json();
    const error = body.error as { code: string; message: string; details?: Record<string, unknown> } | undefined;
    if (res.status >= 400) {
      const whatChanged = changed(stage, before);
      const issues = (error?.details?.issues as Issue[] | undefined) ?? [];
      const detailPath = error?.details?.path as string | undefined;
      if (detailPath) issues.push({ path: detailPath, message: error!.message });
      const refused = new Set<Item>();
      const orphans: Issue[] = [];
      for (const issue of issues) {
        const owners = pending.filter((it) => it.paths.some((p) => names(issue.path, p)));
        if (owners.length === 0) orphans.push(issue);
        for (const o of owners) refused.add(o);
      }
      if (refused.size === 0) {
        for (const it of pending) {
          tally.unclearRefusal(
            it.family,
            it.field,
            it.value,
            `${res.status} naming none of the values: ${show(error?.message ?? res.body, 400)}`,
          );
        }
        return;
      }
      for (const it of refused) {
        tally.refuse(it.family);
        if (whatChanged) tally.unclearRefusal(it.family, it.field, it.value, `refused, but ${whatChanged}`);
      }
      // an issue at a path no item owns: the value of some item spilled into another part of the spec?
      for (const o of orphans)
        tally.unclearRefusal('spec', o.path, '', `an issue at a path nothing was sent to: ${o.message}`);
      pending = pending.filter((it) => !refused.has(it));
      continue;
    }
    if (res.status !== 200) {
      for (const it of pending) tally.unclearRefusal(it.family, it.field, it.value, `status ${res.status}`);
      return;
    }
    const outcome = body.outcome as string;
    if (outcome === 'refused') {
      const whatChanged = changed(stage, before);
      const reports =
        (body.diagnostics as { path: string; diagnostics: { severity: string; code: string; key?: string }[] }[]) ?? [];
      const refused = new Set<Item>();
      for (const r of reports) {
        // a file the generator cannot read drops every unit of its folder: those errors are the broken file's
        // (which has its own error, and an owner), not theirs
        if (!r.diagnostics.some((d) => d.severity === 'error' && d.code !== 'unit-set-aborted')) continue;
        const owners = pending.filter((it) => it.files.includes(r.path));
        if (owners.length === 0) {
          for (const it of pending) {
            tally.unclearRefusal(it.family, it.field, it.value, `lint error in ${r.path}, which no value owns`);
          }
          return;
        }
        for (const o of owners) refused.add(o);
      }
      if (refused.size === 0) {
        // refused before anything changed without a lint error (a short image name, an image that cannot be
        // pulled): the message must name the value it refuses
        const message = String(body.message);
        const quoted = [...message.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
        for (const it of pending) {
          const values = stringsOf(it.value).filter((v) => v.length > 2);
          // a value quoted whole counts whatever its length (an image named `0`, given as a number)
          const exact = [...stringsOf(it.value), ...(typeof it.value === 'number' ? [String(it.value)] : [])];
          if (
            exact.some((v) => v !== '' && quoted.includes(v)) ||
            values.some((v) => message.includes(v) || quoted.some((q) => q.length > 2 && v.includes(q)))
          )
            refused.add(it);
        }
      }
      if (refused.size === 0) {
        for (const it of pending) tally.unclearRefusal(it.family, it.field, it.value, `refused: ${show(body.message)}`);
        return;
      }
      for (const it of refused) {
        tally.refuse(it.family);
        if (whatChanged) tally.unclearRefusal(it.family, it.field, it.value, `refused, but ${whatChanged}`);
      }
      pending = pending.filter((it) => !refused.has(it));
      continue;
    }
    if (outcome !== 'applied' && outcome !== 'noop') {
      // The host refused late (after the spec and lint let it through): a unit name systemd cannot take
      const message = String(body.message);
      const owners = pending.filter((it) => stringsOf(it.value).some((v) => v !== '' && message.includes(v)));
      for (const it of owners) tally.note(it.family, it.field, it.value, `apply ${outcome}: ${show(message, 300)}`);
      if (owners.length === 0) {
        for (const it of pending) tally.unclearRefusal(it.family, it.field, it.value, `apply ${outcome}: ${message}`);
        return;
      }
      for (const it of owners) tally.refuse(it.family);
      pending = pending.filter((it) => !owners.includes(it));
      continue;
    }
    judgeAccepted(stage, tally, pending, options);
    if (options.afterAccept) await options.afterAccept(stage.ctx.app.compartments.state(COMPARTMENT));
    return;
  }
}

/** The strings in a value (for finding which value a message is about). */
function stringsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v, JSON.stringify(v).slice(1, -1)];
  if (Array.isArray(v)) return v.flatMap(stringsOf);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [...stringsOf(k), ...stringsOf(x)]);
  return [];
}

function judgeAccepted(stage: Stage, tally: Tally, items: Item[], options: BatchOptions): void {
  const host = stage.hosts.get(COMPARTMENT)!;
  const state = stage.ctx.app.compartments.state(COMPARTMENT);
  // the expected set of files: every item's, and the default network's when there is one
  const expected = new Set<string>();
  for (const it of items) for (const f of it.files) expected.add(f);
  if (state.network) expected.add(`${QUADLET_DIR}/${COMPARTMENT}.network`);
  // and the compartment's target, when it has a typed container, pod or kube unit
  const target = `${SYSTEMD_USER_DIR}/${compartmentTarget(COMPARTMENT)}`;
  if (render(state, { volumesRoot: VOLUMES_ROOT }).files.has(target)) expected.add(target);
  for (const p of host.files.keys()) {
    if (!expected.has(p)) tally.injection('spec', p, '', `a file nothing asked for was written: ${p}`);
    if (!/^\.config\/(containers\/systemd|systemd\/user|quadletman\/files)\/./s.test(p) || p.includes('/../'))
      tally.injection('spec', p, '', `written outside the managed folders: ${p}`);
  }
  for (const it of items) {
    tally.accept(it.family);
    const problems = it.judge(host.files, host.modes, state);
    for (const m of problems) tally.injection(it.family, it.field, it.value, m);
  }
  if (options.generator) {
    const quadlet: Record<string, string> = {};
    for (const [p, t] of host.files) {
      if (p.startsWith(`${QUADLET_DIR}/`) && !p.slice(QUADLET_DIR.length + 1).includes('/'))
        quadlet[p.slice(QUADLET_DIR.length + 1)] = t;
    }
    const baseQuadlet = { ...quadlet };
    for (const it of items) {
      for (const [p, t] of it.baseline?.() ?? []) {
        if (p.startsWith(`${QUADLET_DIR}/`)) baseQuadlet[p.slice(QUADLET_DIR.length + 1)] = t;
      }
    }
    const run = runQuadlet(options.generator, quadlet);
    const base = runQuadlet(options.generator, baseQuadlet);
    if (run.result.crashed)
      tally.injection('generator', '(all)', '', `the generator crashed: ${run.stderr.slice(0, 300)}`);
    for (const it of items) {
      const g = it.generator?.(run, base, host.files, options.generatorVersion ?? '0.0');
      if (g?.injection) tally.injection(it.family, `${it.field} [generator]`, it.value, g.injection);
      if (g?.note) tally.note(it.family, `${it.field} [generator]`, it.value, g.note);
    }
  }
}

/** The YAML the API answers for the spec reads back as the stored state (for accepted batches). */
export async function checkSpecYaml(stage: Stage, tally: Tally): Promise<void> {
  const res = await call(stage, 'GET', `/api/compartments/${COMPARTMENT}/spec`);
  const state = stage.ctx.app.compartments.state(COMPARTMENT);
  let back: DesiredState;
  try {
    back = parseSpecText(String(res.json().yaml), 'yaml');
  } catch (e) {
    tally.injection('spec-yaml', 'GET …/spec yaml', '', `does not read back: ${(e as Error).message.slice(0, 300)}`);
    return;
  }
  if (!isDeepStrictEqual(back, state)) {
    tally.injection('spec-yaml', 'GET …/spec yaml', '', 'reads back as another state');
  }
}
