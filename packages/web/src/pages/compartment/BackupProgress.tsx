/**
 * The backup or restore of a compartment under way, however it was started (this page, the CLI, the schedule, an
 * upgrade): its stage, and while restic works a progress bar with the files and bytes done and the time left.
 * Polls `GET …/backups/progress` every second while one runs (or `active`: this page started one), else every
 * 10 s; nothing is shown when none runs.
 */
import { useBackupProgress } from '../../api/queries';
import { t } from '../../i18n/t';
import { formatBytes } from './Resources';

export function BackupProgressView({ id, active }: { id: string; active: boolean }) {
  const q = useBackupProgress(id, active);
  const p = q.data?.progress;
  if (!p) return null;
  const st = p.stage === 'restic' ? p.status : null;
  const facts: string[] = [];
  if (st?.filesDone != null && st.totalFiles != null)
    facts.push(t('backups.progress.files', { done: st.filesDone, total: st.totalFiles }));
  if (st?.bytesDone != null && st.totalBytes != null)
    facts.push(t('backups.progress.bytes', { done: formatBytes(st.bytesDone), total: formatBytes(st.totalBytes) }));
  if (st?.secondsRemaining != null) facts.push(t('backups.progress.left', { n: Math.round(st.secondsRemaining) }));
  facts.push(t('backups.progress.since', { time: new Date(p.startedAt).toLocaleTimeString() }));
  const label = t(`backups.progress.${p.operation}`);
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="backup-progress"
      className="flex flex-col gap-1 rounded border border-sky-300 bg-sky-50 p-3 text-sm dark:border-sky-800 dark:bg-sky-950"
    >
      <p className="font-medium">
        {label}
        {st?.percent != null ? `: ${st.percent.toFixed(1)} %` : ''}
      </p>
      {st ? (
        <progress className="h-2 w-full" max={100} value={st.percent ?? undefined} aria-label={label} />
      ) : (
        <p>{t(`backups.progress.stage.${p.stage}`)}</p>
      )}
      <p className="text-zinc-600 dark:text-zinc-400">{facts.join(' · ')}</p>
      {st && st.currentFiles.length > 0 && (
        <p className="truncate font-mono text-xs text-zinc-600 dark:text-zinc-400" title={st.currentFiles.join('\n')}>
          {st.currentFiles[0]}
        </p>
      )}
    </div>
  );
}
