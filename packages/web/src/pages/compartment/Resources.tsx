/**
 * What a compartment owns besides its units: volumes (kind, size, owner, path), secrets (names only), registry
 * logins (never passwords) and config files.
 */

import { useState } from 'react';
import { api } from '../../api/client';
import { useConfigFiles, useRegistries, useSecrets, useSession, useVolumes } from '../../api/queries';
import { hasRole } from '../../app/auth';
import { Badge, Button, Card, QueryView } from '../../components/ui';
import { t } from '../../i18n/t';
import { DeleteCompartment } from './DeleteCompartment';
import { ConfigFileEditor, DeleteButton, RegistryForm, SecretForm } from './ResourceForms';

export function formatBytes(n: number | null): string {
  if (n === null) return t('common.unknown');
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

const th = 'px-2 py-1 text-left font-medium';
const td = 'px-2 py-1 align-top';

function Presence({ declared, exists }: { declared: boolean; exists: boolean }) {
  if (declared && exists) return <Badge tone="ok">{t('resources.present')}</Badge>;
  if (declared) return <Badge tone="bad">{t('resources.missing')}</Badge>;
  return <Badge tone="busy">{t('resources.undeclared')}</Badge>;
}

export function ResourcesTab({ id }: { id: string }) {
  const session = useSession();
  const admin = hasRole(session.data, 'admin', id);
  const operator = hasRole(session.data, 'operator', id);
  const [editing, setEditing] = useState<string | null | undefined>();
  const volumes = useVolumes(id);
  const secrets = useSecrets(id);
  const registries = useRegistries(id);
  const files = useConfigFiles(id);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card title={t('resources.volumes')}>
        <QueryView query={volumes} what={t('resources.volumes')}>
          {(vs) =>
            vs.length === 0 ? (
              <p className="text-sm">{t('resources.noVolumes')}</p>
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-sm">
                  <thead>
                    <tr>
                      <th className={th}>{t('resources.name')}</th>
                      <th className={th}>{t('resources.kind')}</th>
                      <th className={th}>{t('resources.size')}</th>
                      <th className={th}>{t('resources.owner')}</th>
                      <th className={th}>{t('resources.path')}</th>
                      <th className={th}>{t('resources.state')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {vs.map((v) => (
                      <tr key={v.name}>
                        <td className={`${td} font-mono`}>{v.name}</td>
                        <td className={td}>{v.kind}</td>
                        <td className={td}>{formatBytes(v.sizeBytes)}</td>
                        <td className={td}>{v.owner ?? '—'}</td>
                        <td className={`${td} break-all font-mono text-xs`}>{v.path ?? '—'}</td>
                        <td className={td}>
                          <Presence declared={v.declared} exists={v.exists} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      </Card>
      <Card title={t('resources.secrets')}>
        <QueryView query={secrets} what={t('resources.secrets')}>
          {(ss) =>
            ss.length === 0 ? (
              <p className="text-sm">{t('resources.noSecrets')}</p>
            ) : (
              <ul className="flex flex-col gap-1 text-sm">
                {ss.map((s) => (
                  <li key={s.name} className="flex flex-wrap items-center gap-2">
                    <span className="font-mono">{s.name}</span>
                    <Presence declared={s.declared} exists={s.exists} />
                    {s.description && <span className="text-zinc-600 dark:text-zinc-400">{s.description}</span>}
                    {admin && s.exists && (
                      <DeleteButton
                        id={id}
                        part="secrets"
                        remove={() =>
                          api.DELETE('/api/compartments/{id}/secrets/{name}', {
                            params: { path: { id, name: s.name } },
                          })
                        }
                        label={t('resources.deleteSecret', { name: s.name })}
                      />
                    )}
                  </li>
                ))}
              </ul>
            )
          }
        </QueryView>
        {admin && <SecretForm id={id} />}
      </Card>
      <Card title={t('resources.registries')}>
        <QueryView query={registries} what={t('resources.registries')}>
          {(rs) =>
            rs.length === 0 ? (
              <p className="text-sm">{t('resources.noRegistries')}</p>
            ) : (
              <ul className="flex flex-col gap-1 text-sm">
                {rs.map((r) => (
                  <li key={r.registry}>
                    <span className="font-mono">{r.registry}</span> — {r.username}{' '}
                    {r.loggedIn === false && <Badge tone="bad">{t('resources.loggedOut')}</Badge>}
                    {admin && (
                      <DeleteButton
                        id={id}
                        part="registries"
                        remove={() =>
                          api.DELETE('/api/compartments/{id}/registries/{registry}', {
                            params: { path: { id, registry: r.registry } },
                          })
                        }
                        label={t('resources.logout', { registry: r.registry })}
                      />
                    )}
                  </li>
                ))}
              </ul>
            )
          }
        </QueryView>
        {admin && <RegistryForm id={id} />}
      </Card>
      <Card
        title={t('resources.configFiles')}
        actions={
          operator &&
          editing === undefined && <Button onClick={() => setEditing(null)}>{t('resources.newFile')}</Button>
        }
      >
        <QueryView query={files} what={t('resources.configFiles')}>
          {(fs) =>
            fs.length === 0 ? (
              <p className="text-sm">{t('resources.noConfigFiles')}</p>
            ) : (
              <ul className="flex flex-col gap-1 text-sm">
                {fs.map((f) => (
                  <li key={f.path}>
                    <span className="font-mono">{f.path}</span>{' '}
                    <span className="text-zinc-600 dark:text-zinc-400">
                      {t('resources.fileInfo', {
                        mode: f.mode.toString(8).padStart(4, '0'),
                        size: formatBytes(f.size),
                      })}
                    </span>
                    {operator && (
                      <>
                        <Button
                          variant="ghost"
                          className="min-h-0 px-2 py-0.5 text-xs"
                          onClick={() => setEditing(f.path)}
                          aria-label={t('resources.editFile', { path: f.path })}
                        >
                          {t('resources.edit')}
                        </Button>
                        <DeleteButton
                          id={id}
                          part="config-files"
                          remove={() =>
                            api.DELETE('/api/compartments/{id}/files/{*}', { params: { path: { id, '*': f.path } } })
                          }
                          label={t('resources.deleteFile', { path: f.path })}
                        />
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )
          }
        </QueryView>
        {editing !== undefined && (
          <ConfigFileEditor
            key={editing ?? ''}
            id={id}
            {...(editing !== null ? { path: editing } : {})}
            onDone={() => setEditing(undefined)}
          />
        )}
      </Card>
      {admin && (
        <div className="lg:col-span-2">
          <DeleteCompartment id={id} />
        </div>
      )}
    </div>
  );
}
