// The live routes' journal port: a compartment's log lines, read or followed, through journal.ts (journalctl
// as root, filtered to the compartment's UID; follow pins the boot id). Changes nothing on the machine.

import type { CompartmentId, UnitName } from '../core/ids.js';
import type { LogFollow, LogLine, LogQuery, LogsPort } from '../core/live/ports.js';
import type { Journal, JournalEntry, JournalQuery } from './journal.js';
import type { CompartmentSession } from './session.js';

export function toLogLine(e: JournalEntry): LogLine {
  const line: LogLine = {
    cursor: e.cursor,
    time: e.time.toISOString(),
    priority: e.priority,
    unit: e.unit,
    identifier: e.identifier,
    message: e.message,
  };
  if (e.pid !== undefined) line.pid = e.pid;
  return line;
}

/** The unit, or the units, a query asks for (undefined: every line of the compartment's user). */
const unitsOf = (q: LogQuery): UnitName | UnitName[] | undefined =>
  q.unit !== undefined ? (q.unit as UnitName) : q.units?.length ? (q.units as UnitName[]) : undefined;

function query(q: LogQuery): JournalQuery {
  const jq: JournalQuery = { lines: q.lines };
  if (q.since !== undefined) jq.since = q.since;
  if (q.afterCursor !== undefined) {
    jq.afterCursor = q.afterCursor;
    // with a cursor journalctl starts after it; --lines then only caps how much of the backlog comes
    jq.lines = Math.max(q.lines, 1000);
  }
  return jq;
}

export function journalLogs(deps: {
  journal: Pick<Journal, 'read' | 'follow'>;
  sessionFor(id: CompartmentId): Promise<CompartmentSession>;
}): LogsPort {
  return {
    async read(compartment, q) {
      const s = await deps.sessionFor(compartment);
      const entries = await deps.journal.read(s, unitsOf(q), query(q));
      return entries.map(toLogLine);
    },
    follow(compartment, q): LogFollow {
      let stopped = false;
      let inner: { stop(): Promise<unknown> } | undefined;
      const lines: AsyncIterable<LogLine> = {
        async *[Symbol.asyncIterator]() {
          const s = await deps.sessionFor(compartment);
          if (stopped) return;
          const f = deps.journal.follow(s, unitsOf(q), query(q));
          inner = f;
          for await (const e of f.entries) yield toLogLine(e);
        },
      };
      return {
        lines,
        stop: async () => {
          stopped = true;
          return inner?.stop();
        },
      };
    },
  };
}
