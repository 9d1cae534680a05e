/**
 * The CLI writes unit states in the words the web UI shows (@quadletman/quadlet's unit-state): the word, then
 * systemd's ActiveState/SubState in parentheses — for every pair systemd reports.
 */
import { SYSTEMD_STATE_PAIRS } from '@quadletman/quadlet';
import { describe, expect, it } from 'vitest';
import type { ApplyResult } from '../core/apply/engine.js';
import { applyText } from './apply-output.js';
import { unitsText } from './commands/compartments.js';

const status = (unit: string, activeState: string, subState: string) => ({ unit, activeState, subState, result: '' });

describe('unit states in the CLI', () => {
  it('shows a compartment: a running container, a network that ran (done), a failed container, one unknown', () => {
    const text = unitsText([
      { unit: 'web.service', source: 'web.container', status: status('web.service', 'active', 'running') },
      { unit: 'net-network.service', source: 'net.network', status: status('net-network.service', 'active', 'exited') },
      { unit: 'db.service', source: 'db.container', status: status('db.service', 'failed', 'failed') },
      { unit: 'job.service', source: 'job.container' },
    ]);
    expect(text.split('\n').map((l) => l.trimEnd())).toEqual([
      'UNIT                 FROM           STATE',
      'web.service          web.container  running (active/running)',
      'net-network.service  net.network    done (active/exited)',
      'db.service           db.container   failed (failed/failed)',
      'job.service          job.container  unknown',
    ]);
  });

  it.each(SYSTEMD_STATE_PAIRS)('writes %s/%s as "%s (%s/%s)" after an apply', (activeState, subState, word) => {
    const r = {
      message: 'Applied revision 2.',
      diagnostics: [],
      dryRun: [],
      units: [status('u.service', activeState, subState)],
    };
    expect(applyText(r as unknown as ApplyResult).split('\n')).toEqual([
      'Applied revision 2.',
      `  u.service: ${word} (${activeState}/${subState})`,
    ]);
  });
});
