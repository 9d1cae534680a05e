// Templates: a compartment's whole spec kept apart from any compartment, with parameters, to create others from.
// Pure: the store keeps templates (store/templates.ts), core/service/templates.ts saves and creates.
//
//   template: 1                        # the format
//   name: blog
//   description: nginx and postgres
//   version: "1.2.0"                   # optional (catalog entries carry theirs)
//   parameters:
//     - { name: port, description: The page's port, default: "8080", pattern: "[0-9]{2,5}" }
//     - { name: db_password, generate: password, secret: db-password }
//   spec:                              # a compartment spec without `compartment:`
//     units:
//       web.container: { container: { image: docker.io/library/nginx:1.27, publishPort: "${port}:80" } }
//
// Every string VALUE of the spec is interpolated as in Compose files (`${name}`, `${name:-default}`, `$$` for a
// literal `$`, see convert/compose/interpolate.ts), from the parameters and `compartment` (the new compartment's
// id). Keys are literal. A parameter value is one line of plain text; where it lands, the spec's own checks
// apply (so a value cannot add a line to a unit file: `checkSpec` refuses it with its path). A parameter with
// `secret:` also becomes that Podman secret of the new compartment (the template never holds a secret's value;
// a `generate`d one is made at creation and shown once).
//
// Saving a compartment as a template (`templateFromState`): its spec as `toSpec` writes it, every `$` doubled,
// then each value given for a parameter replaced by `${name}` (longest value first), and the compartment's own
// names (its default network `<id>.network`, its volumes' folders `<root>/<id>/`) by `${compartment}`. So
// creating from the template with the saved values under the same id gives back the same desired state (the
// round-trip property test, template.test.ts).

import { parseDocument } from 'yaml';
import { z } from 'zod';
import { interpolate } from '../convert/compose/interpolate.js';
import { InvalidError } from '../errors.js';
import type { CompartmentId } from '../ids.js';
import { DEFAULT_VOLUMES_ROOT } from '../layout.js';
import { checkSpec, type DesiredState, type SpecIssue, specError, toSpec, toYamlText } from '../spec.js';
import { formatPath, type PathPart } from '../spec-sections.js';
import { escapeDollar, plainTextProblem } from '../values.js';

export const TEMPLATE_FORMAT = 1;
/** The parameter every template has: the id of the compartment being created. */
export const COMPARTMENT_PARAMETER = 'compartment';

export interface TemplateParameter {
  name: string;
  description?: string;
  /** Used when no value is given. */
  default?: string;
  /** A value must match it whole (a JavaScript regular expression). */
  pattern?: string;
  /** A random value is made when none is given: `password` (24 letters and digits) or `token` (64 hex digits). */
  generate?: 'password' | 'token';
  /** The value also becomes the new compartment's Podman secret of this name. */
  secret?: string;
}

export interface Template {
  name: string;
  description: string;
  version?: string;
  parameters: TemplateParameter[];
  /** A compartment spec (as users write it) without `compartment`, its string values interpolated. */
  spec: Record<string, unknown>;
}

/** A parameter's value at creation, and where it came from. */
export interface ParameterValue {
  name: string;
  value: string;
  source: 'given' | 'default' | 'generated';
  /** The value is a secret's (shown once, kept nowhere by quadletman). */
  secret?: string;
}

