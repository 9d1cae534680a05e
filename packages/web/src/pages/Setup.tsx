/**
 * First run: while no admin exists, the setup token printed on the server's console lets the first visitor
 * create the admin account.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { ApiError, api, data, setCsrfToken } from '../api/client';
import { keys, useSetupStatus } from '../api/queries';
import { Button, Card, ErrorBox, Spinner, TextField } from '../components/ui';
import { t } from '../i18n/t';

export function SetupPage() {
  const setup = useSetupStatus();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  if (setup.isPending) return <Spinner />;
  if (setup.data && !setup.data.required) return <Navigate to="/login" replace />;

  const mismatch = confirm !== '' && confirm !== password;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) return;
    setBusy(true);
    setError(undefined);
    try {
      const s = await data(api.POST('/api/auth/setup', { body: { token: token.trim(), username, password } }));
      setCsrfToken(s?.csrfToken);
      qc.setQueryData(keys.setup, { required: false });
      qc.setQueryData(keys.session, s ?? null);
      await qc.invalidateQueries({ queryKey: keys.session });
      navigate('/', { replace: true });
    } catch (err) {
      setError(
        err instanceof ApiError && (err.status === 401 || err.status === 403)
          ? t('setup.badToken')
          : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mx-auto max-w-md">
      <Card heading="h1" title={t('setup.title')}>
        <p className="mb-3 text-sm">{t('setup.intro')}</p>
        <form onSubmit={submit} className="flex flex-col gap-3" aria-label={t('setup.title')}>
          <TextField
            id="setup-token"
            label={t('setup.token')}
            hint={t('setup.tokenHint')}
            required
            autoComplete="one-time-code"
            className="font-mono"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
          <TextField
            id="setup-user"
            label={t('setup.username')}
            required
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <TextField
            id="setup-password"
            label={t('setup.password')}
            type="password"
            required
            minLength={12}
            hint={t('setup.passwordHint')}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <TextField
            id="setup-confirm"
            label={t('setup.confirm')}
            type="password"
            required
            autoComplete="new-password"
            aria-invalid={mismatch}
            hint={mismatch ? t('setup.mismatch') : undefined}
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
          {error && <ErrorBox error={error} />}
          <Button type="submit" variant="primary" disabled={busy || mismatch}>
            {t('setup.submit')}
          </Button>
        </form>
      </Card>
    </div>
  );
}
