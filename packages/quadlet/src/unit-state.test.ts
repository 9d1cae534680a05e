import { describe, expect, it } from 'vitest';
import {
  SYSTEMD_STATE_PAIRS as SYSTEMD_PAIRS,
  UNIT_STATE_COUNT,
  UNIT_STATE_TONE,
  UNIT_STATE_WORDS,
  unitStateText,
  unitStateWord,
} from './unit-state';

describe('unit state vocabulary', () => {
  it.each(SYSTEMD_PAIRS)('%s/%s reads as %s', (active, sub, word) => {
    expect(unitStateWord(active, sub)).toBe(word);
    expect(unitStateText({ activeState: active, subState: sub })).toBe(`${word} (${active}/${sub})`);
  });

  it('uses every word for some pair, and never says running for a oneshot unit that exited', () => {
    const used = new Set(SYSTEMD_PAIRS.map(([, , w]) => w));
    expect(UNIT_STATE_WORDS.filter((w) => w !== 'unknown' && !used.has(w))).toEqual([]);
    expect(unitStateWord('active', 'exited')).not.toBe('running');
  });

  it('reads an ActiveState without its SubState (a live event) by its usual word', () => {
    expect(unitStateText({ activeState: 'active', subState: '' })).toBe('running (active)');
    expect(unitStateText({ activeState: 'failed' })).toBe('failed (failed)');
    expect(unitStateText({ activeState: 'inactive', subState: '' })).toBe('stopped (inactive)');
  });

  it('says unknown when systemd could not be asked or answered something new', () => {
    expect(unitStateText(undefined)).toBe('unknown');
    expect(unitStateText({ activeState: 'unknown', subState: '' })).toBe('unknown (unknown)');
    expect(unitStateWord('teleporting', 'x')).toBe('unknown');
  });

  it('gives every word a tone and a count', () => {
    for (const w of UNIT_STATE_WORDS) {
      expect(UNIT_STATE_TONE[w]).toBeDefined();
      expect(UNIT_STATE_COUNT[w]).toBeDefined();
    }
    expect(UNIT_STATE_COUNT.done).toBe('stopped');
    expect(UNIT_STATE_TONE.failed).toBe('bad');
  });
});
