/**
 * The form of a template's (or a catalog app's) parameters: the new compartment's id, then one field per
 * parameter — its name as the label, its description as help, its default prefilled as the placeholder. A
 * value is checked against the parameter's pattern (a full match, as the server checks it) while typing, a
 * generated parameter says that it is made when left empty (a secret's as a password input), and a parameter
 * with neither default nor generator is marked required. Problems the server found (`values.NAME: …`) are shown
 * at their field too.
 */
import { ApiError } from '../api/client';
import type { TemplateParameter } from '../api/types';
import { withCode } from '../i18n/code';
import { t } from '../i18n/t';
import { inputClass } from './ui';

export type ParameterValues = Readonly<Record<string, string>>;

/** As the server's CompartmentIdSchema (core/ids.ts). */
const ID = /^[a-z](?:[a-z0-9]|-(?!-)){0,31}$/;
export const validCompartmentId = (id: string): boolean => ID.test(id) && !id.endsWith('-');

export const isRequired = (p: TemplateParameter): boolean => p.default === undefined && p.generate === undefined;

/** Whether `value` matches `pattern` whole; undefined when the pattern is no regular expression here. */
export function fullMatch(pattern: string, value: string): boolean | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(value);
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with each parameter's value, by name. An empty field takes the default (or a generated value);
 * `keepEmpty` (an upgrade) keeps the value used before, so nothing is required then.
 */
export function parameterProblems(
  parameters: readonly TemplateParameter[],
  values: ParameterValues,
  options: { keepEmpty?: boolean } = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parameters) {
    const v = values[p.name] ?? '';
    if (v === '') {
      if (isRequired(p) && !options.keepEmpty) out[p.name] = t('params.required');
    } else if (/[\n\r]/.test(v)) out[p.name] = t('params.oneLine');
    else if (p.pattern !== undefined && fullMatch(p.pattern, v) === false) {
      out[p.name] = t('params.noMatch', { pattern: p.pattern });
    }
  }
  return out;
}

/** The values to send: the fields filled in (an empty one takes its default, is generated, or is kept). */
export function valuesToSend(
  parameters: readonly TemplateParameter[],
  values: ParameterValues,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parameters) {
    const v = values[p.name] ?? '';
    if (v !== '') out[p.name] = v;
  }
  return out;
}

/** The problems of a refused request that name a parameter (`values.NAME`) or the compartment, by field. */
export function serverIssues(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return out;
  for (const i of issues as { path?: unknown; message?: unknown }[]) {
    if (typeof i.path !== 'string' || typeof i.message !== 'string') continue;
    const m = /^values\.([a-z_][a-z0-9_]*)$/.exec(i.path);
    if (m) out[m[1]!] ??= i.message;
    else if (i.path === 'compartment') out[''] ??= i.message;
  }
  return out;
}

/** `{ path, message }` issues of an API error's details (a template's problems), if it has them. */
export function issuesOf(error: unknown): { path: string; message: string }[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details?.issues)) return [];
  return (error.details.issues as { path?: unknown; message?: unknown }[]).flatMap((i) =>
    typeof i.message === 'string' ? [{ path: typeof i.path === 'string' ? i.path : '', message: i.message }] : [],
  );
}

