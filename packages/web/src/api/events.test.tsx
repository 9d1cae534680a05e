import { describe, expect, it } from 'vitest';
import { applyUnitEvent } from './events';
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
