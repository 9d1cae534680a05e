/**
 * Who is logged in, and what happens when the session ends: RequireAuth sends visitors without a session to
 * the login page (or to first-run setup while no admin exists), keeping the page they wanted in `?next=`; any
 * 401 from the API does the same (with `expired=1`, so the login page can say why).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { keys, useSession, useSetupStatus } from '../api/queries';
import type { Role, Session } from '../api/types';
import { ErrorBox, Spinner } from '../components/ui';
import { t } from '../i18n/t';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether the session holds `role` globally (`*`) or for `compartment`. */
export function hasRole(session: Session | null | undefined, role: Role, compartment?: string): boolean {
  if (!session) return false;
  return session.grants.some(
    (g) => (g.compartment === '*' || g.compartment === compartment) && RANK[g.role] >= RANK[role],
  );
}

/** The highest role held anywhere (for the header). */
export function topRole(session: Session | null | undefined): Role | undefined {
  let top: Role | undefined;
  for (const g of session?.grants ?? []) if (!top || RANK[g.role] > RANK[top]) top = g.role;
  return top;
}

export const loginPath = (from: string, expired = false) =>
  `/login?next=${encodeURIComponent(from)}${expired ? '&expired=1' : ''}`;

/** Installs the API's 401 handler: forget the session, go to the login page, come back afterwards. */
export function useSessionExpiry(): void {
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const here = location.pathname + location.search;
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(undefined);
      qc.setQueryData(keys.sessionEnded, true);
      qc.setQueryData(keys.session, null);
      if (!here.startsWith('/login')) navigate(loginPath(here, true), { replace: true });
    });
    return () => setUnauthorizedHandler(undefined);
  }, [navigate, qc, here]);
}

export function RequireAuth() {
  const session = useSession();
  const qc = useQueryClient();
  const setup = useSetupStatus();
  const location = useLocation();
  useEffect(() => {
    if (session.data?.csrfToken) setCsrfToken(session.data.csrfToken);
  }, [session.data]);
  if (session.isPending) return <Spinner />;
  if (session.isError) return <ErrorBox error={session.error} />;
  if (!session.data) {
    if (setup.data?.required) return <Navigate to="/setup" replace />;
    const ended = qc.getQueryData<boolean>(keys.sessionEnded) === true;
    return <Navigate to={loginPath(location.pathname + location.search, ended)} replace />;
  }
  return <Outlet />;
}

/**
 * The admin pages, for administrators of the whole server (a global admin grant, as the server's admin routes
 * ask): anyone else is told so, instead of forms the server would refuse; the pages' code is not even loaded.
 */
export function RequireAdmin() {
  const session = useSession();
  if (hasRole(session.data, 'admin')) return <Outlet />;
  return (
    <div className="flex flex-col gap-2">
      <h1 className="text-2xl font-semibold">{t('admin.title')}</h1>
      <p role="alert">{t('admin.adminsOnly', { user: session.data?.username ?? '' })}</p>
      <p>
        <Link to="/" className="text-sky-800 underline dark:text-sky-300">
          {t('notFound.back')}
        </Link>
      </p>
    </div>
  );
}
