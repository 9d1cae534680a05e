/**
 * Where a compartment came from (GET /api/compartments/:id/origin: a template, or a catalog app and its
 * version), and saving it as a template (POST /api/compartments/:id/template, administrators): a name, a
 * description, and optional NAME=VALUE rows — each occurrence of VALUE in the compartment's spec becomes the
 * parameter NAME, with VALUE as its default.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, data } from '../../api/client';
import { keys, useOrigin } from '../../api/queries';
import type { TemplateInfo } from '../../api/types';
import { Button, Card, inputClass, TextField } from '../../components/ui';
import { withCode } from '../../i18n/code';
import { t } from '../../i18n/t';
import { IssuesError } from '../Templates';

const linkClass = 'text-sky-800 underline dark:text-sky-300';

export function OriginLine({ id }: { id: string }) {
  const origin = useOrigin(id);
  const o = origin.data;
  if (!o) return null;
  const to =
    o.origin === 'catalog' ? `/catalog/${encodeURIComponent(o.name)}` : `/templates/${encodeURIComponent(o.name)}`;
  return (
    <p className="text-sm" data-testid="origin">
      {o.origin === 'catalog' ? t('origin.catalog.before') : t('origin.template.before')}{' '}
      <Link to={to} className={`font-mono ${linkClass}`}>
        {o.name}
      </Link>
      {o.version ? ` ${t('origin.version', { version: o.version })}` : ''}
    </p>
  );
}

/** As the server's template parameter names (core/templates/template.ts). */
const PARAM = /^[a-z_][a-z0-9_]{0,63}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

interface Row {
  key: number;
  name: string;
  value: string;
}

/** What is wrong with each NAME=VALUE row, by its key. */
export function rowProblems(rows: readonly Row[]): Record<number, string> {
  const out: Record<number, string> = {};
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.name === '' && r.value === '') continue;
    if (!PARAM.test(r.name)) out[r.key] = t('saveTemplate.badParam');
    else if (r.name === 'compartment') out[r.key] = t('saveTemplate.compartmentParam');
    else if (seen.has(r.name)) out[r.key] = t('saveTemplate.duplicate', { name: r.name });
    else if (r.value === '') out[r.key] = t('saveTemplate.emptyValue');
    seen.add(r.name);
  }
  return out;
}

export function SaveAsTemplate({ id, onClose }: { id: string; onClose: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(id);
  const [description, setDescription] = useState('');
  const [rows, setRows] = useState<Row[]>([{ key: 0, name: '', value: '' }]);
  const [next, setNext] = useState(1);
  const [replace, setReplace] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<TemplateInfo | undefined>();
  const [busy, setBusy] = useState(false);
  const problems = rowProblems(rows);
  const nameBad = name !== '' && !NAME.test(name);
  const set = (key: number, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (nameBad || name === '' || Object.keys(problems).length > 0) return;
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    const parameters = Object.fromEntries(rows.filter((r) => r.name !== '').map((r) => [r.name, r.value]));
    try {
      const info = await data(
        api.POST('/api/compartments/{id}/template', {
          params: { path: { id } },
          body: {
            name,
            ...(description ? { description } : {}),
            ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
            ...(replace ? { replace } : {}),
          },
        }),
      );
      setSaved(info);
      void qc.invalidateQueries({ queryKey: keys.templates });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 409 ? new Error(t('templates.exists')) : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('saveTemplate.title')} actions={<Button onClick={onClose}>{t('catalog.cancel')}</Button>}>
      <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
        <p className="text-sm">{t('saveTemplate.intro')}</p>
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            id="save-template-name"
            label={t('saveTemplate.name')}
            hint={nameBad ? t('saveTemplate.badName') : undefined}
            aria-invalid={nameBad}
            className="font-mono"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <TextField
            id="save-template-description"
            label={t('saveTemplate.description')}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <fieldset className="flex flex-col gap-2">
          <legend className="text-sm font-medium">{t('saveTemplate.parameters')}</legend>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">{withCode(t('saveTemplate.parametersHint'))}</p>
          {rows.map((r, i) => (
            <div key={r.key} className="flex flex-col gap-1">
              <div className="grid grid-cols-[1fr_2fr_auto] items-center gap-2">
                <input
                  aria-label={t('saveTemplate.paramName', { n: i + 1 })}
                  className={`${inputClass} font-mono`}
                  placeholder="port"
                  spellCheck={false}
                  autoCapitalize="off"
                  value={r.name}
                  aria-invalid={problems[r.key] !== undefined}
                  onChange={(e) => set(r.key, { name: e.target.value })}
                />
                <input
                  aria-label={t('saveTemplate.paramValue', { n: i + 1 })}
                  className={`${inputClass} font-mono`}
                  placeholder="8080"
                  spellCheck={false}
                  value={r.value}
                  onChange={(e) => set(r.key, { value: e.target.value })}
                />
                <Button
                  variant="ghost"
                  aria-label={t('saveTemplate.removeRow', { n: i + 1 })}
                  onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                >
                  ×
                </Button>
              </div>
              {problems[r.key] && (
                <p className="text-xs font-medium text-red-800 dark:text-red-300">
                  {t('saveTemplate.rowProblem', { n: i + 1, problem: problems[r.key]! })}
                </p>
              )}
            </div>
          ))}
          <div>
            <Button
              onClick={() => {
                setRows((rs) => [...rs, { key: next, name: '', value: '' }]);
                setNext((n) => n + 1);
              }}
            >
              {t('saveTemplate.addRow')}
            </Button>
          </div>
        </fieldset>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
          {t('templates.replace')}
        </label>
        <div>
          <Button
            type="submit"
            variant="primary"
            disabled={busy || name === '' || nameBad || Object.keys(problems).length > 0}
          >
            {t('saveTemplate.save')}
          </Button>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-2">
        {error !== undefined && <IssuesError error={error} />}
        {saved && (
          <p role="status" className="text-sm">
            {t('saveTemplate.saved', { name: saved.name, n: saved.parameters.length })}{' '}
            <Link to={`/templates/${encodeURIComponent(saved.name)}`} className={linkClass}>
              {t('templates.open', { name: saved.name })}
            </Link>
          </p>
        )}
      </div>
    </Card>
  );
}
