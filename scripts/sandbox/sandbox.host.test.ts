import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Runs inside the sandbox host (npm run test:host): each workaround of scripts/sandbox/sandbox.sh is in place.
// A failure here points at the sandbox, not at quadletman's code.
const run = (...argv: string[]) =>
  execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });

describe.runIf(process.env.QUADLETMAN_SANDBOX === '1')('the sandbox host', () => {
  it('is the trixie rootfs booted with systemd, the repository at /project', () => {
    expect(readFileSync('/proc/1/comm', 'utf8').trim()).toBe('systemd');
    expect(readFileSync('/etc/os-release', 'utf8')).toMatch(/VERSION_CODENAME=trixie/);
    expect(readFileSync('/etc/hostname', 'utf8').trim()).toBe('quadletman-sandbox');
    expect(JSON.parse(readFileSync('/project/package.json', 'utf8')).name).toBe('quadletman');
    // exit 1 when degraded: read the answer, not the exit code
    const state = spawnSync('systemctl', ['is-system-running'], { encoding: 'utf8', timeout: 20_000 }).stdout.trim();
    expect(['running', 'degraded']).toContain(state);
  });

  it('has its boot-time fixups applied: open /dev/net/tun, no file over-mounts in /proc', () => {
    expect(run('systemctl', 'is-active', 'quadletman-sandbox-fixups.service').trim()).toBe('active');
    expect(statSync('/dev/net/tun').mode & 0o777).toBe(0o666);
    const procMounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((m) => m?.startsWith('/proc/'));
    expect(procMounts.filter((m) => m === '/proc/kmsg' || m === '/proc/sys/kernel/random/boot_id')).toEqual([]);
  });

  it('activates network-online.target (every Quadlet unit waits for it)', () => {
    expect(run('systemctl', 'is-active', 'network-online.target').trim()).toBe('active');
  });

  it('runs containers without a pids limit (the cgroup2 inside has no controllers)', () => {
    expect(readFileSync('/etc/containers/containers.conf.d/50-quadletman-sandbox.conf', 'utf8')).toMatch(
      /pids_limit = 0/,
    );
    expect(readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').trim()).toBe('');
  });

  it('has what the host tests use: podman 5 with Quadlet, busybox-static, the host node', () => {
    expect(run('podman', '--version')).toMatch(/podman version 5\./);
    expect(run('/usr/libexec/podman/quadlet', '-version')).toMatch(/^5\./);
    expect(statSync('/bin/busybox').isFile()).toBe(true);
    expect(run('/usr/local/bin/node', '--version').trim()).toBe(process.version);
  });
});
