import { describe, expect, it } from 'vitest';
import { CommandError } from '../core/errors.js';
import { parseLinuxUser, parseUnitName, type UnitName } from '../core/ids.js';
import { FakeExec } from './fake-exec.js';
import { makeSession } from './session.js';
import { parseListUnitsByNames, parseShow, parseSystemdTimestamp, UserSystemd } from './systemd.js';

const SHOW = `MainPID=24
Result=success
NRestarts=0
ExecMainCode=0
ExecMainStatus=0
Id=web.service
Description=qmt web
LoadState=loaded
ActiveState=active
SubState=running
FragmentPath=/run/user/996/systemd/generator/web.service
SourcePath=/var/lib/quadletman/home/qm-a/.config/containers/systemd/web.container
UnitFileState=generated
StateChangeTimestamp=Mon 2026-11-23 07:06:49.901623 UTC
ActiveEnterTimestamp=Mon 2026-11-23 07:06:49.901623 UTC
InactiveEnterTimestamp=

MainPID=0
Result=exit-code
NRestarts=2
ExecMainCode=1
ExecMainStatus=137
Id=db.service
Description=db
LoadState=loaded
ActiveState=failed
SubState=failed
FragmentPath=
SourcePath=
UnitFileState=
StateChangeTimestamp=
ActiveEnterTimestamp=
InactiveEnterTimestamp=Mon 2026-11-23 07:07:00.5 UTC

Id=nope.service
LoadState=not-found
ActiveState=inactive
SubState=dead
Result=success
`;

const u = (s: string) => parseUnitName(s);
const session = makeSession(parseLinuxUser('qm-a'), 996, '/var/lib/quadletman/home/qm-a');

describe('parseSystemdTimestamp', () => {
  it.each([
    ['Mon 2026-11-23 07:06:49.901623 UTC', '2026-11-23T07:06:49.901Z'],
    ['Mon 2026-11-23 07:06:49 UTC', '2026-11-23T07:06:49.000Z'],
    ['@1795418232', '2026-11-23T07:17:12.000Z'],
  ])('%s', (v, iso) => expect(parseSystemdTimestamp(v)?.toISOString()).toBe(iso));
  it.each(['', 'n/a', '0', 'garbage', undefined])('%s -> undefined', (v) =>
    expect(parseSystemdTimestamp(v)).toBe(undefined),
  );
});

describe('parseShow', () => {
  it('types several units, in argv order', () => {
    const [web, db, nope] = parseShow(SHOW, [u('web.service'), u('db.service'), u('nope.service')]);
    expect(web).toMatchObject({
      unit: 'web.service',
      loadState: 'loaded',
      activeState: 'active',
      subState: 'running',
      result: 'success',
      mainPid: 24,
      unitFileState: 'generated',
      description: 'qmt web',
    });
    expect(web?.activeEnterTimestamp?.toISOString()).toBe('2026-11-23T07:06:49.901Z');
    expect(web?.inactiveEnterTimestamp).toBe(undefined);
    expect(db).toMatchObject({ activeState: 'failed', result: 'exit-code', execMainStatus: 137, nRestarts: 2 });
    expect(db?.inactiveEnterTimestamp?.toISOString()).toBe('2026-11-23T07:07:00.500Z');
    expect(nope).toMatchObject({ loadState: 'not-found', activeState: 'inactive' });
  });
  it('maps unknown values to unknown', () => {
    const [x] = parseShow('ActiveState=exploded\nLoadState=weird\nResult=odd\n', [u('x.service')]);
    expect(x).toMatchObject({ activeState: 'unknown', loadState: 'unknown', result: 'unknown' });
  });
});

// what `busctl --user --json=short call … ListUnitsByNames as 3 web.service db.service nope.service` prints
const LIST = JSON.stringify({
  type: 'a(ssssssouso)',
  data: [
    [
      ['db.service', 'db', 'loaded', 'failed', 'failed', '', '/org/freedesktop/systemd1/unit/db_2eservice', 0, '', '/'],
      ['web.service', 'qmt web', 'loaded', 'active', 'running', '', '/o/web_2eservice', 0, '', '/'],
      ['nope.service', 'nope.service', 'not-found', 'inactive', 'dead', '', '/o/nope_2eservice', 0, '', '/'],
    ],
  ],
});

