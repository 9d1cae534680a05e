/**
 * systemd timers beside the Quadlet units: linted as systemd reads them.
 */
import { describe, expect, it } from 'vitest';
import { isSystemdUnitFile, lintSet } from './index';
import type { LintFile } from './types';

const web: LintFile = { path: 'web.container', text: '[Container]\nImage=localhost/web\n' };
const timer = (text: string, path = 'web.timer'): LintFile => ({ path, text });
const codes = (files: LintFile[], path = 'web.timer') =>
  lintSet(files, { podmanVersion: '5.4' })
    .find((r) => r.path === path)!
    .diagnostics.map((d) => d.code);

describe('timers', () => {
  it('are systemd unit files the linter knows; their drop-ins are drop-ins', () => {
    expect(isSystemdUnitFile('backup.timer')).toBe(true);
    expect(isSystemdUnitFile('sub/backup.timer')).toBe(true);
    expect(isSystemdUnitFile('backup.timer.d/10-x.conf')).toBe(false);
    expect(isSystemdUnitFile('.timer')).toBe(false);
  });

  it('take a clean timer that starts a unit of the set', () => {
    const t = timer(
      '[Unit]\nDescription=nightly\n[Timer]\nOnCalendar=daily\nPersistent=true\n[Install]\nWantedBy=timers.target\n',
    );
    expect(codes([web, t])).toEqual([]);
  });

  it('find the service a unit becomes, ServiceName= included', () => {
    const vol = { path: 'db.volume', text: '[Volume]\n' };
    expect(codes([vol, timer('[Timer]\nOnCalendar=daily\nUnit=db-volume.service\n', 'x.timer')], 'x.timer')).toEqual(
      [],
    );
    const named = { path: 'a.container', text: '[Container]\nImage=localhost/a\nServiceName=app\n' };
    expect(codes([named, timer('[Timer]\nOnCalendar=daily\n', 'app.timer')], 'app.timer')).toEqual([]);
  });

  it('find an instance through its template', () => {
    const tpl = { path: 'job@.container', text: '[Container]\nImage=localhost/job\n' };
    expect(codes([tpl, timer('[Timer]\nOnCalendar=daily\n', 'job@nightly.timer')], 'job@nightly.timer')).toEqual([]);
  });

  it('warn when the service the timer starts is not in the set', () => {
    expect(codes([web, timer('[Timer]\nOnCalendar=daily\n', 'wbe.timer')], 'wbe.timer')).toEqual([
      'missing-timer-unit',
    ]);
  });

  it("flag unknown keys and sections, lines systemd skips, and a timer that can't elapse", () => {
    const t = timer('[Timer]\nOnCalender=daily\nnonsense\n[Service]\nExecStart=/bin/true\n');
    expect(codes([web, t]).sort()).toEqual(['bad-value', 'ignored-line', 'unknown-section', 'unknown-systemd-key']);
    const d = lintSet([web, t])[1]!.diagnostics.find((x) => x.code === 'unknown-systemd-key');
    expect(d?.message).toContain("Did you mean 'OnCalendar'?");
  });

  it('count OnClockChange= and OnTimezoneChange= as triggers only when true, and an empty trigger resets them all', () => {
    expect(codes([web, timer('[Timer]\nOnClockChange=yes\n')])).toEqual([]);
    expect(codes([web, timer('[Timer]\nOnClockChange=no\n')])).toEqual(['bad-value']);
    expect(codes([web, timer('[Timer]\nOnCalendar=daily\nOnBootSec=\n')])).toEqual(['bad-value']);
  });

  it('flag values systemd ignores', () => {
    expect(codes([web, timer('[Timer]\nOnCalendar=daily\nPersistent=sometimes\nAccuracySec=soon\n')])).toEqual([
      'invalid-bool',
      'value-dropped',
    ]);
  });

  it('read their drop-ins as systemd does, and point at the drop-in', () => {
    const conf = { path: 'web.timer.d/10-when.conf', text: '[Timer]\nOnCalendar=weekly\nnonsense\n' };
    const reports = lintSet([web, timer('[Timer]\nPersistent=true\n'), conf]);
    expect(reports[1]!.diagnostics).toEqual([]);
    expect(reports[2]!.diagnostics.map((d) => [d.code, d.line])).toEqual([['ignored-line', 3]]);
  });

  it('check specifiers as systemd does', () => {
    expect(codes([web, timer('[Timer]\nOnCalendar=daily\n[Unit]\nDescription=%z 100%\n')])).toEqual([
      'unknown-specifier',
    ]);
  });
});
