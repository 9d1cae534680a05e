/**
 * Bring compartments in and take them out: import a `.quadlets` bundle, adopt a folder of Quadlet files on the
 * host, download a compartment as a bundle. Import and adopt go in two steps, as on the server
 * (POST /api/compartments/:id/import and …/adopt): check first (validate, lint, plan; nothing changes), then
 * apply, which creates the compartment when it is new. Both need a global admin; export a viewer.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, data } from '../api/client';
import { keys, useCompartments, useSession } from '../api/queries';
import type { ApplyResult } from '../api/types';
import { hasRole } from '../app/auth';
import { Badge, Button, Card, ErrorBox, TextField } from '../components/ui';
import { withCode } from '../i18n/code';
import { t } from '../i18n/t';
import { ComposeImport } from './ComposeImport';
import { RunImport } from './RunImport';

/** What import and adopt answer alike (their PreparedState). */
interface Prepared {
  compartment: string;
  created: boolean;
  units: string[];
  files: string[];
  lintErrors: number;
  lint: { path: string; diagnostics: { severity: string; line: number; message: string; code: string }[] }[];
  warnings: string[];
  apply?: ApplyResult;
}

function errorOf(e: unknown): unknown {
  if (e instanceof ApiError && e.unavailable) return new Error(t('common.notAvailable', { what: t('import.title') }));
  return e;
}

/** The file name without `.quadlets` or `.json`, as a compartment id would be written. */
export function idFromFileName(name: string): string {
  return name
    .replace(/(\.quadlets)?(\.json)?$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 32);
}

/** What a check found, and the button that applies it (none while it has lint errors). */
function PreparedView({
  p,
  extra,
  busy,
  onApply,
}: {
  p: Prepared;
  extra?: ReactNode;
  busy: boolean;
  onApply: () => void;
}) {
  const problems = p.lint.flatMap((f) =>
    f.diagnostics.filter((d) => d.severity === 'error').map((d) => `${f.path}:${d.line}: ${d.message} [${d.code}]`),
  );
  return (
    <div className="flex flex-col gap-2 text-sm" role="status">
      <p>
        {p.created ? t('import.new', { id: p.compartment }) : t('import.into', { id: p.compartment })}{' '}
        {t('import.unchanged')}
      </p>
      {extra}
      <p>
        {t('import.units')}: <span className="font-mono">{p.units.join(' ') || '—'}</span>
      </p>
      {p.files.length > 0 && (
        <p>
          {t('import.files')}: <span className="font-mono">{p.files.join(' ')}</span>
        </p>
      )}
      {p.warnings.length > 0 && (
        <ul className="list-disc pl-5">
          {p.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {p.lintErrors > 0 ? (
        <div role="alert">
          <Badge tone="bad">{t('import.lintErrors', { n: p.lintErrors })}</Badge>
          <ul className="mt-1 font-mono text-xs">
            {problems.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </div>
      ) : (
        <div>
          <Button variant="primary" disabled={busy} onClick={onApply}>
            {p.created ? t('import.createApply') : t('import.apply')}
          </Button>
        </div>
      )}
    </div>
  );
}

function Applied({ r, id }: { r: ApplyResult; id: string }) {
  const ok = r.outcome === 'applied' || r.outcome === 'noop';
  return (
    <p role={ok ? 'status' : 'alert'} className="flex flex-wrap items-center gap-2 text-sm">
      <Badge tone={ok ? 'ok' : 'bad'}>{r.outcome}</Badge>
      <span>{r.message}</span>
      <Link to={`/c/${encodeURIComponent(id)}`} className="underline">
        {t('import.open', { id })}
      </Link>
    </p>
  );
}

/** Check, then apply: `run(apply)` calls the route; a new check forgets the last one. */
function useTwoSteps<T extends Prepared>(run: (apply: boolean) => Promise<T>) {
  const qc = useQueryClient();
  const [checked, setChecked] = useState<T | undefined>();
  const [applied, setApplied] = useState<ApplyResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const step = async (apply: boolean) => {
    setError(undefined);
    setBusy(true);
    try {
      const r = await run(apply);
      if (apply) {
        setApplied(r.apply);
        void qc.invalidateQueries({ queryKey: keys.compartments });
      } else {
        setChecked(r);
        setApplied(undefined);
      }
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setBusy(false);
    }
  };
  const reset = () => {
    setChecked(undefined);
    setApplied(undefined);
  };
  return { checked, applied, error, busy, check: () => step(false), apply: () => step(true), reset };
}

function ImportBundle() {
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [name, setName] = useState('');
  const steps = useTwoSteps((apply) =>
    data(
      api.POST('/api/compartments/{id}/import', {
        params: { path: { id: name } },
        body: { text: file!.text, source: file!.name, ...(apply ? { apply } : {}) },
      }),
    ),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void steps.check();
  };
  return (
    <Card title={t('import.bundle')}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <p className="text-sm">{withCode(t('import.bundleIntro'))}</p>
        <div className="flex flex-col gap-1">
          <label htmlFor="import-file" className="text-sm font-medium">
            {t('import.file')}
          </label>
          <input
            id="import-file"
            type="file"
            accept=".quadlets,.json,text/plain,application/json"
            className="text-sm"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              steps.reset();
              if (!f) return setFile(null);
              setFile({ name: f.name, text: await f.text() });
              if (name === '') setName(idFromFileName(f.name));
            }}
          />
        </div>
        <TextField
          id="import-name"
          label={t('import.compartment')}
          hint={t('import.compartmentHint')}
          required
          className="font-mono"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            steps.reset();
          }}
        />
        <div>
          <Button type="submit" disabled={!file || !name || steps.busy}>
            {t('import.check')}
          </Button>
        </div>
        {steps.error !== undefined && <ErrorBox error={steps.error} />}
        {steps.checked && !steps.applied && (
          <PreparedView
            p={steps.checked}
            busy={steps.busy}
            onApply={() => void steps.apply()}
            extra={steps.checked.from ? <p>{t('import.from', { id: steps.checked.from })}</p> : undefined}
          />
        )}
        {steps.applied && steps.checked && <Applied r={steps.applied} id={steps.checked.compartment} />}
      </form>
    </Card>
  );
}

