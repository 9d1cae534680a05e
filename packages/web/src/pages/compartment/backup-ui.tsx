/**
 * Parts of the Backups tab: its tables' cell classes and header row (the last column, the row's buttons, named
 * only for screen readers), the box that asks before a restore, and a repository's password shown once (with the
 * password of the repository it replaced, if any).
 */
import type { ReactNode } from 'react';
import { ShownOnce } from '../../components/ShownOnce';
import { Button } from '../../components/ui';
import { t } from '../../i18n/t';

export const th = 'px-2 py-1 text-left font-medium';

/** A duration in seconds for people: one decimal below 10 s. */
export const seconds = (s: number) => t('backups.seconds', { n: s < 10 ? s.toFixed(1) : Math.round(s) });
export const td = 'px-2 py-1 align-top';

export function HeadRow({
  labels,
  action,
  className,
}: {
  labels: string[];
  /** The buttons' column, when shown: its name for screen readers. */
  action?: string;
  className?: string;
}) {
  return (
    <thead className={className}>
      <tr>
        {labels.map((l) => (
          <th key={l} className={th}>
            {l}
          </th>
        ))}
        {action !== undefined && (
          <th className={th}>
            <span className="sr-only">{action}</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

/** Asks before a restore: a title naming what, the text (and any `children` choices), the danger button and Cancel. */
export function ConfirmBox({
  id,
  title,
  text,
  confirmLabel,
  pending,
  onConfirm,
  onCancel,
  children,
}: {
  /** The prefix of the title's and text's element ids. */
  id: string;
  title: string;
  text: ReactNode;
  confirmLabel: string;
  pending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ReactNode;
}) {
  return (
    <div
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      className="flex flex-col gap-2 rounded-md border border-red-200 p-3 dark:border-red-900"
    >
      <h3 id={`${id}-title`} className="break-all font-semibold">
        {title}
      </h3>
      {children}
      <p id={`${id}-text`} className="text-sm">
        {text}
      </p>
      <div className="flex flex-wrap gap-2">
        <Button variant="danger" disabled={pending} aria-busy={pending} onClick={onConfirm}>
          {pending ? t('backups.restoring') : confirmLabel}
        </Button>
        <Button disabled={pending} onClick={onCancel}>
          {t('backups.cancel')}
        </Button>
      </div>
    </div>
  );
}

/** A repository's password, shown this once; `previous`: the repository it replaced, whose password goes with it. */
export function RepositoryPassword({
  location,
  password,
  previous,
}: {
  location: string;
  password: string;
  previous?: { location: string; password: string } | undefined;
}) {
  return (
    <ShownOnce
      title={t('backups.password.title')}
      warning={t('backups.password.warning')}
      hideLabel={t('backups.password.hide')}
      hiddenText={t('backups.password.hidden')}
      testId="repository-password"
      values={[
        {
          name: 'repository',
          label: t('backups.password.of', { location }),
          value: password,
          copyLabel: t('backups.password.copy'),
        },
        ...(previous
          ? [
              {
                name: 'previous',
                label: t('backups.repo.previousPassword', { location: previous.location }),
                value: previous.password,
                copyLabel: t('backups.repo.copyPrevious'),
              },
            ]
          : []),
      ]}
    />
  );
}
