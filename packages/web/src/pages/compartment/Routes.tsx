/**
 * A compartment's routes: the host names the edge serves its apps on, each requested through the edge once
 * (GET /api/edge?compartment=ID), with "open" links; when it has none, how to declare one in its spec. For an
 * operator of the compartment, "Add a route" (host, path, unit and port; under "Options" a basic auth user and its
 * bcrypt hash, names to redirect from and response headers) and a "Remove route" button on each
 * route: both read the stored spec, change its `routes:` and apply it (PUT …/spec), then show how that ended.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { api, data } from '../../api/client';
import { keys, useCompartmentRoutes, useSession, useSpec } from '../../api/queries';
import type { ApplyResult, EdgeRoute } from '../../api/types';
import { hasRole } from '../../app/auth';
import { RoutesExample, RouteTable } from '../../components/RouteTable';
import {
  Badge,
  Button,
  Card,
  ErrorBox,
  inputClass,
  PortField,
  QueryView,
  SelectField,
  TextField,
} from '../../components/ui';
import { withCode } from '../../i18n/code';
import { t } from '../../i18n/t';
import { Result } from './PlanApply';

/** A route as a spec declares it. */
interface SpecRoute {
  host: string;
  path?: string;
  to: string;
  port?: number;
  headers?: { request?: Record<string, string>; response?: Record<string, string> };
  basicAuth?: { user: string; hash: string }[];
  redirectFrom?: string[];
}

/** The options a person gives in the form, as typed. */
export interface OptionsInput {
  authUser: string;
  authHash: string;
  redirectFrom: string;
  responseHeaders: string;
}

/** A bcrypt hash (`$2a$`, `$2b$`, `$2y$`, cost 10 to 14, 60 characters), or its base64; the server checks again. */
const BCRYPT = /^\$2[aby]\$1[0-4]\$[./A-Za-z0-9]{53}$/;
const isHash = (text: string): boolean => {
  if (BCRYPT.test(text)) return true;
  try {
    return /^[A-Za-z0-9+/]{80}$/.test(text) && BCRYPT.test(atob(text));
  } catch {
    return false;
  }
};

/** The route's options from the form (left out when empty), or the message of what is wrong with them. A text
 * that is no bcrypt hash is refused here, so a password typed in the hash field never leaves the browser. */
export function optionsOf(
  input: OptionsInput,
): { options: Omit<SpecRoute, 'host' | 'path' | 'to' | 'port'> } | { error: string } {
  const user = input.authUser.trim();
  const hash = input.authHash.trim();
  if ((user === '') !== (hash === '')) return { error: t('routes.add.authBoth') };
  if (hash !== '' && !isHash(hash)) return { error: t('routes.add.notHash') };
  const response: Record<string, string> = {};
  const lines = input.responseHeaders.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (colon <= 0 || name === '' || value === '') return { error: t('routes.add.badHeader', { line: i + 1 }) };
    response[name] = value;
  }
  const redirectFrom = input.redirectFrom
    .split(/[\s,]+/)
    .map((h) => h.trim())
    .filter((h) => h !== '');
  return {
    options: {
      ...(Object.keys(response).length > 0 ? { headers: { response } } : {}),
      ...(user !== '' ? { basicAuth: [{ user, hash }] } : {}),
      ...(redirectFrom.length > 0 ? { redirectFrom } : {}),
    },
  };
}

const NO_OPTIONS: OptionsInput = { authUser: '', authHash: '', redirectFrom: '', responseHeaders: '' };

type Change = { kind: 'add'; route: SpecRoute } | { kind: 'remove'; host: string; path: string };

/** The stems of the spec's `.container` and `.pod` units (what a route's `to` may name), sorted. */
export function routableUnits(spec: Record<string, unknown> | undefined): string[] {
  const units = spec?.units && typeof spec.units === 'object' ? Object.keys(spec.units) : [];
  return units
    .filter((u) => !u.includes('/') && (u.endsWith('.container') || u.endsWith('.pod')))
    .map((u) => u.slice(0, u.lastIndexOf('.')))
    .sort();
}

