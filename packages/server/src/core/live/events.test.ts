import { describe, expect, it } from 'vitest';
import { parseCompartmentId } from '../ids.js';
import { exitStatusOf, fromPodmanEvent, fromUnitMessage, type RawPodmanEvent, UNIT_MESSAGE_IDS } from './events.js';

const C = parseCompartmentId('web');
const at = new Date('2026-11-23T07:00:00.123Z');
const pe = (status: string, extra: Partial<RawPodmanEvent> = {}): RawPodmanEvent => ({
  type: 'container',
  status,
  name: 'web',
  exitCode: undefined,
  health: undefined,
  time: at,
  attributes: { PODMAN_SYSTEMD_UNIT: 'web.service' },
  ...extra,
});

describe('fromPodmanEvent', () => {
  it.each([
    ['create', 'created'],
    ['init', 'initialized'],
    ['start', 'started'],
    ['died', 'died'],
    ['kill', 'killed'],
    ['stop', 'stopped'],
    ['remove', 'removed'],
    ['pause', 'paused'],
    ['unpause', 'unpaused'],
    ['restart', 'restarted'],
    ['oom', 'oom'],
  ])('%s → %s', (status, state) => {
    expect(fromPodmanEvent(C, pe(status))).toMatchObject({ compartment: 'web', kind: 'container', name: 'web', state });
  });

  it('keeps the exit code on died only, with the unit and the event time', () => {
    expect(fromPodmanEvent(C, pe('died', { exitCode: 137 }))).toEqual({
      compartment: 'web',
      kind: 'container',
      name: 'web',
      state: 'died',
      exitCode: 137,
      unit: 'web.service',
      at: '2026-11-23T07:00:00.123Z',
    });
    expect(fromPodmanEvent(C, pe('remove', { exitCode: 137 }))).not.toHaveProperty('exitCode');
  });

  it('maps health status events', () => {
    expect(fromPodmanEvent(C, pe('health_status', { health: 'unhealthy' }))?.state).toBe('unhealthy');
    expect(fromPodmanEvent(C, pe('health_status', { health: 'healthy' }))?.state).toBe('healthy');
    expect(fromPodmanEvent(C, pe('health_status', { health: 'starting' }))?.state).toBe('health-starting');
    expect(fromPodmanEvent(C, pe('health_status', { health: 'weird' }))).toBeUndefined();
  });

  it('drops events nobody watches and non-container events', () => {
    for (const s of ['exec', 'exec_died', 'attach', 'cleanup', 'mount', 'unmount', 'sync', '']) {
      expect(fromPodmanEvent(C, pe(s))).toBeUndefined();
    }
    expect(fromPodmanEvent(C, pe('remove', { type: 'image' }))).toBeUndefined();
    expect(fromPodmanEvent(C, pe('start', { name: '' }))).toBeUndefined();
  });
});

describe('fromUnitMessage', () => {
  const m = (messageId: string, extra = {}) => ({ messageId, unit: 'web.service', time: at, ...extra });
  const ids = UNIT_MESSAGE_IDS;

  it('maps the manager catalog messages to ActiveState', () => {
    expect(fromUnitMessage(C, m(ids.starting))?.state).toBe('activating');
    expect(fromUnitMessage(C, m(ids.started, { jobType: 'start', jobResult: 'done' }))?.state).toBe('active');
    expect(fromUnitMessage(C, m(ids.started, { jobType: 'start', jobResult: 'failed' }))?.state).toBe('failed');
    expect(fromUnitMessage(C, m(ids.stopping))?.state).toBe('deactivating');
    expect(fromUnitMessage(C, m(ids.stopped))).toMatchObject({ state: 'inactive', result: 'success' });
    expect(fromUnitMessage(C, m(ids.success))?.state).toBe('inactive');
    expect(fromUnitMessage(C, m(ids.reloading))?.state).toBe('reloading');
    expect(fromUnitMessage(C, m(ids.reloaded))?.state).toBe('active');
    expect(fromUnitMessage(C, m(ids.restartScheduled))?.state).toBe('activating');
    expect(fromUnitMessage(C, m('0123456789abcdef0123456789abcdef'))).toBeUndefined();
    expect(fromUnitMessage(C, { ...m(ids.starting), unit: '' })).toBeUndefined();
  });

  it('reports a failure with its result and the exit status the main process reported before', () => {
    const exit = m(ids.processExit, { exitCode: 'exited', exitStatus: '137', command: 'ExecStart' });
    const code = exitStatusOf(exit);
    expect(code).toBe(137);
    expect(fromUnitMessage(C, m(ids.failureResult, { unitResult: 'exit-code' }), code)).toEqual({
      compartment: 'web',
      kind: 'unit',
      name: 'web.service',
      state: 'failed',
      result: 'exit-code',
      exitCode: 137,
      at: '2026-11-23T07:00:00.123Z',
    });
    expect(fromUnitMessage(C, m(ids.failureResult, { unitResult: 'made-up' }))?.result).toBe('unknown');
  });

  it('reports the main process’s exit as deactivating with its status; other processes are not the unit’s state', () => {
    const exit = m(ids.processExit, { exitCode: 'exited', exitStatus: '137', command: 'ExecStart' });
    expect(fromUnitMessage(C, exit)).toMatchObject({ state: 'deactivating', exitCode: 137 });
    expect(fromUnitMessage(C, m(ids.processExit, { exitCode: 'killed', exitStatus: 'KILL' }))).not.toHaveProperty(
      'exitCode',
    );
    expect(fromUnitMessage(C, m(ids.processExit, { exitStatus: '0', command: 'ExecStopPost' }))).toBeUndefined();
  });

  it('takes exit statuses of the main process only, and numeric ones only', () => {
    expect(exitStatusOf(m(ids.processExit, { exitStatus: '0', command: 'ExecStopPost' }))).toBeUndefined();
    expect(exitStatusOf(m(ids.processExit, { exitCode: 'killed', exitStatus: 'KILL' }))).toBeUndefined();
    expect(exitStatusOf(m(ids.processExit, { exitStatus: '1' }))).toBe(1);
    expect(exitStatusOf(m(ids.failureResult, { exitStatus: '1' }))).toBeUndefined();
  });
});
