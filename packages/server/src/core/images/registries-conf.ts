// Podman's registries.conf (containers-registries.conf(5), TOML, version 2; the version 1 search list too): the
// settings short names depend on (`unqualified-search-registries`, `short-name-mode`, `[aliases]`), merged over
// the main file and its drop-ins as containers-registries.conf.d(5) says, and `qualify`, which names the
// registry a short name would come from. Pure: host/registries-conf.ts reads the files.

import { parse, TomlError } from 'smol-toml';
import { InvalidError } from '../errors.js';
import { formatReference, type ImageReference, parseReference, tryParseReference } from './reference.js';

export type ShortNameMode = 'enforcing' | 'permissive' | 'disabled';
const MODES: readonly string[] = ['enforcing', 'permissive', 'disabled'];

/** What one file sets; a field it leaves out is undefined. An alias mapped to undefined is reset by the file. */
export interface RegistriesConfFile {
  path: string;
  unqualifiedSearchRegistries?: string[];
  shortNameMode?: ShortNameMode;
  aliases: ReadonlyMap<string, string | undefined>;
}

export interface RegistryAlias {
  /** The fully qualified repository the short name stands for. */
  value: string;
  /** The file that set it. */
  path: string;
}

/** The merged configuration. */
export interface RegistriesConf {
  unqualifiedSearchRegistries: string[];
  /** Undefined when no file sets it (Podman then uses its built-in default). */
  shortNameMode: ShortNameMode | undefined;
  aliases: ReadonlyMap<string, RegistryAlias>;
}

export const EMPTY_REGISTRIES_CONF: RegistriesConf = {
  unqualifiedSearchRegistries: [],
  shortNameMode: undefined,
  aliases: new Map(),
};

/** A registries.conf file Podman would refuse; the message starts with the file's path. */
export class RegistriesConfError extends InvalidError {
  override readonly name: string = 'RegistriesConfError';
  readonly path: string;
  constructor(path: string, problems: readonly string[]) {
    super(`${path}: ${problems.join('; ')}`, { details: { path, problems } });
    this.path = path;
  }
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read one file's text; throws {@link RegistriesConfError} (with `path`) for bad TOML or bad values, naming them all. */
export function parseRegistriesConf(text: string, path: string): RegistriesConfFile {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (e) {
    if (e instanceof TomlError)
      throw new RegistriesConfError(path, [`line ${e.line}, column ${e.column}: ${e.message.split('\n')[0]}`]);
    throw e;
  }
  const problems: string[] = [];
  const out: RegistriesConfFile = { path, aliases: new Map() };

  const v1 = isTable(doc.registries) ? doc.registries : undefined;
  if (
    v1 &&
    (doc['unqualified-search-registries'] !== undefined || doc.registry !== undefined || doc.aliases !== undefined)
  )
    problems.push('mixes the version 1 [registries.*] tables with version 2 settings');
  const search = v1 ? (isTable(v1.search) ? v1.search.registries : undefined) : doc['unqualified-search-registries'];
  const searchKey = v1 ? 'registries.search.registries' : 'unqualified-search-registries';
  if (search !== undefined) {
    if (!Array.isArray(search) || !search.every((r) => typeof r === 'string'))
      problems.push(`${searchKey} must be an array of strings`);
    else {
      for (const r of search) if (!isRegistryHost(r)) problems.push(`${searchKey}: "${r}" is not a host[:port]`);
      out.unqualifiedSearchRegistries = search;
    }
  }

  const mode = doc['short-name-mode'];
  if (mode !== undefined) {
    if (typeof mode === 'string' && MODES.includes(mode)) out.shortNameMode = mode as ShortNameMode;
    else problems.push(`short-name-mode must be one of ${MODES.join(', ')}, not ${JSON.stringify(mode)}`);
  }

  const aliases = doc.aliases;
  if (aliases !== undefined && !isTable(aliases)) problems.push('[aliases] must be a table');
  const map = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(isTable(aliases) ? aliases : {})) {
    const problem = aliasProblem(name, value);
    if (problem) problems.push(`alias "${name}": ${problem}`);
    else map.set(name, value === '' ? undefined : (value as string));
  }
  out.aliases = map;

  if (problems.length > 0) throw new RegistriesConfError(path, problems);
  return out;
}

function isRegistryHost(r: string): boolean {
  const ref = tryParseReference(`${r}/x`);
  return ref !== undefined && ref.registry === r;
}

/** containers/image's rules: the name is a short repository, the value a qualified one; neither has a tag or digest. */
function aliasProblem(name: string, value: unknown): string | undefined {
  const n = tryParseReference(name);
  if (!n) return 'the name is not a valid image name';
  if (n.registry !== undefined) return 'the name must not contain a registry';
  if (n.tag !== undefined || n.digest !== undefined) return 'the name must not contain a tag or digest';
  if (typeof value !== 'string') return 'the value must be a string';
  if (value === '') return undefined; // resets an alias an earlier file set
  const v = tryParseReference(value);
  if (!v) return `"${value}" is not a valid image name`;
  if (v.registry === undefined) return `"${value}" must contain a registry and a repository`;
  if (v.tag !== undefined || v.digest !== undefined) return `"${value}" must not contain a tag or digest`;
  return undefined;
}

/**
 * Merge files in the order Podman reads them (the main file, then the drop-ins in lexical order): a later file's
 * search list and mode replace the earlier ones when it sets them; its aliases override one by one, and an empty
 * alias value removes the alias.
 */
export function mergeRegistriesConf(files: readonly RegistriesConfFile[]): RegistriesConf {
  let search: string[] = [];
  let mode: ShortNameMode | undefined;
  const aliases = new Map<string, RegistryAlias>();
  for (const f of files) {
    if (f.unqualifiedSearchRegistries !== undefined) search = [...f.unqualifiedSearchRegistries];
    if (f.shortNameMode !== undefined) mode = f.shortNameMode;
    for (const [name, value] of f.aliases) {
      if (value === undefined) aliases.delete(name);
      else aliases.set(name, { value, path: f.path });
    }
  }
  return { unqualifiedSearchRegistries: search, shortNameMode: mode, aliases };
}

export interface Qualified {
  /** The first (for an alias, the only) name Podman would pull, with the tag or digest that was given. */
  fullName: string;
  via: 'alias' | 'search';
  /** Every name Podman may try, in order (one per search registry). */
  candidates: string[];
  /** The file that set the alias. */
  aliasPath?: string;
}

/**
 * Where a short name would be pulled from: its alias when there is one (Podman then never searches), else the
 * search registries, each prefixed to the name. Undefined for a name that has a registry, or when the
 * configuration offers neither. The tag and digest are kept; none is added.
 */
export function qualify(name: string | ImageReference, conf: RegistriesConf): Qualified | undefined {
  const ref = typeof name === 'string' ? parseReference(name) : name;
  if (ref.registry !== undefined) return undefined;
  const alias = conf.aliases.get(ref.path);
  if (alias) {
    const target = parseReference(alias.value);
    const fullName = formatReference({ ...target, tag: ref.tag, digest: ref.digest });
    return { fullName, via: 'alias', candidates: [fullName], aliasPath: alias.path };
  }
  const candidates = conf.unqualifiedSearchRegistries.map((registry) => formatReference({ ...ref, registry }));
  return candidates.length === 0 ? undefined : { fullName: candidates[0]!, via: 'search', candidates };
}
