/**
 * Templates: save a compartment as a template, keep templates in the store, and create compartments from a
 * template (a saved one, or a catalog app's: core/service/catalog.ts uses `createFrom`).
 *
 * Creating changes nothing until everything is known to be sound: the values are checked, the spec validated,
 * rendered and linted (errors refuse it) before the compartment is made. Then: the compartment (new, or one
 * created empty), the secrets the parameters fill (a secret that exists already is kept, not overwritten), and
 * the apply — which keeps the state only when it held (a compartment this call made is deleted again when the
 * apply is refused before anything ran). What it was made from (template or app, version, the
 * values but secrets') is recorded with the compartment, so that a later version can be applied to it.
 */
import type { FileReport } from '@quadletman/quadlet';
import type { ApplyOptions, ApplyResult } from '../apply/engine.js';
import { ConflictError, InvalidError, NotFoundError } from '../errors.js';
import { type CompartmentId, parseCompartmentId } from '../ids.js';
import { DEFAULT_VOLUMES_ROOT } from '../layout.js';
import { lintRendered } from '../lint.js';
import type { Plan } from '../plan.js';
import { type RenderOptions, render } from '../render.js';
import type { DesiredState } from '../spec.js';
import {
  type Instance,
  instantiate,
  type ParameterValue,
  parseTemplateText,
  type Template,
  type TemplateParameter,
  templateFromState,
  templateToYaml,
} from '../templates/template.js';
import type { CompartmentService } from './compartments.js';

/** What the store keeps (store/templates.ts satisfies it). */
export interface TemplateStorePort {
  list(): TemplateRecord[];
  get(name: string): TemplateRecord | undefined;
  put(
    row: { name: string; description: string; body: string; createdBy: string; source: string | null },
    replace: boolean,
  ): boolean;
  delete(name: string): boolean;
  installed(compartment: string): InstalledRecord | undefined;
  allInstalled(): InstalledRecord[];
  recordInstalled(app: Omit<InstalledRecord, 'installedAt' | 'updatedAt'>): void;
}

export interface TemplateRecord {
  name: string;
  description: string;
  body: string;
  createdBy: string;
  source: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface InstalledRecord {
  compartment: string;
  origin: 'catalog' | 'template';
  name: string;
  version: string | null;
  values: Record<string, string>;
  installedAt: string;
  updatedAt: string;
}

export interface TemplateServiceDeps {
  store: TemplateStorePort;
  compartments: CompartmentService;
  /** The compartment's Podman secrets (ResourceService): a ConflictError when one of that name exists. */
  secrets: { createSecret(id: string, name: string, value: string): Promise<unknown> };
  render?: RenderOptions;
}

export interface TemplateInfo {
  name: string;
  description: string;
  version: string | null;
  parameters: TemplateParameter[];
  /** Units, volumes, files and secrets the template's spec declares (by name). */
  units: string[];
  createdBy: string;
  /** The compartment it was saved from (null: imported). */
  source: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Where a compartment came from. */
export interface Origin {
  kind: 'catalog' | 'template';
  name: string;
  version: string | null;
}

export interface CreateResult {
  compartment: CompartmentId;
  /** The compartment was made by this call (false: it existed, empty, or is being upgraded). */
  created: boolean;
  state: DesiredState;
  /** Each parameter's value and source. A secret's value is given only when this call made the secret. */
  values: ParameterValue[];
  /** Secrets made now, and those kept because they existed. */
  secrets: { made: string[]; kept: string[] };
  lint: FileReport[];
  lintErrors: number;
  /** For an existing compartment: what applying changes. */
  plan?: Plan;
  /** Set when applied. */
  apply?: ApplyResult;
}

const unitNames = (t: Template): string[] => Object.keys((t.spec.units as Record<string, unknown> | undefined) ?? {});

export class TemplateService {
  constructor(private readonly deps: TemplateServiceDeps) {}

