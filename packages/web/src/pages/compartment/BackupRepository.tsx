/**
 * The Backups tab's "Repository" card: where the compartment's restic repository is (a folder, a folder on
 * another host over SFTP, a REST server or an S3-compatible store) and, for SFTP, the compartment's public key (to add to the remote user's
 * authorized_keys, with a copy button) and the fingerprints of the remote host's keys to check. Operators read it;
 * admins set the location (a compartment that has a repository keeps it unless "replace" is ticked; a REST or S3
 * location asks for its user and secret too, which the server keeps in the compartment's own files and never
 * answers). The new
 * password is shown this once, with the replaced repository's, so that its snapshots stay readable.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, data } from '../../api/client';
import type { components } from '../../api/openapi.gen';
import { keys } from '../../api/queries';
import { Button, Card, ErrorBox, inputClass, QueryView } from '../../components/ui';
import { withCode } from '../../i18n/code';
import { t } from '../../i18n/t';
import { RepositoryPassword } from './backup-ui';

type RepositoryView = NonNullable<components['schemas']['BackupRepository']>;
type RepositorySet = components['schemas']['BackupRepositorySet'];

/** The server's message about a field (`location`, `credentials`), when it refused it (400, details.issues). */
function fieldIssue(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError) || !Array.isArray(error.details?.issues)) return undefined;
  const issue = (error.details.issues as { path?: unknown; message?: unknown }[]).find((i) => i.path === path);
  return typeof issue?.message === 'string' ? issue.message : undefined;
}

/** The kind a location being typed names (rest: and s3: ask for credentials). */
const webKind = (location: string): 'rest' | 's3' | undefined => {
  const m = /^(rest|s3):/.exec(location.trim());
  return m ? (m[1] as 'rest' | 's3') : undefined;
};

function PublicKey({ value }: { value: string }) {
  const [copied, setCopied] = useState<boolean>();
  return (
    <div className="flex flex-col gap-1">
      <span className="text-sm font-medium">{t('backups.repo.publicKey')}</span>
      <code className="break-all rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-900" data-testid="public-key">
        {value}
      </code>
      <div className="flex items-center gap-2">
        <Button
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied(true);
            } catch {
              setCopied(false);
            }
          }}
        >
          {t('backups.repo.copyKey')}
        </Button>
        {copied !== undefined && (
          <span role="status" className="text-sm">
            {copied ? t('backups.repo.copied') : t('backups.repo.copyFailed')}
          </span>
        )}
      </div>
    </div>
  );
}

function Details({ view }: { view: RepositoryView }) {
  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="repository-details">
      <p>
        <span className="font-medium">{t('backups.repository')}:</span>{' '}
        <code className="break-all font-mono">{view.location}</code> ({t(`backups.repo.kind.${view.kind}`)})
      </p>
      {view.publicKey && (
        <>
          <p>{withCode(t('backups.repo.addKey'))}</p>
          <PublicKey value={view.publicKey} />
        </>
      )}
      {view.hostKeys && view.hostKeys.length > 0 && (
        <div className="flex flex-col gap-1">
          <span className="font-medium">{t('backups.repo.hostKeys')}</span>
          <ul className="flex flex-col gap-0.5 font-mono text-xs" data-testid="host-keys">
            {view.hostKeys.map((k) => (
              <li key={k} className="break-all">
                {k}
              </li>
            ))}
          </ul>
          <p className="text-zinc-600 dark:text-zinc-400">{withCode(t('backups.repo.checkHostKeys'))}</p>
        </div>
      )}
    </div>
  );
}