export interface Instance {
  state: DesiredState;
  values: ParameterValue[];
  /** Podman secrets to create before the first apply. */
  secrets: { name: string; value: string }[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const PARAM = /^[a-z_][a-z0-9_]{0,63}$/;

const line = (what: string, max: number) =>
  z.string({ error: `${what} must be a string` }).superRefine((s, ctx) => {
    const p = plainTextProblem(s, max);
    if (p) ctx.addIssue({ code: 'custom', message: `${what} ${p}` });
  });

const parameterSchema = z.strictObject({
  name: z
    .string({ error: 'must be a string' })
    .regex(PARAM, 'a parameter name is a lower-case letter or _, then lower-case letters, digits or _ (≤ 64)')
    .refine((n) => n !== COMPARTMENT_PARAMETER, `"${COMPARTMENT_PARAMETER}" is the new compartment's id, always set`),
  description: line('the description', 1024).optional(),
  default: line('the default', 4096).optional(),
  pattern: z
    .string()
    .max(1024)
    .refine((p) => {
      try {
        new RegExp(p, 'u');
        return true;
      } catch {
        return false;
      }
    }, 'must be a valid regular expression')
    .optional(),
  generate: z.enum(['password', 'token'], { error: 'must be "password" or "token"' }).optional(),
  secret: z
    .string()
    .regex(NAME, 'a secret name starts with a letter or digit: letters, digits, _ . - (≤ 64)')
    .optional(),
});

const templateSchema = z.strictObject({
  template: z.literal(TEMPLATE_FORMAT, { error: `must be ${TEMPLATE_FORMAT} (the template format)` }),
  name: z
    .string({ error: 'must be a string' })
    .regex(NAME, 'must start with a letter or digit: letters, digits, _ . - (≤ 64)'),
  description: line('the description', 1024).default(''),
  version: line('the version', 64).optional(),
  parameters: z.array(parameterSchema).max(100, 'at most 100 parameters').default([]),
  spec: z.record(z.string(), z.unknown(), { error: 'must be a compartment spec (a mapping)' }),
});

const issuesOf = (err: z.ZodError): SpecIssue[] =>
  err.issues.map((i) => ({ path: formatPath(i.path as PathPart[]), message: i.message }));

function templateError(source: string, issues: readonly SpecIssue[]): InvalidError {
  const lines = issues.slice(0, 50).map((i) => `${i.path || '(template)'}: ${i.message}`);
  return new InvalidError(`invalid template ${source}:\n${lines.join('\n')}`, { details: { issues } });
}

/** Visits every string value of a spec (not keys), with its path; `f` returns the new value. */
function mapStrings(v: unknown, path: PathPart[], f: (s: string, path: PathPart[]) => string): unknown {
  if (typeof v === 'string') return f(v, path);
  if (Array.isArray(v)) return v.map((x, i) => mapStrings(x, [...path, i], f));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, [...path, k], f);
    return out;
  }
  return v;
}

/** The names a string's interpolations look up (and a syntax problem, if any). */
function namesIn(s: string): { names: string[]; problem?: string } {
  const names: string[] = [];
  try {
    interpolate(s, (n) => {
      names.push(n);
      return 'x';
    });
    return { names };
  } catch (err) {
    return { names, problem: (err as Error).message };
  }
}

/** Checks a template (already parsed from YAML/JSON): its shape, and that the spec names declared parameters only. */
export function parseTemplate(input: unknown, source = 'template'): Template {
  const r = templateSchema.safeParse(input);
  if (!r.success) throw templateError(source, issuesOf(r.error));
  const t = r.data;
  const issues: SpecIssue[] = [];
  const declared = new Set<string>([COMPARTMENT_PARAMETER]);
  t.parameters.forEach((p, i) => {
    if (declared.has(p.name)) issues.push({ path: `parameters[${i}].name`, message: `${p.name} is declared twice` });
    declared.add(p.name);
    if (p.default !== undefined && p.pattern !== undefined && !fullMatch(p.pattern, p.default)) {
      issues.push({ path: `parameters[${i}].default`, message: `does not match the pattern ${p.pattern}` });
    }
  });
  const secrets = t.parameters.flatMap((p) => (p.secret ? [p.secret] : []));
  if (new Set(secrets).size !== secrets.length)
    issues.push({ path: 'parameters', message: 'two parameters fill one secret' });
  if ('compartment' in t.spec) issues.push({ path: 'spec.compartment', message: 'a template names no compartment' });
  mapStrings(t.spec, ['spec'], (s, path) => {
    const { names, problem } = namesIn(s);
    if (problem) issues.push({ path: formatPath(path), message: problem });
    for (const n of names) {
      if (!declared.has(n))
        issues.push({ path: formatPath(path), message: `\${${n}} is no parameter of the template` });
    }
    return s;
  });
  if (issues.length > 0) throw templateError(source, issues);
  const out: Template = { name: t.name, description: t.description, parameters: [], spec: t.spec };
  if (t.version !== undefined) out.version = t.version;
  out.parameters = t.parameters.map(
    (p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as TemplateParameter,
  );
  return out;
}

/** Parses template text (YAML or JSON) and checks it. */
export function parseTemplateText(text: string, source = 'template'): Template {
  if (text.length > 16 * 1024 * 1024) throw new InvalidError(`${source}: larger than 16 MiB`);
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    throw new InvalidError(`${source}${at} is not valid YAML: ${e.message.split('\n')[0]}`);
  }
  return parseTemplate(doc.toJS({ maxAliasCount: 100 }), source);
}

