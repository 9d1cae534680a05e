/**
 * Changing a compartment's resources: volumes (operators declare them in the desired state, an apply),
 * secrets (admins; the value goes to Podman and never comes back), registry logins (admins; the password
 * likewise), config files (operators; edited as text).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../../api/client';
import { keys } from '../../api/queries';
import type { ApplyResult } from '../../api/types';
import { Button, ErrorBox, inputClass, TextField } from '../../components/ui';
import { withCode } from '../../i18n/code';
import { t } from '../../i18n/t';
import { Result } from './PlanApply';

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

/** A volume name as the desired state takes it. */
export const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** `key=value` lines (blank lines skipped) as a map; the 1-based number of the first bad line otherwise. */
export function parseLabels(text: string): Record<string, string> | number {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return i + 1;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

type PodmanOption = 'driver' | 'device' | 'type' | 'options' | 'user' | 'group';
const PODMAN_OPTIONS: readonly PodmanOption[] = ['driver', 'device', 'type', 'options', 'user', 'group'];

/**
 * Declares a volume (or changes the one of that name): it becomes part of the desired state and is applied at
 * once; the apply's result is shown. Existing data is used as it is.
 */
export function VolumeForm({ id }: { id: string }) {
  const { run, error, busy } = useAction(id, 'volumes');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'host' | 'podman'>('host');
  const [values, setValues] = useState<Partial<Record<PodmanOption, string>>>({});
  const [labels, setLabels] = useState('');
  const [owner, setOwner] = useState('');
  const [result, setResult] = useState<{ r: ApplyResult; kind: 'host' | 'podman' } | undefined>();
  const badName = name !== '' && !VOLUME_NAME.test(name);
  const ownerId = owner.trim() === '' ? 0 : Number(owner.trim());
  const badOwner = !Number.isInteger(ownerId) || ownerId < 0 || ownerId > 65535;
  const parsedLabels = parseLabels(labels);
  const badLabels = typeof parsedLabels === 'number';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (badName || badLabels || badOwner) return;
    setResult(undefined);
    const options: Record<string, unknown> = {};
    for (const k of PODMAN_OPTIONS) if (values[k]?.trim()) options[k] = values[k].trim();
    if (Object.keys(parsedLabels).length > 0) options.label = parsedLabels;
    await run(async () => {
      const r = await data(
        api.PUT('/api/compartments/{id}/volumes/{name}', {
          params: { path: { id, name } },
          body: kind === 'host' ? { kind, ...(ownerId > 0 ? { owner: ownerId } : {}) } : { kind, options },
        }),
      );
      setResult({ r, kind });
      if (r.outcome === 'applied' || r.outcome === 'noop') {
        setName('');
        setValues({});
        setLabels('');
        setOwner('');
      }
    });
  };
  return (
    <form
      onSubmit={submit}
      aria-label={t('resources.declareVolume')}
      className="mt-3 flex flex-col gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800"
    >
      <h3 className="text-sm font-semibold">{t('resources.declareVolume')}</h3>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">{t('resources.declareHint')}</p>
      <TextField
        id="volume-name"
        label={t('resources.volumeName')}
        hint={t('resources.volumeNameHint')}
        required
        className="font-mono"
        aria-invalid={badName}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <fieldset className="flex flex-col gap-1">
        <legend className="text-sm font-medium">{t('resources.kind')}</legend>
        {(['host', 'podman'] as const).map((k) => (
          <label key={k} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="volume-kind"
              value={k}
              checked={kind === k}
              onChange={() => setKind(k)}
              className="mt-1"
            />
            <span>
              <span className="font-medium">{t(`resources.kind.${k}`)}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                {withCode(t(`resources.kindHint.${k}`))}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      {kind === 'host' && (
        <TextField
          id="volume-owner"
          label={t('resources.volumeOwner')}
          hint={badOwner ? t('resources.volumeOwnerBad') : t('resources.volumeOwnerHint')}
          inputMode="numeric"
          className="font-mono"
          aria-invalid={badOwner}
          value={owner}
          onChange={(e) => setOwner(e.target.value)}
        />
      )}
      {kind === 'podman' && (
        <div className="grid gap-2 sm:grid-cols-2">
          {PODMAN_OPTIONS.map((k) => (
            <TextField
              key={k}
              id={`volume-${k}`}
              label={t(`resources.volumeOption.${k}`)}
              className="font-mono"
              value={values[k] ?? ''}
              onChange={(e) => setValues({ ...values, [k]: e.target.value })}
            />
          ))}
          <div className="flex flex-col gap-1 sm:col-span-2">
            <label htmlFor="volume-labels" className="text-sm font-medium">
              {t('resources.volumeLabels')}
            </label>
            <textarea
              id="volume-labels"
              className={`${inputClass} font-mono`}
              rows={2}
              spellCheck={false}
              aria-invalid={badLabels}
              aria-describedby="volume-labels-hint"
              value={labels}
              onChange={(e) => setLabels(e.target.value)}
            />
            <p id="volume-labels-hint" className="text-xs text-zinc-600 dark:text-zinc-400">
              {badLabels ? t('resources.volumeBadLabel', { line: parsedLabels }) : t('resources.volumeLabelsHint')}
            </p>
          </div>
        </div>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      {result && <Result result={result.r} />}
      {result?.kind === 'host' && (result.r.outcome === 'applied' || result.r.outcome === 'noop') && (
        <p className="text-xs">{withCode(t('resources.hostDeclared'))}</p>
      )}
      <div>
        <Button type="submit" variant="primary" disabled={busy || !name || badName || badLabels || badOwner}>
          {busy ? t('apply.running') : t('resources.declare')}
        </Button>
      </div>
    </form>
  );
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
  text,
}: {
  id: string;
  part: string;
  remove: () => Promise<unknown>;
  /** What the button does, in full (its accessible name; the confirmation asks it). */
  label: string;
  /** The button's visible text; default "Delete". */
  text?: string;
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
        {text ?? t('resources.delete')}
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
