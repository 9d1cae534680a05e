/**
 * Server-Sent Events: `useEventStream` opens an EventSource while mounted (the browser reconnects by itself),
 * and `useLiveUnits` folds `/api/events` unit events into the query cache, so that lists and counts change as
 * units change — no polling.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { keys } from './queries';
import { routes } from './routes';
import type { CompartmentDetail, UnitEvent } from './types';

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
      const l = (e: MessageEvent) => handler.current(type, String(e.data));
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

/** Keeps the compartment queries in step with `/api/events`. */
export function useLiveUnits(): StreamState {
  const qc = useQueryClient();
  return useEventStream(
    routes.events,
    (_type, data) => {
      let ev: UnitEvent;
      try {
        ev = JSON.parse(data) as UnitEvent;
      } catch {
        return;
      }
      if (!ev.compartment || !ev.unit) return;
      qc.setQueryData<CompartmentDetail>(keys.compartment(ev.compartment), (old) =>
        old
          ? {
              ...old,
              units: old.units.map((u) =>
                u.unit === ev.unit
                  ? {
                      ...u,
                      status: {
                        unit: u.unit,
                        activeState: ev.activeState,
                        subState: ev.subState,
                        result: ev.result ?? u.status?.result ?? '',
                      },
                    }
                  : u,
              ),
            }
          : old,
      );
      // The list's counts come from the server: refresh them once the event arrived (not on a timer).
      void qc.invalidateQueries({ queryKey: keys.compartments, exact: true });
    },
    ['message', 'unit'],
  );
}
