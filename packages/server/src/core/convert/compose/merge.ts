// Reading compose YAML and merging compose models (the Compose specification, "Merge and override" and
// `extends`): mappings merge key by key, sequences append, except the shell commands (command, entrypoint,
// healthcheck.test: the later one wins) and the unique resources (ports, volumes, secrets, configs, devices:
// an entry replaces the earlier one with the same key, its target). `!reset` removes a value, `!override`
// replaces it whole. Mapping-like lists (environment, labels, …) are made mappings first, so both forms merge.

import { isMap, isScalar, isSeq, parseDocument, visit, YAMLMap } from 'yaml';
import { InvalidError } from '../../errors.js';
import { isObj, type Obj } from '../common.js';

/** A problem in a compose file, said with the file and the place in it (invalid input: the CLI exits 2). */
export class ComposeError extends InvalidError {
  override readonly name: string = 'ComposeError';
}

const RESET = '\u0000reset';
const OVERRIDE = '\u0000override';

/** Parses compose YAML; `!reset` and `!override` are kept as markers for {@link mergeCompose}. */
export function loadYaml(text: string, source: string): Obj {
  // (`merge`: the `<<: *fragment` merge keys compose files use with their x- fragments)
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, merge: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    throw new ComposeError(`${source}${at}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  visit(doc, (_, node) => {
    // YAML 1.1's octal numbers, which compose files use for modes (`mode: 0440`)
    if (isScalar(node) && typeof node.value === 'number' && /^0[0-7]+$/.test(node.source ?? '')) {
      node.value = Number.parseInt(String(node.source), 8);
    }
    if (!(isScalar(node) || isMap(node) || isSeq(node))) return undefined;
    if (node.tag !== '!reset' && node.tag !== '!override') return undefined;
    const marker = node.tag === '!reset' ? RESET : OVERRIDE;
    node.tag = undefined;
    const wrapper = new YAMLMap();
    wrapper.set(marker, node);
    return wrapper;
  });
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // (a `<<` merge of something that is not a mapping, too many aliases)
    throw new ComposeError(`${source}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (js === null || js === undefined) return {};
  if (!isObj(js)) throw new ComposeError(`${source}: a compose file is a mapping (services:, volumes:, …)`);
  return js;
}

/** The value of a `!override` marker, or the value itself; `!reset` markers become undefined. */
export function stripMarkers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripMarkers);
  if (!isObj(v)) return v;
  if (Object.hasOwn(v, RESET)) return undefined;
  if (Object.hasOwn(v, OVERRIDE)) return stripMarkers(v[OVERRIDE]);
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    const s = stripMarkers(x);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

const SHELL = new Set(['command', 'entrypoint', 'test']);
const UNIQUE = new Set(['ports', 'volumes', 'secrets', 'configs', 'devices']);

/** Merges `over` onto `base` (both already interpolated). `path` is where the values sit in the model. */
export function mergeCompose(base: unknown, over: unknown, path: readonly string[] = []): unknown {
  if (isObj(over) && Object.hasOwn(over, RESET)) return undefined;
  if (isObj(over) && Object.hasOwn(over, OVERRIDE)) return stripMarkers(over[OVERRIDE]);
  if (over === undefined) return stripMarkers(base);
  const key = path.at(-1) ?? '';
  const inService = path[0] === 'services' && path.length >= 3;
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...(stripMarkers(base) as Obj) };
    for (const [k, v] of Object.entries(over)) {
      const merged = mergeCompose(out[k], v, [...path, k]);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over) && !(inService && SHELL.has(key))) {
    const items = stripMarkers(over) as unknown[];
    if (inService && path.length === 3 && UNIQUE.has(key)) {
      const keyOf = key === 'ports' ? portKey : targetKey(key);
      const out = [...(base as unknown[])];
      for (const item of items) {
        const i = out.findIndex((x) => keyOf(x) === keyOf(item));
        if (i >= 0) out[i] = item;
        else out.push(item);
      }
      return out;
    }
    return [...(base as unknown[]), ...items];
  }
  return stripMarkers(over);
}

function portKey(p: unknown): string {
  if (!isObj(p)) return String(p);
  return JSON.stringify([p.host_ip ?? '', p.target, p.published ?? '', p.protocol ?? 'tcp']);
}

const targetKey =
  (key: string) =>
  (v: unknown): string => {
    if (isObj(v)) return String(v.target ?? v.source ?? '');
    const s = String(v);
    if (key === 'secrets' || key === 'configs') return s;
    // short syntax: SOURCE:TARGET[:MODE] (devices: HOST[:CONTAINER[:PERMS]]), or TARGET alone
    const parts = s.split(':');
    return parts.length >= 2 ? parts[1]! : parts[0]!;
  };

/** Mapping-like service keys that may be written as `KEY=VALUE` lists. */
const KV_KEYS = ['environment', 'labels', 'annotations', 'sysctls'];

/**
 * A service with its mapping-like lists made mappings (`environment: [A=1]` → `{A: "1"}`; a bare `A` → null),
 * `depends_on` lists made the long form and `networks` lists made mappings, so that files merge key by key.
 */
export function normalizeService(s: Obj): Obj {
  const out: Obj = { ...s };
  for (const k of KV_KEYS) {
    const v = out[k];
    if (!Array.isArray(v)) continue;
    const m: Obj = {};
    for (const item of v) {
      const str = String(item);
      const eq = str.indexOf('=');
      if (eq < 0) m[str] = null;
      else m[str.slice(0, eq)] = str.slice(eq + 1);
    }
    out[k] = m;
  }
  if (Array.isArray(out.depends_on)) {
    out.depends_on = Object.fromEntries(out.depends_on.map((d) => [String(d), { condition: 'service_started' }]));
  }
  if (Array.isArray(out.networks)) out.networks = Object.fromEntries(out.networks.map((n) => [String(n), null]));
  if (Array.isArray(out.extra_hosts)) {
    out.extra_hosts = Object.fromEntries(
      out.extra_hosts.map((h) => {
        const str = String(h);
        const i = str.search(/[=:]/);
        return i < 0 ? [str, ''] : [str.slice(0, i), str.slice(i + 1)];
      }),
    );
  }
  return out;
}
