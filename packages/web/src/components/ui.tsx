/**
 * Small shared building blocks: buttons, cards, states of a query (loading, not available, failed), badges.
 */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ComponentPropsWithRef, ReactNode } from 'react';
import { ApiError } from '../api/client';
import { withCode } from '../i18n/code';
import { t } from '../i18n/t';
import type { Tone } from './states';

export type { Tone } from './states';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-sky-700 text-white hover:bg-sky-800 disabled:bg-sky-700/50',
  secondary:
    'border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-100 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800',
  danger: 'bg-red-700 text-white hover:bg-red-800 disabled:bg-red-700/50',
  ghost: 'text-sky-800 hover:bg-sky-50 dark:text-sky-300 dark:hover:bg-zinc-800',
};

export function Button({
  variant = 'secondary',
  className = '',
  type = 'button',
  ...props
}: ComponentPropsWithRef<'button'> & { variant?: Variant }) {
  return (
    <button
      type={type}
      className={`inline-flex min-h-9 items-center justify-center gap-1 rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed ${VARIANTS[variant]} ${className}`}
      {...props}
    />
  );
}

export function Card({
  title,
  children,
  actions,
  heading: Heading = 'h2',
}: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  /** h1 where the card is the whole page (login, setup). */
  heading?: 'h1' | 'h2';
}) {
  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && <Heading className="text-lg font-semibold">{title}</Heading>}
          {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <p className="text-sm text-zinc-600 dark:text-zinc-400" role="status">
      {label ?? t('common.loading')}
    </p>
  );
}

export function NotAvailable({ what }: { what: string }) {
  return (
    <p
      className="rounded-md border border-dashed border-zinc-300 p-3 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400"
      role="note"
    >
      {t('common.notAvailable', { what })}
    </p>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div
      role="alert"
      className="whitespace-pre-line rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
    >
      {message}
    </div>
  );
}

/** Renders a query's data, or its loading, "not available" or error state. */
export function QueryView<T>({
  query,
  what,
  children,
}: {
  query: UseQueryResult<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Spinner />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.unavailable) return <NotAvailable what={what} />;
    return <ErrorBox error={query.error} />;
  }
  return <>{children(query.data)}</>;
}

export const isUnavailable = (e: unknown): boolean => e instanceof ApiError && e.unavailable;

const TONES: Record<Tone, string> = {
  ok: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  bad: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  idle: 'bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200',
  busy: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
};

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${TONES[tone]}`}>{children}</span>;
}

export const inputClass =
  'w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-950 aria-[invalid=true]:border-red-600';

export function TextField({
  label,
  id,
  hint,
  className = '',
  ...props
}: React.InputHTMLAttributes<HTMLInputElement> & { label: string; id: string; hint?: string }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        className={`${inputClass} ${className}`}
        aria-describedby={hint ? `${id}-hint` : undefined}
        {...props}
      />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {withCode(hint)}
        </p>
      )}
    </div>
  );
}

/**
 * A labelled select of plain text options (shown in monospace: unit names, service ids); an option may show
 * another text than its value (`{value, label}`).
 */
export function SelectField({
  label,
  id,
  options,
  children,
  ...props
}: React.SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  id: string;
  options: readonly (string | { value: string; label: string })[];
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <select id={id} className={`${inputClass} font-mono`} {...props}>
        {options.map((o) => {
          const { value, label: text } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
      {children}
    </div>
  );
}

/** A required port number field (1..65535). */
export function PortField(props: { label: string; id: string; value: string; onChange: (value: string) => void }) {
  return (
    <TextField
      id={props.id}
      label={props.label}
      type="number"
      inputMode="numeric"
      min={1}
      max={65535}
      required
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

/** A unified diff with added and removed lines marked (not only by colour: the +/- stay). */
export function DiffView({ diff }: { diff: string }) {
  return (
    <pre className="overflow-x-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950">
      {diff.split('\n').map((line, i) => {
        const tone =
          line.startsWith('+') && !line.startsWith('+++')
            ? 'bg-emerald-100 dark:bg-emerald-950'
            : line.startsWith('-') && !line.startsWith('---')
              ? 'bg-red-100 dark:bg-red-950'
              : '';
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a static text
          <div key={i} className={tone}>
            {line || ' '}
          </div>
        );
      })}
    </pre>
  );
}

/** Help text from the key registry: `code` spans (commands, keys, values) shown as code, not as backticks. */
export function RichText({ text }: { text: string }) {
  const parts = text.split(/`([^`]+)`/);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text, never reordered
          <code key={i} className="rounded bg-zinc-100 px-0.5 font-mono dark:bg-zinc-800">
            {p}
          </code>
        ) : (
          p
        ),
      )}
    </>
  );
}

/** The same text where only plain text fits (a select's option): the backticks dropped. */
export const plainText = (text: string): string => text.replace(/`([^`]+)`/g, '$1');
