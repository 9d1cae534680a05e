/**
 * The catalog: the apps quadletman ships (GET /api/catalog) as cards, and one app with its README, what it needs
 * of the host, how a backup treats its volumes, its units, where it is installed, and the install form (check,
 * then install: CreateFlow). A compartment that runs an older (or another) version of the app gets an Upgrade
 * button, which checks and then applies this version to it (`upgrade: true`, its values kept unless given).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes, useParams } from 'react-router';
import { api, data } from '../api/client';
import { keys, useCatalog, useCatalogApp, useSession } from '../api/queries';
import type { CatalogApp, CatalogAppDetail, CreateResult } from '../api/types';
import { hasRole } from '../app/auth';
import { type CreateBody, CreateFlow } from '../components/CreateFlow';
import { Markdown } from '../components/Markdown';
import { Badge, Button, Card, QueryView } from '../components/ui';
import { t } from '../i18n/t';
import { ParameterSummary } from './Templates';

const linkClass = 'text-sky-800 underline dark:text-sky-300';

function AppCard({ app }: { app: CatalogApp }) {
  return (
    <li className="flex flex-col gap-2 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold">
          <Link to={`/catalog/${encodeURIComponent(app.name)}`} className={linkClass}>
            {app.title}
          </Link>
        </h2>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          {t('catalog.version', { version: app.version })}
        </span>
      </div>
      <div>
        <Badge tone="idle">{app.category}</Badge>
      </div>
      <p className="text-sm">{app.description}</p>
      <p className="mt-auto text-xs text-zinc-600 dark:text-zinc-400">
        {app.installed.length === 0 ? t('catalog.notInstalled') : t('catalog.installedN', { n: app.installed.length })}
      </p>
    </li>
  );
}

function CatalogList() {
  const apps = useCatalog();
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-semibold">{t('catalog.title')}</h1>
      <QueryView query={apps} what={t('catalog.title')}>
        {({ apps: list, problems }) => (
          <>
            {list.length === 0 ? (
              <p className="text-sm">{t('catalog.none')}</p>
            ) : (
              <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label={t('catalog.apps')}>
                {list.map((app) => (
                  <AppCard key={app.name} app={app} />
                ))}
              </ul>
            )}
            {Object.keys(problems).length > 0 && (
              <section
                aria-labelledby="catalog-problems"
                className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950"
              >
                <h2 id="catalog-problems" className="font-semibold">
                  {t('catalog.problems')}
                </h2>
                <ul className="mt-1 flex flex-col gap-1">
                  {Object.entries(problems).map(([name, why]) => (
                    <li key={name} className="whitespace-pre-line">
                      <span className="font-mono">{name}</span>: {why}
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </>
        )}
      </QueryView>
    </div>
  );
}

const BACKUP_TONE = { files: 'ok', stop: 'busy', skip: 'idle' } as const;

function Installed({
  app,
  admin,
  onUpgrade,
}: {
  app: CatalogAppDetail;
  admin: boolean;
  onUpgrade: (compartment: string) => void;
}) {
  if (app.installed.length === 0) return <p className="text-sm">{t('catalog.notInstalled')}</p>;
  return (
    <ul className="flex flex-col gap-2" aria-label={t('catalog.installed')}>
      {app.installed.map((i) => (
        <li key={i.compartment} className="flex flex-wrap items-center gap-2 text-sm">
          <Link to={`/c/${encodeURIComponent(i.compartment)}`} className={`font-mono ${linkClass}`}>
            {i.compartment}
          </Link>
          <span>{t('catalog.runs', { version: i.version ?? t('common.unknown') })}</span>
          {i.version === app.version ? (
            <Badge tone="ok">{t('catalog.current')}</Badge>
          ) : (
            admin && (
              <Button onClick={() => onUpgrade(i.compartment)}>
                {t('catalog.upgrade', { id: i.compartment, version: app.version })}
              </Button>
            )
          )}
        </li>
      ))}
    </ul>
  );
}

function AppDetail({ name }: { name: string }) {
  const session = useSession();
  const detail = useCatalogApp(name);
  const qc = useQueryClient();
  const admin = hasRole(session.data, 'admin');
  const [upgrading, setUpgrading] = useState<string | undefined>();
  const install = (body: CreateBody & { upgrade?: boolean }) =>
    data(api.POST('/api/catalog/{name}/install', { params: { path: { name } }, body }));
  const applied = (r: CreateResult) => {
    void qc.invalidateQueries({ queryKey: keys.catalog });
    void qc.invalidateQueries({ queryKey: keys.compartments });
    void qc.invalidateQueries({ queryKey: keys.compartment(r.compartment) });
  };
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">
        <Link to="/catalog" className={linkClass}>
          {t('catalog.back')}
        </Link>
      </p>
      <QueryView query={detail} what={t('catalog.title')}>
        {(app) => (
          <>
            <div>
              <h1 className="text-2xl font-semibold">
                {app.title} <Badge tone="idle">{app.category}</Badge>
              </h1>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                <span className="font-mono">{app.name}</span> · {t('catalog.version', { version: app.version })}
              </p>
              <p className="mt-1 text-sm">{app.description}</p>
            </div>
            <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
              <Card title={t('catalog.readme')}>
                <Markdown text={app.readme} />
              </Card>
              <div className="flex flex-col gap-4">
                <Card title={t('catalog.requires')}>
                  {app.requires.length === 0 ? (
                    <p className="text-sm">{t('catalog.requiresNothing')}</p>
                  ) : (
                    <ul className="list-disc pl-5 text-sm">
                      {app.requires.map((r) => (
                        <li key={r}>{r}</li>
                      ))}
                    </ul>
                  )}
                </Card>
                <Card title={t('catalog.units')}>
                  <ul className="font-mono text-sm">
                    {app.units.map((u) => (
                      <li key={u}>{u}</li>
                    ))}
                  </ul>
                </Card>
                <Card title={t('catalog.backup')}>
                  {Object.keys(app.backup).length === 0 ? (
                    <p className="text-sm">{t('catalog.backupNone')}</p>
                  ) : (
                    <ul className="flex flex-col gap-1 text-sm">
                      {Object.entries(app.backup).map(([volume, mode]) => (
                        <li key={volume} className="flex flex-wrap items-center gap-2">
                          <span className="font-mono">{volume}</span>
                          <Badge tone={BACKUP_TONE[mode]}>{mode}</Badge>
                          <span className="text-xs text-zinc-600 dark:text-zinc-400">
                            {t(`catalog.backup.${mode}`)}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
                <Card title={t('catalog.parameters')}>
                  <ul className="text-sm">
                    {app.parameters.map((p) => (
                      <li key={p.name}>
                        <ParameterSummary p={p} />
                        {p.description && <span className="text-zinc-600 dark:text-zinc-400"> — {p.description}</span>}
                      </li>
                    ))}
                  </ul>
                </Card>
              </div>
            </div>
            <Card title={t('catalog.installed')}>
              <Installed app={app} admin={admin} onUpgrade={setUpgrading} />
            </Card>
            {admin && upgrading && (
              <Card
                title={t('catalog.upgradeTitle', { id: upgrading, version: app.version })}
                actions={<Button onClick={() => setUpgrading(undefined)}>{t('catalog.cancel')}</Button>}
              >
                <p className="mb-3 text-sm">{t('catalog.upgradeIntro')}</p>
                <CreateFlow
                  key={upgrading}
                  idPrefix="catalog-upgrade"
                  parameters={app.parameters}
                  upgradeOf={upgrading}
                  run={(body) => install({ ...body, upgrade: true })}
                  applyLabel={(id) => t('catalog.upgradeApply', { id })}
                  onApplied={applied}
                />
              </Card>
            )}
            {admin ? (
              <Card title={t('catalog.install', { title: app.title })}>
                <CreateFlow
                  idPrefix="catalog-install"
                  parameters={app.parameters}
                  run={install}
                  applyLabel={(id) => t('catalog.installApply', { id })}
                  onApplied={applied}
                />
              </Card>
            ) : (
              <p className="text-sm">{t('catalog.needsAdmin')}</p>
            )}
          </>
        )}
      </QueryView>
    </div>
  );
}

function AppRoute() {
  const name = useParams().name ?? '';
  return <AppDetail key={name} name={name} />;
}

export function CatalogPage() {
  return (
    <Routes>
      <Route index element={<CatalogList />} />
      <Route path=":name" element={<AppRoute />} />
    </Routes>
  );
}