/** The spec with `change` made to its `routes:` (created for the first route, left out after the last). */
export function changedSpec(spec: Record<string, unknown>, change: Change): Record<string, unknown> {
  const current = Array.isArray(spec.routes) ? (spec.routes as SpecRoute[]) : [];
  const next =
    change.kind === 'add'
      ? [...current, change.route]
      : current.filter((r) => !(r.host === change.host && (r.path ?? '/') === change.path));
  const { routes: _, ...rest } = spec;
  return next.length > 0 ? { ...rest, routes: next } : rest;
}

/** Reads the stored spec (fresh: another change may have come since), changes its routes and applies it. */
async function applyChange(id: string, change: Change): Promise<ApplyResult> {
  const at = { params: { path: { id } } };
  const doc = await data(api.GET('/api/compartments/{id}/spec', at));
  return data(api.PUT('/api/compartments/{id}/spec', { ...at, body: { spec: changedSpec(doc.spec, change) } }));
}

function AddRoute({ id, busy, onAdd }: { id: string; busy: boolean; onAdd: (route: SpecRoute) => Promise<boolean> }) {
  const uid = useId();
  const spec = useSpec(id);
  const units = routableUnits(spec.data?.spec as Record<string, unknown> | undefined);
  const [host, setHost] = useState('');
  const [path, setPath] = useState('/');
  const [chosen, setChosen] = useState('');
  const [port, setPort] = useState('');
  const [options, setOptions] = useState<OptionsInput>(NO_OPTIONS);
  const [optionsError, setOptionsError] = useState<string | undefined>();
  const unit = units.includes(chosen) ? chosen : (units[0] ?? '');
  const option = (k: keyof OptionsInput) => (e: { target: { value: string } }) =>
    setOptions((o) => ({ ...o, [k]: e.target.value }));
  return (
    <form
      className="flex flex-col gap-3 border-t border-zinc-200 pt-3 dark:border-zinc-800"
      aria-labelledby={`${uid}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        if (!host.trim() || !unit || !port) return;
        const o = optionsOf(options);
        if ('error' in o) {
          setOptionsError(o.error);
          return;
        }
        setOptionsError(undefined);
        void onAdd({ host: host.trim(), path: path.trim() || '/', to: `${unit}:${Number(port)}`, ...o.options }).then(
          (applied) => {
            if (applied) {
              setHost('');
              setPath('/');
              setPort('');
              setOptions(NO_OPTIONS);
            }
          },
        );
      }}
    >
      <h3 id={`${uid}-title`} className="font-semibold">
        {t('routes.add.title')}
      </h3>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          id={`${uid}-host`}
          label={t('routes.add.host')}
          className="font-mono"
          placeholder="photos.example.org"
          required
          autoComplete="off"
          value={host}
          onChange={(e) => setHost(e.target.value)}
        />
        <TextField
          id={`${uid}-path`}
          label={t('routes.add.path')}
          className="font-mono"
          required
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
        <SelectField
          id={`${uid}-unit`}
          label={t('routes.add.unit')}
          options={units}
          value={unit}
          required
          disabled={units.length === 0}
          aria-describedby={units.length === 0 && spec.data ? `${uid}-nounits` : undefined}
          onChange={(e) => setChosen(e.target.value)}
        >
          {units.length === 0 && spec.data && (
            <p id={`${uid}-nounits`} className="text-xs text-zinc-600 dark:text-zinc-400">
              {withCode(t('routes.add.noUnits'))}
            </p>
          )}
        </SelectField>
        <PortField id={`${uid}-port`} label={t('routes.add.port')} value={port} onChange={setPort} />
      </div>
      <details className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
        <summary className="cursor-pointer text-sm font-medium">{t('routes.add.options')}</summary>
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          <TextField
            id={`${uid}-auth-user`}
            label={t('routes.add.authUser')}
            autoComplete="off"
            value={options.authUser}
            onChange={option('authUser')}
          />
          <TextField
            id={`${uid}-auth-hash`}
            label={t('routes.add.authHash')}
            className="font-mono"
            autoComplete="off"
            spellCheck={false}
            placeholder="$2a$14$…"
            hint={t('routes.add.authHint')}
            value={options.authHash}
            onChange={option('authHash')}
          />
          <TextField
            id={`${uid}-redirect`}
            label={t('routes.add.redirectFrom')}
            className="font-mono"
            autoComplete="off"
            placeholder="www.photos.example.org"
            hint={t('routes.add.redirectHint')}
            value={options.redirectFrom}
            onChange={option('redirectFrom')}
          />
          <div className="flex flex-col gap-1">
            <label htmlFor={`${uid}-headers`} className="text-sm font-medium">
              {t('routes.add.responseHeaders')}
            </label>
            <textarea
              id={`${uid}-headers`}
              className={`${inputClass} font-mono`}
              rows={3}
              spellCheck={false}
              placeholder="X-Frame-Options: DENY"
              aria-describedby={`${uid}-headers-hint`}
              value={options.responseHeaders}
              onChange={option('responseHeaders')}
            />
            <p id={`${uid}-headers-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">
              {withCode(t('routes.add.headersHint'))}
            </p>
          </div>
        </div>
      </details>
      {optionsError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {withCode(optionsError)}
        </p>
      )}
      {spec.isError && <ErrorBox error={spec.error} />}
      <div>
        <Button type="submit" variant="primary" disabled={busy || units.length === 0} aria-busy={busy}>
          {t('routes.add.submit')}
        </Button>
      </div>
    </form>
  );
}

