/**
 * Login (PAM or local account). After a session expired (`?expired=1`) it says so; afterwards it returns to
 * the page the user was on (`?next=`, same-site paths only).
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api, data, setCsrfToken } from '../api/client';
import { keys, useSession, useSetupStatus } from '../api/queries';
import { Button, Card, ErrorBox, TextField } from '../components/ui';
import { t } from '../i18n/t';

/** Only paths of this site: never `//host` or `https://…` (no open redirect). */
export const safeNext = (next: string | null): string =>
  next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const session = useSession();
  const setup = useSetupStatus();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

  if (setup.data?.required) return <Navigate to="/setup" replace />;
  if (session.data) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const s = await data(api.POST('/api/auth/login', { body: { username, password } }));
      setCsrfToken(s?.csrfToken);
      qc.setQueryData(keys.sessionEnded, false);
      qc.setQueryData(keys.session, s);
      await qc.invalidateQueries({ queryKey: keys.session });
      navigate(next, { replace: true });
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t('login.failed')
          : err instanceof ApiError && err.status === 429
            ? t('login.rateLimited')
            : err instanceof ApiError && err.unavailable
              ? t('common.serverUnavailable')
              : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mx-auto max-w-sm">
      <Card heading="h1" title={<span>{t('login.title')}</span>}>
        {params.get('expired') && (
          <p role="status" className="mb-3 text-sm text-amber-800 dark:text-amber-300">
            {t('login.expired')}
          </p>
        )}
        <form onSubmit={submit} className="flex flex-col gap-3" aria-label={t('login.title')}>
          <TextField
            id="login-user"
            label={t('login.username')}
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <TextField
            id="login-password"
            label={t('login.password')}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {error && <ErrorBox error={error} />}
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </Button>
        </form>
      </Card>
    </div>
  );
}
