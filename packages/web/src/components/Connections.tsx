/**
 * Connections between compartments (GET /api/connections): the services compartments provide each other, their
 * loopback ports and who uses them, and whether the loopback guard is enforced. On a compartment's page
 * (`compartment`), what it provides and uses, and for its operators a form to provide a service of one of its units
 * and one to use another compartment's: both change the stored spec (`provides:`, `uses:`) and apply it.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, data } from '../api/client';
import { keys, useConnections, useSession, useSpec } from '../api/queries';
import type { ApplyResult, Connection } from '../api/types';
import { hasRole } from '../app/auth';
import { withCode } from '../i18n/code';
import { t } from '../i18n/t';
import { Result } from '../pages/compartment/PlanApply';
import { routableUnits } from '../pages/compartment/Routes';
import { Badge, Button, Card, ErrorBox, PortField, QueryView, SelectField, TextField } from './ui';

const th = 'whitespace-nowrap px-2 py-1 text-left font-medium';
const td = 'px-2 py-1 align-top max-sm:block max-sm:px-0';

type Use = { compartment: string; service: string; as: string };
type Change =
  | { kind: 'provide'; service: string; to: string }
  | { kind: 'unprovide'; service: string }
  | { kind: 'use'; use: Use }
  | { kind: 'unuse'; as: string };

/** The spec with `change` made to its `provides:` or `uses:` (left out when empty). */
export function changedLinks(spec: Record<string, unknown>, change: Change): Record<string, unknown> {
  const provides = { ...((spec.provides as Record<string, unknown> | undefined) ?? {}) };
  let uses = [...((spec.uses as Use[] | undefined) ?? [])];
  if (change.kind === 'provide') provides[change.service] = change.to;
  if (change.kind === 'unprovide') delete provides[change.service];
  if (change.kind === 'use') uses = [...uses.filter((u) => u.as !== change.use.as), change.use];
  if (change.kind === 'unuse') uses = uses.filter((u) => u.as !== change.as);
  const { provides: _p, uses: _u, ...rest } = spec;
  return {
    ...rest,
    ...(Object.keys(provides).length > 0 ? { provides } : {}),
    ...(uses.length > 0 ? { uses } : {}),
  };
}

/** An environment prefix for a service name: `db` → `DB`, `redis-cache` → `REDIS_CACHE`. */
export const prefixOf = (service: string): string => service.toUpperCase().replace(/[^A-Z0-9]/g, '_');

async function applyChange(id: string, change: Change): Promise<ApplyResult> {
  const at = { params: { path: { id } } };
  const doc = await data(api.GET('/api/compartments/{id}/spec', at));
  return data(api.PUT('/api/compartments/{id}/spec', { ...at, body: { spec: changedLinks(doc.spec, change) } }));
}

