/**
 * Bring compartments in and take them out: upload a `.quadlets` bundle, adopt an existing Quadlet directory,
 * download a compartment as a bundle.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, failure, request } from '../api/client';
import { keys, useCompartments, useSession } from '../api/queries';
import { routes } from '../api/routes';
import type { Plan } from '../api/types';
import { hasRole } from '../app/auth';
import { Button, Card, ErrorBox, TextField } from '../components/ui';
import { t } from '../i18n/t';
import { ComposeImport } from './ComposeImport';
import { RunImport } from './RunImport';

interface ImportAnswer {
  compartment: string;
  plan?: Plan;
}

function errorText(e: unknown): string {
  if (e instanceof ApiError && e.unavailable) return t('common.notAvailable', { what: t('import.title') });
  return (e as Error).message;
}

function ImportBundle() {
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [answer, setAnswer] = useState<ImportAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(undefined);
    try {
      const a = await request<ImportAnswer>('POST', routes.import, {
        raw: file,
        query: { compartment: name || undefined, filename: file.name },
      });
      setAnswer(a);
      void qc.invalidateQueries({ queryKey: keys.compartments });
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <Card title={t('import.bundle')}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor="import-file" className="text-sm font-medium">
            {t('import.file')}
          </label>
          <input
            id="import-file"
            type="file"
            accept=".quadlets,text/plain"
            className="text-sm"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <TextField
          id="import-name"
          label={t('import.compartment')}
          hint={t('import.compartmentHint')}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        {error && <ErrorBox error={error} />}
        {answer && (
          <p role="status">
            {t('import.done', { id: answer.compartment })}{' '}
            <Link to={`/c/${encodeURIComponent(answer.compartment)}/plan`} className="underline">
              {t('import.review')}
            </Link>
          </p>
        )}
        <Button type="submit" variant="primary" disabled={!file}>
          {t('import.upload')}
        </Button>
      </form>
    </Card>
  );
}

function Adopt() {
  const qc = useQueryClient();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [answer, setAnswer] = useState<ImportAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const a = await api.post<ImportAnswer>(routes.adopt, { path, compartment: name });
      setAnswer(a);
      void qc.invalidateQueries({ queryKey: keys.compartments });
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <Card title={t('import.adopt')}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <p className="text-sm">{t('import.adoptIntro')}</p>
        <TextField
          id="adopt-path"
          label={t('import.directory')}
          required
          className="font-mono"
          placeholder="/home/alice/.config/containers/systemd"
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
        <TextField
          id="adopt-name"
          label={t('import.compartment')}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        {error && <ErrorBox error={error} />}
        {answer && <p role="status">{t('import.done', { id: answer.compartment })}</p>}
        <Button type="submit" variant="primary" disabled={!path || !name}>
          {t('import.adoptButton')}
        </Button>
      </form>
    </Card>
  );
}

/** Fetches the bundle first, so that a missing route or an error is said on the page, not saved as a file. */
async function download(id: string): Promise<void> {
  const path = routes.export(id);
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) throw await failure(res, 'GET', path);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `${id}.quadlets`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Export() {
  const list = useCompartments();
  const [error, setError] = useState<string | undefined>();
  return (
    <Card title={t('import.export')}>
      {list.data && list.data.length > 0 ? (
        <ul className="flex flex-col gap-1">
          {list.data.map((c) => (
            <li key={c.id}>
              <Button
                variant="ghost"
                onClick={() => {
                  setError(undefined);
                  download(c.id).catch((e: unknown) => setError(errorText(e)));
                }}
              >
                {t('import.download', { id: c.id })}
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm">{t('import.nothing')}</p>
      )}
      {error && <ErrorBox error={error} />}
    </Card>
  );
}

export function ImportExportPage() {
  const session = useSession();
  const canImport = hasRole(session.data, 'operator');
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">{t('import.title')}</h1>
      <div className="grid gap-4 lg:grid-cols-2">
        <ComposeImport canCreate={hasRole(session.data, 'admin')} />
        <RunImport canCreate={hasRole(session.data, 'admin')} />
        {canImport && <ImportBundle />}
        {hasRole(session.data, 'admin') && <Adopt />}
        <Export />
      </div>
    </div>
  );
}
