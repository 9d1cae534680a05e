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

export interface Counts {
  running: number;
  failed: number;
  stopped: number;
}

/** Problems first: most failed units, then most stopped, then by name. */
export function byProblems<T extends { id: string; counts?: Counts }>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) =>
      (b.counts?.failed ?? 0) - (a.counts?.failed ?? 0) ||
      (b.counts?.stopped ?? 0) - (a.counts?.stopped ?? 0) ||
      a.id.localeCompare(b.id),
  );
}
