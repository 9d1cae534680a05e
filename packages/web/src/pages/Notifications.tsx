/**
 * Notification channels (admins): the list with kind, scope, events and state; a form to add or edit one (a
 * secret or token is write-only: the form sends one only when typed, and the list shows "secret set");
 * "Send test" with its outcome; and the delivery log.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../api/client';
import { keys, useNotifyChannels, useNotifyDeliveries } from '../api/queries';
import type { Body, NotifyChannel, NotifyTestResult } from '../api/types';
import { Badge, Button, Card, ErrorBox, inputClass, QueryView, TextField } from '../components/ui';
import { dateTime, t } from '../i18n/t';

/** The event kinds (the server's NOTIFY_EVENT_KINDS; the client imports the contract's types only). */
export const EVENT_KINDS = [
  'unit-failed',
  'apply-refused',
  'apply-rolled-back',
  'update-available',
  'upgrade-finished',
  'upgrade-rolled-back',
  'backup-failed',
  'test',
] as const;
type EventKind = (typeof EVENT_KINDS)[number];
type Kind = NotifyChannel['kind'];
const KINDS: Kind[] = ['webhook', 'ntfy', 'email'];

interface Draft {
  name: string;
  kind: Kind;
  url: string;
  secret: string;
  priority: string;
  to: string;
  from: string;
  scope: string;
  all: boolean;
  events: EventKind[];
  enabled: boolean;
}

const EMPTY: Draft = {
  name: '',
  kind: 'webhook',
  url: '',
  secret: '',
  priority: '',
  to: '',
  from: '',
  scope: '*',
  all: true,
  events: [],
  enabled: true,
};

function draftOf(c: NotifyChannel): Draft {
  return {
    name: c.name,
    kind: c.kind,
    url: c.config.url ?? '',
    secret: '',
    priority: c.config.priority === undefined ? '' : String(c.config.priority),
    to: (c.config.to ?? []).join(', '),
    from: c.config.from ?? '',
    scope: c.scope,
    all: c.events === 'all',
    events: c.events === 'all' ? [] : (c.events as EventKind[]),
    enabled: c.enabled,
  };
}

type CreateBody = Body<'/api/notifications/channels', 'post'>;
type ChangeBody = Body<'/api/notifications/channels/{id}', 'patch'>;

const commonOf = (d: Draft) => ({
  scope: d.scope.trim() || '*',
  events: d.all ? ('all' as const) : d.events,
  enabled: d.enabled,
});
const listOf = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** A new channel: what its kind takes. */
function createBody(d: Draft): CreateBody {
  const c = { name: d.name, ...commonOf(d) };
  if (d.kind === 'email') return { ...c, kind: 'email', to: listOf(d.to), from: d.from.trim() };
  if (d.kind === 'ntfy') {
    const priority = d.priority ? { priority: Number(d.priority) } : {};
    return { ...c, kind: 'ntfy', url: d.url.trim(), ...priority, ...(d.secret ? { token: d.secret } : {}) };
  }
  return { ...c, kind: 'webhook', url: d.url.trim(), secret: d.secret };
}

/** A change: what the kind takes, a secret only when one was typed, and an emptied priority cleared. */
function changeBody(d: Draft): ChangeBody {
  const c = commonOf(d);
  if (d.kind === 'email') return { ...c, to: listOf(d.to), from: d.from.trim() };
  if (d.kind === 'ntfy') {
    const priority = d.priority ? Number(d.priority) : null;
    return { ...c, url: d.url.trim(), priority, ...(d.secret ? { token: d.secret } : {}) };
  }
  return { ...c, url: d.url.trim(), ...(d.secret ? { secret: d.secret } : {}) };
}

