/**
 * How unit states are shown: the words of @quadletman/quadlet's unit-state (the CLI prints the same), each with
 * its tone; a compartment's containers counted as running / failed / changing / stopped, its other units apart.
 */
import {
  isContainerSource,
  UNIT_STATE_COUNT,
  UNIT_STATE_TONE,
  type UnitStateTone,
  type UnitStateWord,
  unitStateWord,
} from '@quadletman/quadlet';

export { isContainerSource, systemdStateText, type UnitStateWord, unitStateWord } from '@quadletman/quadlet';

/** How a badge looks: good, bad, neutral, in progress. */
export type Tone = UnitStateTone;

export const TONE_OF: Readonly<Record<UnitStateWord, Tone>> = UNIT_STATE_TONE;

/** The word of a unit's status (`unknown` without one). */
export const wordOf = (status: { activeState: string; subState?: string } | undefined): UnitStateWord =>
  unitStateWord(status?.activeState, status?.subState);

export interface Counts {
  /** Containers (units of `.container` files) by how they count. */
  running: number;
  failed: number;
  changing: number;
  stopped: number;
  /** Every other unit (pods, networks, volumes, images, builds, timers…): how many, and how many failed. */
  other: number;
  otherFailed: number;
}

type WordCounts = Partial<Record<UnitStateWord, number>>;

/** A compartment summary's counts: its containers by state, its other units apart (only their failures count). */
export function countsOf(s: { containerStates?: WordCounts; otherStates?: WordCounts }): Counts {
  const c: Counts = { running: 0, failed: 0, changing: 0, stopped: 0, other: 0, otherFailed: 0 };
  for (const [word, n] of Object.entries(s.containerStates ?? {}) as [UnitStateWord, number | undefined][]) {
    c[UNIT_STATE_COUNT[word] ?? 'stopped'] += n ?? 0;
  }
  for (const [word, n] of Object.entries(s.otherStates ?? {}) as [UnitStateWord, number | undefined][]) {
    c.other += n ?? 0;
    if (word === 'failed') c.otherFailed += n ?? 0;
  }
  return c;
}

/** Whether a unit is a container that runs (the terminal opens into those). */
export const isRunningContainer = (u: { source: string; status?: { activeState: string; subState?: string } }) =>
  isContainerSource(u.source) && UNIT_STATE_COUNT[wordOf(u.status)] === 'running';

/** Problems first: most failed units (containers or others), then most stopped containers, then by name. */
export function byProblems<T extends { id: string; counts: Counts }>(list: readonly T[]): T[] {
  const failed = (c: Counts) => c.failed + c.otherFailed;
  return [...list].sort(
    (a, b) => failed(b.counts) - failed(a.counts) || b.counts.stopped - a.counts.stopped || a.id.localeCompare(b.id),
  );
}
