/**
 * What a compartment owns besides its units: volumes (kind, size, owner, path; operators declare them), secrets
 * (names only), registry logins (never passwords) and config files, each volume, secret and config file with the
 * line a container unit needs to use it ("Use in unit" adds it to a unit as a draft and opens the plan).
 */

import { useState } from 'react';
import { api, data } from '../../api/client';
import { useConfigFiles, useRegistries, useSecrets, useSession, useVolumes } from '../../api/queries';
import type { ApplyResult } from '../../api/types';
import { hasRole } from '../../app/auth';
import { Badge, Button, Card, QueryView } from '../../components/ui';
import { withCode } from '../../i18n/code';
import { t } from '../../i18n/t';
import { DeleteCompartment } from './DeleteCompartment';
import { ConfigFileEditor, DeleteButton, RegistryForm, SecretForm, VolumeForm } from './ResourceForms';
import { UseInUnit } from './UseInUnit';
import { envName, fileLine, fileTarget, secretLine, volumeLine } from './unit-lines';

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

type Presence = 'present' | 'missing' | 'undeclared';
const presenceOf = (declared: boolean, exists: boolean): Presence =>
  declared ? (exists ? 'present' : 'missing') : 'undeclared';
const PRESENCE_TONE = { present: 'ok', missing: 'bad', undeclared: 'busy' } as const;

function PresenceBadge({ what, declared, exists }: { what: 'volume' | 'secret'; declared: boolean; exists: boolean }) {
  const p = presenceOf(declared, exists);
  return <Badge tone={PRESENCE_TONE[p]}>{t(`resources.${what}.${p}`)}</Badge>;
}

/** What the badges that appear in a list mean, in plain words. */
function PresenceLegend({
  what,
  items,
}: {
  what: 'volume' | 'secret';
  items: { declared: boolean; exists: boolean }[];
}) {
  const shown = new Set(items.map((i) => presenceOf(i.declared, i.exists)));
  const lines = (['missing', 'undeclared'] as const).filter((p) => shown.has(p));
  if (lines.length === 0) return null;
  return (
    <ul className="mt-2 flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid={`${what}-legend`}>
      {lines.map((p) => (
        <li key={p}>
          <span className="font-medium">{t(`resources.${what}.${p}`)}</span>:{' '}
          {withCode(t(`resources.${what}.${p}.means`))}
        </li>
      ))}
    </ul>
  );
}

/** An apply answered 200 that did not hold is a failure here (the state was not changed). */
function applied(r: ApplyResult): void {
  if (r.outcome !== 'applied' && r.outcome !== 'noop') throw new Error(r.message || t(`apply.outcome.${r.outcome}`));
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
      <div className="lg:col-span-2">
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
                        <th className={th}>{t('resources.inUnit')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {vs.map((v) => (
                        <tr key={`${v.kind}:${v.name}`}>
                          <td className={`${td} font-mono`}>{v.name}</td>
                          <td className={td}>{t(`resources.kind.${v.kind}`)}</td>
                          <td className={td}>{formatBytes(v.sizeBytes)}</td>
                          <td className={td}>{v.owner ?? '—'}</td>
                          <td className={`${td} break-all font-mono text-xs`}>{v.path ?? '—'}</td>
                          <td className={td}>
                            <PresenceBadge what="volume" declared={v.declared} exists={v.exists} />
                          </td>
                          <td className={td}>
                            <UseInUnit
                              id={id}
                              what={v.declaredAs ?? v.name}
                              canEdit={operator && v.declared}
                              modes={[
                                {
                                  label: t('use.mount'),
                                  targetLabel: t('use.containerPath'),
                                  defaultTarget: `/${v.declaredAs ?? v.name}`,
                                  line: (target) => volumeLine(v, target),
                                },
                              ]}
                            />
                            {operator && v.declaredAs !== null && (
                              <DeleteButton
                                id={id}
                                part="volumes"
                                remove={async () =>
                                  applied(
                                    await data(
                                      api.DELETE('/api/compartments/{id}/volumes/{name}/declaration', {
                                        params: { path: { id, name: v.declaredAs! } },
                                      }),
                                    ),
                                  )
                                }
                                label={t('resources.undeclareVolume', { name: v.declaredAs })}
                                text={t('resources.undeclare')}
                              />
                            )}
                            {admin && !v.declared && v.exists && (
                              <DeleteButton
                                id={id}
                                part="volumes"
                                remove={() =>
                                  api.DELETE('/api/compartments/{id}/volumes/{name}', {
                                    params: { path: { id, name: v.name }, query: { kind: v.kind } },
                                  })
                                }
                                label={t('resources.deleteVolume', { name: v.name })}
                                text={t('resources.deleteData')}
                              />
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <PresenceLegend what="volume" items={vs} />
                </div>
              )
            }
          </QueryView>
          {operator && <VolumeForm id={id} />}
        </Card>
      </div>
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
                    <PresenceBadge what="secret" declared={s.declared} exists={s.exists} />
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
                    <div className="w-full pl-4">
                      <UseInUnit
                        id={id}
                        what={s.name}
                        canEdit={operator}
                        modes={[
                          {
                            label: t('use.secretEnv'),
                            targetLabel: t('use.variable'),
                            defaultTarget: envName(s.name),
                            line: (variable) => secretLine(s.name, 'env', variable),
                          },
                          {
                            label: t('use.secretFile'),
                            line: () => secretLine(s.name, 'file', ''),
                            note: () => t('use.secretFileAt', { path: `/run/secrets/${s.name}` }),
                          },
                        ]}
                      />
                    </div>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryView>
        {secrets.data && <PresenceLegend what="secret" items={secrets.data} />}
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
                    <div className="pl-4">
                      <UseInUnit
                        id={id}
                        what={f.path}
                        canEdit={operator}
                        modes={[
                          {
                            label: t('use.mount'),
                            targetLabel: t('use.containerPath'),
                            defaultTarget: fileTarget(f.path),
                            line: (target) => fileLine(f, target),
                          },
                        ]}
                      />
                    </div>
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
