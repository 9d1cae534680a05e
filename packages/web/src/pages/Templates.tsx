/**
 * Templates: the saved templates (GET /api/templates), one template with its YAML, creating a compartment from
 * it (check, then create and apply: CreateFlow), importing one pasted as YAML or JSON and deleting one.
 * Reading needs a global viewer; importing, deleting and creating need a global administrator.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { ApiError, api, data } from '../api/client';
import { keys, useSession, useTemplate, useTemplates } from '../api/queries';
import type { CreateResult, TemplateInfo, TemplateParameter } from '../api/types';
import { hasRole } from '../app/auth';
import { CreateFlow } from '../components/CreateFlow';
import { issuesOf } from '../components/ParameterForm';
import { Badge, Button, Card, ErrorBox, QueryView } from '../components/ui';
import { dateTime, t } from '../i18n/t';
import { TextArea } from './ComposeImport';

const linkClass = 'text-sky-800 underline dark:text-sky-300';

/** A parameter in one line: its name, and what fills it when left empty. */
export function ParameterSummary({ p }: { p: TemplateParameter }) {
  return (
    <span className="font-mono">
      {p.name}
      {p.default !== undefined ? `=${p.default}` : p.generate ? ` (${t(`params.generate.${p.generate}`)})` : ' *'}
    </span>
  );
}

