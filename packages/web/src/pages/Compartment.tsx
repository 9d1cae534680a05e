/**
 * A compartment: its units, their dependencies, logs, resource use (stats), terminal, resources, images, history,
 * backups, routes, the unit editors and plan-and-apply, each a tab with its own address.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, NavLink, Route, Routes, useLocation, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useLiveUnits } from '../api/events';
import { useCompartment, useSession } from '../api/queries';
import { hasRole } from '../app/auth';
import { ConnectionsCard } from '../components/Connections';
import { Button, ErrorBox } from '../components/ui';
import { t } from '../i18n/t';
import { BackupsTab } from './compartment/Backups';
import { DependenciesTab } from './compartment/Dependencies';
import { DraftProvider, useDrafts } from './compartment/drafts';
import { EditTab } from './compartment/Edit';
import { HistoryTab } from './compartment/History';
import { ImagesTab } from './compartment/Images';
import { LogsTab } from './compartment/Logs';
import { OriginLine, SaveAsTemplate } from './compartment/Origin';
import { PlanApplyTab } from './compartment/PlanApply';
import { ResourcesTab } from './compartment/Resources';
import { RoutesTab } from './compartment/Routes';
import { StatsTab } from './compartment/Stats';
import { TerminalTab } from './compartment/Terminal';
import { UnitsTab } from './compartment/Units';

const tabClass = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap rounded-md px-3 py-1.5 text-sm ${isActive ? 'bg-sky-700 text-white' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`;

/** The tabs of a compartment: their paths under `/c/:id` and their labels (in the language of the moment). */
const TABS = [
  { path: '', label: () => t('compartment.units') },
  { path: 'dependencies', label: () => t('compartment.dependencies') },
  { path: 'edit', label: () => t('compartment.edit') },
  { path: 'plan', label: () => t('compartment.plan') },
  { path: 'logs', label: () => t('compartment.logs') },
  { path: 'stats', label: () => t('compartment.stats') },
  { path: 'terminal', label: () => t('compartment.terminal') },
  { path: 'resources', label: () => t('compartment.resources') },
  { path: 'images', label: () => t('compartment.images') },
  { path: 'history', label: () => t('compartment.history') },
  { path: 'backups', label: () => t('compartment.backups') },
  { path: 'routes', label: () => t('compartment.routes') },
] as const;

// Absolute paths: relative links inside a splat route (`/c/:id/*`) resolve against the whole URL.
const tabPath = (id: string, path: string) => `/c/${encodeURIComponent(id)}${path ? `/${path}` : ''}`;

/**
 * Scrolls a horizontal tab bar so that `item` is wholly in view (centred when it was not): on a phone the bar is
 * wider than the screen, and the active tab must not hide past its edge.
 */
export function scrollIntoBar(bar: HTMLElement, item: HTMLElement): void {
  const b = bar.getBoundingClientRect();
  const r = item.getBoundingClientRect();
  if (r.left >= b.left && r.right <= b.right) return;
  const centred = bar.scrollLeft + (r.left - b.left) - (b.width - r.width) / 2;
  bar.scrollLeft = Math.max(0, Math.min(centred, bar.scrollWidth - bar.clientWidth));
}

function Tabs({ id }: { id: string }) {
  const { drafts } = useDrafts();
  const pending = Object.keys(drafts).length;
  const bar = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  // Which edges have more tabs past them: those fade out, so that a cut tab reads as "scroll for more".
  const [more, setMore] = useState({ left: false, right: false });
  const measure = useCallback(() => {
    const el = bar.current;
    if (!el) return;
    const left = el.scrollLeft > 1;
    const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
    setMore((m) => (m.left === left && m.right === right ? m : { left, right }));
  }, []);
  useEffect(() => {
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [measure]);
  // on load and on every change of tab
  useEffect(() => {
    void pathname;
    const active = bar.current?.querySelector<HTMLElement>('[aria-current="page"]');
    if (bar.current && active) scrollIntoBar(bar.current, active);
    measure();
  }, [pathname, measure]);
  const fade = `linear-gradient(to right, ${more.left ? 'transparent, black 2rem' : 'black'}, ${more.right ? 'black calc(100% - 2rem), transparent' : 'black'})`;
  return (
    <nav
      ref={bar}
      aria-label={t('compartment.sections')}
      className="flex gap-1 overflow-x-auto pb-1"
      onScroll={measure}
      style={more.left || more.right ? { maskImage: fade, WebkitMaskImage: fade } : undefined}
    >
      {TABS.map((tab) => (
        <NavLink key={tab.path} to={tabPath(id, tab.path)} end={tab.path === ''} className={tabClass}>
          {tab.path === 'plan' && pending > 0 ? t('compartment.planPending', { n: pending }) : tab.label()}
        </NavLink>
      ))}
    </nav>
  );
}

/** An address below the compartment that is no tab of it: say so, and link every tab. */
function NoSuchTab({ id }: { id: string }) {
  const tab = useParams()['*'] ?? '';
  return (
    <div role="alert" className="flex flex-col gap-2" data-testid="no-such-tab">
      <p>{t('compartment.noSuchTab', { tab })}</p>
      <ul className="flex list-disc flex-col gap-1 pl-6">
        {TABS.map((x) => (
          <li key={x.path}>
            <Link to={tabPath(id, x.path)} className="text-sky-800 underline dark:text-sky-300">
              {x.label()}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function CompartmentPage() {
  const id = useParams().id ?? '';
  const detail = useCompartment(id);
  const session = useSession();
  const [saving, setSaving] = useState(false);
  useLiveUnits(id);
  if (detail.error instanceof ApiError && detail.error.code === 'not_found') {
    return (
      <div className="flex flex-col gap-2">
        <h1 className="font-mono text-2xl font-semibold">{id}</h1>
        <ErrorBox error={detail.error} />
        <p>
          <Link to="/" className="text-sky-800 underline dark:text-sky-300">
            {t('notFound.back')}
          </Link>
        </p>
      </div>
    );
  }
  return (
    <DraftProvider compartment={id}>
      <div className="flex flex-col gap-4">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div>
            <h1 className="font-mono text-2xl font-semibold">{id}</h1>
            {detail.data?.description && (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">{detail.data.description}</p>
            )}
            <OriginLine id={id} />
          </div>
          {hasRole(session.data, 'admin') && !saving && (
            <Button onClick={() => setSaving(true)}>{t('saveTemplate.open')}</Button>
          )}
        </div>
        {saving && <SaveAsTemplate id={id} onClose={() => setSaving(false)} />}
        <Tabs id={id} />
        <Routes>
          <Route index element={<UnitsTab id={id} />} />
          <Route path="dependencies" element={<DependenciesTab id={id} />} />
          <Route path="edit" element={<EditTab id={id} />} />
          <Route path="plan" element={<PlanApplyTab id={id} />} />
          <Route path="logs" element={<LogsTab id={id} />} />
          <Route path="stats" element={<StatsTab id={id} />} />
          <Route path="terminal" element={<TerminalTab id={id} />} />
          <Route path="resources" element={<ResourcesTab id={id} />} />
          <Route path="images" element={<ImagesTab id={id} />} />
          <Route path="history" element={<HistoryTab id={id} />} />
          <Route path="backups" element={<BackupsTab id={id} />} />
          <Route
            path="routes"
            element={
              <div className="flex flex-col gap-4">
                <RoutesTab id={id} />
                <ConnectionsCard compartment={id} />
              </div>
            }
          />
          <Route path="*" element={<NoSuchTab id={id} />} />
        </Routes>
      </div>
    </DraftProvider>
  );
}