export function RoutesTab({ id }: { id: string }) {
  const edge = useCompartmentRoutes(id);
  const session = useSession();
  const operator = hasRole(session.data, 'operator', id);
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: (c: Change) => applyChange(id, c),
    onSuccess: (r) => {
      if (r.outcome === 'applied' || r.outcome === 'rolled-back' || r.outcome === 'failed') {
        void qc.invalidateQueries({ queryKey: keys.compartment(id) });
        void qc.invalidateQueries({ queryKey: keys.edge });
      }
    },
  });
  const busy = change.isPending;
  const onRemove = (r: EdgeRoute) => {
    if (window.confirm(t('routes.confirmRemove', { route: `${r.host}${r.path}` })))
      change.mutate({ kind: 'remove', host: r.host, path: r.path });
  };
  return (
    <Card
      title={t('compartment.routes')}
      actions={
        <Button onClick={() => void edge.refetch()} disabled={edge.isFetching} aria-busy={edge.isFetching}>
          {edge.isFetching && !edge.isPending ? t('routes.checking') : t('routes.refresh')}
        </Button>
      }
    >
      <div className="flex flex-col gap-3">
        <QueryView query={edge} what={t('compartment.routes')}>
          {(status) => {
            // (for a viewer of some compartments the server answers with all the routes they see: keep this one's)
            const mine = status.routes.filter((r) => r.compartment === id);
            return (
              <div className="flex flex-col gap-3">
                {!status.reachable && (
                  <p className="text-sm" data-testid="edge-state">
                    <Badge tone="bad">{t('routes.state.unreachable')}</Badge>
                    {status.error && <span className="ml-2 break-words">{status.error}</span>}
                  </p>
                )}
                {mine.length === 0 ? (
                  <div className="flex flex-col gap-2 text-sm">
                    <p>{withCode(t('routes.compartmentNone'))}</p>
                    <RoutesExample />
                  </div>
                ) : (
                  <RouteTable routes={mine} showCompartment={false} {...(operator ? { onRemove, busy } : {})} />
                )}
                <p className="text-sm">
                  <Link to="/routes" className="text-sky-800 underline dark:text-sky-300">
                    {t('routes.allLink')}
                  </Link>
                </p>
              </div>
            );
          }}
        </QueryView>
        {operator && (
          <AddRoute
            id={id}
            busy={busy}
            onAdd={async (route) => {
              try {
                return (await change.mutateAsync({ kind: 'add', route })).outcome === 'applied';
              } catch {
                return false;
              }
            }}
          />
        )}
        {busy && (
          <p className="text-sm" role="status">
            {t('routes.applying')}
          </p>
        )}
        {change.data && !busy && <Result result={change.data} />}
        {change.isError && !busy && <ErrorBox error={change.error} />}
      </div>
    </Card>
  );
}
