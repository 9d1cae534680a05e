import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { fakeApi } from '../test-support/fake-api';
import { applyUnitEvent, useLiveUnits } from './events';
import { keys } from './queries';
import type { CompartmentDetail } from './types';

const detail: CompartmentDetail = {
  id: 'blog',
  description: '',
  podmanVersion: null,
  createdAt: '',
  updatedAt: '',
  history: [],
  units: [
    {
      unit: 'web.service',
      source: 'web.container',
      status: { unit: 'web.service', activeState: 'active', subState: 'running', result: 'success' },
    },
    { unit: 'db.service', source: 'db.container' },
  ],
};

describe('applyUnitEvent', () => {
  it('sets the state of the unit the event names, and only that one', () => {
    const out = applyUnitEvent(detail, {
      compartment: 'blog',
      kind: 'unit',
      name: 'web.service',
      state: 'failed',
      result: 'exit-code',
      at: '2026-11-23T08:00:00Z',
    });
    expect(out?.units[0]?.status).toEqual({
      unit: 'web.service',
      activeState: 'failed',
      subState: '', // the event has none; the old one (running) belongs to another ActiveState
      result: 'exit-code',
    });
    expect(out?.units[1]).toBe(detail.units[1]);
  });

  it('keeps the SubState while the ActiveState stays the same', () => {
    const out = applyUnitEvent(detail, {
      compartment: 'blog',
      kind: 'unit',
      name: 'web.service',
      state: 'active',
      at: '2026-11-23T08:00:00Z',
    });
    expect(out?.units[0]?.status?.subState).toBe('running');
  });

  it('ignores container events and unknown compartments', () => {
    const ev = { compartment: 'blog', kind: 'container' as const, name: 'web', state: 'died', at: '' };
    expect(applyUnitEvent(detail, ev)).toBe(detail);
    expect(applyUnitEvent(undefined, { ...ev, kind: 'unit', state: 'active' })).toBeUndefined();
  });
});

describe('useLiveUnits', () => {
  class FakeEventSource {
    static last: FakeEventSource | undefined;
    static readonly CLOSED = 2;
    readyState = 1;
    onopen: (() => void) | null = null;
    onerror: (() => void) | null = null;
    private readonly listeners = new Map<string, ((e: MessageEvent) => void)[]>();
    constructor() {
      FakeEventSource.last = this;
    }
    addEventListener(type: string, l: (e: MessageEvent) => void) {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
    }
    removeEventListener() {}
    close() {}
    emit(data: unknown) {
      for (const l of this.listeners.get('message') ?? [])
        l(new MessageEvent('message', { data: JSON.stringify(data) }));
    }
  }

  afterEach(() => vi.unstubAllGlobals());

  it('shows a unit event at once, and has the detail and the list read again (the real SubState, the counts)', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    fakeApi((c) =>
      c.path === '/api/compartments/blog'
        ? [200, detail]
        : c.path === '/api/compartments'
          ? [200, { compartments: [] }]
          : undefined,
    );
    const qc = makeQueryClient();
    qc.setQueryData(keys.compartment('blog'), detail);
    qc.setQueryData(keys.compartments, []);
    renderHook(() => useLiveUnits(), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <QueryClientProvider client={qc}>{children}</QueryClientProvider>
      ),
    });
    act(() =>
      FakeEventSource.last!.emit({
        compartment: 'blog',
        kind: 'unit',
        name: 'web.service',
        state: 'inactive',
        result: 'success',
        at: '2026-11-23T08:00:00Z',
      }),
    );
    expect(qc.getQueryData<CompartmentDetail>(keys.compartment('blog'))?.units[0]?.status).toMatchObject({
      activeState: 'inactive',
      subState: '',
    });
    // (with nobody showing them here they are marked stale; a page that shows them reads them at once)
    expect(qc.getQueryState(keys.compartment('blog'))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.compartments)?.isInvalidated).toBe(true);
  });
});
