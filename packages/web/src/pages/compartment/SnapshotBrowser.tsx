/**
 * The files of one snapshot (the Backups tab's "Browse", operators): a breadcrumb path from the folders the
 * snapshot holds down, the folder's entries (folders open on a click) with size, mode, owner and time; for admins a
 * "Restore this file" button per entry that asks first (naming the path and the `<name>.before-restore-…` copy the
 * current version is kept as; the containers keep running), then says where it went and where the previous one is.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { keys } from '../../api/queries';
import type { BackupSnapshot, RestoreFileResult, SnapshotEntry } from '../../api/types';
import { Button, Card, ErrorBox, QueryView } from '../../components/ui';
import { withCode } from '../../i18n/code';
import { dateTime, t } from '../../i18n/t';
import { ConfirmBox, HeadRow, td } from './backup-ui';
import { formatBytes } from './Resources';

/** The breadcrumb of `path`: the snapshot, the snapshot's folder holding it, each folder below. */
function crumbsOf(snapshot: BackupSnapshot, path: string): { label: string; path: string }[] {
  const out = [{ label: t('backups.browse.root'), path: '/' }];
  const top = snapshot.paths.find((p) => path === p || path.startsWith(`${p}/`));
  if (!top) return out;
  out.push({ label: top, path: top });
  let at = top;
  for (const part of path.slice(top.length).split('/').filter(Boolean)) {
    at = `${at}/${part}`;
    out.push({ label: part, path: at });
  }
  return out;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function RestoredView({ result }: { result: RestoreFileResult }) {
  return (
    <div role="status" className="flex flex-col gap-1 break-all text-sm" data-testid="restore-file-result">
      <p className="font-medium">{t('backups.browse.restored', { path: result.restored })}</p>
      <p>
        {result.previous ? t('backups.browse.previous', { path: result.previous }) : t('backups.browse.noPrevious')}
      </p>
    </div>
  );
}

export function SnapshotBrowser({
  id,
  snapshot,
  admin,
  onClose,
}: {
  id: string;
  snapshot: BackupSnapshot;
  admin: boolean;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const [path, setPath] = useState('/');
  const [confirm, setConfirm] = useState<SnapshotEntry>();
  const folder = useQuery({
    queryKey: [...keys.part(id, 'backups'), 'files', snapshot.id, path],
    queryFn: () =>
      data(
        api.GET('/api/compartments/{id}/backups/{snapshot}/files', {
          params: { path: { id, snapshot: snapshot.id }, query: { path } },
        }),
      ),
  });
  const restore = useMutation({
    mutationFn: (p: string) =>
      data(
        api.POST('/api/compartments/{id}/backups/restore-file', {
          params: { path: { id } },
          body: { snapshot: snapshot.id, path: p },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.compartment(id) }),
  });
  const open = (p: string) => {
    setConfirm(undefined);
    setPath(p);
  };
  // the snapshot's own folders (at `/`) are whole volumes: a restore of the snapshot replaces those
  const canRestore = admin && path !== '/';
  return (
    <Card title={t('backups.browse.title', { id: snapshot.shortId, time: dateTime(snapshot.time) })}>
      <div className="flex flex-col gap-3" data-testid="snapshot-browser">
        <nav aria-label={t('backups.browse.crumbs')}>
          <ol className="flex flex-wrap items-center gap-1 text-sm">
            {crumbsOf(snapshot, path).map((c, i, all) => (
              <li key={c.path} className="flex items-center gap-1 break-all font-mono">
                {i > 0 && <span aria-hidden="true">/</span>}
                {i === all.length - 1 ? (
                  <span aria-current="page" className="font-medium">
                    {c.label}
                  </span>
                ) : (
                  <button
                    type="button"
                    className="text-blue-700 underline dark:text-blue-300"
                    onClick={() => open(c.path)}
                  >
                    {c.label}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </nav>
        <QueryView query={folder} what={t('backups.browse.crumbs')}>
          {(f) =>
            f.entries.length === 0 ? (
              <p className="text-sm">{t('backups.browse.empty')}</p>
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-sm">
                  <HeadRow
                    labels={[
                      t('backups.browse.name'),
                      t('backups.browse.size'),
                      t('backups.browse.mode'),
                      t('backups.browse.owner'),
                      t('backups.browse.mtime'),
                    ]}
                    {...(canRestore ? { action: t('backups.browse.restore') } : {})}
                  />
                  <tbody>
                    {f.entries.map((e) => (
                      <tr key={e.path} className="border-t border-zinc-100 dark:border-zinc-800">
                        <td className={`${td} break-all font-mono`}>
                          {e.type === 'dir' ? (
                            <button
                              type="button"
                              className="text-blue-700 underline dark:text-blue-300"
                              aria-label={t('backups.browse.open', { name: e.name })}
                              onClick={() => open(e.path)}
                            >
                              {e.name}/
                            </button>
                          ) : (
                            <span title={t(`backups.browse.type.${e.type}`)}>
                              {e.name}
                              {e.type === 'symlink' ? ' →' : ''}
                            </span>
                          )}
                        </td>
                        <td className={`${td} whitespace-nowrap`}>
                          {e.type === 'file' && e.size !== null ? formatBytes(e.size) : ''}
                        </td>
                        <td className={`${td} font-mono`}>{e.mode ?? ''}</td>
                        <td className={`${td} font-mono`}>{e.uid === null ? '' : `${e.uid}:${e.gid ?? ''}`}</td>
                        <td className={`${td} whitespace-nowrap`}>{e.mtime ? dateTime(e.mtime) : ''}</td>
                        {canRestore && (
                          <td className={td}>
                            <Button
                              variant="danger"
                              disabled={restore.isPending}
                              aria-label={t('backups.browse.restoreOf', { name: e.name })}
                              onClick={() => {
                                restore.reset();
                                setConfirm(e);
                              }}
                            >
                              {t('backups.browse.restore')}
                            </Button>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
                {f.truncated && (
                  <p className="mt-2 text-sm">{t('backups.browse.truncated', { n: f.entries.length })}</p>
                )}
              </div>
            )
          }
        </QueryView>
        {canRestore && confirm && (
          <ConfirmBox
            id="restore-file"
            title={t('backups.browse.confirm', { path: confirm.path })}
            text={withCode(t('backups.browse.confirmText', { name: baseName(confirm.path) }))}
            confirmLabel={t('backups.browse.confirmButton')}
            pending={restore.isPending}
            onConfirm={() => restore.mutate(confirm.path, { onSettled: () => setConfirm(undefined) })}
            onCancel={() => setConfirm(undefined)}
          />
        )}
        {restore.isError && <ErrorBox error={restore.error} />}
        {restore.data && <RestoredView result={restore.data} />}
        <div>
          <Button onClick={onClose}>{t('backups.browse.close')}</Button>
        </div>
      </div>
    </Card>
  );
}
