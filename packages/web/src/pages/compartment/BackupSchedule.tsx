/**
 * The Backups tab's "Schedule" card: the compartment's backup policy (schedule in UTC, the mode of scheduled
 * backups, the retention restic forget applies after each), its next run (local time and UTC) and the outcome of
 * the last scheduled run. Operators edit it (the server checks it: its messages show under the field they are
 * about) and "Prune now" applies the retention at once; viewers read it.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ApiError, api, data } from '../../api/client';
import { keys, useBackupPolicy } from '../../api/queries';
import type { BackupCheck, BackupKeep, BackupMode, BackupPolicy, BackupPolicyView, BackupRun } from '../../api/types';
import { Badge, Button, Card, ErrorBox, inputClass, QueryView } from '../../components/ui';
import { withCode } from '../../i18n/code';
import { dateTime, t } from '../../i18n/t';

const KEEP_FIELDS = ['last', 'daily', 'weekly', 'monthly'] as const;

/** The server's problems with a refused policy, by field (`schedule`, `mode`, `keep`, `keep.last` …). */
function policyIssues(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError) || !Array.isArray(error.details?.issues)) return out;
  for (const i of error.details.issues as { path?: unknown; message?: unknown }[]) {
    if (typeof i.path === 'string' && typeof i.message === 'string') out[i.path] ??= i.message;
  }
  return out;
}

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="text-xs text-red-700 dark:text-red-300">
      {message}
    </p>
  );
}

/** The last `restic check` of the repository: when, sound or not, and its last lines when not. */
function LastCheck({ check }: { check: BackupCheck | null }) {
  if (!check) return <span>{t('backups.schedule.checkNone')}</span>;
  return (
    <span className="flex flex-col gap-1" data-testid="last-check">
      <span className="flex flex-wrap items-center gap-2">
        <Badge tone={check.ok ? 'ok' : 'bad'}>
          {check.ok ? t('backups.schedule.sound') : t('backups.schedule.problems')}
        </Badge>
        <span>
          {t(check.ok ? 'backups.schedule.checkOk' : 'backups.schedule.checkFailed', { time: dateTime(check.at) })}
        </span>
      </span>
      {!check.ok && <code className="whitespace-pre-wrap break-words text-xs">{check.output}</code>}
    </span>
  );
}

function LastRun({ run }: { run: BackupRun | null }) {
  if (!run) return <span>{t('backups.schedule.lastNone')}</span>;
  if (run.result === 'ok') {
    return (
      <span className="flex flex-wrap items-center gap-2">
        <Badge tone="ok">{t('backups.schedule.ok')}</Badge>
        <span>
          {t('backups.schedule.lastOk', { time: dateTime(run.at), id: (run.snapshot ?? '').slice(0, 8) })}
          {run.removed !== undefined &&
            ` ${t('backups.schedule.lastPruned', { removed: run.removed, kept: run.kept ?? 0 })}`}
        </span>
      </span>
    );
  }
  return (
    <span className="flex flex-col gap-1">
      <span className="flex flex-wrap items-center gap-2">
        <Badge tone="bad">{t('backups.schedule.failed')}</Badge>
        <span>
          {t('backups.schedule.lastFailed', {
            time: dateTime(run.at),
            stage: t(`backups.schedule.stage.${run.stage ?? 'backup'}`),
          })}
        </span>
      </span>
      {run.error && (
        <code className="whitespace-pre-wrap break-words text-xs" data-testid="last-run-error">
          {run.error}
        </code>
      )}
    </span>
  );
}

interface Draft {
  schedule: string;
  mode: BackupMode;
  retention: boolean;
  keep: Record<(typeof KEEP_FIELDS)[number], string>;
}

const draftOf = (p: BackupPolicy): Draft => ({
  schedule: p.schedule,
  mode: p.mode,
  retention: p.keep !== null,
  keep: {
    last: String(p.keep?.last ?? 0),
    daily: String(p.keep?.daily ?? 0),
    weekly: String(p.keep?.weekly ?? 0),
    monthly: String(p.keep?.monthly ?? 0),
  },
});

