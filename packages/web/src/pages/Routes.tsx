/**
 * The edge (quadletman's own Caddy) and every route the user may see: whether the edge is reachable and runs the
 * stored configuration (or why not), its ports and TLS; the routes, each requested through the edge once; the
 * internal CA's root certificate to trust; the Caddyfile (global viewers); and for admins the edge's settings
 * (ports, TLS: internal or ACME, quadletman's own web UI through the edge — `proxy self`) and "Load configuration
 * now". Routes themselves are declared in each compartment's spec under `routes:`.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data, url } from '../api/client';
import { keys, useEdge, useSession } from '../api/queries';
import type { EdgeSettings, EdgeStatus, EdgeTls } from '../api/types';
import { hasRole } from '../app/auth';
import { CertificatesCard } from '../components/Certificates';
import { ConnectionsCard } from '../components/Connections';
import { RoutesExample, RouteTable } from '../components/RouteTable';
import { Badge, Button, Card, ErrorBox, QueryView, TextField } from '../components/ui';
import { withCode } from '../i18n/code';
import { t } from '../i18n/t';

/** Reads the edge and every compartment's routes again (after a change of the edge's settings or a load). */
export function useRefreshRoutes() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.edge }),
      qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'compartments' && q.queryKey[2] === 'routes' }),
    ]);
}

/** The edge's state as a badge, with the error when there is one. */
export function EdgeState({ status }: { status: EdgeStatus }) {
  const [tone, text] = !status.reachable
    ? (['bad', t('routes.state.unreachable')] as const)
    : status.inSync
      ? (['ok', t('routes.state.inSync')] as const)
      : (['busy', t('routes.state.outOfSync')] as const);
  return (
    <div className="flex flex-col gap-1" data-testid="edge-state">
      <p>
        <Badge tone={tone}>{text}</Badge>
      </p>
      {status.error && <ErrorBox error={status.error} />}
    </div>
  );
}

const tlsText = (tls: EdgeTls) =>
  tls.mode === 'internal'
    ? t('routes.tls.internal')
    : tls.staging
      ? t('routes.tls.acmeStaging', { email: tls.email })
      : t('routes.tls.acme', { email: tls.email });

/** The web UI's address through the edge: https://HOST/, or https://HOST:PORT/ off 443. */
export const selfUrl = (s: EdgeSettings, host: string) =>
  `https://${host}${s.httpsPort === 443 ? '' : `:${s.httpsPort}`}/`;

