/**
 * The dashboard: every compartment with its containers' running / failed / stopped counts (its other units —
 * networks, volumes, images, builds, pods, timers — apart: a oneshot unit that ran is no running container, but
 * any failure shows), problems first, kept current by the event stream; the host's health from doctor; and for
 * administrators, when the last backup of quadletman's own state failed (the audit log's newest `backup.self`).
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, data } from '../api/client';
import { useLiveUnits } from '../api/events';
import { keys, useCompartments, useSession } from '../api/queries';
import { hasRole } from '../app/auth';
import { byProblems, countsOf } from '../components/states';
import { Badge, Card, QueryView } from '../components/ui';
import { dateTime, t } from '../i18n/t';
import { NewCompartment } from './NewCompartment';

function HostHealth() {
  const doctor = useQuery({
    queryKey: keys.doctor,
    queryFn: () => data(api.GET('/api/doctor')),
    staleTime: 300_000,
  });
  return (
    <Card title={t('dashboard.host')}>
      <QueryView query={doctor} what={t('dashboard.host')}>
        {(d) => {
          const failed = d.checks.filter((c) => c.status !== 'ok');
          return failed.length === 0 ? (
            <p className="text-sm">
              <Badge tone="ok">{t('dashboard.hostOk', { n: d.checks.length })}</Badge>
            </p>
          ) : (
            <ul className="flex flex-col gap-2 text-sm">
              {failed.map((c) => (
                <li key={c.id}>
                  <Badge tone={c.status === 'fail' ? 'bad' : 'busy'}>{c.id}</Badge> {c.message}
                  {c.fix && <span className="block text-zinc-600 dark:text-zinc-400">{c.fix}</span>}
                </li>
              ))}
            </ul>
          );
        }}
      </QueryView>
    </Card>
  );
}

/** The last backup of quadletman's own state, when it failed (admins: it is read from the audit log). */
function OwnBackupFailed() {
  const last = useQuery({
    queryKey: keys.audit({ action: 'backup.self', limit: 1 }),
    queryFn: async () =>
      (await data(api.GET('/api/audit', { params: { query: { action: 'backup.self', limit: 1 } } }))).entries,
    staleTime: 60_000,
  });
  const entry = last.data?.[0];
  if (entry?.result !== 'failed') return null;
  const error = typeof entry.details.error === 'string' ? entry.details.error : '';
  return (
    <Card title={t('dashboard.ownBackup')}>
      <p className="text-sm" data-testid="own-backup-failed">
        <Badge tone="bad">{t('dashboard.ownBackupFailed', { time: dateTime(entry.at) })}</Badge>{' '}
        <Link to="/admin/backup" className="text-sky-800 underline dark:text-sky-300">
          {t('dashboard.ownBackupLink')}
        </Link>
      </p>
      {error && (
        <pre className="mt-2 whitespace-pre-wrap break-all text-xs text-zinc-600 dark:text-zinc-400">
          {error.length > 400 ? `…${error.slice(-400)}` : error}
        </pre>
      )}
    </Card>
  );
}

export function DashboardPage() {
  const list = useCompartments();
  const session = useSession();
  const live = useLiveUnits();
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">{t('dashboard.title')}</h1>
        <p className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
          {t(`live.${live}`)}
        </p>
      </div>
      <QueryView query={list} what={t('dashboard.compartments')}>
        {(items) =>
          items.length === 0 ? (
            <Card>
              <p>{t('dashboard.empty')}</p>
              <p className="mt-2">
                <Link to="/import" className="text-sky-800 underline dark:text-sky-300">
                  {t('dashboard.emptyAction')}
                </Link>
              </p>
            </Card>
          ) : (
            <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label={t('dashboard.compartments')}>
              {byProblems(items.map((c) => ({ ...c, counts: countsOf(c) }))).map((c) => (
                <li key={c.id}>
                  <Link
                    to={`/c/${encodeURIComponent(c.id)}`}
                    className="block rounded-lg border border-zinc-200 p-4 hover:border-sky-600 dark:border-zinc-800"
                  >
                    <span className="font-mono text-lg font-semibold">{c.id}</span>
                    {c.description && (
                      <span className="block text-sm text-zinc-600 dark:text-zinc-400">{c.description}</span>
                    )}
                    {c.statusAt !== null ? (
                      <span className="mt-2 flex flex-wrap items-baseline gap-2" data-testid="counts">
                        <span className="text-xs text-zinc-600 dark:text-zinc-400">{t('dashboard.containers')}</span>
                        <Badge tone={c.counts.failed > 0 ? 'bad' : 'idle'}>
                          {t('units.failedN', { n: c.counts.failed })}
                        </Badge>
                        <Badge tone="ok">{t('units.runningN', { n: c.counts.running })}</Badge>
                        <Badge tone="idle">{t('units.stoppedN', { n: c.counts.stopped })}</Badge>
                        {c.counts.changing > 0 && (
                          <Badge tone="busy">{t('units.changingN', { n: c.counts.changing })}</Badge>
                        )}
                        {c.counts.otherFailed > 0 ? (
                          <Badge tone="bad">{t('dashboard.otherFailed', { n: c.counts.otherFailed })}</Badge>
                        ) : (
                          c.counts.other > 0 && (
                            <span className="text-xs text-zinc-600 dark:text-zinc-400">
                              {t('dashboard.otherUnits', { n: c.counts.other })}
                            </span>
                          )
                        )}
                        {c.updates > 0 && <Badge tone="busy">{t('dashboard.updates', { n: c.updates })}</Badge>}
                      </span>
                    ) : (
                      <span className="mt-2 block text-xs">{t('dashboard.noCounts')}</span>
                    )}
                    {c.backupFailed && (
                      <span className="mt-2 block" title={c.backupFailed.error} data-testid="backup-failed">
                        <Badge tone="bad">{t('dashboard.backupFailed', { time: dateTime(c.backupFailed.at) })}</Badge>
                      </span>
                    )}
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      {hasRole(session.data, 'admin') && <OwnBackupFailed />}
      {hasRole(session.data, 'admin') && <NewCompartment />}
      <HostHealth />
    </div>
  );
}