function ChannelForm({ editing, onDone }: { editing?: NotifyChannel; onDone: () => void }) {
  const qc = useQueryClient();
  const [d, setD] = useState<Draft>(editing ? draftOf(editing) : EMPTY);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setD((old) => ({ ...old, ...patch }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      if (editing)
        await api.PATCH('/api/notifications/channels/{id}', {
          params: { path: { id: editing.name } },
          body: changeBody(d),
        });
      else await api.POST('/api/notifications/channels', { body: createBody(d) });
      await qc.invalidateQueries({ queryKey: keys.notifyChannels });
      setD(EMPTY);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const prefix = editing ? 'edit-channel' : 'new-channel';
  return (
    <Card title={editing ? t('notify.edit', { name: editing.name }) : t('notify.add')}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        {error !== undefined && <ErrorBox error={error} />}
        <div className="grid gap-3 sm:grid-cols-3">
          {!editing && (
            <>
              <TextField
                id={`${prefix}-name`}
                label={t('notify.name')}
                required
                value={d.name}
                onChange={(e) => set({ name: e.target.value })}
              />
              <div className="flex flex-col gap-1">
                <label htmlFor={`${prefix}-kind`} className="text-sm font-medium">
                  {t('notify.kind')}
                </label>
                <select
                  id={`${prefix}-kind`}
                  className={inputClass}
                  value={d.kind}
                  onChange={(e) => set({ kind: e.target.value as Kind, secret: '' })}
                >
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`notify.kind.${k}`)}
                    </option>
                  ))}
                </select>
              </div>
            </>
          )}
          <TextField
            id={`${prefix}-scope`}
            label={t('notify.scope')}
            hint={t('notify.scopeHint')}
            value={d.scope}
            onChange={(e) => set({ scope: e.target.value })}
          />
        </div>
        {d.kind !== 'email' ? (
          <div className="grid gap-3 sm:grid-cols-3">
            <TextField
              id={`${prefix}-url`}
              label={t('notify.url')}
              hint={t('notify.urlHint')}
              required
              type="url"
              value={d.url}
              onChange={(e) => set({ url: e.target.value })}
            />
            <TextField
              id={`${prefix}-secret`}
              label={d.kind === 'webhook' ? t('notify.secret') : t('notify.token')}
              hint={
                editing?.secretSet ? t('notify.keepSecret') : d.kind === 'webhook' ? t('notify.secretHint') : undefined
              }
              type="password"
              autoComplete="off"
              required={d.kind === 'webhook' && !editing}
              value={d.secret}
              onChange={(e) => set({ secret: e.target.value })}
            />
            {d.kind === 'ntfy' && (
              <div className="flex flex-col gap-1">
                <label htmlFor={`${prefix}-priority`} className="text-sm font-medium">
                  {t('notify.priority')}
                </label>
                <select
                  id={`${prefix}-priority`}
                  className={inputClass}
                  value={d.priority}
                  onChange={(e) => set({ priority: e.target.value })}
                >
                  <option value="">{t('notify.priorityAuto')}</option>
                  {[1, 2, 3, 4, 5].map((p) => (
                    <option key={p} value={String(p)}>
                      {p}
                    </option>
                  ))}
                </select>
              </div>
            )}
          </div>
        ) : (
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField
              id={`${prefix}-to`}
              label={t('notify.to')}
              hint={t('notify.toHint')}
              required
              value={d.to}
              onChange={(e) => set({ to: e.target.value })}
            />
            <TextField
              id={`${prefix}-from`}
              label={t('notify.from')}
              required
              value={d.from}
              onChange={(e) => set({ from: e.target.value })}
            />
          </div>
        )}
        <fieldset className="flex flex-col gap-1">
          <legend className="text-sm font-medium">{t('notify.events')}</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={d.all} onChange={(e) => set({ all: e.target.checked })} />
            {t('notify.allEvents')}
          </label>
          {!d.all && (
            <div className="flex flex-wrap gap-x-4 gap-y-1 pl-6">
              {EVENT_KINDS.map((k) => (
                <label key={k} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={d.events.includes(k)}
                    onChange={(e) =>
                      set({ events: e.target.checked ? [...d.events, k] : d.events.filter((x) => x !== k) })
                    }
                  />
                  {t(`notify.event.${k}`)}
                </label>
              ))}
            </div>
          )}
        </fieldset>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
          {t('notify.enabled')}
        </label>
        <div className="flex gap-2">
          <Button type="submit" variant="primary" disabled={busy}>
            {editing ? t('notify.save') : t('notify.create')}
          </Button>
          {editing && <Button onClick={onDone}>{t('notify.cancel')}</Button>}
        </div>
      </form>
    </Card>
  );
}

function TestOutcome({ result }: { result: NotifyTestResult }) {
  if (result.status === 'delivered')
    return (
      <span role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
        {t('notify.testDelivered')}
      </span>
    );
  return (
    <span role="status" className="text-sm text-red-800 dark:text-red-300">
      {result.status === 'pending'
        ? t('notify.testPending', { error: result.error ?? '' })
        : t('notify.testFailed', { error: result.error ?? '' })}
    </span>
  );
}

const target = (c: NotifyChannel) => c.config.url ?? (c.config.to ?? []).join(', ');