/** The form's values as the server takes them (an empty count is 0; anything else goes as typed, to be checked). */
function bodyOf(d: Draft): { schedule: string; mode: BackupMode; keep: Partial<BackupKeep> | null } {
  if (!d.retention) return { schedule: d.schedule, mode: d.mode, keep: null };
  const keep: Partial<BackupKeep> = {};
  for (const k of KEEP_FIELDS) {
    const v = d.keep[k].trim();
    keep[k] = v === '' ? 0 : Number(v);
  }
  return { schedule: d.schedule, mode: d.mode, keep };
}

function PolicyForm({ id, view, onSaved }: { id: string; view: BackupPolicyView; onSaved: () => Promise<void> }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(view.policy));
  const save = useMutation({
    mutationFn: (body: ReturnType<typeof bodyOf>) =>
      data(api.PUT('/api/compartments/{id}/backups/policy', { params: { path: { id } }, body })),
    onSuccess: async (v) => {
      setDraft(draftOf(v.policy));
      await onSaved();
    },
  });
  const issues = policyIssues(save.error);
  const other = save.isError && Object.keys(issues).length === 0;
  const field = `backup-policy-${id}`;
  const described = (name: string, hint?: string) =>
    [hint, issues[name] ? `${field}-${name}-error` : undefined].filter(Boolean).join(' ') || undefined;
  return (
    // noValidate: the server checks the policy and its messages show under the fields (one source of truth)
    <form
      noValidate
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(bodyOf(draft));
      }}
      aria-label={t('backups.schedule.form')}
    >
      <div className="flex flex-col gap-1">
        <label htmlFor={`${field}-schedule`} className="text-sm font-medium">
          {t('backups.schedule.schedule')}
        </label>
        <input
          id={`${field}-schedule`}
          className={`${inputClass} font-mono`}
          value={draft.schedule}
          onChange={(e) => setDraft({ ...draft, schedule: e.target.value })}
          aria-invalid={issues.schedule ? true : undefined}
          aria-describedby={described('schedule', `${field}-schedule-hint`)}
          autoComplete="off"
          spellCheck={false}
        />
        <p id={`${field}-schedule-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {withCode(t('backups.schedule.scheduleHint'))}
        </p>
        <FieldError id={`${field}-schedule-error`} message={issues.schedule} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${field}-mode`} className="text-sm font-medium">
          {t('backups.schedule.mode')}
        </label>
        <select
          id={`${field}-mode`}
          className={`${inputClass} max-w-xs`}
          value={draft.mode}
          onChange={(e) => setDraft({ ...draft, mode: e.target.value as BackupMode })}
          aria-invalid={issues.mode ? true : undefined}
          aria-describedby={described('mode')}
        >
          <option value="stop">{t('backups.mode.stop')}</option>
          <option value="live">{t('backups.mode.live')}</option>
          <option value="hook">{t('backups.mode.hook')}</option>
        </select>
        <FieldError id={`${field}-mode-error`} message={issues.mode} />
      </div>
      <fieldset className="flex flex-col gap-2">
        <legend className="sr-only">{t('backups.schedule.retention')}</legend>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-1"
            checked={draft.retention}
            onChange={(e) => setDraft({ ...draft, retention: e.target.checked })}
            aria-describedby={`${field}-retention-help`}
          />
          <span>
            <span className="font-medium">{t('backups.schedule.retention')}</span>
            <span id={`${field}-retention-help`} className="block text-zinc-600 dark:text-zinc-400">
              {t('backups.schedule.retentionHelp')}
            </span>
          </span>
        </label>
        {draft.retention && (
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            {KEEP_FIELDS.map((k) => (
              <div key={k} className="flex flex-col gap-1">
                <label htmlFor={`${field}-keep-${k}`} className="text-sm font-medium">
                  {t(`backups.schedule.keep.${k}`)}
                </label>
                <input
                  id={`${field}-keep-${k}`}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={1000}
                  step={1}
                  className={inputClass}
                  value={draft.keep[k]}
                  onChange={(e) => setDraft({ ...draft, keep: { ...draft.keep, [k]: e.target.value } })}
                  aria-invalid={issues[`keep.${k}`] ? true : undefined}
                  aria-describedby={described(`keep.${k}`)}
                />
                <FieldError id={`${field}-keep.${k}-error`} message={issues[`keep.${k}`]} />
              </div>
            ))}
          </div>
        )}
        <FieldError id={`${field}-keep-error`} message={issues.keep} />
      </fieldset>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" variant="primary" disabled={save.isPending} aria-busy={save.isPending}>
          {save.isPending ? t('backups.schedule.saving') : t('backups.schedule.save')}
        </Button>
        {save.isSuccess && !save.isPending && (
          <span role="status" className="text-sm">
            {t('backups.schedule.saved')}
          </span>
        )}
      </div>
      {other && <ErrorBox error={save.error} />}
    </form>
  );
}

