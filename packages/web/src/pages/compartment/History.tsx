/**
 * Revisions of a compartment, newest first, each with its result and diff, and a roll back to any earlier
 * applied revision (operators).
 */
import { useState } from 'react';
import { useHistory, useRevision, useRollback, useSession } from '../../api/queries';
import { hasRole } from '../../app/auth';
import { Badge, Button, DiffView, ErrorBox, QueryView, type Tone } from '../../components/ui';
import { dateTime, t } from '../../i18n/t';

const TONE: Record<string, Tone> = { applied: 'ok', failed: 'bad', 'rolled-back': 'busy', refused: 'bad' };

function RevisionDiff({ id, n }: { id: string; n: number }) {
  const rev = useRevision(id, n);
  return (
    <QueryView query={rev} what={t('history.diff')}>
      {(r) => (r.diff ? <DiffView diff={r.diff} /> : <p className="text-sm">{t('history.noDiff')}</p>)}
    </QueryView>
  );
}

export function HistoryTab({ id }: { id: string }) {
  const history = useHistory(id);
  const rollback = useRollback(id);
  const session = useSession();
  const [open, setOpen] = useState<number | undefined>();
  const canOperate = hasRole(session.data, 'operator', id);
  return (
    <QueryView query={history} what={t('compartment.history')}>
      {(revs) => (
        <div className="flex flex-col gap-2">
          {rollback.isError && <ErrorBox error={rollback.error} />}
          {rollback.isSuccess && <p role="status">{t('history.rolledBack')}</p>}
          {revs.length === 0 && <p>{t('history.none')}</p>}
          <ol className="flex flex-col gap-2">
            {[...revs]
              .sort((a, b) => b.number - a.number)
              .map((r, i) => (
                <li key={r.number} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-semibold">{t('history.revision', { n: r.number })}</span>
                    <Badge tone={TONE[r.result] ?? 'idle'}>{r.result}</Badge>
                    <span className="text-sm text-zinc-600 dark:text-zinc-400">
                      {t('history.by', { actor: r.actor, at: dateTime(r.startedAt) })}
                    </span>
                    <span className="ml-auto flex gap-1">
                      <Button
                        aria-expanded={open === r.number}
                        onClick={() => setOpen(open === r.number ? undefined : r.number)}
                      >
                        {open === r.number ? t('history.hideDiff') : t('history.showDiff')}
                      </Button>
                      {canOperate && i > 0 && r.result === 'applied' && (
                        <Button
                          variant="danger"
                          disabled={rollback.isPending}
                          onClick={() => {
                            if (window.confirm(t('history.confirmRollback', { n: r.number })))
                              rollback.mutate(r.number);
                          }}
                        >
                          {t('history.rollback')}
                        </Button>
                      )}
                    </span>
                  </div>
                  {r.message && <p className="mt-1 text-sm">{r.message}</p>}
                  {open === r.number && (
                    <div className="mt-2">
                      <RevisionDiff id={id} n={r.number} />
                    </div>
                  )}
                </li>
              ))}
          </ol>
        </div>
      )}
    </QueryView>
  );
}
