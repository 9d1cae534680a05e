/**
 * Journal logs of a compartment over SSE: its own units by default (not the rest of its user's manager), one
 * unit (`?unit=` opens on it), or every line of its user; since a time, following new lines or not, with a search
 * that filters what arrived. Opens loaded; the newest line is at the bottom, and the view stays there while
 * following unless scrolled up; long lines wrap.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { url as urlOf } from '../../api/client';
import { useEventStream } from '../../api/events';
import { useCompartment } from '../../api/queries';
import type { LogLine } from '../../api/types';
import { Button, inputClass, NotAvailable } from '../../components/ui';
import { t } from '../../i18n/t';

const MAX_LINES = 5000;
/** The unit choice for every line of the compartment's user (gpg-agent, dbus and Podman's own scopes too). */
const EVERYTHING = '*';

export function LogsTab({ id }: { id: string }) {
  const detail = useCompartment(id);
  const [params] = useSearchParams();
  const [unit, setUnit] = useState(params.get('unit') ?? '');
  const own = detail.data?.units.map((u) => u.unit).join(',');
  const [since, setSince] = useState('-1h');
  const [follow, setFollow] = useState(true);
  const [search, setSearch] = useState('');
  const [lines, setLines] = useState<LogLine[]>([]);
  const [started, setStarted] = useState(0);
  const [ended, setEnded] = useState<string | undefined>();
  const url =
    started > 0 && ended === undefined
      ? urlOf(
          '/api/compartments/{id}/logs',
          { id },
          {
            ...(unit === EVERYTHING ? {} : unit ? { unit } : own ? { units: own } : {}),
            since,
            follow: follow ? '1' : '0',
            lines: 500,
            n: started,
          },
        )
      : null;
  const state = useEventStream(
    url,
    (type, data) => {
      if (type === 'end' || type === 'error') {
        // Without follow the stream ends; an error event carries {code, message}. Stop either way.
        let message = t('logs.ended');
        try {
          const d = JSON.parse(data) as { message?: string };
          if (type === 'error' && d.message) message = d.message;
        } catch {}
        setEnded(message);
        return;
      }
      let line: LogLine;
      try {
        line = JSON.parse(data) as LogLine;
      } catch {
        return;
      }
      setLines((ls) => (ls.length >= MAX_LINES ? [...ls.slice(-MAX_LINES + 1), line] : [...ls, line]));
    },
    ['message', 'end', 'error'],
  );
  // open loaded, once the compartment's units are known
  useEffect(() => {
    if (started === 0 && detail.data) setStarted(1);
  }, [started, detail.data]);
  // the newest line is at the bottom: stay there while following, unless the reader scrolled up
  const view = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);
  const shown = useMemo(() => {
    const q = search.toLowerCase();
    return q ? lines.filter((l) => l.message.toLowerCase().includes(q)) : lines;
  }, [lines, search]);
  useLayoutEffect(() => {
    const el = view.current;
    if (el && atBottom.current && shown.length > 0) el.scrollTop = el.scrollHeight;
  }, [shown]);

  return (
    <div className="flex flex-col gap-3">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setLines([]);
          setEnded(undefined);
          setStarted((n) => n + 1);
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          {t('logs.unit')}
          <select className={inputClass} value={unit} onChange={(e) => setUnit(e.target.value)}>
            <option value="">{t('logs.ownUnits')}</option>
            <option value={EVERYTHING}>{t('logs.everything')}</option>
            {detail.data?.units.map((u) => (
              <option key={u.unit} value={u.unit}>
                {u.unit}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          {t('logs.since')}
          <input className={inputClass} value={since} onChange={(e) => setSince(e.target.value)} size={10} />
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          {t('logs.follow')}
        </label>
        <Button type="submit" variant="primary">
          {started > 0 ? t('logs.restart') : t('logs.show')}
        </Button>
        <label className="flex flex-1 flex-col gap-1 text-sm">
          {t('logs.search')}
          <input className={inputClass} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </form>
      {state === 'unavailable' && url ? (
        <NotAvailable what={t('compartment.logs')} />
      ) : (
        <>
          <p className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
            {started === 0 ? t('logs.hint') : (ended ?? t(`live.${state}`))}
            {search && ` · ${t('logs.matching', { n: shown.length, total: lines.length })}`}
          </p>
          <pre
            ref={view}
            onScroll={(e) => {
              const el = e.currentTarget;
              atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
            }}
            className="max-h-[60vh] overflow-auto whitespace-pre-wrap break-words rounded-md bg-zinc-950 p-2 text-xs text-zinc-100"
            role="log"
            aria-label={t('compartment.logs')}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
            tabIndex={0}
          >
            {shown.map((l, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no identity
              <div key={i}>
                <span className="text-zinc-400">{l.time} </span>
                <span className="text-sky-300">{l.identifier || l.unit} </span>
                {l.message}
              </div>
            ))}
          </pre>
        </>
      )}
    </div>
  );
}