function Field(props: {
  id: string;
  label: string;
  required: boolean;
  /** A parameter's name (shown as code), not a sentence. */
  code?: boolean;
  help?: string | undefined;
  note?: string | undefined;
  problem?: string | undefined;
  children: (describedBy: string | undefined) => React.ReactNode;
}) {
  const described = [
    props.help && `${props.id}-help`,
    props.note && `${props.id}-note`,
    props.problem && `${props.id}-error`,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="flex flex-col gap-1" data-parameter={props.label}>
      <label htmlFor={props.id} className="text-sm font-medium">
        <span className={props.code ? 'font-mono' : ''}>{props.label}</span>
        {props.required && (
          <>
            {' '}
            <span aria-hidden="true" className="text-red-700 dark:text-red-400">
              *
            </span>
            <span className="sr-only">{t('params.requiredMark')}</span>
          </>
        )}
      </label>
      {props.children(described || undefined)}
      {props.help && (
        <p id={`${props.id}-help`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {withCode(props.help)}
        </p>
      )}
      {props.note && (
        <p id={`${props.id}-note`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {props.note}
        </p>
      )}
      {props.problem && (
        <p id={`${props.id}-error`} className="text-xs font-medium text-red-800 dark:text-red-300">
          {props.problem}
        </p>
      )}
    </div>
  );
}

export function ParameterForm(props: {
  /** Prefix of the inputs' ids (two forms on a page stay apart). */
  idPrefix: string;
  parameters: readonly TemplateParameter[];
  values: ParameterValues;
  onValues: (values: ParameterValues) => void;
  compartment: string;
  /** Absent: the compartment is fixed (an upgrade of that compartment). */
  onCompartment?: (id: string) => void;
  /** Show "a value is needed" on empty required fields (after a first attempt, not before). */
  showRequired: boolean;
  /** An upgrade: an empty field keeps the value used before. */
  keepEmpty?: boolean;
  /** Problems the server reported, by parameter name ('' for the compartment). */
  issues?: Record<string, string>;
}) {
  const problems = parameterProblems(props.parameters, props.values, { keepEmpty: props.keepEmpty ?? false });
  const idBad = props.compartment !== '' && !validCompartmentId(props.compartment);
  const idProblem =
    props.issues?.[''] ??
    (idBad
      ? t('newCompartment.badId')
      : props.compartment === '' && props.showRequired
        ? t('params.required')
        : undefined);
  const cid = `${props.idPrefix}-compartment`;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field
        id={cid}
        label={t('params.compartment')}
        required={!!props.onCompartment}
        help={props.onCompartment ? t('newCompartment.idHint', { user: `qm-${props.compartment || '…'}` }) : undefined}
        problem={idProblem}
      >
        {(describedBy) => (
          <input
            id={cid}
            className={`${inputClass} font-mono`}
            autoCapitalize="off"
            spellCheck={false}
            value={props.compartment}
            readOnly={!props.onCompartment}
            aria-invalid={idProblem !== undefined}
            aria-describedby={describedBy}
            onChange={(e) => props.onCompartment?.(e.target.value)}
          />
        )}
      </Field>
      {props.parameters.map((p) => {
        const id = `${props.idPrefix}-p-${p.name}`;
        const value = props.values[p.name] ?? '';
        const missing = value === '' && isRequired(p) && !props.keepEmpty;
        const problem = props.issues?.[p.name] ?? (missing && !props.showRequired ? undefined : problems[p.name]);
        const note = [
          p.generate && !props.keepEmpty ? t('params.generated', { kind: t(`params.generate.${p.generate}`) }) : '',
          props.keepEmpty ? t('params.kept') : '',
          p.secret ? t('params.secret', { secret: p.secret }) : '',
          p.pattern !== undefined ? t('params.pattern', { pattern: p.pattern }) : '',
        ]
          .filter(Boolean)
          .join(' ');
        return (
          <Field
            key={p.name}
            id={id}
            label={p.name}
            code
            required={isRequired(p) && !props.keepEmpty}
            help={p.description}
            note={note || undefined}
            problem={problem}
          >
            {(describedBy) => (
              <input
                id={id}
                name={p.name}
                type={p.secret ? 'password' : 'text'}
                autoComplete={p.secret ? 'new-password' : 'off'}
                className={`${inputClass} font-mono`}
                spellCheck={false}
                autoCapitalize="off"
                placeholder={
                  props.keepEmpty
                    ? t('params.keptPlaceholder')
                    : (p.default ?? (p.generate ? t('params.generatedPlaceholder') : ''))
                }
                value={value}
                aria-invalid={problem !== undefined}
                aria-describedby={describedBy}
                onChange={(e) => props.onValues({ ...props.values, [p.name]: e.target.value })}
              />
            )}
          </Field>
        );
      })}
    </div>
  );
}
