/**
 * A compartment's Stats tab: CPU, memory and PIDs of its running containers, sampled every few seconds while the
 * tab is shown, with the last samples kept in this page (not on the server) and drawn as a small line per
 * container. Where the host's cgroups give no memory or pids numbers the cell says so: never a 0 that is not one.
 */
import { type ReactNode, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { STATS_INTERVAL_MS, useStats } from '../../api/queries';
import type { ContainerStats, Stats } from '../../api/types';
import { Card, ErrorBox, isUnavailable, NotAvailable, Spinner } from '../../components/ui';
import { dateTime, t } from '../../i18n/t';
import { formatBytes } from './Resources';

/** How many samples each container's history keeps (at one every 5 s, the last two and a half minutes). */
export const HISTORY_LENGTH = 30;

export interface Sample {
  at: string;
  cpu: number;
  memory: number | null;
}
/** The last samples of each running container, by container name (a restarted container keeps its history). */
export type History = Readonly<Record<string, readonly Sample[]>>;

/**
 * The history with one more sample: each container's list grows by one and keeps its last `keep`; a container
 * that no longer runs is forgotten; the same sample seen twice (a re-render) is added once.
 */
export function addSample(history: History, stats: Stats, keep = HISTORY_LENGTH): History {
  const next: Record<string, readonly Sample[]> = {};
  for (const c of stats.containers) {
    const before = history[c.name] ?? [];
    if (before.at(-1)?.at === stats.at) {
      next[c.name] = before;
      continue;
    }
    next[c.name] = [...before, { at: stats.at, cpu: c.cpuPercent, memory: c.memoryBytes }].slice(-keep);
  }
  return next;
}

export const percent = (v: number): string => `${v.toFixed(1)} %`;

/** "min … max … now …" of a series, for a sparkline's accessible name. */
export function summary(values: readonly number[], format: (v: number) => string) {
  return {
    min: format(Math.min(...values)),
    max: format(Math.max(...values)),
    now: format(values.at(-1) ?? 0),
    n: values.length,
  };
}

/**
 * A small line of a series of values (at least one), from 0 at the bottom to the highest value at the top;
 * `label` is its accessible name (the numbers, for whoever cannot see the line).
 */
export function Sparkline({
  values,
  label,
  width = 64,
  height = 20,
}: {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
}) {
  const top = Math.max(...values, 0) || 1;
  const pad = 2;
  const y = (v: number) => (pad + (height - 2 * pad) * (1 - v / top)).toFixed(1);
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const points =
    values.length === 1
      ? `${pad},${y(values[0]!)} ${width - pad},${y(values[0]!)}`
      : values.map((v, i) => `${(pad + i * step).toFixed(1)},${y(v)}`).join(' ');
  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className="shrink-0 text-sky-700 dark:text-sky-400"
    >
      <title>{label}</title>
      <polyline
        points={points}
        fill="none"
        stroke="currentColor"
        strokeWidth={1.5}
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}

const th = 'px-1.5 py-1 text-left font-medium sm:px-2';
const td = 'px-1.5 py-1 align-middle sm:px-2';
/** A number and its line: side by side, stacked on a phone (the table stays narrow). */
const cell = 'flex flex-col items-start gap-1 sm:flex-row sm:items-center sm:gap-2';

/** A number the host does not give (null): said in words, not shown as 0. */
const NotHere = () => <span className="text-zinc-600 italic dark:text-zinc-400">{t('stats.notHere')}</span>;

/** A quantity that does not break between its number and its unit. */
const bytes = (n: number | null) => formatBytes(n).replace(' ', '\u00a0');

function memoryText(c: ContainerStats): string {
  const used = bytes(c.memoryBytes);
  return c.memoryLimitBytes ? t('stats.memoryOf', { used, limit: bytes(c.memoryLimitBytes) }) : used;
}

function Row({ c, samples }: { c: ContainerStats; samples: readonly Sample[] }) {
  const cpu = samples.map((s) => s.cpu);
  const memory = samples.flatMap((s) => (s.memory === null ? [] : [s.memory]));
  return (
    <tr className="border-t border-zinc-200 dark:border-zinc-800">
      <th scope="row" className={`${td} text-left font-mono font-normal [overflow-wrap:anywhere]`}>
        {c.name}
      </th>
      <td className={td}>
        <div className={cell}>
          <span className="whitespace-nowrap tabular-nums sm:w-16 sm:text-right">{percent(c.cpuPercent)}</span>
          {cpu.length > 0 && (
            <Sparkline values={cpu} label={t('stats.cpuTrend', { name: c.name, ...summary(cpu, percent) })} />
          )}
        </div>
      </td>
      <td className={td}>
        {c.memoryBytes === null ? (
          <NotHere />
        ) : (
          <div className={cell}>
            <span className="tabular-nums">{memoryText(c)}</span>
            {memory.length > 0 && (
              <Sparkline
                values={memory}
                label={t('stats.memoryTrend', { name: c.name, ...summary(memory, formatBytes) })}
              />
            )}
          </div>
        )}
      </td>
      <td className={`${td} tabular-nums`}>{c.pids === null ? <NotHere /> : c.pids}</td>
    </tr>
  );
}

function StatsTable({ stats, history }: { stats: Stats; history: History }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">{t('stats.caption')}</caption>
        <thead>
          <tr>
            <th scope="col" className={th}>
              {t('stats.container')}
            </th>
            <th scope="col" className={th}>
              {t('stats.cpu')}
            </th>
            <th scope="col" className={th}>
              {t('stats.memory')}
            </th>
            <th scope="col" className={th}>
              {t('stats.pids')}
            </th>
          </tr>
        </thead>
        <tbody>
          {stats.containers.map((c) => (
            <Row key={c.name} c={c} samples={history[c.name] ?? []} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function StatsTab({ id }: { id: string }) {
  const stats = useStats(id);
  const [history, setHistory] = useState<History>({});
  useEffect(() => {
    if (stats.data) setHistory((h) => addSample(h, stats.data));
  }, [stats.data]);

  let body: ReactNode;
  if (stats.data === undefined) {
    if (stats.isError)
      body = isUnavailable(stats.error) ? <NotAvailable what={t('stats.title')} /> : <ErrorBox error={stats.error} />;
    else body = <Spinner />;
  } else if (stats.data.containers.length === 0) {
    body = (
      <div role="status" className="flex flex-col gap-1 text-sm">
        <p>{t('stats.empty')}</p>
        <p>
          <Link to={`/c/${encodeURIComponent(id)}`} className="text-sky-800 underline dark:text-sky-300">
            {t('stats.toUnits')}
          </Link>
        </p>
      </div>
    );
  } else {
    const d = stats.data;
    const missing = !d.memoryAvailable || d.containers.some((c) => c.memoryBytes === null || c.pids === null);
    body = (
      <div className="flex flex-col gap-3">
        {/* a later sample failed: the last good one stays, with the error above it */}
        {stats.isError && <ErrorBox error={stats.error} />}
        <StatsTable stats={d} history={history} />
        {missing && <p className="text-sm text-zinc-600 dark:text-zinc-400">{t('stats.notHereWhy')}</p>}
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {t('stats.sampled', { at: dateTime(d.at), s: STATS_INTERVAL_MS / 1000, n: HISTORY_LENGTH })}
        </p>
      </div>
    );
  }
  return <Card title={t('stats.title')}>{body}</Card>;
}
