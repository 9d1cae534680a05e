/**
 * The routes of the edge as a table (the Routes page and a compartment's Routes tab): the URL with an "open"
 * link (a new tab), the compartment, the target (`UNIT:PORT`), the loopback port, what one request through the
 * edge answered (ok or failed) and the certificate's issuer and expiry; under the URL, the route's options (basic
 * auth users, redirected names, header names). Also the short `routes:` example shown
 * where routes are explained, and which routes target a unit (for the Units tab's "open" links).
 */
import { Link } from 'react-router';
import type { EdgeRoute } from '../api/types';
import { dateOnly, t } from '../i18n/t';
import { Badge, Button } from './ui';

/** A spec's `routes:` as people write it (YAML: code, never translated). */
export const ROUTES_EXAMPLE = `routes:
  - host: photos.example.org
    path: /
    to: "web:8080"`;

export function RoutesExample() {
  return (
    <pre
      className="overflow-x-auto rounded-md bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-950"
      data-testid="routes-example"
    >
      {ROUTES_EXAMPLE}
    </pre>
  );
}

/** "open" to the route's URL in a new tab (its accessible name says which URL). */
export function OpenLink({ url }: { url: string }) {
  return (
    <a
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      className="whitespace-nowrap text-sm font-medium text-sky-800 underline dark:text-sky-300"
    >
      {t('routes.open')}
      <span className="sr-only"> {t('routes.openSr', { url })}</span>
    </a>
  );
}

/** The unit stem of a route's target (`web` of `web:8080`). */
export const targetUnit = (to: string): string => to.slice(0, to.lastIndexOf(':'));

/** The routes that target the unit made from `source` (`web.container` or `web.pod`). */
export const routesOfSource = (routes: readonly EdgeRoute[], source: string): EdgeRoute[] =>
  routes.filter((r) => {
    const unit = targetUnit(r.to);
    return source === `${unit}.container` || source === `${unit}.pod`;
  });

/** A route's options in a line or three under its URL (user names, never hashes); nothing when it has none. */
export function RouteOptions({ route }: { route: EdgeRoute }) {
  const o = route.options;
  if (!o) return null;
  const headers = [...Object.keys(o.requestHeaders), ...Object.keys(o.responseHeaders)];
  const lines = [
    ...(o.basicAuthUsers.length > 0 ? [t('routes.options.auth', { users: o.basicAuthUsers.join(', ') })] : []),
    ...(o.redirectFrom.length > 0 ? [t('routes.options.redirect', { hosts: o.redirectFrom.join(', ') })] : []),
    ...(headers.length > 0 ? [t('routes.options.headers', { names: headers.join(', ') })] : []),
  ];
  return (
    <ul className="mt-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="route-options">
      {lines.map((l) => (
        <li key={l} className="break-words">
          {l}
        </li>
      ))}
    </ul>
  );
}

const th = 'whitespace-nowrap px-2 py-1 text-left font-medium';
const td = 'px-2 py-1 align-top';

export function RouteTable({
  routes,
  showCompartment,
  onRemove,
  busy = false,
}: {
  routes: readonly EdgeRoute[];
  showCompartment: boolean;
  /** Given (an operator of the compartment): each route gets a "Remove route HOST/PATH" button. */
  onRemove?: (route: EdgeRoute) => void;
  /** A change is under way (the remove buttons wait). */
  busy?: boolean;
}) {
  // On a phone each row becomes a block (the header only for screen readers), as the other tables do.
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" aria-label={t('routes.table')}>
        <thead className="max-sm:sr-only">
          <tr>
            <th className={th}>{t('routes.url')}</th>
            {showCompartment && <th className={th}>{t('routes.compartment')}</th>}
            <th className={th}>{t('routes.target')}</th>
            <th className={th}>{t('routes.port')}</th>
            <th className={th}>{t('routes.answer')}</th>
            <th className={th}>{t('routes.certificate')}</th>
            {onRemove && (
              <th className={th}>
                <span className="sr-only">{t('routes.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {routes.map((r) => (
            <tr
              key={`${r.compartment} ${r.host}${r.path}`}
              data-route={`${r.host}${r.path}`}
              className="border-t border-zinc-100 max-sm:flex max-sm:flex-wrap max-sm:items-center max-sm:gap-x-2 max-sm:py-2 dark:border-zinc-800"
            >
              <td className={`${td} max-sm:w-full`}>
                <span className="flex flex-wrap items-baseline gap-x-2">
                  <span className="font-mono max-sm:break-all sm:whitespace-nowrap">{r.url}</span>
                  <OpenLink url={r.url} />
                </span>
                <RouteOptions route={r} />
              </td>
              {showCompartment && (
                <td className={td}>
                  <Link
                    to={`/c/${encodeURIComponent(r.compartment)}`}
                    className="font-mono text-sky-800 underline dark:text-sky-300"
                  >
                    {r.compartment}
                  </Link>
                </td>
              )}
              <td className={`${td} font-mono`}>{r.to}</td>
              <td className={`${td} font-mono`}>
                <span className="font-sans sm:hidden">{t('routes.port')}: </span>
                {r.port ?? '—'}
              </td>
              <td className={`${td} max-sm:w-full`}>
                <span className="flex flex-wrap items-baseline gap-x-2">
                  <Badge tone={r.ok ? 'ok' : 'bad'}>{r.ok ? t('routes.ok') : t('routes.failed')}</Badge>
                  <span className="break-words">{r.answer}</span>
                </span>
              </td>
              <td className={`${td} max-sm:w-full`}>
                {r.certificate ? (
                  <span>
                    <span className="break-words">{r.certificate.issuer}</span>
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                      {t('routes.validTo', { date: dateOnly(r.certificate.validTo) })}
                    </span>
                  </span>
                ) : (
                  <span className="text-zinc-600 dark:text-zinc-400">{t('routes.noCertificate')}</span>
                )}
              </td>
              {onRemove && (
                <td className={td}>
                  <Button
                    variant="danger"
                    disabled={busy}
                    aria-label={t('routes.removeLabel', { route: `${r.host}${r.path}` })}
                    onClick={() => onRemove(r)}
                  >
                    {t('routes.remove')}
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
