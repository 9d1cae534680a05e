import { describe, expect, it } from 'vitest';
import { parseLinuxUser, parseUnitName } from '../core/ids.js';
import { FakeExec } from './fake-exec.js';
import { Journal, journalArgv, parseJournalLine } from './journal.js';
import { makeSession } from './session.js';

const s = makeSession(parseLinuxUser('qm-a'), 996, '/home/qm-a');
const LINE =
  '{"__REALTIME_TIMESTAMP":"1795418232278115","__CURSOR":"s=4d;i=69f","SYSLOG_IDENTIFIER":"web","PRIORITY":"3","_PID":"4841","_SYSTEMD_USER_UNIT":"web.service","MESSAGE":"listening"}';

describe('parseJournalLine', () => {
  it('types an entry', () => {
    const e = parseJournalLine(LINE)!;
    expect(e).toMatchObject({
      priority: 'err',
      unit: 'web.service',
      identifier: 'web',
      message: 'listening',
      pid: 4841,
      cursor: 's=4d;i=69f',
    });
    expect(e.realtimeUsec).toBe(1795418232278115n);
    expect(e.time.toISOString()).toBe('2026-11-23T07:17:12.278Z');
  });
  it('decodes byte-array messages and skips junk', () => {
    expect(parseJournalLine('{"__REALTIME_TIMESTAMP":"1","MESSAGE":[104,105,255]}')?.message).toBe('hi\uFFFD');
    expect(parseJournalLine('-- No entries --')).toBe(undefined);
    expect(parseJournalLine('{bad')).toBe(undefined);
  });
});

describe('journalArgv', () => {
  it('filters on the unit for the compartment uid, with since/until/lines', () => {
    const a = journalArgv(
      s,
      parseUnitName('web.service'),
      { since: new Date(1_000_000), until: '1 min ago', lines: 5 },
      false,
    );
    expect(a).toEqual(
      expect.arrayContaining([
        '_UID=996',
        '_SYSTEMD_USER_UNIT=web.service',
        '+',
        'USER_UNIT=web.service',
        '--since=@1000',
        '--until=1 min ago',
        '--lines=5',
        '-o',
        'json',
      ]),
    );
    expect(a).not.toContain('--follow');
  });
  it("matches several units in one query: each field's values OR within the group", () => {
    const a = journalArgv(s, [parseUnitName('web.service'), parseUnitName('db.service')], {}, false);
    const match = a.slice(a.indexOf('_UID=996'), a.indexOf('--lines=200'));
    expect(match).toEqual([
      '_UID=996',
      '_SYSTEMD_USER_UNIT=web.service',
      '_SYSTEMD_USER_UNIT=db.service',
      '+',
      '_UID=996',
      'USER_UNIT=web.service',
      'USER_UNIT=db.service',
    ]);
    expect(journalArgv(s, [], {}, false)).toContain('_UID=996');
    expect(journalArgv(s, [], {}, false).some((x) => x.includes('UNIT='))).toBe(false);
  });
  it('follows without --until', () => {
    const a = journalArgv(s, undefined, { until: 'now' }, true);
    expect(a).toContain('--follow');
    expect(a.some((x) => x.startsWith('--until'))).toBe(false);
    expect(a).toContain('--lines=200');
  });
});

describe('Journal', () => {
  it('reads and follows through the exec port', async () => {
    const fx = new FakeExec();
    fx.on(['journalctl'], { stdout: `${LINE}\n${LINE}\n` });
    fx.on(['--output-fields=_BOOT_ID'], { stdout: '{"_BOOT_ID":"a6a9c6d3970a47729d8b5409dcba931f"}\n' });
    fx.onStream(['--follow'], [LINE, 'junk', LINE]);
    const j = new Journal(fx);
    expect(await j.read(s, parseUnitName('web.service'))).toHaveLength(2);
    const f = j.follow(s, parseUnitName('web.service'));
    const got = [];
    for await (const e of f.entries) got.push(e);
    expect(got).toHaveLength(2);
    const followArgv = fx.find(['--follow'])[0];
    expect(followArgv).toContain('--lines=0');
    expect(followArgv).toContain('--boot=a6a9c6d3970a47729d8b5409dcba931f');
  });
});
