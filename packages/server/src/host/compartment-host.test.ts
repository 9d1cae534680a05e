import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostCompartment } from './compartment-host.js';
import type { QuadletGenerator } from './generator.js';
import { makeSession } from './session.js';
import type { UserSystemd } from './systemd.js';

const LinuxUser = 'qm-test' as Parameters<typeof makeSession>[0];

describe('HostCompartment', () => {
  let home: string | undefined;
  afterEach(async () => {
    if (home) await fsp.rm(home, { recursive: true, force: true });
  });

  it("removes dry-run staging folders of dead processes (a crash's leftovers), not those of live ones", async () => {
    home = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-ch-'));
    const staging = path.join(home, '.cache/quadletman');
    const dead = 'dryrun-2147483646-abc';
    const mine = `dryrun-${process.pid}-def`;
    const other = 'not-a-dryrun';
    for (const d of [dead, mine, other]) await fsp.mkdir(path.join(staging, d), { recursive: true });
    await fsp.writeFile(path.join(staging, dead, 'web.container'), '[Container]\n');
    const generator = { dryRun: async () => ({ verdicts: [], units: {}, otherMessages: [], exitCode: 0 }) };
    const host = new HostCompartment(makeSession(LinuxUser, 1000, home), {
      systemd: {} as UserSystemd,
      generator: generator as unknown as QuadletGenerator,
    });
    expect(await host.dryRun(new Map([['web.container', '[Container]\nImage=x\n']]))).toEqual([]);
    expect((await fsp.readdir(staging)).sort()).toEqual([mine, other].sort());
  });

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
