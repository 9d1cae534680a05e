/**
 * What a conversion into a compartment spec gave (POST /api/convert/compose or /api/convert/run), and what to do
 * with it: the report (what was dropped or needs input first), the spec, then create the compartment, then apply
 * the spec (in between, its images can be brought in). Creating needs an administrator, applying an operator; a
 * compartment that exists already is never applied onto from here.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, data } from '../api/client';
import { keys } from '../api/queries';
import type { ApplyResult, ConvertCompose } from '../api/types';
import { Badge, Button, ErrorBox } from '../components/ui';
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

export function ConvertResult(props: {
  result: ConvertCompose;
  canCreate: boolean;
  /** The report's heading and its first column's name (a compose key, a run option). */
  heading: string;
  keyLabel: string;
  /** The new compartment's description. */
  description: string;
  testId: string;
}) {
  const { result } = props;
  const qc = useQueryClient();
  const [applied, setApplied] = useState<ApplyResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | undefined>();

  // two steps: the compartment first (its user and storage: images can be brought in now), then the apply
  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.POST('/api/compartments', { body: { id: result.compartment, description: props.description } });
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
    if (created !== result.compartment) return;
    setBusy(true);
    setError(undefined);
    try {
      setApplied(
        await data(
          api.POST('/api/compartments/{id}/apply', {
            params: { path: { id: result.compartment } },
            body: { text: result.yaml },
          }),
        ),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const counts = new Map<Disposition, number>();
  for (const e of result.report) counts.set(e.disposition, (counts.get(e.disposition) ?? 0) + 1);
  const sorted = [...result.report].sort((a, b) => ORDER.indexOf(a.disposition) - ORDER.indexOf(b.disposition));

  return (
    <div className="mt-4 flex flex-col gap-3" data-testid={props.testId}>
      <h3 className="font-semibold">{props.heading}</h3>
      <p className="text-sm" role="status">
        {ORDER.map((d) => `${counts.get(d) ?? 0} ${d}`).join(' · ')}
        {result.podmanVersion ? ` — ${t('compose.target', { version: result.podmanVersion })}` : ''}
      </p>
      <div className="max-h-80 overflow-auto">
        <table className="w-full text-left text-xs">
          <thead>
            <tr>
              <th className="p-1">{props.keyLabel}</th>
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
        <pre className="max-h-96 overflow-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950">{result.yaml}</pre>
      </details>
      {!props.canCreate ? (
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
      {error !== undefined && <ErrorBox error={error} />}
      {applied && (
        <p role="status" className="text-sm">
          {applied.message}{' '}
          <Link to={`/c/${encodeURIComponent(result.compartment)}`} className="underline">
            {t('compose.open', { id: result.compartment })}
          </Link>
        </p>
      )}
    </div>
  );
}