/** The template as YAML (its `parseTemplateText` gives it back). */
export function templateToYaml(t: Template): string {
  const doc: Record<string, unknown> = { template: TEMPLATE_FORMAT, name: t.name, description: t.description };
  if (t.version !== undefined) doc.version = t.version;
  doc.parameters = t.parameters;
  doc.spec = t.spec;
  return toYamlText(doc);
}

function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`, 'u').test(value);
}

export interface SaveOptions {
  name: string;
  description?: string;
  version?: string;
  /** Values to turn into parameters: each occurrence in the spec's strings becomes `${name}`, its default the value. */
  parameters?: Record<string, string>;
  /** Where host volumes live (their paths in raw units name the compartment). */
  volumesRoot?: string;
}

/** A compartment's desired state as a template. */
export function templateFromState(state: DesiredState, options: SaveOptions): Template {
  const params = Object.entries(options.parameters ?? {});
  const issues: SpecIssue[] = [];
  for (const [name, value] of params) {
    const p = parameterSchema.safeParse({ name, default: value });
    if (!p.success) issues.push(...issuesOf(p.error).map((i) => ({ ...i, path: `parameters.${name}` })));
    else if (value === '')
      issues.push({ path: `parameters.${name}`, message: 'an empty value cannot be found in the spec' });
  }
  if (issues.length > 0) throw templateError(options.name, issues);
  const { compartment: _id, version: _format, ...spec } = toSpec(state);
  // the compartment's own names first (a value given for a parameter may be part of them)
  const own: [string, string][] = [[`${state.id}.network`, `\${${COMPARTMENT_PARAMETER}}.network`]];
  const root = (options.volumesRoot ?? DEFAULT_VOLUMES_ROOT).replace(/\/+$/, '');
  own.push([`${root}/${state.id}/`, `${escapeDollar(root)}/\${${COMPARTMENT_PARAMETER}}/`]);
  const bySize = [...params].sort(([, a], [, b]) => b.length - a.length);
  const used = new Set<string>();
  const mapped = mapStrings(spec, [], (s) => {
    // split on the compartment's names, then on the values; replaced parts are never searched again
    let parts: { text: string; done: boolean }[] = [{ text: s, done: false }];
    const replace = (find: string, by: string, onHit?: () => void) => {
      parts = parts.flatMap((p) => {
        if (p.done || !p.text.includes(find)) return [p];
        onHit?.();
        return p.text.split(find).flatMap((x, i) =>
          i === 0
            ? [{ text: x, done: false }]
            : [
                { text: by, done: true },
                { text: x, done: false },
              ],
        );
      });
    };
    for (const [find, by] of own) replace(find, by);
    for (const [name, value] of bySize) replace(value, `\${${name}}`, () => used.add(name));
    return parts.map((p) => (p.done ? p.text : escapeDollar(p.text))).join('');
  }) as Record<string, unknown>;
  for (const [name, value] of params) {
    if (!used.has(name))
      issues.push({ path: `parameters.${name}`, message: `${JSON.stringify(value)} occurs nowhere in the spec` });
  }
  if (issues.length > 0) throw templateError(options.name, issues);
  const t: Template = {
    name: options.name,
    description: options.description ?? state.description,
    parameters: params.map(([name, value]) => ({ name, default: value })),
    spec: mapped,
  };
  if (options.version !== undefined) t.version = options.version;
  return parseTemplate({ template: TEMPLATE_FORMAT, ...t }, options.name);
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random value of a `generate` kind, from the Web Crypto API. */
export function generateValue(kind: 'password' | 'token'): string {
  if (kind === 'token') {
    const b = crypto.getRandomValues(new Uint8Array(32));
    return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  }
  // rejection sampling keeps every letter equally likely
  let out = '';
  while (out.length < 24) {
    for (const x of crypto.getRandomValues(new Uint8Array(32))) {
      if (x < 248 && out.length < 24) out += ALNUM[x % 62];
    }
  }
  return out;
}

export interface InstantiateOptions {
  /** A value for every generated parameter (tests); otherwise random. */
  generate?: (kind: 'password' | 'token', parameter: string) => string;
}

/**
 * The desired state of a new compartment `id` from a template and the values given. Refuses (with every
 * problem and its path) an unknown parameter, a missing or malformed value, and a spec the values make invalid.
 */
export function instantiate(
  t: Template,
  id: CompartmentId,
  given: Readonly<Record<string, string>>,
  options: InstantiateOptions = {},
): Instance {
  const issues: SpecIssue[] = [];
  const declared = new Map(t.parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = t.parameters.map((p) => p.name).join(', ') || 'none';
      issues.push({ path: `values.${name}`, message: `${t.name} has no parameter ${name} (it has: ${known})` });
    }
  }
  const values: ParameterValue[] = [];
  for (const p of t.parameters) {
    const where = `values.${p.name}`;
    let v: ParameterValue | undefined;
    if (Object.hasOwn(given, p.name)) v = { name: p.name, value: given[p.name]!, source: 'given' };
    else if (p.default !== undefined) v = { name: p.name, value: p.default, source: 'default' };
    else if (p.generate) {
      const value = options.generate ? options.generate(p.generate, p.name) : generateValue(p.generate);
      v = { name: p.name, value, source: 'generated' };
    }
    if (!v) {
      issues.push({ path: where, message: `a value is needed${p.description ? ` (${p.description})` : ''}` });
      continue;
    }
    const problem = plainTextProblem(v.value, 4096);
    if (problem) issues.push({ path: where, message: problem });
    else if (p.pattern !== undefined && !fullMatch(p.pattern, v.value)) {
      issues.push({ path: where, message: `${JSON.stringify(v.value)} does not match ${p.pattern}` });
    }
    if (p.secret) v.secret = p.secret;
    values.push(v);
  }
  if (issues.length > 0) throw templateError(t.name, issues);
  const lookup = new Map<string, string>([
    [COMPARTMENT_PARAMETER, id],
    ...values.map((v) => [v.name, v.value] as const),
  ]);
  const spec = mapStrings(t.spec, [], (s, path) => {
    try {
      return interpolate(s, (n) => lookup.get(n)).value;
    } catch (err) {
      issues.push({ path: formatPath(['spec', ...path]), message: (err as Error).message });
      return s;
    }
  }) as Record<string, unknown>;
  if (issues.length > 0) throw templateError(t.name, issues);
  const checked = checkSpec({ ...spec, compartment: id });
  if (!checked.state) throw specError(checked.issues);
  return {
    state: checked.state,
    values,
    secrets: values.flatMap((v) => (v.secret ? [{ name: v.secret, value: v.value }] : [])),
  };
}
