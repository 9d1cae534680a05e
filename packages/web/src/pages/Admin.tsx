/**
 * Administration: users and their roles, API tokens (shown once), the audit log with filters and the
 * state of its hash chain, and notification channels (pages/Notifications.tsx).
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { NavLink, Route, Routes } from 'react-router';
import { api, data } from '../api/client';
import { type AuditFilters, keys, useAudit, useAuditChain, useTokens, useUsers } from '../api/queries';
import type { AuditEntry, Role } from '../api/types';

type AuditResult = AuditEntry['result'];

import { Badge, Button, Card, ErrorBox, inputClass, QueryView, TextField } from '../components/ui';
import { dateTime, t } from '../i18n/t';
import { NotificationsPage } from './Notifications';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

function RoleSelect({ id, value, onChange }: { id: string; value: Role | ''; onChange: (r: Role) => void }) {
  return (
    <select id={id} className={inputClass} value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {value === '' && <option value="">{t('admin.noRole')}</option>}
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}

function Users() {
  const users = useUsers();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [error, setError] = useState<unknown>();
  const refresh = () => qc.invalidateQueries({ queryKey: keys.users });
  const act = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api.POST('/api/admin/users', {
        body: { username: name, kind: password ? 'local' : 'pam', ...(password ? { password } : {}), role },
      });
      setName('');
      setPassword('');
    });
  };
  return (
    <div className="flex flex-col gap-4">
      {error !== undefined && <ErrorBox error={error} />}
      <Card title={t('admin.users')}>
        <QueryView query={users} what={t('admin.users')}>
          {(us) => (
            <ul className="flex flex-col gap-2">
              {us.map((u) => (
                <li key={u.username} className="flex flex-wrap items-center gap-2">
                  <span className="min-w-32 font-mono">{u.username}</span>
                  <Badge tone="idle">{t(`admin.kind.${u.kind}`)}</Badge>
                  <label className="sr-only" htmlFor={`role-${u.username}`}>
                    {t('admin.roleOf', { user: u.username })}
                  </label>
                  <div className="w-36">
                    <RoleSelect
                      id={`role-${u.username}`}
                      value={u.grants.find((g) => g.compartment === '*')?.role ?? ''}
                      onChange={(r) =>
                        act(() =>
                          api.PUT('/api/admin/users/{username}/grants/{compartment}', {
                            params: { path: { username: u.username, compartment: '*' } },
                            body: { role: r },
                          }),
                        )
                      }
                    />
                  </div>
                  {u.grants
                    .filter((g) => g.compartment !== '*')
                    .map((g) => (
                      <Badge key={g.compartment} tone="idle">
                        {t('admin.grantOn', { role: t(`role.${g.role}`), compartment: g.compartment })}
                      </Badge>
                    ))}
                  <Button
                    variant="danger"
                    onClick={() => {
                      if (window.confirm(t('admin.confirmDelete', { user: u.username })))
                        void act(() =>
                          api.DELETE('/api/admin/users/{username}', { params: { path: { username: u.username } } }),
                        );
                    }}
                  >
                    {t('admin.delete')}
                  </Button>
                </li>
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
            <RoleSelect id="new-role" value={role} onChange={setRole} />
          </div>
          <Button type="submit" variant="primary" disabled={!name}>
            {t('admin.create')}
          </Button>
        </form>
      </Card>
    </div>
  );
}

function Tokens() {
  const tokens = useTokens();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [secret, setSecret] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await data(api.POST('/api/admin/tokens', { body: { name, role } }));
      setSecret(r.token);
      setName('');
      await qc.invalidateQueries({ queryKey: keys.tokens });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="flex flex-col gap-4">
      {error !== undefined && <ErrorBox error={error} />}
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
        <QueryView query={tokens} what={t('admin.tokens')}>
          {(ts) =>
            ts.length === 0 ? (
              <p className="text-sm">{t('admin.noTokens')}</p>
            ) : (
              <ul className="flex flex-col gap-2">
                {ts.map((tk) => (
                  <li key={tk.id} className="flex flex-wrap items-center gap-2 text-sm">
                    <span className="font-mono">{tk.name}</span>
                    <Badge tone="idle">{t(`role.${tk.role}`)}</Badge>
                    <span>
                      {t('admin.tokenOwner', {
                        user: tk.username,
                        scope: tk.compartment === '*' ? t('admin.everywhere') : tk.compartment,
                      })}
                    </span>
                    <span className="text-zinc-600 dark:text-zinc-400">
                      {t('admin.tokenUsed', {
                        at: tk.lastUsedAt ? dateTime(tk.lastUsedAt) : t('admin.never'),
                      })}
                    </span>
                    <Button
                      variant="danger"
                      onClick={async () => {
                        try {
                          await api.DELETE('/api/admin/tokens/{tokenId}', { params: { path: { tokenId: tk.id } } });
                          await qc.invalidateQueries({ queryKey: keys.tokens });
                        } catch (err) {
                          setError(err);
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
        <form onSubmit={create} className="grid gap-3 sm:grid-cols-3 sm:items-end">
          <TextField
            id="token-name"
            label={t('admin.tokenName')}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <div className="flex flex-col gap-1">
            <label htmlFor="token-role" className="text-sm font-medium">
              {t('admin.role')}
            </label>
            <RoleSelect id="token-role" value={role} onChange={setRole} />
          </div>
          <Button type="submit" variant="primary" disabled={!name}>
            {t('admin.createToken')}
          </Button>
        </form>
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
      <nav aria-label={t('admin.title')} className="flex gap-1">
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
      </nav>
      <Routes>
        <Route index element={<Users />} />
        <Route path="tokens" element={<Tokens />} />
        <Route path="audit" element={<Audit />} />
        <Route path="notifications" element={<NotificationsPage />} />
      </Routes>
    </div>
  );
}
