import { SYSTEMD_STATE_PAIRS, UNIT_STATE_WORDS, unitStateText } from '@quadletman/quadlet';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { fi } from '../i18n/fi';
import { t } from '../i18n/t';
import { byProblems, type Counts, countsOf, isRunningContainer, systemdStateText, wordOf } from './states';

describe('the unit state vocabulary of the web UI', () => {
  it('has each word in English as the word itself, and in Finnish', () => {
    for (const w of UNIT_STATE_WORDS) {
      expect(en[`state.${w}` as keyof typeof en]).toBe(w);
      expect(fi[`state.${w}` as keyof typeof fi]).toBeTruthy();
    }
  });

  it.each(SYSTEMD_STATE_PAIRS)('shows %s/%s as the CLI prints it', (activeState, subState) => {
    const status = { activeState, subState };
    // how Units.tsx writes a badge: the translated word, then systemd's pair
    const shown = `${t(`state.${wordOf(status)}` as 'state.running')} ${systemdStateText(activeState, subState)}`;
    expect(shown).toBe(unitStateText(status));
  });
});

describe('dashboard counts', () => {
  it('counts a running container and not the network unit that ran (active/exited) as a container', () => {
    expect(countsOf({ containerStates: { running: 1 }, otherStates: { done: 1 } })).toEqual({
      running: 1,
      failed: 0,
      changing: 0,
      stopped: 0,
      other: 1,
      otherFailed: 0,
    });
  });

  it('folds container words into running / failed / changing / stopped, and flags failed other units', () => {
    expect(
      countsOf({
        containerStates: { running: 2, reloading: 1, failed: 1, stopped: 2, done: 1, unknown: 1, starting: 1 },
        otherStates: { done: 3, failed: 1, running: 1 },
      }),
    ).toEqual({ running: 3, failed: 1, changing: 1, stopped: 4, other: 5, otherFailed: 1 });
    expect(countsOf({})).toMatchObject({ running: 0, other: 0 });
  });

  it('puts problems first: failed containers or other units, then stopped containers', () => {
    const c = (id: string, failed: number, stopped: number, otherFailed = 0) => ({
      id,
      counts: { running: 1, failed, stopped, changing: 0, other: 0, otherFailed } satisfies Counts,
    });
    expect(
      byProblems([c('a', 0, 0), c('b', 0, 2), c('c', 1, 0), c('d', 3, 0), c('e', 0, 0, 2)]).map((x) => x.id),
    ).toEqual(['d', 'e', 'c', 'b', 'a']);
  });

  it('opens a terminal only into a container that runs', () => {
    const u = (source: string, activeState: string, subState: string) => ({
      source,
      status: { activeState, subState },
    });
    expect(isRunningContainer(u('web.container', 'active', 'running'))).toBe(true);
    expect(isRunningContainer(u('net.network', 'active', 'exited'))).toBe(false);
    expect(isRunningContainer(u('web.container', 'failed', 'failed'))).toBe(false);
    expect(isRunningContainer({ source: 'web.container' })).toBe(false);
  });
});
