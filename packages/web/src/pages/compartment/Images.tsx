/**
 * A compartment's images: each with its tags, short digest, size, created date and the units that use it (unused
 * ones marked), what units need that is missing, and for admins "Remove unused images": a dry run first, shown in
 * a confirmation that lists what will go, then the prune and its result (what went, what Podman refused, the space).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { keys, useImages, useSession } from '../../api/queries';
import type { ImageInfo, PruneImagesResult } from '../../api/types';
import { hasRole } from '../../app/auth';
import { Badge, Button, Card, ErrorBox, QueryView } from '../../components/ui';
import { dateOnly, t } from '../../i18n/t';
import { formatBytes } from './Resources';
import { UpdatesCard, UpgradesCard } from './Updates';

const th = 'px-2 py-1 text-left font-medium';
const td = 'px-2 py-1 align-top';

const shortDigest = (d: string | null) => (d ? d.slice(d.indexOf(':') + 1, d.indexOf(':') + 13) : '—');
const nameOf = (i: ImageInfo) => i.names[0] ?? t('images.dangling', { id: i.id.slice(0, 12) });

function UsedBy({ image }: { image: ImageInfo }) {
  if (!image.unused) return <span className="font-mono text-xs">{image.usedBy.join(', ')}</span>;
  return (
    <span className="flex flex-wrap gap-1">
      <Badge tone="busy">{t('images.unused')}</Badge>
      {image.containers > 0 && <Badge tone="idle">{t('images.containers', { n: image.containers })}</Badge>}
    </span>
  );
}

function ImageTable({ images }: { images: ImageInfo[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead>
          <tr>
            <th className={th}>{t('images.image')}</th>
            <th className={th}>{t('images.tags')}</th>
            <th className={th}>{t('images.digest')}</th>
            <th className={th}>{t('images.size')}</th>
            <th className={th}>{t('images.created')}</th>
            <th className={th}>{t('images.usedBy')}</th>
          </tr>
        </thead>
        <tbody>
          {images.map((i) => (
            <tr key={i.id}>
              <td className={`${td} break-all font-mono`}>
                {i.repository ?? t('images.dangling', { id: i.id.slice(0, 12) })}
              </td>
              <td className={`${td} font-mono`}>{i.tags.join(', ') || '—'}</td>
              <td className={`${td} font-mono text-xs`} title={i.digest ?? undefined}>
                {shortDigest(i.digest)}
              </td>
              <td className={td}>{formatBytes(i.size)}</td>
              <td className={td}>{i.created ? dateOnly(i.created) : '—'}</td>
              <td className={td}>
                <UsedBy image={i} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The list of what a prune removed (or would), with the space. */
function PruneList({ result }: { result: PruneImagesResult }) {
  return (
    <ul className="flex flex-col gap-1 text-sm">
      {result.removed.map((i) => (
        <li key={i.id}>
          <span className="font-mono">{nameOf(i)}</span> ({formatBytes(i.size)})
        </li>
      ))}
    </ul>
  );
}

function PruneImages({ id }: { id: string }) {
  const qc = useQueryClient();
  const [plan, setPlan] = useState<PruneImagesResult>();
  const [result, setResult] = useState<PruneImagesResult>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await data(
        api.POST('/api/compartments/{id}/images/prune', { params: { path: { id } }, body: { dryRun } }),
      );
      if (dryRun) {
        setPlan(r);
        setResult(undefined);
      } else {
        setPlan(undefined);
        setResult(r);
        await qc.invalidateQueries({ queryKey: keys.part(id, 'images') });
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mt-3 flex flex-col gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
      {plan === undefined && (
        <div>
          <Button variant="danger" disabled={busy} onClick={() => void run(true)}>
            {t('images.prune')}
          </Button>
        </div>
      )}
      {plan !== undefined &&
        (plan.removed.length === 0 ? (
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <p>{t('images.nothingToPrune')}</p>
            <Button variant="ghost" onClick={() => setPlan(undefined)}>
              {t('images.close')}
            </Button>
          </div>
        ) : (
          <div
            role="alertdialog"
            aria-labelledby="prune-title"
            className="flex flex-col gap-2 rounded-md border border-red-200 p-3 dark:border-red-900"
          >
            <h3 id="prune-title" className="font-semibold">
              {t('images.confirmPrune', { n: plan.removed.length, size: formatBytes(plan.bytes) })}
            </h3>
            <PruneList result={plan} />
            <div className="flex gap-2">
              <Button variant="danger" disabled={busy} onClick={() => void run(false)}>
                {t('images.confirmRemove', { n: plan.removed.length })}
              </Button>
              <Button disabled={busy} onClick={() => setPlan(undefined)}>
                {t('images.cancel')}
              </Button>
            </div>
          </div>
        ))}
      {result !== undefined && (
        <div role="status" className="flex flex-col gap-1 text-sm">
          <p>{t('images.pruned', { n: result.removed.length, size: formatBytes(result.bytes) })}</p>
          <PruneList result={result} />
          {result.failed.map((f) => (
            <ErrorBox key={f.image.id} error={t('images.notRemoved', { name: nameOf(f.image), error: f.error })} />
          ))}
        </div>
      )}
      {error !== undefined && <ErrorBox error={error} />}
    </div>
  );
}

export function ImagesTab({ id }: { id: string }) {
  const session = useSession();
  const admin = hasRole(session.data, 'admin', id);
  const images = useImages(id);
  return (
    <div className="flex flex-col gap-4">
      <UpdatesCard id={id} />
      <UpgradesCard id={id} />
      <Card title={t('images.title')}>
        <QueryView query={images} what={t('images.title')}>
          {(list) => (
            <div className="flex flex-col gap-2">
              {list.images.length === 0 ? (
                <p className="text-sm">{t('images.none')}</p>
              ) : (
                <ImageTable images={list.images} />
              )}
              {list.missing.map((m) => (
                <p key={`${m.unit} ${m.image}`} className="text-sm">
                  <Badge tone="bad">{t('images.missing')}</Badge>{' '}
                  {t('images.missingFor', { image: m.image, unit: m.unit })}
                </p>
              ))}
            </div>
          )}
        </QueryView>
        {admin && <PruneImages id={id} />}
      </Card>
    </div>
  );
}