function PruneNow({ id, onDone }: { id: string; onDone: () => Promise<void> }) {
  const prune = useMutation({
    mutationFn: () => data(api.POST('/api/compartments/{id}/backups/prune', { params: { path: { id } } })),
    onSettled: onDone,
  });
  return (
    <div className="flex flex-col gap-2">
      <div>
        <Button disabled={prune.isPending} aria-busy={prune.isPending} onClick={() => prune.mutate()}>
          {prune.isPending ? t('backups.pruning') : t('backups.prune')}
        </Button>
      </div>
      {prune.isError && <ErrorBox error={prune.error} />}
      {prune.data && (
        <p role="status" className="text-sm" data-testid="prune-result">
          {t('backups.pruned', { removed: prune.data.removed.length, kept: prune.data.kept.length })}
        </p>
      )}
    </div>
  );
}

function Summary({ view }: { view: BackupPolicyView }) {
  const keep = view.policy.keep;
  const rows: [string, ReactNode][] = [
    [t('backups.schedule.schedule'), <code key="s">{view.policy.schedule}</code>],
    [t('backups.schedule.mode'), t(`backups.mode.${view.policy.mode}`)],
    [
      t('backups.schedule.retention'),
      keep
        ? KEEP_FIELDS.filter((k) => keep[k] > 0)
            .map((k) => `${t(`backups.schedule.keep.${k}`)} ${keep[k]}`)
            .join(', ')
        : t('backups.schedule.noRetention'),
    ],
    [
      t('backups.schedule.next'),
      view.nextRun
        ? t('backups.schedule.nextAt', { local: dateTime(view.nextRun), utc: utc(view.nextRun) })
        : t('backups.schedule.never'),
    ],
    [t('backups.schedule.last'), <LastRun key="l" run={view.lastRun} />],
    [t('backups.schedule.check'), <LastCheck key="c" check={view.lastCheck} />],
  ];
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm" data-testid="backup-policy">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-zinc-600 dark:text-zinc-400">{k}</dt>
          <dd className="break-words">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function BackupScheduleCard({
  id,
  operator,
  hasRepository,
}: {
  id: string;
  operator: boolean;
  hasRepository: boolean;
}) {
  const policy = useBackupPolicy(id);
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: keys.part(id, 'backups') });
  return (
    <Card title={t('backups.schedule.title')}>
      <div className="flex flex-col gap-4">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{withCode(t('backups.schedule.explain'))}</p>
        <QueryView query={policy} what={t('backups.schedule.title')}>
          {(view) => (
            <div className="flex flex-col gap-4">
              <Summary view={view} />
              {operator && (
                <div className="border-t border-zinc-200 pt-3 dark:border-zinc-800">
                  <PolicyForm id={id} view={view} onSaved={refresh} />
                </div>
              )}
              {operator && view.policy.keep && hasRepository && (
                <div className="border-t border-zinc-200 pt-3 dark:border-zinc-800">
                  <PruneNow id={id} onDone={refresh} />
                </div>
              )}
            </div>
          )}
        </QueryView>
      </div>
    </Card>
  );
}
