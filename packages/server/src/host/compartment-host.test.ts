import { describe, expect, it } from 'vitest';
import { HostCompartment } from './compartment-host.js';
import type { Exec } from './exec.js';
import type { QuadletGenerator } from './generator.js';
import { makeSession } from './session.js';
import type { UserSystemd } from './systemd.js';

const LinuxUser = 'qm-test' as Parameters<typeof makeSession>[0];

describe('HostCompartment', () => {
  it('unitStatuses: active units from one cheap call; the others, and all when that call fails, from show', async () => {
    const activity = (unit: string, activeState: string, subState: string) =>
      ({ unit, loadState: 'loaded', activeState, subState }) as never;
    const shown: string[][] = [];
    let busctl = true;
    const systemd = {
      activeStates: async (_s: unknown, units: string[]) =>
        busctl
          ? units.map((u) => (u === 'db.service' ? activity(u, 'failed', 'failed') : activity(u, 'active', 'running')))
          : undefined,
      unitStates: async (_s: unknown, units: string[]) => {
        shown.push(units);
        return units.map((unit) => ({
          unit,
          activeState: unit === 'db.service' ? 'failed' : 'active',
          subState: unit === 'db.service' ? 'failed' : 'running',
          result: unit === 'db.service' ? 'exit-code' : 'success',
        }));
      },
    };
    const host = new HostCompartment(makeSession(LinuxUser, 1000, '/nonexistent'), {
      exec: {} as Exec,
      systemd: systemd as unknown as UserSystemd,
      generator: {} as QuadletGenerator,
    });
    const expected = [
      { unit: 'web.service', activeState: 'active', subState: 'running', result: 'success' },
      { unit: 'db.service', activeState: 'failed', subState: 'failed', result: 'exit-code' },
    ];
    expect(await host.unitStatuses(['web.service', 'db.service'])).toEqual(expected);
    expect(shown).toEqual([['db.service']]);
    expect(await host.unitStatuses(['web.service'])).toEqual([expected[0]]);
    expect(shown).toHaveLength(1); // all active: no show
    busctl = false;
    expect(await host.unitStatuses(['web.service', 'db.service'])).toEqual(expected);
    expect(shown[1]).toEqual(['web.service', 'db.service']);
  });
});
