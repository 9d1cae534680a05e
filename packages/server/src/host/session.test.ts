import { describe, expect, it } from 'vitest';
import { parseLinuxUser } from '../core/ids.js';
import { asUser, inUserManager, makeSession, sessionEnv, userSystemctl } from './session.js';

const s = makeSession(parseLinuxUser('qm-web'), 990, '/var/lib/quadletman/home/qm-web');

describe('CompartmentSession', () => {
  it('builds the environment', () => {
    expect(sessionEnv(s)).toMatchObject({
      HOME: '/var/lib/quadletman/home/qm-web',
      XDG_RUNTIME_DIR: '/run/user/990',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/990/bus',
    });
  });
  it('runs as the user through runuser + env -i (no root environment leaks)', () => {
    const a = asUser(s, ['podman', 'ps'], { FOO: 'bar' });
    expect(a.slice(0, 8)).toEqual([
      'runuser',
      '-u',
      'qm-web',
      '--',
      'env',
      '-i',
      '-C',
      '/var/lib/quadletman/home/qm-web',
    ]);
    expect(a).toContain('FOO=bar');
    expect(a.slice(-2)).toEqual(['podman', 'ps']);
    expect(userSystemctl(s, ['daemon-reload']).slice(-4)).toEqual([
      'systemctl',
      '--user',
      '--no-pager',
      'daemon-reload',
    ]);
    expect(() => asUser(s, ['x'], { 'A B': '1' })).toThrow(TypeError);
  });
  it('runs inside the user manager with systemd-run when a process must live there', () => {
    const a = inUserManager(s, ['podman', 'run', '-d', 'x'], { A: '1' });
    expect(a.slice(0, 4)).toEqual(['systemd-run', '--user', '-M', 'qm-web@']);
    expect(a).toEqual(expect.arrayContaining(['--pipe', '--wait', '--setenv=A=1', 'KillMode=process']));
    expect(a.slice(-5)).toEqual(['--', 'podman', 'run', '-d', 'x']);
  });
  it('refuses nonsense', () => {
    expect(() => makeSession(parseLinuxUser('qm-web'), 0, '/x')).toThrow();
    expect(() => makeSession(parseLinuxUser('qm-web'), 5, 'rel')).toThrow();
  });
});
