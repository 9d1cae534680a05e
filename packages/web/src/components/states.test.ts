import { describe, expect, it } from 'vitest';
import { byProblems, countsOf } from './states';

describe('dashboard order and counts', () => {
  it('folds ActiveStates into running / failed / stopped', () => {
    expect(countsOf({ active: 2, reloading: 1, failed: 1, inactive: 3, activating: 1, unknown: 1 })).toEqual({
      running: 3,
      failed: 1,
      stopped: 5,
    });
  });

  it('puts problems first', () => {
    const c = (id: string, failed: number, stopped: number) => ({ id, counts: { running: 1, failed, stopped } });
    expect(byProblems([c('a', 0, 0), c('b', 0, 2), c('c', 1, 0), c('d', 3, 0)]).map((x) => x.id)).toEqual([
      'd',
      'c',
      'b',
      'a',
    ]);
  });
});
