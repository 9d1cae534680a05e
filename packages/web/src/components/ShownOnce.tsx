/**
 * Values the server shows this once and keeps no copy of that it could show again (generated secret values, a
 * backup repository's password): a prominent panel with a warning, each value with a copy button, and a way to
 * hide them once copied.
 */
import { useId, useState } from 'react';
import { t } from '../i18n/t';
import { Button } from './ui';

export interface OnceValue {
  /** Unique among the values; also names the value's test id (`secret-<name>`). */
  name: string;
  label: string;
  value: string;
  /** The copy button's accessible name. */
  copyLabel: string;
}

export function ShownOnce({
  title,
  warning,
  values,
  hideLabel,
  hiddenText,
  testId,
}: {
  title: string;
  warning: string;
  values: readonly OnceValue[];
  hideLabel: string;
  hiddenText: string;
  testId: string;
}) {
  const headingId = useId();
  const [copied, setCopied] = useState<string | undefined>();
  const [copyFailed, setCopyFailed] = useState(false);
  const [hidden, setHidden] = useState(false);
  if (values.length === 0) return null;
  const copy = async (v: OnceValue) => {
    setCopyFailed(false);
    try {
      await navigator.clipboard.writeText(v.value);
      setCopied(v.name);
    } catch {
      setCopied(undefined);
      setCopyFailed(true);
    }
  };
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-md border-2 border-amber-500 bg-amber-50 p-3 dark:border-amber-600 dark:bg-amber-950"
      data-testid={testId}
    >
      <h3 id={headingId} className="font-semibold">
        {title}
      </h3>
      <p role="alert" className="mt-1 text-sm font-medium">
        {warning}
      </p>
      {hidden ? (
        <p className="mt-2 text-sm">{hiddenText}</p>
      ) : (
        <>
          <ul className="mt-2 flex flex-col gap-2">
            {values.map((v) => (
              <li key={v.name} className="flex flex-col gap-1">
                <span className="text-sm">{v.label}</span>
                <div className="flex flex-wrap items-center gap-2">
                  <code
                    className="break-all rounded bg-white px-2 py-1 font-mono text-sm select-all dark:bg-zinc-900"
                    data-testid={`secret-${v.name}`}
                  >
                    {v.value}
                  </code>
                  <Button onClick={() => void copy(v)} aria-label={v.copyLabel}>
                    {copied === v.name ? t('create.secrets.copied') : t('create.secrets.copy')}
                  </Button>
                </div>
              </li>
            ))}
          </ul>
          {copyFailed && <p className="mt-1 text-sm">{t('create.secrets.copyFailed')}</p>}
          <Button className="mt-2" onClick={() => setHidden(true)}>
            {hideLabel}
          </Button>
        </>
      )}
    </section>
  );
}
