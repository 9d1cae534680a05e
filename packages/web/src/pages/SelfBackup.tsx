/**
 * quadletman's own backups (Administration → Own backups; global admins): root backs up the database, the
 * configuration and the edge's certificate authority with restic, daily by its timer. The page shows where they go
 * (for SFTP root's public key and the remote host's keys, for REST and S3 the user), the daily timer (installed, next
 * run, running now), the last run (when, done or failed and why, what it added), the snapshots newest first, and
 * "Back up now" (the same run as the timer's, in the background; the page polls while it runs). Setting the repository
 * and restoring stay root's at the command line: the page says how (a restore needs the server stopped).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../api/client';
import { keys } from '../api/queries';
import type { SelfBackupStatus } from '../api/types';
import { Badge, Button, Card, ErrorBox, QueryView } from '../components/ui';
import { withCode } from '../i18n/code';
import { dateTime, t } from '../i18n/t';
import { HeadRow, seconds, td } from './compartment/backup-ui';
import { formatBytes } from './compartment/Resources';

function Repository({ repo }: { repo: SelfBackupStatus['repository'] }) {
  if (!repo)
    return (
      <Card title={t('selfBackup.repository')}>
        <p className="text-sm">{t('selfBackup.noRepository')}</p>
        <code className="mt-2 block text-sm">quadletman backup self repository LOCATION</code>
      </Card>
    );
  return (
    <Card title={t('selfBackup.repository')}>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="font-medium">{t('selfBackup.location')}</dt>
        <dd className="break-all font-mono" data-testid="self-location">
          {repo.location}
        </dd>
        <dt className="font-medium">{t('selfBackup.kind')}</dt>
        <dd>{t(`backups.repo.kind.${repo.kind}`)}</dd>
        {repo.user && (
          <>
            <dt className="font-medium">{t(`backups.repo.user.${repo.kind === 's3' ? 's3' : 'rest'}`)}</dt>
            <dd className="font-mono">{repo.user}</dd>
          </>
        )}
        {repo.createdAt && (
          <>
            <dt className="font-medium">{t('selfBackup.setAt')}</dt>
            <dd>{dateTime(repo.createdAt)}</dd>
          </>
        )}
      </dl>
      {repo.publicKey && (
        <div className="mt-3 text-sm">
          <p>{t('selfBackup.addKey')}</p>
          <code className="mt-1 block break-all rounded bg-zinc-100 p-2 dark:bg-zinc-800">{repo.publicKey}</code>
        </div>
      )}
      {repo.hostKeys && repo.hostKeys.length > 0 && (
        <div className="mt-3 text-sm">
          <p>{t('selfBackup.hostKeys')}</p>
          <ul className="mt-1 font-mono text-xs">
            {repo.hostKeys.map((k) => (
              <li key={k} className="break-all">
                {k}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">{withCode(t('selfBackup.changeHint'))}</p>
    </Card>
  );
}

function Schedule({ status }: { status: SelfBackupStatus }) {
  const qc = useQueryClient();
  const start = useMutation({
    mutationFn: () => data(api.POST('/api/system/self-backup/run')),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.selfBackup }),
  });
  const { schedule, lastRun } = status;
  const running = schedule.running || start.isPending;
  return (
    <Card title={t('selfBackup.schedule')}>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="font-medium">{t('selfBackup.daily')}</dt>
        <dd>
          {schedule.installed ? (
            <Badge tone="ok">{t('selfBackup.timerOn')}</Badge>
          ) : (
            <Badge tone="busy">{t('selfBackup.timerOff')}</Badge>
          )}
          {schedule.next && <span className="ml-2">{t('selfBackup.next', { when: dateTime(schedule.next) })}</span>}
        </dd>
        <dt className="font-medium">{t('selfBackup.lastRun')}</dt>
        <dd data-testid="self-last-run">
          {!lastRun ? (
            t('selfBackup.never')
          ) : (
            <>
              <Badge tone={lastRun.ok ? 'ok' : 'bad'}>
                {lastRun.ok ? t('selfBackup.done') : t('selfBackup.failed')}
              </Badge>
              <span className="ml-2">{dateTime(lastRun.finishedAt)}</span>
              <span className="ml-2 text-zinc-600 dark:text-zinc-400">
                {lastRun.scheduled ? t('selfBackup.byTimer') : t('selfBackup.byHand')}
              </span>
              {lastRun.summary && (
                <span className="ml-2">
                  {t('selfBackup.summary', {
                    files: lastRun.summary.totalFiles,
                    size: formatBytes(lastRun.summary.totalBytes),
                    added: formatBytes(lastRun.summary.dataAdded),
                    took: seconds(lastRun.summary.durationS),
                  })}
                </span>
              )}
              {lastRun.removed ? (
                <span className="ml-2 text-zinc-600 dark:text-zinc-400">
                  {t('selfBackup.removed', { n: lastRun.removed })}
                </span>
              ) : null}
              {lastRun.error && (
                <pre className="mt-1 whitespace-pre-wrap break-all text-xs text-red-700 dark:text-red-400">
                  {lastRun.error}
                </pre>
              )}
            </>
          )}
        </dd>
      </dl>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <Button variant="primary" disabled={!status.repository || running} onClick={() => start.mutate()}>
          {running ? t('selfBackup.running') : t('selfBackup.backUpNow')}
        </Button>
        {!status.repository && <span className="text-sm">{t('selfBackup.needsRepository')}</span>}
      </div>
      {start.error && (
        <div className="mt-3">
          <ErrorBox error={start.error} />
        </div>
      )}
    </Card>
  );
}

function Snapshots({ status }: { status: SelfBackupStatus }) {
  return (
    <Card title={t('selfBackup.snapshots')}>
      {status.snapshotsError && (
        <div role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">
          <p className="font-medium">{t('selfBackup.snapshotsError')}</p>
          <pre className="whitespace-pre-wrap break-all text-xs">{status.snapshotsError}</pre>
        </div>
      )}
      {status.snapshots.length === 0 ? (
        <p className="text-sm">{t('selfBackup.noSnapshots')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <HeadRow labels={[t('backups.snapshot'), t('backups.time'), t('backups.size'), t('backups.tags')]} />
            <tbody>
              {status.snapshots.map((s) => (
                <tr key={s.id} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className={`${td} font-mono font-medium`} title={s.id}>
                    {s.shortId}
                  </td>
                  <td className={`${td} whitespace-nowrap`}>{dateTime(s.time)}</td>
                  <td className={`${td} whitespace-nowrap`}>
                    {s.size == null ? '—' : formatBytes(s.size)}
                    {s.added != null && (
                      <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                        {t('backups.sizeAdded', { added: formatBytes(s.added) })}
                        {s.durationS == null ? '' : ` · ${seconds(s.durationS)}`}
                      </span>
                    )}
                  </td>
                  <td className={`${td} font-mono text-xs`}>{s.tags.join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">{t('selfBackup.restoreHint')}</p>
      <code className="mt-1 block text-sm">quadletman backup self restore SNAPSHOT</code>
    </Card>
  );
}

export function SelfBackupPage() {
  const status = useQuery({
    queryKey: keys.selfBackup,
    queryFn: () => data(api.GET('/api/system/self-backup')),
    // while a backup runs, every 5 s: its end shows without a reload (each answer lists the snapshots with restic,
    // whose key derivation costs the running backup CPU: not more often)
    refetchInterval: (q) => (q.state.data?.schedule.running ? 5000 : 30_000),
  });
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">{t('selfBackup.explain')}</p>
      <QueryView query={status} what={t('selfBackup.title')}>
        {(s) => (
          <>
            <Repository repo={s.repository} />
            <Schedule status={s} />
            <Snapshots status={s} />
          </>
        )}
      </QueryView>
    </div>
  );
}
