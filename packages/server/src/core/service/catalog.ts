/**
 * The app catalog: the entries quadletman ships (core/templates/catalog.ts, read by host/catalog-source.ts),
 * which compartments were installed from each and at which version, and installing (or upgrading) one, which
 * goes through TemplateService.createFrom: values checked, lint errors refuse, secrets made once, plan/apply.
 *
 * The entries are read and checked on each request (a few small files; a catalog updated on disk is seen at
 * once): a broken entry is left out of the list and named in `problems` (and `catalog show` of it says why), so
 * one bad folder does not hide the rest.
 */
import { NotFoundError } from '../errors.js';
import { type CatalogEntry, parseCatalogEntry } from '../templates/catalog.js';
import type { CreateResult, TemplateService, TemplateStorePort } from './templates.js';

export interface CatalogFolderText {
  folder: string;
  text: string;
  readme: string;
}

export interface CatalogServiceDeps {
  /** The catalog's folders (host/catalog-source.ts); none when quadletman ships no catalog. */
  read(): Promise<CatalogFolderText[]>;
  templates: TemplateService;
  store: Pick<TemplateStorePort, 'allInstalled'>;
}

export interface CatalogApp {
  name: string;
  title: string;
  version: string;
  category: string;
  description: string;
  parameters: CatalogEntry['template']['parameters'];
  units: string[];
  backup: CatalogEntry['backup'];
  requires: string[];
  installed: { compartment: string; version: string | null }[];
}

export class CatalogService {
  constructor(private readonly deps: CatalogServiceDeps) {}

  private async load() {
    const entries = new Map<string, CatalogEntry>();
    const problems = new Map<string, string>();
    for (const f of await this.deps.read()) {
      try {
        entries.set(f.folder, parseCatalogEntry(f.text, f.readme, f.folder));
      } catch (e) {
        problems.set(f.folder, (e as Error).message);
      }
    }
    return { entries, problems };
  }

  private app(e: CatalogEntry): CatalogApp {
    return {
      name: e.name,
      title: e.title,
      version: e.version,
      category: e.category,
      description: e.description,
      parameters: e.template.parameters,
      units: Object.keys((e.template.spec.units as Record<string, unknown> | undefined) ?? {}),
      backup: e.backup,
      requires: e.requires,
      installed: this.deps.store
        .allInstalled()
        .filter((i) => i.origin === 'catalog' && i.name === e.name)
        .map((i) => ({ compartment: i.compartment, version: i.version })),
    };
  }

  /** The apps, and the folders that could not be read (by folder). */
  async list(): Promise<{ apps: CatalogApp[]; problems: Record<string, string> }> {
    const { entries, problems } = await this.load();
    return { apps: [...entries.values()].map((e) => this.app(e)), problems: Object.fromEntries(problems) };
  }

  async entry(name: string): Promise<CatalogEntry> {
    const { entries, problems } = await this.load();
    const e = entries.get(name);
    if (e) return e;
    const why = problems.get(name);
    if (why) throw new NotFoundError(`The catalog's ${name} cannot be used: ${why}`);
    throw new NotFoundError(`The catalog has no app '${name}'. \`quadletman catalog list\` shows them.`);
  }

  async get(name: string): Promise<CatalogApp & { readme: string; entry: CatalogEntry }> {
    const e = await this.entry(name);
    return { ...this.app(e), readme: e.readme, entry: e };
  }

  /** Installs app `name` as compartment `id` (or, with `upgrade`, applies this version to one installed from it). */
  async install(
    name: string,
    id: string,
    values: Record<string, string>,
    options: Parameters<TemplateService['createFrom']>[4] = {},
  ): Promise<CreateResult> {
    const e = await this.entry(name);
    return this.deps.templates.createFrom(
      e.template,
      { kind: 'catalog', name: e.name, version: e.version },
      id,
      values,
      options,
    );
  }
}
