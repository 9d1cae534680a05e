/**
 * A compartment from a compose file: paste the compose file (and its .env), read what became of every key, then
 * create the compartment, then apply the spec (in between, its images can be brought in). The conversion changes nothing (POST /api/convert/compose); creating
 * needs an administrator, applying an operator.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api } from '../api/client';
import { keys } from '../api/queries';
import { routes } from '../api/routes';
import type { ApplyResult, ConvertCompose } from '../api/types';
import { Badge, Button, Card, ErrorBox, inputClass, TextField } from '../components/ui';
import { t } from '../i18n/t';

type Disposition = ConvertCompose['report'][number]['disposition'];
const TONE: Record<Disposition, 'ok' | 'busy' | 'bad' | 'idle'> = {
  mapped: 'ok',
  'podman-args': 'idle',
  'needs-input': 'busy',
  dropped: 'bad',
};
/** What needs the reader first: what was dropped or needs input, then flags, then what was mapped. */
const ORDER: Disposition[] = ['dropped', 'needs-input', 'podman-args', 'mapped'];

function TextArea(props: { id: string; label: string; hint?: string; value: string; onChange: (v: string) => void }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={props.id} className="text-sm font-medium">
        {props.label}
      </label>
      <textarea
        id={props.id}
        className={`${inputClass} min-h-32 font-mono text-xs`}
        spellCheck={false}
        value={props.value}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <p id={`${props.id}-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {props.hint}
        </p>
      )}
    </div>
  );
}

export function ComposeImport({ canCreate }: { canCreate: boolean }) {
  const qc = useQueryClient();
  const [compose, setCompose] = useState('');
  const [dotenv, setDotenv] = useState('');
  const [project, setProject] = useState('');
  const [result, setResult] = useState<ConvertCompose | undefined>();
  const [applied, setApplied] = useState<ApplyResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | undefined>();

  const convert = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setApplied(undefined);
    setResult(undefined);
    setCreated(undefined);
    try {
      const files = [{ name: 'compose.yaml', text: compose }];
      if (dotenv.trim()) files.push({ name: '.env', text: dotenv });
      setResult(await api.post<ConvertCompose>(routes.convertCompose, { files, ...(project ? { project } : {}) }));
    } catch (err) {
      setError(err);
    }
  };

  // two steps: the compartment first (its user and storage: images can be brought in now), then the apply
  const create = async () => {
    if (!result) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.post(routes.compartments, { id: result.compartment, description: 'from a compose file' });
      setCreated(result.compartment);
      void qc.invalidateQueries({ queryKey: keys.compartments });
    } catch (err) {
      // a compartment of that name exists: never applied onto from here
      setError(
        err instanceof ApiError && err.status === 409
          ? new Error(t('compose.exists', { id: result.compartment }))
          : err,
      );
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    if (!result || created !== result.compartment) return;
    setBusy(true);
    setError(undefined);
    try {
      setApplied(await api.post<ApplyResult>(routes.apply(result.compartment), { text: result.yaml }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const counts = new Map<Disposition, number>();
  for (const e of result?.report ?? []) counts.set(e.disposition, (counts.get(e.disposition) ?? 0) + 1);
  const sorted = [...(result?.report ?? [])].sort(
    (a, b) => ORDER.indexOf(a.disposition) - ORDER.indexOf(b.disposition),
  );

  return (
    <Card title={t('compose.title')}>
      <form onSubmit={convert} className="flex flex-col gap-3">
        <p className="text-sm">{t('compose.intro')}</p>
        <TextArea id="compose-file" label="compose.yaml" value={compose} onChange={setCompose} />
        <TextArea id="compose-env" label=".env" hint={t('compose.envHint')} value={dotenv} onChange={setDotenv} />
        <TextField
          id="compose-project"
          label={t('compose.project')}
          hint={t('compose.projectHint')}
          value={project}
          onChange={(e) => setProject(e.target.value)}
        />
        <Button type="submit" variant="primary" disabled={!compose.trim()}>
          {t('compose.convert')}
        </Button>
      </form>
      {error !== undefined && <ErrorBox error={error} />}
      {result && (
        <div className="mt-4 flex flex-col gap-3" data-testid="compose-result">
          <h3 className="font-semibold">{t('compose.report', { id: result.compartment })}</h3>
          <p className="text-sm" role="status">
            {ORDER.map((d) => `${counts.get(d) ?? 0} ${d}`).join(' · ')}
            {result.podmanVersion ? ` — ${t('compose.target', { version: result.podmanVersion })}` : ''}
          </p>
          <div className="max-h-80 overflow-auto">
            <table className="w-full text-left text-xs">
              <thead>
                <tr>
                  <th className="p-1">{t('compose.key')}</th>
                  <th className="p-1">{t('compose.disposition')}</th>
                  <th className="p-1">{t('compose.note')}</th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((e) => (
                  <tr key={`${e.path}\0${e.note}`} className="border-t border-zinc-200 align-top dark:border-zinc-700">
                    <td className="p-1 font-mono break-all">{e.path}</td>
                    <td className="p-1">
                      <Badge tone={TONE[e.disposition]}>{e.disposition}</Badge>
                    </td>
                    <td className="p-1 break-words">{e.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <details>
            <summary className="cursor-pointer text-sm font-medium">{t('compose.spec')}</summary>
            <pre className="max-h-96 overflow-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950">
              {result.yaml}
            </pre>
          </details>
          {!canCreate ? (
            <p className="text-sm">{t('compose.needsAdmin')}</p>
          ) : created !== result.compartment ? (
            <Button variant="primary" disabled={busy} onClick={() => void create()}>
              {t('compose.create', { id: result.compartment })}
            </Button>
          ) : (
            <div className="flex flex-col gap-2">
              <p className="text-sm" role="status">
                {t('compose.created', { id: result.compartment })}
              </p>
              <Button variant="primary" disabled={busy} onClick={() => void apply()}>
                {t('compose.apply', { id: result.compartment })}
              </Button>
            </div>
          )}
          {applied && (
            <p role="status" className="text-sm">
              {applied.message}{' '}
              <Link to={`/c/${encodeURIComponent(result.compartment)}`} className="underline">
                {t('compose.open', { id: result.compartment })}
              </Link>
            </p>
          )}
        </div>
      )}
    </Card>
  );
}
