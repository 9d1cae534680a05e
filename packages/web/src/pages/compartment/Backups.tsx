/**
 * A compartment's backups: the restic repository (or none yet), the backup or restore under way with its
 * progress (BackupProgress.tsx), "Back up now" in stop or live mode for operators
 * with what the backup did (files, size, data added, duration, the units stopped and the downtime) and, for the
 * backup that made the repository, its password shown this once; "Check repository" for operators; the
 * snapshots, each with a Restore button for admins that asks first (the containers are stopped, the volumes'
 * contents replaced, the containers started again) and where to: this compartment, or another one the user
 * administers (its volumes of the same names), then says what was restored where and which of the snapshot's
 * volumes the compartment restored into does not declare; a "Browse" button per snapshot for operators opens its
 * files (SnapshotBrowser.tsx; admins restore single files there). The "Repository" card (BackupRepository.tsx,
 * operators): where the repository is, SFTP's keys, admins set it. The "Schedule" card
 * (BackupSchedule.tsx): the backup policy, its next and last run, "Prune now".
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { keys, useBackups, useCompartments, useSession } from '../../api/queries';
import type { BackupMode, BackupResult, BackupSnapshot, RestoreResult } from '../../api/types';
import { hasRole } from '../../app/auth';
import { Badge, Button, Card, ErrorBox, QueryView, SelectField, type Tone } from '../../components/ui';
import { t } from '../../i18n/t';
import { BackupProgressView } from './BackupProgress';
import { BackupRepositoryCard } from './BackupRepository';
import { BackupScheduleCard } from './BackupSchedule';
import { ConfirmBox, HeadRow, RepositoryPassword, seconds, td } from './backup-ui';
import { formatBytes } from './Resources';
import { SnapshotBrowser } from './SnapshotBrowser';

const when = (iso: string) => new Date(iso).toLocaleString();

/** The tags quadletman sets on a snapshot, with the tone of each badge. */
const TAG_TONE = { compartment: 'idle', revision: 'ok', mode: 'busy' } as const satisfies Record<string, Tone>;
type KnownTag = keyof typeof TAG_TONE;
const isKnownTag = (name: string): name is KnownTag => Object.hasOwn(TAG_TONE, name);

/** A snapshot's tag (`revision=4`) as a badge: the ones quadletman sets named, any other as it is. */
function Tag({ tag }: { tag: string }) {
  const eq = tag.indexOf('=');
  const name = tag.slice(0, Math.max(eq, 0));
  const value = tag.slice(eq + 1);
  if (!isKnownTag(name)) return <Badge tone="idle">{tag}</Badge>;
  return (
    <Badge tone={name === 'mode' && value === 'stop' ? 'ok' : TAG_TONE[name]}>
      {t(`backups.tag.${name}`, { value })}
    </Badge>
  );
}