function Edge({
  status,
  admin,
  onRefresh,
  refreshing,
}: {
  status: EdgeStatus;
  admin: boolean;
  onRefresh: () => void;
  refreshing: boolean;
}) {
  const refresh = useRefreshRoutes();
  const sync = useMutation({
    mutationFn: () => data(api.POST('/api/edge/sync')),
    onSettled: () => refresh(),
  });
  const s = status.settings;
  return (
    <Card
      title={t('routes.edge')}
      actions={
        <>
          <Button onClick={onRefresh} disabled={refreshing} aria-busy={refreshing}>
            {refreshing ? t('routes.checking') : t('routes.refresh')}
          </Button>
          {admin && (
            <Button
              variant="primary"
              onClick={() => sync.mutate()}
              disabled={sync.isPending}
              aria-busy={sync.isPending}
            >
              {sync.isPending ? t('routes.syncing') : t('routes.sync')}
            </Button>
          )}
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <EdgeState status={status} />
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-zinc-600 dark:text-zinc-400">{t('routes.ports')}</dt>
          <dd data-testid="edge-ports">{t('routes.portsOf', { http: s.httpPort, https: s.httpsPort })}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">{t('routes.tls')}</dt>
          <dd data-testid="edge-tls" className="break-words">
            {tlsText(s.tls)}
          </dd>
          {s.self && (
            <>
              <dt className="text-zinc-600 dark:text-zinc-400">{t('routes.self')}</dt>
              <dd data-testid="edge-self" className="flex flex-col gap-0.5 break-words">
                <a href={selfUrl(s, s.self.host)} className="text-sky-700 underline dark:text-sky-400">
                  {selfUrl(s, s.self.host)}
                </a>
                <span className="text-zinc-600 dark:text-zinc-400">{withCode(t('routes.self.trustProxy'))}</span>
              </dd>
            </>
          )}
        </dl>
        {sync.isError && <ErrorBox error={sync.error} />}
        {sync.data && (
          <p role="status" className="text-sm" data-testid="sync-outcome">
            <Badge tone={sync.data.outcome === 'loaded' || sync.data.outcome === 'in-sync' ? 'ok' : 'bad'}>
              {t(`routes.sync.${sync.data.outcome}`)}
            </Badge>
          </p>
        )}
      </div>
    </Card>
  );
}

function RootCertificate() {
  return (
    <Card title={t('routes.rootCertificate')}>
      <div className="flex flex-col gap-2 text-sm">
        <p>{t('routes.trust')}</p>
        <p>
          <a
            href={url('/api/edge/ca.crt', {})}
            download="quadletman-edge-root.crt"
            className="inline-flex min-h-9 items-center rounded-md bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800"
          >
            {t('routes.download')}
          </a>
        </p>
        <p className="text-zinc-600 dark:text-zinc-400">{withCode(t('routes.trustHow'))}</p>
      </div>
    </Card>
  );
}

interface Draft {
  httpPort: string;
  httpsPort: string;
  mode: EdgeTls['mode'];
  email: string;
  staging: boolean;
  /** quadletman's own web UI through the edge (proxy self). */
  self: boolean;
  selfHost: string;
  selfPort: string;
}

/** The port quadletman listens on locally unless told otherwise. */
const DEFAULT_UI_PORT = 8080;

const draftOf = (s: EdgeSettings): Draft => ({
  httpPort: String(s.httpPort),
  httpsPort: String(s.httpsPort),
  mode: s.tls.mode,
  email: s.tls.mode === 'acme' ? s.tls.email : '',
  staging: s.tls.mode === 'acme' ? s.tls.staging : false,
  self: s.self !== undefined,
  selfHost: s.self?.host ?? '',
  selfPort: String(s.self?.port ?? DEFAULT_UI_PORT),
});

/** PUT /api/edge/settings: self null removes the UI's route, absent leaves it as it is. */
interface SettingsBody {
  httpPort: number;
  httpsPort: number;
  tls: EdgeTls;
  self?: EdgeSettings['self'] | null;
}

function SettingsForm({ settings }: { settings: EdgeSettings }) {
  const refresh = useRefreshRoutes();
  const [d, setD] = useState<Draft>(() => draftOf(settings));
  const set = (patch: Partial<Draft>) => setD((old) => ({ ...old, ...patch }));
  const save = useMutation({
    mutationFn: (body: SettingsBody) => data(api.PUT('/api/edge/settings', { body })),
    onSuccess: async (next) => {
      setD(draftOf(next));
      await refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: SettingsBody = {
      httpPort: Number(d.httpPort),
      httpsPort: Number(d.httpsPort),
      tls: d.mode === 'internal' ? { mode: 'internal' } : { mode: 'acme', email: d.email.trim(), staging: d.staging },
    };
    // checked: the UI's route as given; unchecked: removed if there was one, else left out (nothing to change)
    if (d.self) body.self = { host: d.selfHost.trim(), port: Number(d.selfPort) };
    else if (settings.self) body.self = null;
    save.mutate(body);
  };
  return (
    <Card title={t('routes.settings')}>
      <form onSubmit={submit} className="flex flex-col gap-3" aria-label={t('routes.settings')}>
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <TextField
            id="edge-http-port"
            label={t('routes.httpPort')}
            type="number"
            inputMode="numeric"
            min={1}
            max={65535}
            required
            value={d.httpPort}
            onChange={(e) => set({ httpPort: e.target.value })}
          />
          <TextField
            id="edge-https-port"
            label={t('routes.httpsPort')}
            type="number"
            inputMode="numeric"
            min={1}
            max={65535}
            required
            value={d.httpsPort}
            onChange={(e) => set({ httpsPort: e.target.value })}
          />
        </div>
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium">{t('routes.tls')}</legend>
          {(['internal', 'acme'] as const).map((m) => (
            // (the help is outside the label: the radio is named by its mode, and described by the help)
            <div key={m} className="flex items-start gap-2 text-sm">
              <input
                type="radio"
                id={`edge-tls-${m}`}
                name="edge-tls-mode"
                value={m}
                checked={d.mode === m}
                onChange={() => set({ mode: m })}
                className="mt-1"
                aria-describedby={`edge-tls-${m}-help`}
              />
              <div>
                <label htmlFor={`edge-tls-${m}`} className="font-medium">
                  {m === 'internal' ? t('routes.tls.internalLabel') : t('routes.tls.acmeLabel')}
                </label>
                <p id={`edge-tls-${m}-help`} className="text-zinc-600 dark:text-zinc-400">
                  {m === 'internal' ? t('routes.tls.internalHelp') : t('routes.tls.acmeHelp')}
                </p>
              </div>
            </div>
          ))}
        </fieldset>
        {d.mode === 'acme' && (
          <div className="flex flex-col gap-2 pl-6">
            <div className="sm:max-w-md">
              <TextField
                id="edge-acme-email"
                label={t('routes.email')}
                hint={t('routes.emailHint')}
                type="email"
                required
                value={d.email}
                onChange={(e) => set({ email: e.target.value })}
              />
            </div>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={d.staging} onChange={(e) => set({ staging: e.target.checked })} />
              {t('routes.staging')}
            </label>
          </div>
        )}
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium">{t('routes.self.legend')}</legend>
          <div className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              id="edge-self"
              checked={d.self}
              onChange={(e) => set({ self: e.target.checked })}
              className="mt-1"
              aria-describedby="edge-self-help"
            />
            <div>
              <label htmlFor="edge-self" className="font-medium">
                {t('routes.self.enable')}
              </label>
              <p id="edge-self-help" className="text-zinc-600 dark:text-zinc-400">
                {withCode(t('routes.self.help'))}
              </p>
            </div>
          </div>
          {d.self && (
            <div className="grid gap-3 pl-6 sm:grid-cols-2 lg:grid-cols-4">
              <TextField
                id="edge-self-host"
                label={t('routes.self.host')}
                required
                maxLength={253}
                pattern="[A-Za-z0-9]([A-Za-z0-9.\-]*[A-Za-z0-9])?"
                autoComplete="off"
                spellCheck={false}
                placeholder="qm.example.org"
                value={d.selfHost}
                onChange={(e) => set({ selfHost: e.target.value })}
              />
              <TextField
                id="edge-self-port"
                label={t('routes.self.port')}
                hint={t('routes.self.portHint')}
                type="number"
                inputMode="numeric"
                min={1}
                max={65535}
                required
                value={d.selfPort}
                onChange={(e) => set({ selfPort: e.target.value })}
              />
            </div>
          )}
        </fieldset>
        {save.isError && <ErrorBox error={save.error} />}
        {save.isSuccess && (
          <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
            {t('routes.saved')}
          </p>
        )}
        <div>
          <Button type="submit" variant="primary" disabled={save.isPending} aria-busy={save.isPending}>
            {save.isPending ? t('routes.saving') : t('routes.save')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

export function RoutesPage() {
  const edge = useEdge();
  const session = useSession();
  const admin = hasRole(session.data, 'admin');
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-semibold">{t('routes.title')}</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{withCode(t('routes.explain'))}</p>
        <RoutesExample />
      </div>
      <QueryView query={edge} what={t('routes.edge')}>
        {(status) => (
          <>
            <Edge status={status} admin={admin} onRefresh={() => void edge.refetch()} refreshing={edge.isFetching} />
            <Card title={t('routes.table')}>
              {status.routes.length === 0 ? (
                <p className="text-sm">{t('routes.none')}</p>
              ) : (
                <RouteTable routes={status.routes} showCompartment />
              )}
            </Card>
            <CertificatesCard certificates={status.certificates ?? []} admin={admin} />
            <ConnectionsCard />
            {status.settings.tls.mode === 'internal' && status.hasRootCertificate && <RootCertificate />}
            {status.caddyfile !== '' && (
              <details className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
                <summary className="cursor-pointer text-lg font-semibold">{t('routes.caddyfile')}</summary>
                <pre
                  className="mt-3 max-h-[32rem] overflow-auto rounded-md bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-950"
                  data-testid="caddyfile"
                >
                  {status.caddyfile}
                </pre>
              </details>
            )}
            {admin && <SettingsForm settings={status.settings} />}
          </>
        )}
      </QueryView>
    </div>
  );
}
