/**
 * How unit states are shown: systemd's ActiveState folded into running / failed / stopped / changing.
 */
/** How a badge looks: good, bad, neutral, in progress. */
export type Tone = 'ok' | 'bad' | 'idle' | 'busy';

export type UnitBucket = 'running' | 'failed' | 'stopped' | 'changing';

export function bucketOf(activeState: string | undefined): UnitBucket {
  switch (activeState) {
    case 'active':
    case 'reloading':
      return 'running';
    case 'failed':
      return 'failed';
    case 'activating':
    case 'deactivating':
    case 'maintenance':
      return 'changing';
    default:
      return 'stopped';
  }
}

export const TONE_OF: Record<UnitBucket, Tone> = { running: 'ok', failed: 'bad', stopped: 'idle', changing: 'busy' };

/** Running / failed / stopped counts from a compartment summary's ActiveState counts. */
export function countsOf(states: Partial<Record<string, number>>): Counts {
  const c: Counts = { running: 0, failed: 0, stopped: 0 };
  for (const [state, n] of Object.entries(states)) {
    const b = bucketOf(state);
    if (b === 'running') c.running += n ?? 0;
    else if (b === 'failed') c.failed += n ?? 0;
    else c.stopped += n ?? 0;
  }
  return c;
}

export interface Counts {
  running: number;
  failed: number;
  stopped: number;
}

/** Problems first: most failed units, then most stopped, then by name. */
export function byProblems<T extends { id: string; counts: Counts }>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) => b.counts.failed - a.counts.failed || b.counts.stopped - a.counts.stopped || a.id.localeCompare(b.id),
  );
}