/** An API error with the template's problems listed, each with its path. */
export function IssuesError({ error }: { error: unknown }) {
  const issues = issuesOf(error);
  if (issues.length === 0) return <ErrorBox error={error} />;
  const head = error instanceof Error ? error.message.split('\n')[0] : '';
  return (
    <div
      role="alert"
      className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
    >
      <p className="font-semibold">{head}</p>
      <ul className="mt-1 flex flex-col gap-0.5">
        {issues.map((i) => (
          <li key={`${i.path}\0${i.message}`}>
            <span className="font-mono">{i.path || t('templates.wholeTemplate')}</span>: {i.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ImportTemplate() {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [replace, setReplace] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<TemplateInfo | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const info = await data(api.POST('/api/templates', { body: { text, ...(replace ? { replace } : {}) } }));
      setDone(info);
      setText('');
      await qc.invalidateQueries({ queryKey: keys.templates });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 409 ? new Error(t('templates.exists')) : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('templates.import')}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <TextArea
          id="template-text"
          label={t('templates.text')}
          hint={t('templates.textHint')}
          value={text}
          onChange={setText}
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
          {t('templates.replace')}
        </label>
        <div>
          <Button type="submit" variant="primary" disabled={busy || !text.trim()}>
            {t('templates.importButton')}
          </Button>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-2">
        {error !== undefined && <IssuesError error={error} />}
        {done && (
          <p role="status" className="text-sm">
            {t('templates.imported', { name: done.name })}{' '}
            <Link to={`/templates/${encodeURIComponent(done.name)}`} className={linkClass}>
              {t('templates.open', { name: done.name })}
            </Link>
          </p>
        )}
      </div>
    </Card>
  );
}

function TemplateList() {
  const session = useSession();
  const list = useTemplates();
  const admin = hasRole(session.data, 'admin');
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">{t('templates.title')}</h1>
      <Card>
        <QueryView query={list} what={t('templates.title')}>
          {(templates) =>
            templates.length === 0 ? (
              <p className="text-sm">{t('templates.none')}</p>
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <thead>
                    <tr>
                      <th className="p-1">{t('templates.name')}</th>
                      <th className="p-1">{t('templates.version')}</th>
                      <th className="p-1">{t('templates.parameters')}</th>
                      <th className="p-1">{t('templates.units')}</th>
                      <th className="p-1">{t('templates.from')}</th>
                      <th className="p-1">{t('templates.description')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {templates.map((tm) => (
                      <tr key={tm.name} className="border-t border-zinc-200 align-top dark:border-zinc-700">
                        <td className="p-1">
                          <Link to={`/templates/${encodeURIComponent(tm.name)}`} className={`font-mono ${linkClass}`}>
                            {tm.name}
                          </Link>
                        </td>
                        <td className="p-1">{tm.version ?? '—'}</td>
                        <td className="p-1">
                          <ul>
                            {tm.parameters.map((p) => (
                              <li key={p.name}>
                                <ParameterSummary p={p} />
                              </li>
                            ))}
                          </ul>
                        </td>
                        <td className="p-1 font-mono">
                          <ul>
                            {tm.units.map((u) => (
                              <li key={u}>{u}</li>
                            ))}
                          </ul>
                        </td>
                        <td className="p-1">
                          {tm.source ? t('templates.fromCompartment', { id: tm.source }) : t('templates.fromImport')}
                        </td>
                        <td className="p-1">{tm.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      </Card>
      {admin && <ImportTemplate />}
    </div>
  );
}

function TemplateDetailView({ name }: { name: string }) {
  const session = useSession();
  const detail = useTemplate(name);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const admin = hasRole(session.data, 'admin');
  const [error, setError] = useState<unknown>();
  const remove = async () => {
    if (!window.confirm(t('templates.confirmDelete', { name }))) return;
    setError(undefined);
    try {
      await api.DELETE('/api/templates/{name}', { params: { path: { name } } });
      qc.removeQueries({ queryKey: keys.template(name) });
      await qc.invalidateQueries({ queryKey: keys.templates });
      navigate('/templates', { replace: true });
    } catch (e) {
      setError(e);
    }
  };
  const applied = (r: CreateResult) => {
    void qc.invalidateQueries({ queryKey: keys.compartments });
    void qc.invalidateQueries({ queryKey: keys.compartment(r.compartment) });
  };
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">
        <Link to="/templates" className={linkClass}>
          {t('templates.back')}
        </Link>
      </p>
      <QueryView query={detail} what={t('templates.title')}>
        {(tm) => (
          <>
            <div className="flex flex-wrap items-start justify-between gap-2">
              <div>
                <h1 className="font-mono text-2xl font-semibold">
                  {tm.name} {tm.version && <Badge tone="idle">{tm.version}</Badge>}
                </h1>
                {tm.description && <p className="text-sm text-zinc-600 dark:text-zinc-400">{tm.description}</p>}
                <p className="text-xs text-zinc-600 dark:text-zinc-400">
                  {tm.source ? t('templates.fromCompartment', { id: tm.source }) : t('templates.fromImport')} ·{' '}
                  {t('templates.savedBy', { user: tm.createdBy, at: dateTime(tm.updatedAt) })}
                </p>
              </div>
              {admin && (
                <Button variant="danger" onClick={() => void remove()}>
                  {t('templates.delete')}
                </Button>
              )}
            </div>
            {error !== undefined && <ErrorBox error={error} />}
            {admin ? (
              <Card title={t('templates.create')}>
                <CreateFlow
                  idPrefix="template-create"
                  parameters={tm.parameters}
                  run={(body) =>
                    data(api.POST('/api/templates/{name}/create', { params: { path: { name: tm.name } }, body }))
                  }
                  applyLabel={(id) => t('templates.createApply', { id })}
                  onApplied={applied}
                />
              </Card>
            ) : (
              <p className="text-sm">{t('templates.needsAdmin')}</p>
            )}
            <Card title={t('templates.yaml')}>
              <pre
                className="max-h-[32rem] overflow-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950"
                data-testid="template-yaml"
              >
                {tm.yaml}
              </pre>
            </Card>
          </>
        )}
      </QueryView>
    </div>
  );
}

function TemplateRoute() {
  const name = useParams().name ?? '';
  return <TemplateDetailView key={name} name={name} />;
}

export function TemplatesPage() {
  return (
    <Routes>
      <Route index element={<TemplateList />} />
      <Route path=":name" element={<TemplateRoute />} />
    </Routes>
  );
}
