/**
 * Plan and apply: the plan for the drafts (per-file diffs, units to start / restart / stop), then apply with
 * live progress (validate, write, reload, start, verify) and a clear result. A failed apply says why and that
 * the previous revision runs again.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { applyStream } from '../../api/apply';
import { ApiError, api, data } from '../../api/client';
import { keys, useSession, useSpec } from '../../api/queries';
import type { ApplyResult, ApplyStep, Plan, ProgressEvent } from '../../api/types';
import { hasRole } from '../../app/auth';
import { Badge, Button, Card, DiffView, ErrorBox, QueryView, type Tone } from '../../components/ui';
import { t } from '../../i18n/t';
import { DraftsNote, useDrafts } from './drafts';
import { specWithDrafts } from './spec-units';

const STEPS: ApplyStep[] = ['validate', 'pull', 'write', 'reload', 'start', 'verify'];
const STEP_TONE: Record<ProgressEvent['status'], Tone> = { running: 'busy', ok: 'ok', failed: 'bad', skipped: 'idle' };

/** A plan: the units to start, restart and stop, and each file's diff. */
export function PlanView({ plan }: { plan: Plan }) {
  if (plan.noop) return <p>{t('plan.noop')}</p>;
  const groups = [
    ['start', plan.units.start],
    ['restart', plan.units.restart],
    ['stop', plan.units.stop],
  ] as const;
  return (
    <div className="flex flex-col gap-4">
      <div className="grid gap-2 sm:grid-cols-3">
        {groups.map(([what, units]) => (
          <div key={what}>
            <h3 className="text-sm font-semibold">{t(`plan.units.${what}`, { n: units.length })}</h3>
            <ul className="font-mono text-sm">
              {units.map((u) => (
                <li key={u}>{u}</li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      {plan.reload && <p className="text-sm">{t('plan.reload')}</p>}
      {plan.changes.map((c) => (
        <div key={c.path}>
          <h3 className="font-mono text-sm font-semibold">
            {c.path}{' '}
            <Badge tone={c.kind === 'removed' ? 'bad' : c.kind === 'added' ? 'ok' : 'busy'}>
              {t(`plan.${c.kind}`)}
            </Badge>
          </h3>
          {c.diff ? <DiffView diff={c.diff} /> : <p className="text-sm">{t('plan.modeOnly')}</p>}
        </div>
      ))}
    </div>
  );
}

/** The steps of an apply (or an upgrade) as they go; once it has `ended`, a step it never reached was not run
 * (an apply refused or rolled back stops early), not waiting. */
export function Progress({ events, ended = false }: { events: ProgressEvent[]; ended?: boolean }) {
  const last = new Map<ApplyStep, ProgressEvent>();
  for (const e of events) last.set(e.step, e);
  const rollback = last.get('rollback');
  return (
    <ol className="flex flex-col gap-1" aria-label={t('apply.progress')} aria-live="polite">
      {[...STEPS, ...(rollback ? (['rollback'] as const) : [])].map((s) => {
        const e = last.get(s);
        return (
          <li key={s} className="flex flex-wrap items-center gap-2 text-sm">
            <Badge tone={e ? STEP_TONE[e.status] : 'idle'}>
              {t(`apply.status.${e?.status ?? (ended ? 'notRun' : 'pending')}`)}
            </Badge>
            <span className="font-medium">{t(`apply.step.${s}`)}</span>
            {e?.message && <span className="text-zinc-600 dark:text-zinc-400">{e.message}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * How an apply (or an upgrade) ended. It takes the focus when it appears (it follows the user's Apply), so that
 * keyboard and screen reader users land on the outcome rather than on a button that has gone.
 */
export function Result({ result }: { result: ApplyResult }) {
  const good = result.outcome === 'applied' || result.outcome === 'noop';
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result) box.current?.focus();
  }, [result]);
  return (
    <div
      ref={box}
      tabIndex={-1}
      data-testid="apply-result"
      role={good ? 'status' : 'alert'}
      className={`rounded-md border p-3 ${good ? 'border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950' : 'border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950'}`}
    >
      <p className="font-semibold">
        {t(`${result.images ? 'upgrade' : 'apply'}.outcome.${result.outcome}`, { n: result.revision ?? '' })}
      </p>
      {result.message && <p className="mt-1 text-sm">{result.message}</p>}
      {result.backup && (
        <p className="mt-1 text-sm" data-testid="upgrade-backup">
          {t('upgrade.backedUp', { id: result.backup.snapshot.slice(0, 8), mode: result.backup.mode })}
        </p>
      )}
      {result.outcome === 'rolled-back' && <p className="mt-1 text-sm">{t('apply.previousRuns')}</p>}
      {result.diagnostics
        .flatMap((r) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ ...d, path: r.path })))
        .map((d) => (
          <p key={`${d.path}:${d.line}:${d.code}`} className="mt-1 font-mono text-xs">
            {d.path}:{d.line}: {d.message}
          </p>
        ))}
    </div>
  );
}

export function PlanApplyTab({ id }: { id: string }) {
  const { drafts, discard } = useDrafts();
  const qc = useQueryClient();
  const session = useSession();
  const stored = useSpec(id);
  const pending = Object.keys(drafts).length;
  const spec = stored.data ? specWithDrafts(stored.data.spec, drafts) : undefined;
  const plan = useQuery({
    queryKey: [...keys.part(id, 'plan'), drafts],
    queryFn: () => data(api.POST('/api/compartments/{id}/plan', { params: { path: { id } }, body: { spec } })),
    enabled: pending > 0 && spec !== undefined,
    staleTime: 0,
  });
  const blocking = (plan.data?.diagnostics ?? []).flatMap((r) =>
    r.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ ...d, path: r.path })),
  );
  const [events, setEvents] = useState<ProgressEvent[]>([]);
  const [result, setResult] = useState<ApplyResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [running, setRunning] = useState(false);
  const canApply = hasRole(session.data, 'operator', id);

  const apply = async () => {
    setRunning(true);
    setEvents([]);
    setResult(undefined);
    setError(undefined);
    try {
      const r = await applyStream(id, { spec }, (e) => setEvents((es) => [...es, e]));
      setResult(r);
      if (r.outcome === 'applied' || r.outcome === 'noop') discard();
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
      void qc.invalidateQueries({ queryKey: keys.compartment(id) });
    }
  };

  if (pending === 0 && !result) {
    return (
      <p>
        {t('plan.noDrafts')}{' '}
        <Link to={`/c/${encodeURIComponent(id)}/edit`} className="text-sky-800 underline dark:text-sky-300">
          {t('plan.toEditor')}
        </Link>
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-4">
      {!running && <DraftsNote compartment={id} />}
      {pending > 0 && (
        <Card
          title={t('plan.title')}
          actions={
            canApply && (
              <Button variant="primary" disabled={running || !plan.data || plan.data.plan.noop} onClick={apply}>
                {running ? t('apply.running') : t('apply.button')}
              </Button>
            )
          }
        >
          {stored.isError ? (
            <ErrorBox error={stored.error} />
          ) : (
            <QueryView query={plan} what={t('plan.title')}>
              {(p) => (
                <div className="flex flex-col gap-3">
                  {blocking.length > 0 && (
                    <div role="alert" className="text-sm text-red-800 dark:text-red-300">
                      <p className="font-semibold">{t('plan.errors', { n: blocking.length })}</p>
                      <ul>
                        {blocking.map((d) => (
                          <li key={`${d.path}:${d.line}:${d.code}`} className="font-mono text-xs">
                            {d.path}:{d.line}: {d.message}
                          </li>
                        ))}
                      </ul>
                    </div>
                  )}
                  <PlanView plan={p.plan} />
                </div>
              )}
            </QueryView>
          )}
        </Card>
      )}
      {(events.length > 0 || running || result || error !== undefined) && (
        <Card title={t('apply.title')}>
          <div className="flex flex-col gap-3">
            <Progress events={events} ended={!!result || error !== undefined} />
            {result && <Result result={result} />}
            {error !== undefined &&
              (error instanceof ApiError && error.unavailable ? (
                <ErrorBox error={t('common.notAvailable', { what: t('apply.title') })} />
              ) : (
                <ErrorBox error={error} />
              ))}
          </div>
        </Card>
      )}
    </div>
  );
}