  private info(r: TemplateRecord): TemplateInfo {
    const t = parseTemplateText(r.body, `template ${r.name}`);
    return {
      name: r.name,
      description: r.description,
      version: t.version ?? null,
      parameters: t.parameters,
      units: unitNames(t),
      createdBy: r.createdBy,
      source: r.source,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  list(): TemplateInfo[] {
    return this.deps.store.list().map((r) => this.info(r));
  }

  private record(name: string): TemplateRecord {
    const r = this.deps.store.get(name);
    if (!r) throw new NotFoundError(`There is no template '${name}'. \`quadletman template list\` shows them.`);
    return r;
  }

  get(name: string): TemplateInfo & { template: Template; yaml: string } {
    const r = this.record(name);
    const template = parseTemplateText(r.body, `template ${name}`);
    return { ...this.info(r), template, yaml: r.body };
  }

  /** Saves a compartment's desired state as a template; `parameters` turns values into parameters. */
  save(
    compartment: string,
    input: { name: string; description?: string; parameters?: Record<string, string>; replace?: boolean },
    actor: string,
  ): TemplateInfo {
    const state = this.deps.compartments.state(compartment);
    const t = templateFromState(state, {
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.parameters ? { parameters: input.parameters } : {}),
      volumesRoot: this.deps.render?.volumesRoot ?? DEFAULT_VOLUMES_ROOT,
    });
    return this.put(t, actor, state.id, input.replace ?? false);
  }

  /** Keeps a template given as YAML or JSON text (`template import`, the API). */
  import(text: string, source: string, actor: string, replace = false): TemplateInfo {
    return this.put(parseTemplateText(text, source), actor, null, replace);
  }

  private put(t: Template, actor: string, source: string | null, replace: boolean): TemplateInfo {
    const row = { name: t.name, description: t.description, body: templateToYaml(t), createdBy: actor, source };
    if (!this.deps.store.put(row, replace)) {
      throw new ConflictError(`A template '${t.name}' exists; replace it, or choose another name.`);
    }
    return this.info(this.record(t.name));
  }

  delete(name: string): void {
    if (!this.deps.store.delete(name)) throw new NotFoundError(`There is no template '${name}'.`);
  }

  /** What the compartment was created from, if it was made from a template or a catalog app. */
  installed(compartment: string): InstalledRecord | undefined {
    return this.deps.store.installed(parseCompartmentId(compartment, 'compartment'));
  }

  /** Creates compartment `id` from a saved template (or, without `apply`, says what it would be). */
  async create(
    name: string,
    id: string,
    values: Record<string, string>,
    options: { apply?: ApplyOptions } = {},
  ): Promise<CreateResult> {
    const { template } = this.get(name);
    return this.createFrom(
      template,
      { kind: 'template', name, version: template.version ?? null },
      id,
      values,
      options,
    );
  }

  /**
   * Creates (or, for a compartment made from the same origin, upgrades) compartment `id` from a template. An
   * upgrade keeps the values used before unless given again; a secret that exists is kept.
   */
  async createFrom(
    t: Template,
    origin: Origin,
    id: string,
    given: Record<string, string>,
    options: { apply?: ApplyOptions; upgrade?: boolean } = {},
  ): Promise<CreateResult> {
    const cid = parseCompartmentId(id, 'compartment');
    const current = this.current(cid);
    const before = current ? this.deps.store.installed(cid) : undefined;
    if (current && !isEmpty(current.state)) {
      if (!options.upgrade) {
        throw new ConflictError(
          `Compartment '${cid}' exists and has units; create from a template into a new (or empty) compartment.`,
        );
      }
      if (!before || before.origin !== origin.kind || before.name !== origin.name) {
        const was = before ? `${before.origin} ${before.name}` : 'nothing quadletman knows';
        throw new ConflictError(`Compartment '${cid}' was made from ${was}, not ${origin.kind} ${origin.name}.`);
      }
    }
    // an upgrade: the values used before, but for those the template no longer has
    const known = new Set(t.parameters.map((p) => p.name));
    const kept = Object.fromEntries(Object.entries(before?.values ?? {}).filter(([k]) => known.has(k)));
    const instance: Instance = instantiate(t, cid, { ...kept, ...given });
    const rendered = render(instance.state, this.deps.render);
    const lint = lintRendered(rendered.files, { podmanVersion: instance.state.podmanVersion });
    const result: CreateResult = {
      compartment: cid,
      created: current === undefined,
      state: instance.state,
      values: instance.values,
      secrets: { made: [], kept: [] },
      lint: lint.reports.filter((r) => r.diagnostics.length > 0),
      lintErrors: lint.errors,
    };
    if (current) result.plan = (await this.deps.compartments.plan(cid, instance.state)).plan;
    if (!options.apply) return hideSecrets(result);
    if (lint.errors > 0) {
      const lines = result.lint.flatMap((r) =>
        r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${r.path}:${d.line}: ${d.message} [${d.code}]`),
      );
      throw new InvalidError(`the units have ${lint.errors} lint error(s); nothing was changed:\n${lines.join('\n')}`, {
        details: { lint: result.lint },
      });
    }
    if (!current) {
      await this.deps.compartments.create({
        id: cid,
        description: instance.state.description,
        podmanVersion: instance.state.podmanVersion,
      });
    }
    for (const s of instance.secrets) {
      try {
        await this.deps.secrets.createSecret(cid, s.name, s.value);
        result.secrets.made.push(s.name);
      } catch (e) {
        // a secret the compartment has already is kept (an upgrade, or a retry after a failed apply)
        if (!(e instanceof ConflictError)) throw e;
        result.secrets.kept.push(s.name);
      }
    }
    result.apply = await this.deps.compartments.applyState(instance.state, {
      ...options.apply,
      message: options.apply.message ?? `${origin.kind} ${origin.name}${origin.version ? ` ${origin.version}` : ''}`,
      create: false,
    });
    // refused before anything ran (the generator's dry run, a pull): the compartment this call made goes again,
    // with the secrets it made, so that a refusal changes nothing (a rolled-back one stays, with its logs)
    if (result.apply.outcome === 'refused' && result.created) {
      await this.deps.compartments.delete(cid);
      result.secrets = { made: [], kept: [] };
    }
    if (result.apply.outcome === 'applied' || result.apply.outcome === 'noop') {
      const secretParams = new Set(instance.values.filter((v) => v.secret).map((v) => v.name));
      this.deps.store.recordInstalled({
        compartment: cid,
        origin: origin.kind,
        name: origin.name,
        version: origin.version,
        values: Object.fromEntries(
          instance.values.filter((v) => !secretParams.has(v.name)).map((v) => [v.name, v.value]),
        ),
      });
    }
    return hideSecrets(result);
  }

  private current(id: CompartmentId): { state: DesiredState } | undefined {
    try {
      this.deps.compartments.get(id);
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
    return { state: this.deps.compartments.stateOrEmpty(id) };
  }
}

/** A secret's value leaves only when this call made that secret (shown once). */
function hideSecrets(r: CreateResult): CreateResult {
  const made = new Set(r.secrets.made);
  r.values = r.values.map((v) => (v.secret && !made.has(v.secret) ? { ...v, value: '' } : v));
  return r;
}

const isEmpty = (s: DesiredState) =>
  Object.keys(s.units).length + Object.keys(s.files).length + Object.keys(s.volumes).length === 0;