function Summary({ result }: { result: BackupResult }) {
  const s = result.summary;
  const stopped =
    result.stopped.length > 0
      ? t('backups.stoppedFor', {
          units: result.stopped.join(', '),
          downtime: result.downtimeMs === null ? '—' : seconds(result.downtimeMs / 1000),
        })
      : result.mode === 'live'
        ? t('backups.liveNothingStopped')
        : t('backups.noneStopped');
  const rows: [string, string][] = [
    [
      t('backups.files'),
      t('backups.filesOf', {
        total: s.totalFiles,
        new: s.filesNew,
        changed: s.filesChanged,
        unmodified: s.filesUnmodified,
      }),
    ],
    [t('backups.bytes'), formatBytes(s.totalBytes)],
    [t('backups.added'), formatBytes(s.dataAdded)],
    [t('backups.duration'), seconds(s.durationS)],
    [t('backups.stopped'), stopped],
  ];
  return (
    <div role="status" className="flex flex-col gap-2 text-sm" data-testid="backup-result">
      <p className="font-medium">
        {t('backups.done', { id: s.snapshotId.slice(0, 8), mode: t(`backups.mode.${result.mode}`) })}
      </p>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-zinc-600 dark:text-zinc-400">{k}</dt>
            <dd className="break-words">{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function BackUpNow({
  id,
  busy,
  onRunning,
  onDone,
}: {
  id: string;
  busy: boolean;
  onRunning: (running: boolean) => void;
  onDone: () => Promise<void>;
}) {
  const [mode, setMode] = useState<BackupMode>('stop');
  const run = useMutation({
    mutationFn: (m: BackupMode) =>
      data(api.POST('/api/compartments/{id}/backups', { params: { path: { id } }, body: { mode: m } })),
    onMutate: () => onRunning(true),
    onSettled: async () => {
      onRunning(false);
      await onDone();
    },
  });
  const result = run.data;
  return (
    <div className="flex flex-col gap-3">
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium">{t('backups.mode')}</legend>
        {(['stop', 'live', 'hook'] as const).map((m) => (
          <label key={m} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name={`backup-mode-${id}`}
              value={m}
              checked={mode === m}
              onChange={() => setMode(m)}
              className="mt-1"
              aria-describedby={`backup-mode-${m}-help`}
            />
            <span>
              <span className="font-medium">{t(`backups.mode.${m}`)}</span>
              <span id={`backup-mode-${m}-help`} className="block text-zinc-600 dark:text-zinc-400">
                {t(`backups.mode.${m}Help`)}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <div>
        <Button
          variant="primary"
          disabled={busy || run.isPending}
          aria-busy={run.isPending}
          onClick={() => run.mutate(mode)}
        >
          {run.isPending ? t('backups.running') : t('backups.run')}
        </Button>
      </div>
      {run.isError && <ErrorBox error={run.error} />}
      {result?.repository && (
        <RepositoryPassword
          key={result.summary.snapshotId}
          location={result.repository.location}
          password={result.repository.password}
        />
      )}
      {result && <Summary result={result} />}
    </div>
  );
}

function CheckRepository({ id, busy }: { id: string; busy: boolean }) {
  const check = useMutation({
    mutationFn: () => data(api.POST('/api/compartments/{id}/backups/check', { params: { path: { id } } })),
  });
  return (
    <div className="flex flex-col gap-2">
      <div>
        <Button disabled={busy || check.isPending} aria-busy={check.isPending} onClick={() => check.mutate()}>
          {check.isPending ? t('backups.checking') : t('backups.check')}
        </Button>
      </div>
      {check.isError && <ErrorBox error={check.error} />}
      {check.data && (
        <div role="status" className="flex flex-col gap-1 text-sm" data-testid="check-result">
          {check.data.ok ? (
            <p>
              <Badge tone="ok">{t('backups.checkOk')}</Badge>
            </p>
          ) : (
            <ErrorBox error={t('backups.checkFailed')} />
          )}
          {check.data.output.trim() && (
            <pre className="max-h-64 overflow-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950">
              {check.data.output.trim()}
            </pre>
          )}
        </div>
      )}
    </div>
  );
}

function SnapshotTable({
  snapshots,
  operator,
  admin,
  busy,
  onRestore,
  onBrowse,
}: {
  snapshots: BackupSnapshot[];
  operator: boolean;
  admin: boolean;
  busy: boolean;
  onRestore: (s: BackupSnapshot) => void;
  onBrowse: (s: BackupSnapshot) => void;
}) {
  const newestFirst = [...snapshots].sort((a, b) => b.time.localeCompare(a.time));
  // On a phone each row becomes a block (the header only for screen readers): a table of long paths is unreadable.
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <HeadRow
          className="max-sm:sr-only"
          labels={[t('backups.snapshot'), t('backups.time'), t('backups.size'), t('backups.tags'), t('backups.paths')]}
          {...(operator ? { action: t('backups.browse') } : {})}
        />
        <tbody>
          {newestFirst.map((s) => (
            <tr
              key={s.id}
              className="border-t border-zinc-100 max-sm:flex max-sm:flex-wrap max-sm:items-center max-sm:py-2 dark:border-zinc-800"
            >
              <td className={`${td} font-mono font-medium`} title={s.id}>
                {s.shortId}
              </td>
              <td className={`${td} whitespace-nowrap`}>{when(s.time)}</td>
              <td className={`${td} whitespace-nowrap`} data-testid="snapshot-size">
                {s.size == null ? (
                  '—'
                ) : (
                  <span
                    title={t('backups.sizeDetail', {
                      added: formatBytes(s.added ?? null),
                      duration: s.durationS == null ? '—' : seconds(s.durationS),
                    })}
                  >
                    {formatBytes(s.size)}
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                      {t('backups.sizeAdded', { added: formatBytes(s.added ?? null) })}
                      {s.durationS == null ? '' : ` · ${seconds(s.durationS)}`}
                    </span>
                  </span>
                )}
              </td>
              <td className={`${td} max-sm:w-full`}>
                <span className="flex flex-wrap gap-1">
                  {s.tags.map((tag) => (
                    <Tag key={tag} tag={tag} />
                  ))}
                </span>
              </td>
              <td className={`${td} break-all font-mono text-xs max-sm:w-full sm:min-w-64`}>
                {s.paths.map((p) => (
                  <div key={p}>{p}</div>
                ))}
              </td>
              {operator && (
                <td className={td}>
                  <span className="flex flex-wrap gap-2">
                    <Button onClick={() => onBrowse(s)} aria-label={t('backups.browseOf', { id: s.shortId })}>
                      {t('backups.browse')}
                    </Button>
                    {admin && (
                      <Button
                        variant="danger"
                        disabled={busy}
                        onClick={() => onRestore(s)}
                        aria-label={t('backups.restoreOf', { id: s.shortId })}
                      >
                        {t('backups.restore')}
                      </Button>
                    )}
                  </span>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RestoreResultView({ result }: { result: RestoreResult }) {
  const id = result.snapshot.slice(0, 8);
  const duration = seconds(result.durationMs / 1000);
  const skipped = result.skipped ?? [];
  return (
    <div role="status" className="flex flex-col gap-1 text-sm" data-testid="restore-result">
      <p className="font-medium">
        {result.into
          ? t('backups.restoredInto', { id, compartment: result.into, duration })
          : t('backups.restored', { id, duration })}
      </p>
      <p className="break-all">
        {result.restored.length > 0
          ? t('backups.restoredVolumes', { paths: result.restored.join(', ') })
          : t('backups.restoredNone')}
      </p>
      {skipped.length > 0 && (
        <p>{t('backups.skipped', { compartment: result.into ?? result.compartment, volumes: skipped.join(', ') })}</p>
      )}
      {result.restarted.length > 0 && <p>{t('backups.restarted', { units: result.restarted.join(', ') })}</p>}
      {result.probes > 0 && <p>{t('backups.probesAnswer', { n: result.probes })}</p>}
    </div>
  );
}

/** Where a restore goes: this compartment (the default, '') or another one the user administers. */
function RestoreInto({
  id,
  value,
  onChange,
  disabled,
}: {
  id: string;
  value: string;
  onChange: (into: string) => void;
  disabled: boolean;
}) {
  const session = useSession();
  const others = (useCompartments().data ?? [])
    .map((c) => c.id)
    .filter((c) => c !== id && hasRole(session.data, 'admin', c));
  if (others.length === 0) return null;
  return (
    <SelectField
      label={t('backups.restoreInto')}
      id="restore-into"
      options={[{ value: '', label: t('backups.restoreIntoSelf', { compartment: id }) }, ...others]}
      value={value}
      disabled={disabled}
      aria-describedby="restore-into-hint"
      onChange={(e) => onChange(e.target.value)}
    >
      <p id="restore-into-hint" className="text-xs text-zinc-600 dark:text-zinc-400">
        {t('backups.restoreIntoHint')}
      </p>
    </SelectField>
  );
}

export function BackupsTab({ id }: { id: string }) {
  const session = useSession();
  const operator = hasRole(session.data, 'operator', id);
  const admin = hasRole(session.data, 'admin', id);
  const backups = useBackups(id);
  const qc = useQueryClient();
  const [confirm, setConfirm] = useState<BackupSnapshot>();
  const [browsing, setBrowsing] = useState<BackupSnapshot>();
  // where the restore goes: '' this compartment, or another one's id
  const [into, setInto] = useState('');
  const [backingUp, setBackingUp] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: keys.part(id, 'backups') });
  const restore = useMutation({
    mutationFn: ({ snapshot, into }: { snapshot: string; into: string }) =>
      data(
        api.POST('/api/compartments/{id}/backups/restore', {
          params: { path: { id } },
          body: { snapshot, ...(into ? { into } : {}) },
        }),
      ),
    onSettled: (_r, _e, v) => qc.invalidateQueries({ queryKey: keys.compartment(v.into || id) }),
  });
  const target = into || id;
  const busy = restore.isPending || backingUp;
  // a restore into another compartment is under way there
  const watching = restore.isPending && restore.variables?.into ? restore.variables.into : id;
  return (
    <div className="flex flex-col gap-4">
      <Card title={t('backups.title')}>
        <div className="flex flex-col gap-4">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{t('backups.explain')}</p>
          <QueryView query={backups} what={t('backups.title')}>
            {(list) => (
              <p className="text-sm" data-testid="repository">
                <span className="font-medium">{t('backups.repository')}:</span>{' '}
                {list.repository ? (
                  <code className="break-all font-mono">{list.repository.location}</code>
                ) : (
                  t('backups.noRepository')
                )}
              </p>
            )}
          </QueryView>
          <BackupProgressView id={watching} active={busy} />
          {operator && <BackUpNow id={id} busy={restore.isPending} onRunning={setBackingUp} onDone={refresh} />}
          {operator && backups.data?.repository && (
            <div className="border-t border-zinc-200 pt-3 dark:border-zinc-800">
              <CheckRepository id={id} busy={busy} />
            </div>
          )}
        </div>
      </Card>
      {operator && <BackupRepositoryCard id={id} admin={admin} />}
      <BackupScheduleCard id={id} operator={operator} hasRepository={!!backups.data?.repository} />
      <Card title={t('backups.snapshots')}>
        <QueryView query={backups} what={t('backups.snapshots')}>
          {(list) =>
            list.snapshots.length === 0 ? (
              <p className="text-sm">{t('backups.noSnapshots')}</p>
            ) : (
              <SnapshotTable
                snapshots={list.snapshots}
                operator={operator}
                admin={admin}
                busy={busy}
                onBrowse={setBrowsing}
                onRestore={(s) => {
                  restore.reset();
                  setInto('');
                  setConfirm(s);
                }}
              />
            )
          }
        </QueryView>
        {admin && confirm && (
          <div className="mt-3">
            <ConfirmBox
              id="restore"
              title={t('backups.confirmRestore', {
                id: confirm.shortId,
                time: when(confirm.time),
                compartment: target,
              })}
              text={into ? t('backups.confirmRestoreIntoText', { compartment: into }) : t('backups.confirmRestoreText')}
              confirmLabel={t('backups.confirmRestoreButton')}
              pending={restore.isPending}
              onConfirm={() =>
                restore.mutate({ snapshot: confirm.id, into }, { onSettled: () => setConfirm(undefined) })
              }
              onCancel={() => setConfirm(undefined)}
            >
              <RestoreInto id={id} value={into} onChange={setInto} disabled={restore.isPending} />
            </ConfirmBox>
          </div>
        )}
        {restore.isError && (
          <div className="mt-3">
            <ErrorBox error={restore.error} />
          </div>
        )}
        {restore.data && (
          <div className="mt-3">
            <RestoreResultView result={restore.data} />
          </div>
        )}
      </Card>
      {operator && browsing && (
        <SnapshotBrowser
          key={browsing.id}
          id={id}
          snapshot={browsing}
          admin={admin}
          onClose={() => setBrowsing(undefined)}
        />
      )}
    </div>
  );
}