export function ConnectionTable({
  connections,
  onRemoveUse,
  busy = false,
}: {
  connections: readonly Connection[];
  /** Given: each use of `self` gets a "Stop using" button. */
  onRemoveUse?: { self: string; remove: (as: string) => void };
  busy?: boolean;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" aria-label={t('links.table')}>
        <thead className="max-sm:sr-only">
          <tr>
            <th className={th}>{t('links.provider')}</th>
            <th className={th}>{t('links.service')}</th>
            <th className={th}>{t('links.to')}</th>
            <th className={th}>{t('links.port')}</th>
            <th className={th}>{t('links.usedBy')}</th>
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => (
            <tr key={`${c.provider}/${c.service}`} className="border-t border-zinc-200 dark:border-zinc-800">
              <td className={`${td} font-mono max-sm:inline`}>{c.provider}</td>
              <td className={`${td} font-mono max-sm:inline`}>
                <span className="sm:hidden">/</span>
                {c.service}
              </td>
              <td className={`${td} font-mono`}>
                <span className="font-sans sm:hidden">{t('links.to')}: </span>
                {c.to}
              </td>
              <td className={`${td} font-mono`}>
                <span className="font-sans sm:hidden">{t('links.port')}: </span>
                {c.port ?? '–'}
              </td>
              <td className={td}>
                <span className="sm:hidden">{t('links.usedBy')}: </span>
                {c.consumers.length === 0 ? (
                  <span className="text-zinc-600 dark:text-zinc-400">{t('links.unused')}</span>
                ) : (
                  <ul className="flex flex-col gap-1">
                    {c.consumers.map((u) => (
                      <li key={`${u.compartment}/${u.as}`} className="flex flex-wrap items-center gap-2">
                        <span className="font-mono">
                          {u.compartment} ({u.as}_HOST, {u.as}_PORT)
                        </span>
                        {onRemoveUse && u.compartment === onRemoveUse.self && (
                          <Button disabled={busy} onClick={() => onRemoveUse.remove(u.as)}>
                            {t('links.stopUsing')}
                            <span className="sr-only"> {`${c.provider}/${c.service}`}</span>
                          </Button>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ProvideForm({ id, busy, onSubmit }: { id: string; busy: boolean; onSubmit: (c: Change) => void }) {
  const uid = useId();
  const spec = useSpec(id);
  const units = routableUnits(spec.data?.spec as Record<string, unknown> | undefined);
  const [service, setService] = useState('');
  const [chosen, setChosen] = useState('');
  const [port, setPort] = useState('');
  const unit = units.includes(chosen) ? chosen : (units[0] ?? '');
  return (
    <form
      className="flex flex-col gap-3 border-t border-zinc-200 pt-3 dark:border-zinc-800"
      aria-labelledby={`${uid}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        if (service.trim() && unit && port)
          onSubmit({ kind: 'provide', service: service.trim(), to: `${unit}:${Number(port)}` });
      }}
    >
      <h3 id={`${uid}-title`} className="font-semibold">
        {t('links.provide.title')}
      </h3>
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField
          id={`${uid}-service`}
          label={t('links.provide.service')}
          className="font-mono"
          placeholder="db"
          required
          autoComplete="off"
          value={service}
          onChange={(e) => setService(e.target.value)}
        />
        <SelectField
          id={`${uid}-unit`}
          label={t('links.provide.unit')}
          options={units}
          value={unit}
          required
          disabled={units.length === 0}
          onChange={(e) => setChosen(e.target.value)}
        />
        <PortField id={`${uid}-port`} label={t('links.provide.port')} value={port} onChange={setPort} />
      </div>
      <div>
        <Button type="submit" variant="primary" disabled={busy || units.length === 0} aria-busy={busy}>
          {t('links.provide.submit')}
        </Button>
      </div>
    </form>
  );
}

function UseForm({
  id,
  offered,
  busy,
  onSubmit,
}: {
  id: string;
  offered: readonly Connection[];
  busy: boolean;
  onSubmit: (c: Change) => void;
}) {
  const uid = useId();
  const choices = offered.filter((c) => c.provider !== id && !c.consumers.some((u) => u.compartment === id));
  const [chosen, setChosen] = useState('');
  const [as, setAs] = useState('');
  const current = choices.find((c) => `${c.provider}/${c.service}` === chosen) ?? choices[0];
  const prefix = as.trim() || (current ? prefixOf(current.service) : '');
  return (
    <form
      className="flex flex-col gap-3 border-t border-zinc-200 pt-3 dark:border-zinc-800"
      aria-labelledby={`${uid}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        if (current && prefix)
          onSubmit({ kind: 'use', use: { compartment: current.provider, service: current.service, as: prefix } });
      }}
    >
      <h3 id={`${uid}-title`} className="font-semibold">
        {t('links.use.title')}
      </h3>
      {choices.length === 0 ? (
        <p className="text-sm">{withCode(t('links.use.none'))}</p>
      ) : (
        <>
          <div className="grid gap-3 sm:grid-cols-2">
            <SelectField
              id={`${uid}-service`}
              label={t('links.use.service')}
              options={choices.map((c) => `${c.provider}/${c.service}`)}
              value={current ? `${current.provider}/${current.service}` : ''}
              onChange={(e) => setChosen(e.target.value)}
            />
            <TextField
              id={`${uid}-as`}
              label={t('links.use.as')}
              className="font-mono"
              placeholder={current ? prefixOf(current.service) : 'DB'}
              autoComplete="off"
              value={as}
              onChange={(e) => setAs(e.target.value)}
            />
          </div>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {withCode(t('links.use.hint', { prefix: prefix || 'DB' }))}
          </p>
          <div>
            <Button type="submit" variant="primary" disabled={busy} aria-busy={busy}>
              {t('links.use.submit')}
            </Button>
          </div>
        </>
      )}
    </form>
  );
}

/** The connections card: every visible connection, or (with `compartment`) the ones it takes part in, with its
 * forms for operators. */
export function ConnectionsCard({ compartment }: { compartment?: string }) {
  const links = useConnections();
  const session = useSession();
  const operator = compartment !== undefined && hasRole(session.data, 'operator', compartment);
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: (c: Change) => applyChange(compartment!, c),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.connections });
      void qc.invalidateQueries({ queryKey: keys.compartment(compartment!) });
    },
  });
  const busy = change.isPending;
  return (
    <Card title={t('links.title')}>
      <QueryView query={links} what={t('links.title')}>
        {(data) => {
          const shown = compartment
            ? data.connections.filter(
                (c) => c.provider === compartment || c.consumers.some((u) => u.compartment === compartment),
              )
            : data.connections;
          const mine = compartment ? shown.filter((c) => c.provider === compartment) : [];
          return (
            <div className="flex flex-col gap-3">
              <p className="text-sm" data-testid="guard-state">
                {data.enforced ? (
                  <Badge tone="ok">{t('links.enforced')}</Badge>
                ) : (
                  <Badge tone="idle">{t('links.notEnforced')}</Badge>
                )}{' '}
                {withCode(t('links.explain', { address: data.address }))}
              </p>
              {shown.length === 0 ? (
                <p className="text-sm">{withCode(t('links.none'))}</p>
              ) : (
                <ConnectionTable
                  connections={shown}
                  busy={busy}
                  {...(operator
                    ? { onRemoveUse: { self: compartment!, remove: (as) => change.mutate({ kind: 'unuse', as }) } }
                    : {})}
                />
              )}
              {operator && mine.length > 0 && (
                <ul className="flex flex-wrap gap-2 text-sm">
                  {mine
                    .filter((c) => c.consumers.length === 0)
                    .map((c) => (
                      <li key={c.service}>
                        <Button
                          disabled={busy}
                          onClick={() => change.mutate({ kind: 'unprovide', service: c.service })}
                        >
                          {t('links.unprovide', { service: c.service })}
                        </Button>
                      </li>
                    ))}
                </ul>
              )}
              {operator && (
                <>
                  <ProvideForm id={compartment!} busy={busy} onSubmit={(c) => change.mutate(c)} />
                  <UseForm
                    id={compartment!}
                    offered={data.connections}
                    busy={busy}
                    onSubmit={(c) => change.mutate(c)}
                  />
                </>
              )}
              {change.isError && <ErrorBox error={change.error} />}
              {change.data && <Result result={change.data} />}
            </div>
          );
        }}
      </QueryView>
    </Card>
  );
}
