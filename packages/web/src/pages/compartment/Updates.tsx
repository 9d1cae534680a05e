/**
 * The update checks of a compartment's images: for each image its units run from a registry, whether the registry
 * has other content under its tag than the image here (the last check, with its time and both digests), and for
 * operators "Check for updates" (a manifest HEAD per image; nothing is pulled).
 * Below, the units an upgrade can move (their image, pin and update mode), each with an "Upgrade" button, and
 * "Upgrade all": pull, restart, health gate, automatic roll back; its steps show as they go, then how it ended.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { upgradeStream } from '../../api/apply';
import { api, data } from '../../api/client';
import { keys, useSession, useUpdates, useUpgradable } from '../../api/queries';
import type { ApplyResult, ImageCheck, ProgressEvent, Upgradable } from '../../api/types';
import { hasRole } from '../../app/auth';
import { Badge, Button, Card, ErrorBox, QueryView } from '../../components/ui';
import { dateTime, t } from '../../i18n/t';
import { Progress, Result } from './PlanApply';

const short = (d: string | null | undefined) => (d ? d.slice(d.indexOf(':') + 1, d.indexOf(':') + 13) : '—');
const TONE = { 'up-to-date': 'ok', 'update-available': 'busy', unknown: 'idle' } as const;

function CheckRow({ check }: { check: ImageCheck }) {
  return (
    <li className="flex flex-col gap-0.5 text-sm" data-image={check.image}>
      <span className="flex flex-wrap items-center gap-2">
        <span className="break-all font-mono">{check.image}</span>
        <Badge tone={TONE[check.status]}>{t(`updates.status.${check.status}`)}</Badge>
        <span className="text-zinc-600 text-xs dark:text-zinc-400">
          {t('updates.checkedAt', { time: dateTime(check.checkedAt) })}
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
      const r = await data(api.POST('/api/compartments/{id}/updates/check', { params: { path: { id } } }));
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

/** One unit an upgrade can move: its image (and pin), its update mode, whether an update is known, its button. */
function UpgradeRow({
  unit,
  update,
  operator,
  busy,
  onUpgrade,
}: {
  unit: Upgradable;
  update: boolean;
  operator: boolean;
  busy: boolean;
  onUpgrade: () => void;
}) {
  return (
    <li className="flex flex-wrap items-center gap-2 text-sm" data-unit={unit.unit}>
      <span className="font-mono font-medium">{unit.unit}</span>
      <span className="break-all font-mono text-xs text-zinc-600 dark:text-zinc-400">
        {unit.image}
        {unit.pin ? ` @ ${short(unit.pin)}` : ''}
      </span>
      {unit.pin && <Badge tone="idle">{t('upgrades.pinned')}</Badge>}
      <Badge tone={unit.updates === 'apply' ? 'ok' : 'idle'}>{t(`upgrades.mode.${unit.updates}`)}</Badge>
      {update && <Badge tone="busy">{t('updates.status.update-available')}</Badge>}
      {operator && (
        <Button disabled={busy} onClick={onUpgrade} aria-label={t('upgrades.upgradeUnit', { unit: unit.unit })}>
          {t('upgrades.upgrade')}
        </Button>
      )}
    </li>
  );
}

/** What an upgrade did to each unit's image: the digests before and after. */
function UpgradeImages({ result }: { result: ApplyResult }) {
  if (!result.images?.length) return null;
  return (
    <ul className="font-mono text-xs">
      {result.images.map((i) => (
        <li key={i.unit}>
          {i.unit}: {i.previousImage && i.previousImage !== i.image ? `${i.previousImage} → ` : ''}
          {i.image} · {short(i.before?.digest || i.before?.id)} → {short(i.after?.digest || i.after?.id)}
        </li>
      ))}
    </ul>
  );
}

export function UpgradesCard({ id }: { id: string }) {
  const session = useSession();
  const operator = hasRole(session.data, 'operator', id);
  const upgradable = useUpgradable(id);
  const updates = useUpdates(id);
  const qc = useQueryClient();
  const [events, setEvents] = useState<ProgressEvent[]>([]);
  const [result, setResult] = useState<ApplyResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [running, setRunning] = useState<string | undefined>();
  const [backupFirst, setBackupFirst] = useState(true);
  const available = new Set(
    (updates.data ?? []).filter((c) => c.status === 'update-available').flatMap((c) => c.units),
  );
  const upgrade = async (units: string[]) => {
    setRunning(units.join(', ') || 'all');
    setEvents([]);
    setResult(undefined);
    setError(undefined);
    try {
      const body = { ...(units.length > 0 ? { units } : {}), ...(backupFirst ? {} : { backup: false }) };
      setResult(await upgradeStream(id, body, (e) => setEvents((es) => [...es, e])));
    } catch (e) {
      setError(e);
    } finally {
      setRunning(undefined);
      void qc.invalidateQueries({ queryKey: keys.compartment(id) });
    }
  };
  return (
    <Card
      title={t('upgrades.title')}
      actions={
        operator &&
        (upgradable.data?.length ?? 0) > 0 && (
          <Button variant="primary" disabled={running !== undefined} onClick={() => void upgrade([])}>
            {running ? t('upgrades.running') : t('upgrades.all')}
          </Button>
        )
      }
    >
      <QueryView query={upgradable} what={t('upgrades.title')}>
        {(units) =>
          units.length === 0 ? (
            <p className="text-sm">{t('upgrades.none')}</p>
          ) : (
            <ul className="flex flex-col gap-2">
              {units.map((u) => (
                <UpgradeRow
                  key={u.unit}
                  unit={u}
                  update={available.has(u.unit)}
                  operator={operator}
                  busy={running !== undefined}
                  onUpgrade={() => void upgrade([u.unit])}
                />
              ))}
            </ul>
          )
        }
      </QueryView>
      <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">{t('upgrades.explain')}</p>
      {operator && (upgradable.data?.length ?? 0) > 0 && (
        <label className="mt-2 flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-1"
            checked={backupFirst}
            onChange={(e) => setBackupFirst(e.target.checked)}
          />
          <span>{t('upgrades.backupFirst')}</span>
        </label>
      )}
      {(events.length > 0 || running || result || error !== undefined) && (
        <div className="mt-3 flex flex-col gap-3" data-testid="upgrade-progress">
          <Progress events={events} ended={!!result || error !== undefined} />
          {result && <Result result={result} />}
          {result && <UpgradeImages result={result} />}
          {error !== undefined && <ErrorBox error={error} />}
        </div>
      )}
    </Card>
  );
}