describe('parseListUnitsByNames', () => {
  it('gives every unit asked for, in the order asked', () => {
    expect(parseListUnitsByNames(LIST, [u('web.service'), u('nope.service'), u('db.service')])).toEqual([
      { unit: 'web.service', loadState: 'loaded', activeState: 'active', subState: 'running' },
      { unit: 'nope.service', loadState: 'not-found', activeState: 'inactive', subState: 'dead' },
      { unit: 'db.service', loadState: 'loaded', activeState: 'failed', subState: 'failed' },
    ]);
  });

  it('is undefined for a reply it cannot read, or one that misses a unit', () => {
    expect(parseListUnitsByNames('', [u('web.service')])).toBeUndefined();
    expect(parseListUnitsByNames('Call failed: Access denied', [u('web.service')])).toBeUndefined();
    expect(parseListUnitsByNames('{"type":"s","data":["x"]}', [u('web.service')])).toBeUndefined();
    expect(parseListUnitsByNames('{"data":[[["web.service",1,2,3,4]]]}', [u('web.service')])).toBeUndefined();
    expect(parseListUnitsByNames(LIST, [u('other.service')])).toBeUndefined();
  });
});

describe('UserSystemd over a fake exec', () => {
  it('activeStates: one ListUnitsByNames call through busctl as the compartment user', async () => {
    const fx = new FakeExec().on(['ListUnitsByNames'], { stdout: LIST });
    const states = await new UserSystemd(fx).activeStates(session, [u('web.service'), u('db.service')]);
    expect(states?.map((s) => s.activeState)).toEqual(['active', 'failed']);
    const [call] = fx.calls.map((c) => c.argv);
    expect(call?.slice(0, 4)).toEqual(['runuser', '-u', 'qm-a', '--']);
    expect(call?.slice(-7)).toEqual([
      '/org/freedesktop/systemd1',
      'org.freedesktop.systemd1.Manager',
      'ListUnitsByNames',
      'as',
      '2',
      'web.service',
      'db.service',
    ]);
    // no busctl, or a failed call: undefined (the caller asks systemctl show instead)
    fx.on(['ListUnitsByNames'], { code: 127, stderr: 'busctl: not found' });
    expect(await new UserSystemd(fx).activeStates(session, [u('web.service')])).toBeUndefined();
    expect(await new UserSystemd(fx).activeStates(session, [])).toEqual([]);
  });

  it('runs systemctl --user as the compartment user, many units in one call', async () => {
    const fx = new FakeExec();
    const sd = new UserSystemd(fx);
    await sd.start(session, [u('web.service'), u('web-network.service')]);
    await sd.daemonReload(session);
    await sd.stop(session, []);
    const [start, reload] = fx.calls.map((c) => c.argv);
    expect(start?.slice(0, 4)).toEqual(['runuser', '-u', 'qm-a', '--']);
    expect(start).toContain('XDG_RUNTIME_DIR=/run/user/996');
    expect(start).toContain('DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/996/bus');
    expect(start?.slice(-6)).toEqual(['--user', '--no-pager', 'start', '--', 'web.service', 'web-network.service']);
    expect(reload?.slice(-1)).toEqual(['daemon-reload']);
    expect(fx.calls.length).toBe(2); // nothing to stop: no call
  });

  it('isActive: exit 3 is "not active", not an error; other codes are', async () => {
    const fx = new FakeExec().on(['is-active'], { code: 3, stdout: 'failed\n' });
    const sd = new UserSystemd(fx);
    expect(await sd.isActive(session, u('web.service'))).toBe(false);
    fx.on(['is-active'], { code: 0, stdout: 'active\n' });
    expect(await sd.isActive(session, u('web.service'))).toBe(true);
    fx.on(['is-active'], { code: 1, stderr: 'Failed to connect to bus' });
    await expect(sd.isActive(session, u('web.service'))).rejects.toBeInstanceOf(CommandError);
  });

  it('failureReason: Result + ExecMainStatus + journal lines', async () => {
    const journal =
      "db.service: Main process exited, code=exited, status=137/n/a\ndb.service: Failed with result 'exit-code'.\n";
    const fx = new FakeExec();
    fx.on(['show'], { stdout: SHOW.split('\n\n')[1] });
    fx.on(['journalctl'], { stdout: journal });
    const why = await new UserSystemd(fx).failureReason(session, u('db.service') as UnitName);
    expect(why.summary).toBe('failed (exit-code, status 137)');
    expect(why.journal).toHaveLength(2);
    const j = fx.find(['journalctl'])[0]!;
    expect(j).toContain('_UID=996');
    expect(j).toContain('_SYSTEMD_USER_UNIT=db.service');
  });
});
