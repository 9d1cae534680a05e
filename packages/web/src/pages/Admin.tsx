/**
 * Administration: users and their roles (on every compartment or on one), API tokens for every compartment or
 * one (the secret shown once), the audit log with filters and the state of its hash chain, notification
 * channels (pages/Notifications.tsx) and quadletman's own backups (pages/SelfBackup.tsx).
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { NavLink, Route, Routes } from 'react-router';
import { api, data } from '../api/client';
import { type AuditFilters, keys, useAudit, useAuditChain, useCompartments, useTokens, useUsers } from '../api/queries';
import type { Answer, AuditEntry, Role } from '../api/types';

type AuditResult = AuditEntry['result'];

import { Badge, Button, Card, ErrorBox, inputClass, QueryView, TextField } from '../components/ui';
import { dateTime, t } from '../i18n/t';
import { NotificationsPage } from './Notifications';
import { SelfBackupPage } from './SelfBackup';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

function RoleSelect({
  id,
  value,
  onChange,
  none,
}: {
  id: string;
  value: Role | '';
  onChange: (r: Role | '') => void;
  /** The text of the empty choice ("no role"), offered only when given or when nothing is chosen. */
  none?: string;
}) {
  return (
    <select id={id} className={inputClass} value={value} onChange={(e) => onChange(e.target.value as Role | '')}>
      {(none !== undefined || value === '') && <option value="">{none ?? t('admin.noRole')}</option>}
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}

type User = Answer<'/api/admin/users', 'get'>[number];

const grantPath = (username: string, compartment: string) => ({ params: { path: { username, compartment } } });

/**
 * One user: the global role (a select: choosing "no global role" revokes it), each role held on one compartment
 * with Revoke, a form to grant a role on a compartment, and Delete. The server's refusals (the last global
 * administrator cannot lose that role) are shown in this row.
 */
function UserRow({ user, compartments }: { user: User; compartments: readonly string[] | undefined }) {
  const qc = useQueryClient();
  const u = user;
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [compartment, setCompartment] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const act = async (f: () => Promise<unknown>, message?: string) => {
    setError(undefined);
    setDone(undefined);
    try {
      await f();
      await qc.invalidateQueries({ queryKey: keys.users });
      setDone(message);
    } catch (e) {
      setError(e);
    }
  };
  const global = u.grants.find((g) => g.compartment === '*')?.role ?? '';
  const scoped = u.grants.filter((g) => g.compartment !== '*');
  const chosen = compartment || compartments?.[0] || '';
  const grant = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    void act(
      () =>
        api.PUT('/api/admin/users/{username}/grants/{compartment}', {
          ...grantPath(u.username, chosen),
          body: { role },
        }),
      t('admin.granted', { role: t(`role.${role}`), compartment: chosen, user: u.username }),
    );
  };
  const key = encodeURIComponent(u.username);
  return (
    <li className="flex flex-col gap-2 border-t border-zinc-200 pt-3 first:border-t-0 first:pt-0 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2">
        <span className="min-w-32 font-mono break-all">{u.username}</span>
        <Badge tone="idle">{t(`admin.kind.${u.kind}`)}</Badge>
        <label className="sr-only" htmlFor={`role-${key}`}>
          {t('admin.roleOf', { user: u.username })}
        </label>
        <div className="w-44">
          <RoleSelect
            id={`role-${key}`}
            value={global}
            none={global === '' ? undefined : t('admin.noRole')}
            onChange={(r) => {
              if (r !== '')
                void act(() =>
                  api.PUT('/api/admin/users/{username}/grants/{compartment}', {
                    ...grantPath(u.username, '*'),
                    body: { role: r },
                  }),
                );
              else if (window.confirm(t('admin.confirmRevokeGlobal', { user: u.username })))
                void act(() =>
                  api.DELETE('/api/admin/users/{username}/grants/{compartment}', grantPath(u.username, '*')),
                );
            }}
          />
        </div>
        <Button
          variant="danger"
          onClick={() => {
            if (window.confirm(t('admin.confirmDelete', { user: u.username })))
              void act(() => api.DELETE('/api/admin/users/{username}', { params: { path: { username: u.username } } }));
          }}
        >
          {t('admin.delete')}
        </Button>
      </div>
      {scoped.length > 0 && (
        <ul className="flex flex-col gap-1 pl-2 text-sm" aria-label={t('admin.rolesOn', { user: u.username })}>
          {scoped.map((g) => (
            <li key={g.compartment} className="flex flex-wrap items-center gap-2">
              <span className="font-mono break-all">{g.compartment}</span>
              <Badge tone="idle">{t(`role.${g.role}`)}</Badge>
              <Button
                variant="ghost"
                aria-label={t('admin.revokeGrant', { role: t(`role.${g.role}`), compartment: g.compartment })}
                onClick={() => {
                  const what = { role: t(`role.${g.role}`), compartment: g.compartment, user: u.username };
                  if (window.confirm(t('admin.confirmRevokeGrant', what)))
                    void act(
                      () =>
                        api.DELETE(
                          '/api/admin/users/{username}/grants/{compartment}',
                          grantPath(u.username, g.compartment),
                        ),
                      t('admin.revoked', what),
                    );
                }}
              >
                {t('admin.revoke')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {compartments && compartments.length > 0 && (
        <form onSubmit={grant}>
          <fieldset className="flex flex-wrap items-end gap-2">
            <legend className="mb-1 text-sm font-medium">{t('admin.grantTitle', { user: u.username })}</legend>
            <div className="flex flex-col gap-1">
              <label htmlFor={`grant-c-${key}`} className="text-xs">
                {t('admin.compartment')}
              </label>
              <select
                id={`grant-c-${key}`}
                className={`${inputClass} font-mono`}
                value={chosen}
                onChange={(e) => setCompartment(e.target.value)}
              >
                {compartments.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor={`grant-r-${key}`} className="text-xs">
                {t('admin.role')}
              </label>
              <RoleSelect id={`grant-r-${key}`} value={role} onChange={(r) => r && setRole(r)} />
            </div>
            <Button type="submit">{t('admin.grant')}</Button>
          </fieldset>
        </form>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      {done && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {done}
        </p>
      )}
    </li>
  );
}

function Users() {
  const users = useUsers();
  const compartments = useCompartments();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [error, setError] = useState<unknown>();
  const ids = compartments.data?.map((c) => c.id);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.POST('/api/admin/users', {
        body: { username: name, kind: password ? 'local' : 'pam', ...(password ? { password } : {}), role },
      });
      setName('');
      setPassword('');
      await qc.invalidateQueries({ queryKey: keys.users });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="flex flex-col gap-4">
      <Card title={t('admin.users')}>
        <QueryView query={users} what={t('admin.users')}>
          {(us) => (
            <ul className="flex flex-col gap-3">
              {us.map((u) => (
                <UserRow key={u.username} user={u} compartments={ids} />
              ))}
            </ul>
          )}
        </QueryView>
      </Card>
      <Card title={t('admin.addUser')}>
        <form onSubmit={create} className="grid gap-3 sm:grid-cols-4 sm:items-end">
          <TextField
            id="new-user"
            label={t('admin.username')}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <TextField
            id="new-password"
            label={t('admin.password')}
            hint={t('admin.passwordHint')}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <div className="flex flex-col gap-1">
            <label htmlFor="new-role" className="text-sm font-medium">
              {t('admin.role')}
            </label>
            <RoleSelect id="new-role" value={role} onChange={(r) => r && setRole(r)} />
          </div>
          <Button type="submit" variant="primary" disabled={!name}>
            {t('admin.create')}
          </Button>
        </form>
        {error !== undefined && (
          <div className="mt-3">
            <ErrorBox error={error} />
          </div>
        )}
      </Card>
    </div>
  );
}

/** Where a token may act: every compartment, or the one named. */
const scopeText = (compartment: string) =>
  compartment === '*' ? t('admin.everywhere') : t('admin.onlyCompartment', { compartment });

function Tokens() {
  const tokens = useTokens();
  const compartments = useCompartments();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [scope, setScope] = useState('*');
  const [secret, setSecret] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [listError, setListError] = useState<unknown>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await data(
        api.POST('/api/admin/tokens', { body: { name, role, ...(scope !== '*' ? { compartment: scope } : {}) } }),
      );
      setSecret(r.token);
      setName('');
      await qc.invalidateQueries({ queryKey: keys.tokens });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="flex flex-col gap-4">
      {secret && (
        <div
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950"
        >
          <p className="font-semibold">{t('admin.tokenOnce')}</p>
          <code className="mt-1 block break-all">{secret}</code>
          <Button className="mt-2" onClick={() => setSecret(undefined)}>
            {t('admin.tokenDone')}
          </Button>
        </div>
      )}
      <Card title={t('admin.tokens')}>
        {listError !== undefined && (
          <div className="mb-3">
            <ErrorBox error={listError} />
          </div>
        )}
        <QueryView query={tokens} what={t('admin.tokens')}>
          {(ts) =>
            ts.length === 0 ? (
              <p className="text-sm">{t('admin.noTokens')}</p>
            ) : (
              <ul className="flex flex-col gap-2">
                {ts.map((tk) => (
                  <li key={tk.id} className="flex flex-wrap items-center gap-2 text-sm">
                    <span className="font-mono break-all">{tk.name}</span>
                    <Badge tone="idle">{t(`role.${tk.role}`)}</Badge>
                    <Badge tone={tk.compartment === '*' ? 'busy' : 'idle'}>{scopeText(tk.compartment)}</Badge>
                    <span>{t('admin.tokenFor', { user: tk.username })}</span>
                    <span className="text-zinc-600 dark:text-zinc-400">
                      {t('admin.tokenUsed', {
                        at: tk.lastUsedAt ? dateTime(tk.lastUsedAt) : t('admin.never'),
                      })}
                    </span>
                    <Button
                      variant="danger"
                      onClick={async () => {
                        setListError(undefined);
                        try {
                          await api.DELETE('/api/admin/tokens/{tokenId}', { params: { path: { tokenId: tk.id } } });
                          await qc.invalidateQueries({ queryKey: keys.tokens });
                        } catch (err) {
                          setListError(err);
                        }
                      }}
                    >
                      {t('admin.revoke')}
                    </Button>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryView>
      </Card>
      <Card title={t('admin.newToken')}>
        <form onSubmit={create} className="grid gap-3 sm:grid-cols-4 sm:items-end">
          <TextField
            id="token-name"
            label={t('admin.tokenName')}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <div className="flex flex-col gap-1">
            <label htmlFor="token-scope" className="text-sm font-medium">
              {t('admin.compartment')}
            </label>
            <select id="token-scope" className={inputClass} value={scope} onChange={(e) => setScope(e.target.value)}>
              <option value="*">{t('admin.everywhere')}</option>
              {compartments.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.id}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="token-role" className="text-sm font-medium">
              {t('admin.role')}
            </label>
            <RoleSelect id="token-role" value={role} onChange={(r) => r && setRole(r)} />
          </div>
          <Button type="submit" variant="primary" disabled={!name}>
            {t('admin.createToken')}
          </Button>
        </form>
        <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">{t('admin.tokenHint')}</p>
        {error !== undefined && (
          <div className="mt-3">
            <ErrorBox error={error} />
          </div>
        )}
      </Card>
    </div>
  );
}

/** One detail of an audit entry as text: a list joined, anything else as JSON. */
const detailText = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) ? v.map(detailText).join(', ') : JSON.stringify(v);

/** An entry's details, one `key: value` a line (what an apply added, changed and removed; a secret's name). */
function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return null;
  return (
    <ul className="font-mono text-xs">
      {entries.map(([k, v]) => (
        <li key={k} className="break-all">
          {k}: {detailText(v)}
        </li>
      ))}
    </ul>
  );
}

function Audit() {
  const [draft, setDraft] = useState({ actor: '', action: '', result: '' as AuditResult | '', since: '' });
  const [filters, setFilters] = useState<AuditFilters>({});
  const audit = useAudit(filters);
  const chain = useAuditChain();
  const field = (k: keyof typeof draft, label: string) => (
    <TextField
      id={`audit-${k}`}
      label={label}
      value={draft[k]}
      onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
    />
  );
  return (
    <div className="flex flex-col gap-4">
      <Card title={t('admin.chain')}>
        <QueryView query={chain} what={t('admin.chain')}>
          {(c) =>
            c.ok ? (
              <Badge tone="ok">{t('admin.chainOk', { n: c.entries })}</Badge>
            ) : (
              <p role="alert" className="flex flex-wrap items-center gap-2">
                <Badge tone="bad">{t('admin.chainBroken', { n: c.brokenId })}</Badge>
                <span className="text-sm">{c.reason}</span>
              </p>
            )
          }
        </QueryView>
      </Card>
      <Card title={t('admin.audit')}>
        <form
          className="mb-3 grid gap-2 sm:grid-cols-5 sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            const { result, ...text } = draft;
            setFilters({
              ...Object.fromEntries(Object.entries(text).filter(([, v]) => v !== '')),
              ...(result ? { result } : {}),
            });
          }}
        >
          {field('actor', t('admin.filterActor'))}
          {field('action', t('admin.filterAction'))}
          <div className="flex flex-col gap-1">
            <label htmlFor="audit-result" className="text-sm font-medium">
              {t('admin.filterResult')}
            </label>
            <select
              id="audit-result"
              className={inputClass}
              value={draft.result}
              onChange={(e) => setDraft({ ...draft, result: e.target.value as AuditResult | '' })}
            >
              <option value="">{t('admin.any')}</option>
              <option value="ok">ok</option>
              <option value="failed">failed</option>
              <option value="denied">denied</option>
            </select>
          </div>
          {field('since', t('admin.filterSince'))}
          <Button type="submit" variant="primary">
            {t('admin.filter')}
          </Button>
        </form>
        <QueryView query={audit} what={t('admin.audit')}>
          {(es) => (
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead>
                  <tr className="text-left">
                    <th className="px-2 py-1">{t('admin.when')}</th>
                    <th className="px-2 py-1">{t('admin.who')}</th>
                    <th className="px-2 py-1">{t('admin.from')}</th>
                    <th className="px-2 py-1">{t('admin.what')}</th>
                    <th className="px-2 py-1">{t('admin.target')}</th>
                    <th className="px-2 py-1">{t('admin.result')}</th>
                    <th className="px-2 py-1">{t('admin.details')}</th>
                  </tr>
                </thead>
                <tbody>
                  {es.map((e) => (
                    <tr key={e.id}>
                      <td className="px-2 py-1 whitespace-nowrap">{dateTime(e.at)}</td>
                      <td className="px-2 py-1">{e.actor}</td>
                      <td className="px-2 py-1 font-mono text-xs">{e.address}</td>
                      <td className="px-2 py-1 font-mono">{e.action}</td>
                      <td className="px-2 py-1 font-mono">{e.target}</td>
                      <td className="px-2 py-1">
                        <Badge tone={e.result === 'ok' ? 'ok' : 'bad'}>{e.result}</Badge>
                      </td>
                      <td className="px-2 py-1">
                        <AuditDetails details={e.details} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
      </Card>
    </div>
  );
}

const tab = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-1.5 text-sm ${isActive ? 'bg-sky-700 text-white' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`;

export function AdminPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">{t('admin.title')}</h1>
      <nav aria-label={t('admin.title')} className="flex flex-wrap gap-1">
        <NavLink to="/admin" end className={tab}>
          {t('admin.users')}
        </NavLink>
        <NavLink to="/admin/tokens" className={tab}>
          {t('admin.tokens')}
        </NavLink>
        <NavLink to="/admin/audit" className={tab}>
          {t('admin.audit')}
        </NavLink>
        <NavLink to="/admin/notifications" className={tab}>
          {t('notify.title')}
        </NavLink>
        <NavLink to="/admin/backup" className={tab}>
          {t('selfBackup.title')}
        </NavLink>
      </nav>
      <Routes>
        <Route index element={<Users />} />
        <Route path="tokens" element={<Tokens />} />
        <Route path="audit" element={<Audit />} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="backup" element={<SelfBackupPage />} />
      </Routes>
    </div>
  );
}
