/**
 * The update checks of a compartment's images: for each image its units run from a registry, whether the registry
 * has other content under its tag than the image here (the last check, with its time and both digests), and for
 * operators "Check for updates" (a manifest HEAD per image; nothing is pulled).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import { keys, useSession, useUpdates } from '../../api/queries';
import { routes } from '../../api/routes';
import type { ImageCheck, ImageCheckList } from '../../api/types';
import { hasRole } from '../../app/auth';
import { Badge, Button, Card, ErrorBox, QueryView } from '../../components/ui';
import { t } from '../../i18n/t';

const short = (d: string | null | undefined) => (d ? d.slice(d.indexOf(':') + 1, d.indexOf(':') + 13) : '—');
const TONE = { 'up-to-date': 'ok', 'update-available': 'busy', unknown: 'idle' } as const;

function CheckRow({ check }: { check: ImageCheck }) {
  return (
    <li className="flex flex-col gap-0.5 text-sm" data-image={check.image}>
      <span className="flex flex-wrap items-center gap-2">
        <span className="break-all font-mono">{check.image}</span>
        <Badge tone={TONE[check.status]}>{t(`updates.status.${check.status}`)}</Badge>
        <span className="text-zinc-600 text-xs dark:text-zinc-400">
          {t('updates.checkedAt', { time: new Date(check.checkedAt).toLocaleString() })}
        </span>
      </span>
      <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">
        {check.units.join(', ')} · {t('updates.local', { digest: short(check.localDigests[0]) })} ·{' '}
        {t('updates.remote', { digest: short(check.remoteDigest) })}
      </span>
      {check.reason && <span className="text-xs text-zinc-600 dark:text-zinc-400">{check.reason}</span>}
    </li>
  );
}

export function UpdatesCard({ id }: { id: string }) {
  const session = useSession();
  const operator = hasRole(session.data, 'operator', id);
  const updates = useUpdates(id);
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [checked, setChecked] = useState(false);
  const check = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<ImageCheckList>(routes.checkUpdates(id));
      qc.setQueryData(keys.part(id, 'updates'), r.checks);
      setChecked(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('updates.title')}>
      <QueryView query={updates} what={t('updates.title')}>
        {(checks) =>
          checks.length === 0 ? (
            <p className="text-sm">{checked ? t('updates.noRegistryImages') : t('updates.none')}</p>
          ) : (
            <ul className="flex flex-col gap-2">
              {checks.map((c) => (
                <CheckRow key={c.image} check={c} />
              ))}
            </ul>
          )
        }
      </QueryView>
      {operator && (
        <div className="mt-3">
          <Button disabled={busy} onClick={() => void check()}>
            {busy ? t('updates.checking') : t('updates.check')}
          </Button>
        </div>
      )}
      {error !== undefined && <ErrorBox error={error} />}
    </Card>
  );
}
