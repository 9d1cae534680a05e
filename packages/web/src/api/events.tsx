/**
 * Server-Sent Events: `useEventStream` opens an EventSource while mounted (the browser reconnects by itself),
 * and `useLiveUnits` folds `/api/events` unit events into the query cache, so that lists and counts change as
 * units change — no polling.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { url } from './client';
import { keys } from './queries';
import type { CompartmentDetail, LiveEvent } from './types';

export type StreamState = 'connecting' | 'open' | 'closed' | 'unavailable';

export function useEventStream(
  url: string | null,
  onMessage: (type: string, data: string) => void,
  eventTypes: readonly string[] = ['message'],
): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const types = eventTypes.join(',');
  useEffect(() => {
    if (!url || typeof EventSource === 'undefined') {
      setState('closed');
      return;
    }
    setState('connecting');
    const es = new EventSource(url, { withCredentials: true });
    let opened = false;
    es.onopen = () => {
      opened = true;
      setState('open');
    };
    es.onerror = () => {
      // Never opened: the route is not there (or refused us); stop instead of retrying forever.
      if (!opened) {
        es.close();
        setState('unavailable');
      } else setState(es.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    };
    const listeners = types.split(',').map((type) => {
      const l = (e: Event) => {
        // A connection failure is a plain Event on `error` too; only server-sent events carry data.
        if (!('data' in e)) return;
        handler.current(type, String((e as MessageEvent).data));
      };
      es.addEventListener(type, l as EventListener);
      return [type, l] as const;
    });
    return () => {
      for (const [type, l] of listeners) es.removeEventListener(type, l as EventListener);
      es.close();
    };
  }, [url, types]);
  return state;
}

/**
 * Folds one unit event into a compartment's detail (the unit's ActiveState and result). An event carries no
 * SubState: the old one stays only while the ActiveState does not change (a new ActiveState with the old
 * SubState would read as a pair systemd never reports, e.g. inactive/failed); the refetch brings the real one.
 */
export function applyUnitEvent(old: CompartmentDetail | undefined, ev: LiveEvent): CompartmentDetail | undefined {
  if (!old || ev.kind !== 'unit') return old;
  return {
    ...old,
    units: old.units.map((u) =>
      u.unit === ev.name
        ? {
            ...u,
            status: {
              unit: u.unit,
              activeState: ev.state,
              subState: u.status?.activeState === ev.state ? u.status.subState : '',
              result: ev.result ?? u.status?.result ?? '',
            },
          }
        : u,
    ),
  };
}

/** Keeps the compartment queries in step with `/api/events`. */
export function useLiveUnits(compartment?: string): StreamState {
  const qc = useQueryClient();
  return useEventStream(
    url('/api/events', {}, { compartment }),
    (type, data) => {
      if (type === 'reset') {
        // The server could not replay what was missed: read the state again.
        void qc.invalidateQueries({ queryKey: keys.compartments });
        return;
      }
      let ev: LiveEvent;
      try {
        ev = JSON.parse(data) as LiveEvent;
      } catch {
        return;
      }
      if (!ev.compartment) return;
      if (ev.kind === 'unit') {
        // at once from the event, then systemd's own ActiveState/SubState (the server reads them afresh after
        // a unit event; the event alone may say less: a stop job's "Stopped" of a unit that ended failed)
        qc.setQueryData<CompartmentDetail>(keys.compartment(ev.compartment), (old) => applyUnitEvent(old, ev));
      }
      void qc.invalidateQueries({ queryKey: keys.compartment(ev.compartment), exact: true });
      // The list's counts come from the server: refresh them when an event arrives (not on a timer).
      void qc.invalidateQueries({ queryKey: keys.compartments, exact: true });
    },
    ['message', 'reset'],
  );
}