function LocationForm({ id, hasRepository, onSet }: { id: string; hasRepository: boolean; onSet: () => void }) {
  const [location, setLocation] = useState('');
  const [replace, setReplace] = useState(false);
  const [user, setUser] = useState('');
  const [secret, setSecret] = useState('');
  const kind = webKind(location);
  const set = useMutation({
    mutationFn: (body: { location: string; replace: boolean; credentials?: { user: string; secret: string } }) =>
      data(api.PUT('/api/compartments/{id}/backups/repository', { params: { path: { id } }, body })),
    onSuccess: () => {
      setLocation('');
      setReplace(false);
      setUser('');
      setSecret('');
      onSet();
    },
  });
  const issue = fieldIssue(set.error, 'location');
  const credentialsIssue = fieldIssue(set.error, 'credentials');
  const field = `backup-location-${id}`;
  const result: RepositorySet | undefined = set.data;
  return (
    <div className="flex flex-col gap-3">
      <form
        noValidate
        className="flex flex-col gap-2"
        aria-label={t('backups.repo.form')}
        onSubmit={(e) => {
          e.preventDefault();
          // a REST server may take no credentials; S3 needs them (the server says so)
          set.mutate({ location, replace, ...(kind && (user || secret) ? { credentials: { user, secret } } : {}) });
        }}
      >
        <label htmlFor={field} className="text-sm font-medium">
          {t('backups.repo.location')}
        </label>
        <input
          id={field}
          className={`${inputClass} font-mono`}
          value={location}
          placeholder="sftp:backup@nas.example:/srv/restic/app"
          onChange={(e) => {
            setLocation(e.target.value);
            // (what the server said was of the location before)
            if (set.isError) set.reset();
          }}
          aria-invalid={issue ? true : undefined}
          aria-describedby={[`${field}-hint`, issue ? `${field}-error` : ''].filter(Boolean).join(' ')}
          autoComplete="off"
          spellCheck={false}
        />
        <p id={`${field}-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {withCode(t('backups.repo.locationHint'))}
        </p>
        {issue && (
          <p id={`${field}-error`} className="text-xs text-red-700 dark:text-red-300">
            {issue}
          </p>
        )}
        {kind && (
          <fieldset className="flex flex-col gap-2" data-testid="repository-credentials">
            <legend className="text-sm font-medium">{t(`backups.repo.credentials.${kind}`)}</legend>
            <label htmlFor={`${field}-user`} className="text-sm">
              {t(`backups.repo.user.${kind}`)}
            </label>
            <input
              id={`${field}-user`}
              className={`${inputClass} font-mono`}
              value={user}
              onChange={(e) => {
                setUser(e.target.value);
                if (credentialsIssue) set.reset();
              }}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={credentialsIssue ? true : undefined}
            />
            <label htmlFor={`${field}-secret`} className="text-sm">
              {t(`backups.repo.secret.${kind}`)}
            </label>
            <input
              id={`${field}-secret`}
              type="password"
              className={`${inputClass} font-mono`}
              value={secret}
              onChange={(e) => {
                setSecret(e.target.value);
                if (credentialsIssue) set.reset();
              }}
              autoComplete="new-password"
              aria-invalid={credentialsIssue ? true : undefined}
              aria-describedby={credentialsIssue ? `${field}-credentials-error` : `${field}-credentials-hint`}
            />
            <p id={`${field}-credentials-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">
              {t('backups.repo.credentialsHint')}
            </p>
            {credentialsIssue && (
              <p id={`${field}-credentials-error`} className="text-xs text-red-700 dark:text-red-300">
                {credentialsIssue}
              </p>
            )}
          </fieldset>
        )}
        {hasRepository && (
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-1" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
            <span>{t('backups.repo.replace')}</span>
          </label>
        )}
        <div>
          <Button
            type="submit"
            variant="primary"
            disabled={set.isPending || location.trim() === ''}
            aria-busy={set.isPending}
          >
            {set.isPending ? t('backups.repo.setting') : t('backups.repo.set')}
          </Button>
        </div>
        {set.isError && !issue && !credentialsIssue && <ErrorBox error={set.error} />}
      </form>
      {result && (
        <RepositoryPassword
          key={result.password}
          location={result.location}
          password={result.password}
          previous={result.previous}
        />
      )}
      {result && (
        <p role="status" className="text-sm" data-testid="repository-set">
          {t(result.kind === 'sftp' ? 'backups.repo.setSftp' : 'backups.repo.setLocal')}
        </p>
      )}
    </div>
  );
}

export function BackupRepositoryCard({ id, admin }: { id: string; admin: boolean }) {
  const qc = useQueryClient();
  const repository = useQuery({
    queryKey: [...keys.part(id, 'backups'), 'repository'],
    queryFn: () => data(api.GET('/api/compartments/{id}/backups/repository', { params: { path: { id } } })),
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: keys.part(id, 'backups') });
  return (
    <Card title={t('backups.repo.title')}>
      <div className="flex flex-col gap-4">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{withCode(t('backups.repo.explain'))}</p>
        <QueryView query={repository} what={t('backups.repo.title')}>
          {(view) => (view ? <Details view={view} /> : <p className="text-sm">{t('backups.repo.default')}</p>)}
        </QueryView>
        {admin && (
          <div className="border-t border-zinc-200 pt-3 dark:border-zinc-800">
            <LocationForm id={id} hasRepository={!!repository.data} onSet={refresh} />
          </div>
        )}
      </div>
    </Card>
  );
}