function Adopt() {
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const steps = useTwoSteps((apply) =>
    data(
      api.POST('/api/compartments/{id}/adopt', {
        params: { path: { id: name } },
        body: { dir, ...(apply ? { apply } : {}) },
      }),
    ),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void steps.check();
  };
  return (
    <Card title={t('import.adopt')}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <p className="text-sm">{withCode(t('import.adoptIntro'))}</p>
        <TextField
          id="adopt-path"
          label={t('import.directory')}
          required
          className="font-mono"
          placeholder="/home/alice/.config/containers/systemd"
          value={dir}
          onChange={(e) => {
            setDir(e.target.value);
            steps.reset();
          }}
        />
        <TextField
          id="adopt-name"
          label={t('import.compartment')}
          required
          className="font-mono"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            steps.reset();
          }}
        />
        <div>
          <Button type="submit" disabled={!dir || !name || steps.busy}>
            {t('import.check')}
          </Button>
        </div>
        {steps.error !== undefined && <ErrorBox error={steps.error} />}
        {steps.checked && !steps.applied && (
          <PreparedView
            p={steps.checked}
            busy={steps.busy}
            onApply={() => void steps.apply()}
            extra={
              <p>
                {t('import.adoptFrom', {
                  dir: steps.checked.source.dir,
                  owner: steps.checked.source.owner.name ?? String(steps.checked.source.owner.uid),
                })}
              </p>
            }
          />
        )}
        {steps.checked && (
          <p className="text-sm whitespace-pre-line">
            <span className="font-medium">{t('import.oldUnits')}</span> {steps.checked.sourceAdvice}
          </p>
        )}
        {steps.applied && steps.checked && <Applied r={steps.applied} id={steps.checked.compartment} />}
      </form>
    </Card>
  );
}

/** Saves the compartment's bundle, the `.quadlets` text itself, as `<id>.quadlets`; answers the export's warnings. */
export async function download(id: string): Promise<string[]> {
  const r = await data(api.GET('/api/compartments/{id}/export', { params: { path: { id } } }));
  const href = URL.createObjectURL(new Blob([r.text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = `${r.compartment}.quadlets`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return r.warnings;
}

function Export() {
  const list = useCompartments();
  const [error, setError] = useState<unknown>();
  const [warnings, setWarnings] = useState<string[]>([]);
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
                  setWarnings([]);
                  download(c.id).then(setWarnings, (e: unknown) => setError(errorOf(e)));
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
      {warnings.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-sm" role="status">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {error !== undefined && <ErrorBox error={error} />}
    </Card>
  );
}

export function ImportExportPage() {
  const session = useSession();
  const admin = hasRole(session.data, 'admin');
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">{t('import.title')}</h1>
      <div className="grid gap-4 lg:grid-cols-2">
        <ComposeImport canCreate={admin} />
        <RunImport canCreate={admin} />
        {admin && <ImportBundle />}
        {admin && <Adopt />}
        <Export />
      </div>
    </div>
  );
}