function Channels({ onEdit }: { onEdit: (c: NotifyChannel) => void }) {
  const channels = useNotifyChannels();
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [tests, setTests] = useState<Record<string, NotifyTestResult | 'sending'>>({});
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.notifyChannels }),
      qc.invalidateQueries({ queryKey: keys.notifyDeliveries }),
    ]);
  const act = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(e);
    }
    await refresh();
  };
  const test = (name: string) =>
    act(async () => {
      setTests((old) => ({ ...old, [name]: 'sending' }));
      try {
        const r = await data(api.POST('/api/notifications/channels/{id}/test', { params: { path: { id: name } } }));
        setTests((old) => ({ ...old, [name]: r }));
      } catch (e) {
        setTests(({ [name]: _gone, ...rest }) => rest);
        throw e;
      }
    });
  return (
    <Card title={t('notify.channels')}>
      {error !== undefined && <ErrorBox error={error} />}
      <QueryView query={channels} what={t('notify.channels')}>
        {(cs) =>
          cs.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">{t('notify.noChannels')}</p>
          ) : (
            <ul className="flex flex-col divide-y divide-zinc-200 dark:divide-zinc-800">
              {cs.map((c) => {
                const result = tests[c.name];
                return (
                  <li key={c.name} className="flex flex-col gap-1 py-2" data-testid={`channel-${c.name}`}>
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="min-w-28 font-mono">{c.name}</span>
                      <Badge tone="idle">{t(`notify.kind.${c.kind}`)}</Badge>
                      <Badge tone={c.enabled ? 'ok' : 'idle'}>
                        {c.enabled ? t('notify.on') : t('notify.disabled')}
                      </Badge>
                      {c.secretSet && <Badge tone="idle">{t('notify.secretSet')}</Badge>}
                      <span className="text-sm">
                        {t('notify.scope')}: <span className="font-mono">{c.scope}</span>
                      </span>
                      <span className="text-sm">
                        {t('notify.events')}:{' '}
                        {c.events === 'all'
                          ? t('notify.allEvents')
                          : c.events.map((k) => t(`notify.event.${k}`)).join(', ')}
                      </span>
                      <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{target(c)}</span>
                    </div>
                    <div className="flex flex-wrap items-center gap-2">
                      <Button onClick={() => void test(c.name)} disabled={result === 'sending'}>
                        {result === 'sending' ? t('notify.testing') : t('notify.test')}
                      </Button>
                      <Button
                        onClick={() =>
                          void act(() =>
                            api.PATCH('/api/notifications/channels/{id}', {
                              params: { path: { id: c.name } },
                              body: { enabled: !c.enabled },
                            }),
                          )
                        }
                      >
                        {c.enabled ? t('notify.disable') : t('notify.enable')}
                      </Button>
                      <Button variant="ghost" onClick={() => onEdit(c)}>
                        {t('notify.editButton')}
                      </Button>
                      <Button
                        variant="danger"
                        onClick={() => {
                          if (window.confirm(t('notify.confirmDelete', { name: c.name })))
                            void act(() =>
                              api.DELETE('/api/notifications/channels/{id}', { params: { path: { id: c.name } } }),
                            );
                        }}
                      >
                        {t('notify.delete')}
                      </Button>
                      {result !== undefined && result !== 'sending' && <TestOutcome result={result} />}
                    </div>
                  </li>
                );
              })}
            </ul>
          )
        }
      </QueryView>
    </Card>
  );
}

function Deliveries() {
  const deliveries = useNotifyDeliveries();
  return (
    <Card title={t('notify.log')}>
      <QueryView query={deliveries} what={t('notify.log')}>
        {(ds) =>
          ds.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">{t('notify.noDeliveries')}</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead>
                  <tr className="text-left">
                    <th className="px-2 py-1">{t('notify.when')}</th>
                    <th className="px-2 py-1">{t('notify.channel')}</th>
                    <th className="px-2 py-1">{t('notify.event')}</th>
                    <th className="px-2 py-1">{t('notify.compartment')}</th>
                    <th className="px-2 py-1">{t('notify.status')}</th>
                    <th className="px-2 py-1">{t('notify.attempts')}</th>
                    <th className="px-2 py-1">{t('notify.error')}</th>
                  </tr>
                </thead>
                <tbody>
                  {ds.map((d) => (
                    <tr key={d.id}>
                      <td className="px-2 py-1 whitespace-nowrap">{dateTime(d.createdAt)}</td>
                      <td className="px-2 py-1 font-mono">{d.channel}</td>
                      <td className="px-2 py-1" title={d.title}>
                        {d.eventKind}
                      </td>
                      <td className="px-2 py-1 font-mono">{d.compartment ?? '—'}</td>
                      <td className="px-2 py-1">
                        <Badge tone={d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'bad' : 'busy'}>
                          {t(`notify.status.${d.status}`)}
                        </Badge>
                      </td>
                      <td className="px-2 py-1">{d.attempts}</td>
                      <td className="px-2 py-1 text-xs">{d.lastError ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </Card>
  );
}

export function NotificationsPage() {
  const [editing, setEditing] = useState<NotifyChannel | undefined>();
  return (
    <div className="flex flex-col gap-4">
      <Channels onEdit={setEditing} />
      {editing ? (
        <ChannelForm key={editing.name} editing={editing} onDone={() => setEditing(undefined)} />
      ) : (
        <ChannelForm key="new" onDone={() => {}} />
      )}
      <Deliveries />
    </div>
  );
}
