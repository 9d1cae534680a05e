/**
 * Changing a compartment's resources: secrets (admins; the value goes to Podman and never comes back),
 * registry logins (admins; the password likewise), config files (operators; edited as text).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../../api/client';
import { keys } from '../../api/queries';
import { Button, ErrorBox, inputClass, TextField } from '../../components/ui';
import { t } from '../../i18n/t';

function useAction(id: string, part: string) {
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (f: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
      await qc.invalidateQueries({ queryKey: keys.part(id, part) });
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, error, busy };
}

export function SecretForm({ id }: { id: string }) {
  const { run, error, busy } = useAction(id, 'secrets');
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [replace, setReplace] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (
      await run(() =>
        api.POST('/api/compartments/{id}/secrets', { params: { path: { id } }, body: { name, value, replace } }),
      )
    ) {
      setName('');
      setValue('');
    }
  };
  return (
    <form onSubmit={submit} className="mt-3 flex flex-col gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
      <TextField
        id="secret-name"
        label={t('resources.secretName')}
        required
        className="font-mono"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <TextField
        id="secret-value"
        label={t('resources.secretValue')}
        hint={t('resources.secretHint')}
        type="password"
        autoComplete="off"
        required
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
        {t('resources.replace')}
      </label>
      {error !== undefined && <ErrorBox error={error} />}
      <div>
        <Button type="submit" variant="primary" disabled={busy || !name || !value}>
          {t('resources.addSecret')}
        </Button>
      </div>
    </form>
  );
}

export function DeleteButton({
  id,
  part,
  remove,
  label,
}: {
  id: string;
  part: string;
  remove: () => Promise<unknown>;
  label: string;
}) {
  const { run, error, busy } = useAction(id, part);
  return (
    <>
      <Button
        variant="ghost"
        className="min-h-0 px-2 py-0.5 text-xs"
        disabled={busy}
        aria-label={label}
        onClick={() => {
          if (window.confirm(`${label}?`)) void run(remove);
        }}
      >
        {t('resources.delete')}
      </Button>
      {error !== undefined && <ErrorBox error={error} />}
    </>
  );
}

export function RegistryForm({ id }: { id: string }) {
  const { run, error, busy } = useAction(id, 'registries');
  const [registry, setRegistry] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (
      await run(() =>
        api.POST('/api/compartments/{id}/registries', {
          params: { path: { id } },
          body: { registry, username, password },
        }),
      )
    ) {
      setRegistry('');
      setUsername('');
      setPassword('');
    }
  };
  return (
    <form onSubmit={submit} className="mt-3 flex flex-col gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
      <TextField
        id="registry-host"
        label={t('resources.registry')}
        placeholder="docker.io"
        required
        className="font-mono"
        value={registry}
        onChange={(e) => setRegistry(e.target.value)}
      />
      <TextField
        id="registry-user"
        label={t('resources.username')}
        required
        autoComplete="off"
        value={username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <TextField
        id="registry-password"
        label={t('resources.password')}
        hint={t('resources.passwordHint')}
        type="password"
        autoComplete="off"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {error !== undefined && <ErrorBox error={error} />}
      <div>
        <Button type="submit" variant="primary" disabled={busy || !registry || !username || !password}>
          {t('resources.login')}
        </Button>
      </div>
    </form>
  );
}

/** Edits one config file as text (or creates one when `path` is empty). */
export function ConfigFileEditor({ id, path, onDone }: { id: string; path?: string; onDone: () => void }) {
  const { run, error, busy } = useAction(id, 'config-files');
  const existing = useQuery({
    queryKey: [...keys.part(id, 'config-file'), path],
    queryFn: () => data(api.GET('/api/compartments/{id}/files/{*}', { params: { path: { id, '*': path! } } })),
    enabled: path !== undefined,
  });
  const [name, setName] = useState(path ?? '');
  const [content, setContent] = useState<string | undefined>();
  const [mode, setMode] = useState('');
  const text = content ?? existing.data?.content ?? '';
  const modeText = mode || (existing.data ? existing.data.mode.toString(8).padStart(4, '0') : '0644');
  const badMode = !/^0?[0-7]{3}$/.test(modeText);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await run(() =>
      api.PUT('/api/compartments/{id}/files/{*}', {
        params: { path: { id, '*': name } },
        body: { content: text, mode: Number.parseInt(modeText, 8) },
      }),
    );
    if (ok) onDone();
  };
  return (
    <form onSubmit={submit} className="mt-3 flex flex-col gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
      {path === undefined && (
        <TextField
          id="file-path"
          label={t('resources.filePath')}
          required
          className="font-mono"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      )}
      <label htmlFor="file-content" className="text-sm font-medium">
        {t('resources.fileContent', { path: name || '…' })}
      </label>
      <textarea
        id="file-content"
        className={`${inputClass} min-h-40 font-mono`}
        spellCheck={false}
        value={text}
        onChange={(e) => setContent(e.target.value)}
      />
      <TextField
        id="file-mode"
        label={t('resources.fileMode')}
        className="w-24 font-mono"
        aria-invalid={badMode}
        value={modeText}
        onChange={(e) => setMode(e.target.value)}
      />
      {error !== undefined && <ErrorBox error={error} />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={busy || !name || badMode}>
          {t('resources.saveFile')}
        </Button>
        <Button onClick={onDone}>{t('resources.cancel')}</Button>
      </div>
    </form>
  );
}
