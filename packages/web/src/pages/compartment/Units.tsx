/**
 * The units of a compartment with their live state, start / stop / restart (operators), and why a failed unit
 * last failed; "open" links to the routes (the edge's host names) that target a unit.
 */
import { Link } from 'react-router';
import { useCompartment, useCompartmentRoutes, useSession, useUnitAction } from '../../api/queries';
import { hasRole } from '../../app/auth';
import { OpenLink, routesOfSource } from '../../components/RouteTable';
import { systemdStateText, TONE_OF, wordOf } from '../../components/states';
import { Badge, Button, ErrorBox, QueryView } from '../../components/ui';
import { systemdKindOf } from '../../editor/systemd-units';
import { t } from '../../i18n/t';

export function UnitsTab({ id }: { id: string }) {
  const detail = useCompartment(id);
  const session = useSession();
  const action = useUnitAction(id);
  const canOperate = hasRole(session.data, 'operator', id);
  // (no links while the routes load, or when the server has no edge)
  const edgeRoutes = (useCompartmentRoutes(id).data?.routes ?? []).filter((r) => r.compartment === id);
  return (
    <QueryView query={detail} what={t('compartment.units')}>
      {(d) =>
        d.units.length === 0 ? (
          <p>{t('units.none')}</p>
        ) : (
          <>
            {action.isError && <ErrorBox error={action.error} />}
            <ul
              className="flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800"
              aria-label={t('compartment.units')}
            >
              {d.units.map((u) => {
                const word = wordOf(u.status);
                const busy = action.isPending && action.variables?.unit === u.unit;
                // a Quadlet unit's service says where it comes from; a plain systemd unit is its own file
                const kind = systemdKindOf(u.source);
                return (
                  <li key={u.unit} className="flex flex-wrap items-center gap-3 py-3" data-unit={u.unit}>
                    <div className="min-w-48 flex-1">
                      <span className="font-mono font-medium">{u.unit}</span>
                      <span className="ml-2 text-xs text-zinc-600 dark:text-zinc-400" data-testid="unit-kind">
                        {kind && u.source === u.unit ? t(`units.kind.${kind}`) : t('units.from', { source: u.source })}
                      </span>
                      {routesOfSource(edgeRoutes, u.source).length > 0 && (
                        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
                          {routesOfSource(edgeRoutes, u.source).map((r) => (
                            <span key={r.url} className="inline-flex items-baseline gap-1" data-testid="unit-route">
                              <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">
                                {r.host}
                                {r.path === '/' ? '' : r.path}
                              </span>
                              <OpenLink url={r.url} />
                            </span>
                          ))}
                        </div>
                      )}
                      {word === 'failed' && (
                        <p className="mt-1 text-sm text-red-800 dark:text-red-300">
                          {u.failure ? (
                            <span
                              className="block whitespace-pre-wrap break-words font-mono text-xs"
                              data-testid="unit-failure"
                            >
                              {u.failure.split(' | ').join('\n')}
                            </span>
                          ) : (
                            t('units.lastFailure', { reason: u.status?.result || t('units.unknown') })
                          )}{' '}
                          <Link
                            className="underline"
                            to={`/c/${encodeURIComponent(id)}/logs?unit=${encodeURIComponent(u.unit)}`}
                          >
                            {t('units.showLogs', { unit: u.unit })}
                          </Link>
                        </p>
                      )}
                    </div>
                    <span data-testid="unit-state">
                      <Badge tone={TONE_OF[word]}>
                        {t(`state.${word}`)}
                        {u.status ? ` ${systemdStateText(u.status.activeState, u.status.subState)}` : ''}
                      </Badge>
                    </span>
                    {canOperate && (
                      <div className="flex gap-1">
                        {(['start', 'stop', 'restart'] as const).map((a) => (
                          <Button
                            key={a}
                            disabled={busy}
                            aria-label={t(`units.${a}Unit`, { unit: u.unit })}
                            onClick={() => action.mutate({ unit: u.unit, action: a })}
                          >
                            {t(`units.${a}`)}
                          </Button>
                        ))}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </>
        )
      }
    </QueryView>
  );
}
