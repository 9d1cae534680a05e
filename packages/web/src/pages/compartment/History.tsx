/**
 * Revisions of a compartment, newest first, each with its result and diff. The revision live now (the last
 * applied: GET …/revisions says which) is marked; operators may roll back to any other applied one, after a
 * confirmation that says what the roll back would do on the host (GET …/revisions/:n/rollback-plan): the files
 * added, changed and removed, the units started, restarted and stopped, the routes added and removed.
 */
import { useState } from 'react';
import { useRevision, useRevisions, useRollback, useRollbackPlan, useSession } from '../../api/queries';
import type { Plan } from '../../api/types';
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

/** One group of what a roll back does: its title (with the count), and the names (none: left out). */
function Group({ title, names }: { title: (n: number) => string; names: readonly string[] }) {
  if (names.length === 0) return null;
  return (
    <div>
      <h4 className="text-sm font-semibold">{title(names.length)}</h4>
      <ul className="font-mono text-sm">
        {names.map((name) => (
          <li key={name} className="break-all">
            {name}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What a plan changes on the host, grouped: files by kind, units by action, routes. */
function PlanSummary({ plan }: { plan: Plan }) {
  const files = (kind: Plan['changes'][number]['kind']) =>
    plan.changes.filter((c) => c.kind === kind).map((c) => c.path);
  return (
    <div className="grid gap-2 sm:grid-cols-3">
      <Group title={(n) => t('history.filesAdded', { n })} names={files('added')} />
      <Group title={(n) => t('history.filesChanged', { n })} names={files('changed')} />
      <Group title={(n) => t('history.filesRemoved', { n })} names={files('removed')} />
      <Group title={(n) => t('plan.units.start', { n })} names={plan.units.start} />
      <Group title={(n) => t('plan.units.restart', { n })} names={plan.units.restart} />
      <Group title={(n) => t('plan.units.stop', { n })} names={plan.units.stop} />
      <Group title={(n) => t('history.routesAdded', { n })} names={plan.routes?.add ?? []} />
      <Group title={(n) => t('history.routesRemoved', { n })} names={plan.routes?.remove ?? []} />
    </div>
  );
}

/** The confirmation of a roll back to revision `n`: what it would do, then roll back or cancel. */
function RollbackConfirm({
  id,
  n,
  busy,
  onConfirm,
  onCancel,
}: {
  id: string;
  n: number;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const plan = useRollbackPlan(id, n);
  const titleId = `rollback-${n}-title`;
  return (
    <div
      role="alertdialog"
      aria-labelledby={titleId}
      className="mt-2 flex flex-col gap-2 rounded-md border border-red-200 p-3 dark:border-red-900"
    >
      <h3 id={titleId} className="font-semibold">
        {t('history.previewTitle', { n })}
      </h3>
      <QueryView query={plan} what={t('history.previewTitle', { n })}>
        {(p) =>
          p.plan.noop ? (
            <p className="text-sm">{t('history.previewNoop', { n })}</p>
          ) : (
            <>
              <p className="text-sm">{t('history.previewIntro', { n })}</p>
              <PlanSummary plan={p.plan} />
            </>
          )
        }
      </QueryView>
      <div className="flex flex-wrap gap-2">
        <Button variant="danger" disabled={busy || !plan.isSuccess} onClick={onConfirm}>
          {t('history.confirm', { n })}
        </Button>
        <Button disabled={busy} onClick={onCancel}>
          {t('history.cancel')}
        </Button>
      </div>
    </div>
  );
}

export function HistoryTab({ id }: { id: string }) {
  const history = useRevisions(id);
  const rollback = useRollback(id);
  const session = useSession();
  const [open, setOpen] = useState<number | undefined>();
  const [confirming, setConfirming] = useState<number | undefined>();
  const canOperate = hasRole(session.data, 'operator', id);
  return (
    <QueryView query={history} what={t('compartment.history')}>
      {({ revisions: revs, live }) => (
        <div className="flex flex-col gap-2">
          {rollback.isError && <ErrorBox error={rollback.error} />}
          {rollback.isSuccess && <p role="status">{t('history.rolledBack')}</p>}
          {revs.length === 0 && <p>{t('history.none')}</p>}
          <ol className="flex flex-col gap-2">
            {[...revs]
              .sort((a, b) => b.number - a.number)
              .map((r) => {
                const isLive = r.number === live;
                return (
                  <li
                    key={r.number}
                    aria-current={isLive ? 'true' : undefined}
                    className={`rounded-md border p-3 ${isLive ? 'border-emerald-600 dark:border-emerald-500' : 'border-zinc-200 dark:border-zinc-800'}`}
                  >
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-semibold">{t('history.revision', { n: r.number })}</span>
                      <Badge tone={TONE[r.result] ?? 'idle'}>{r.result}</Badge>
                      {isLive && <Badge tone="ok">{t('history.live')}</Badge>}
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
                        {canOperate && !isLive && r.result === 'applied' && (
                          <Button
                            variant="danger"
                            aria-expanded={confirming === r.number}
                            disabled={rollback.isPending}
                            onClick={() => setConfirming(confirming === r.number ? undefined : r.number)}
                          >
                            {t('history.rollback')}
                          </Button>
                        )}
                      </span>
                    </div>
                    {r.message && <p className="mt-1 text-sm">{r.message}</p>}
                    {confirming === r.number && (
                      <RollbackConfirm
                        id={id}
                        n={r.number}
                        busy={rollback.isPending}
                        onConfirm={() => {
                          setConfirming(undefined);
                          rollback.mutate(r.number);
                        }}
                        onCancel={() => setConfirming(undefined)}
                      />
                    )}
                    {open === r.number && (
                      <div className="mt-2">
                        <RevisionDiff id={id} n={r.number} />
                      </div>
                    )}
                  </li>
                );
              })}
          </ol>
        </div>
      )}
    </QueryView>
  );
}
