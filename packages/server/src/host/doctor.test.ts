import { describe, expect, it } from 'vitest';
import { formatDoctorJson, formatDoctorText } from '../cli/commands/doctor.js';
import { CommandError } from '../core/errors.js';
import {
  type Check,
  checkApparmor,
  checkCgroupDelegation,
  checkCgroupV2,
  checkEdge,
  checkLinger,
  checkLoopbackGuard,
  checkNewgidmap,
  checkNewuidmap,
  checkPodman,
  checkQuadletGenerator,
  checkRootlessNetwork,
  checkSelinux,
  checkStorageDriver,
  checkSubuid,
  checkSystemdPid1,
  checkSystemdVersion,
  checkUiHostName,
  checkUserBus,
  checkUserNamespaces,
  checkWireguard,
  type DoctorIo,
  type FileInfo,
  hostDoctorIo,
  invalidSubidLines,
  overlappingSubids,
  parseVersion,
  runDoctor,
} from './doctor.js';
import { FakeExec } from './fake-exec.js';

type Cmd = { code?: number; stdout?: string; stderr?: string };

/** A machine described by its files, binaries, directories and command answers. */
class FakeMachine implements DoctorIo {
  files = new Map<string, string>();
  stats = new Map<string, FileInfo>();
  dirs = new Map<string, string[]>();
  commands = new Map<string, Cmd>();

  file(path: string, text: string): this {
    this.files.set(path, text);
    return this;
  }
  bin(path: string, mode = 0o755, uid = 0): this {
    this.stats.set(path, { mode: 0o100000 | mode, uid, isFile: true, isDirectory: false });
    return this;
  }
  dev(path: string, mode: number): this {
    this.stats.set(path, { mode: 0o020000 | mode, uid: 0, isFile: false, isDirectory: false });
    return this;
  }
  dir(path: string, entries: string[]): this {
    this.dirs.set(path, entries);
    this.stats.set(path, { mode: 0o040755, uid: 0, isFile: false, isDirectory: true });
    return this;
  }
  cmd(argv: string, answer: Cmd): this {
    this.commands.set(argv, answer);
    return this;
  }

  async run(argv: readonly string[]) {
    const a = this.commands.get(argv.join(' '));
    return a ? { code: a.code ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' } : undefined;
  }
  async readFile(path: string) {
    return this.files.get(path);
  }
  async stat(path: string) {
    return this.stats.get(path);
  }
  async readDir(path: string) {
    return this.dirs.get(path);
  }
}

/** A healthy Debian 13 server, as the sandbox host looks (plus delegated controllers). */
function healthy(): FakeMachine {
  return new FakeMachine()
    .dir('/sys/module/wireguard', ['initstate'])
    .cmd('podman --version', { stdout: 'podman version 5.4.2\n' })
    .bin('/usr/libexec/podman/quadlet')
    .bin('/usr/lib/systemd/user-generators/podman-user-generator')
    .cmd('/usr/libexec/podman/quadlet -version', { stdout: 'quadlet 5.4.2\n' })
    .file('/proc/1/comm', 'systemd\n')
    .cmd('systemctl --version', { stdout: 'systemd 257 (257.13-1~deb13u1)\n+PAM +AUDIT\n' })
    .cmd('loginctl --version', { stdout: 'systemd 257 (257.13-1~deb13u1)\n' })
    .cmd('loginctl list-users --no-legend --no-pager', { stdout: '1001 qm-web yes active\n' })
    .dir('/var/lib/systemd/linger', ['qm-web'])
    .bin('/usr/lib/systemd/user/dbus.socket', 0o644)
    .file('/sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory hugetlb pids rdma misc\n')
    .dir('/sys/fs/cgroup/user.slice', ['cgroup.procs', 'user-1001.slice'])
    .file('/sys/fs/cgroup/user.slice/user-1001.slice/user@1001.service/cgroup.controllers', 'cpu memory pids\n')
    .bin('/usr/bin/newuidmap', 0o4755)
    .bin('/usr/bin/newgidmap', 0o4755)
    .file('/etc/subuid', 'qm-web:100000:65536\n')
    .file('/etc/subgid', 'qm-web:100000:65536\n')
    .file('/proc/sys/user/max_user_namespaces', '63000\n')
    .file('/proc/sys/kernel/osrelease', '6.12.48+deb13-amd64\n')
    .bin('/usr/bin/pasta')
    .cmd('/usr/bin/pasta --help', { stdout: '  --map-host-loopback ADDR  Translate ADDR to refer to host\n' })
    .bin('/usr/bin/caddy')
    .dev('/run/quadletman-edge/admin.sock', 0o660)
    .bin('/usr/sbin/nft')
    .dev('/dev/net/tun', 0o666);
}

/** This development VM: Debian 12, PID 1 not systemd, cgroup v1 hybrid, podman 4.3. */
function bareDebian12(): FakeMachine {
  return new FakeMachine()
    .cmd('podman --version', { stdout: 'podman version 4.3.1\n' })
    .file('/proc/1/comm', 'process_api\n')
    .cmd('systemctl --version', { stdout: 'systemd 252 (252.38-1~deb12u1)\n' })
    .cmd('loginctl --version', { stdout: 'systemd 252 (252.38-1~deb12u1)\n' })
    .file('/sys/fs/cgroup/unified/cgroup.controllers', '')
    .file('/etc/subuid', '')
    .file('/etc/subgid', '')
    .file('/proc/sys/kernel/osrelease', '6.1.0\n')
    .dev('/dev/net/tun', 0o600);
}

const byId = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

describe('doctor', () => {
  it('passes every check on a healthy host', async () => {
    const report = await runDoctor(healthy());
    expect(report.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary).toEqual({ ok: 20, warn: 0, fail: 0 });
    for (const c of report.checks) expect(c.message).not.toBe('');
  });

  it('reports what a bare Debian 12 VM lacks, each with a fix', async () => {
    const report = await runDoctor(bareDebian12());
    const c = byId(report.checks);
    expect(report.ok).toBe(false);
    expect(c.podman?.status).toBe('fail');
    expect(c.podman?.message).toMatch(/4\.3\.1 has no Quadlet/);
    expect(c['quadlet-generator']?.status).toBe('fail');
    expect(c['systemd-pid1']?.message).toMatch(/'process_api', not systemd/);
    expect(c['systemd-version']?.status).toBe('ok');
    expect(c.linger?.status).toBe('fail');
    expect(c['cgroup-v2']).toMatchObject({ status: 'fail', details: { mode: 'hybrid' } });
    expect(c['cgroup-delegation']?.status).toBe('fail');
    expect(c.newuidmap?.status).toBe('fail');
    expect(c['rootless-network']?.status).toBe('fail');
    for (const check of report.checks) {
      if (check.status !== 'ok') expect(check.fix, check.id).toBeTruthy();
    }
  });

  it('turns a check that throws into a failed check', async () => {
    const io = healthy();
    io.readFile = async () => {
      throw new Error('boom');
    };
    const report = await runDoctor(io);
    expect(byId(report.checks)['systemd-pid1']).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/boom/),
    });
  });
});

describe('podman', () => {
  it.each([
    ['podman version 4.4.0', 'ok'],
    ['podman version 4.3.1', 'fail'],
    ['podman version 5.8.6', 'ok'],
    ['podman version 3.4.4', 'fail'],
  ])('%s → %s', async (stdout, status) => {
    expect((await checkPodman(new FakeMachine().cmd('podman --version', { stdout }))).status).toBe(status);
  });

  it('fails when missing or when it reports no version', async () => {
    expect((await checkPodman(new FakeMachine())).message).toMatch(/not installed/);
    const broken = new FakeMachine().cmd('podman --version', { code: 125, stderr: 'cannot re-exec' });
    expect(await checkPodman(broken)).toMatchObject({ status: 'fail', message: expect.stringMatching(/re-exec/) });
  });
});

describe('quadlet-generator', () => {
  it('warns when the binary exists but systemd --user would not run it', async () => {
    const io = new FakeMachine().bin('/usr/libexec/podman/quadlet');
    expect(await checkQuadletGenerator(io)).toMatchObject({ status: 'warn', details: { userGenerator: null } });
  });

  it('accepts the generator link alone (Arch-style layouts)', async () => {
    const io = new FakeMachine()
      .bin('/usr/lib/systemd/user-generators/podman-user-generator')
      .cmd('/usr/lib/systemd/user-generators/podman-user-generator -version', { stdout: 'quadlet 5.2.0' });
    expect(await checkQuadletGenerator(io)).toMatchObject({ status: 'ok', details: { version: '5.2.0' } });
  });

  it('ignores files that are not executable', async () => {
    const io = new FakeMachine().bin('/usr/libexec/podman/quadlet', 0o644);
    expect((await checkQuadletGenerator(io)).status).toBe('fail');
  });
});

describe('systemd', () => {
  it('PID 1', async () => {
    expect((await checkSystemdPid1(new FakeMachine().file('/proc/1/comm', 'systemd\n'))).status).toBe('ok');
    expect((await checkSystemdPid1(new FakeMachine().file('/proc/1/comm', 'init\n'))).status).toBe('fail');
    expect((await checkSystemdPid1(new FakeMachine())).message).toMatch(/unknown/);
  });

  it('version', async () => {
    const old = new FakeMachine().cmd('systemctl --version', { stdout: 'systemd 239 (239-78.el8)\n' });
    expect(await checkSystemdVersion(old)).toMatchObject({ status: 'warn', details: { version: 239 } });
    expect((await checkSystemdVersion(new FakeMachine())).status).toBe('fail');
    const ok = await checkSystemdVersion(healthy());
    expect(ok).toMatchObject({ status: 'ok', details: { version: 257, full: '257.13-1~deb13u1' } });
  });

  it('linger', async () => {
    expect((await checkLinger(new FakeMachine())).status).toBe('fail');
    const fresh = new FakeMachine()
      .cmd('loginctl --version', { stdout: 'systemd 257' })
      .file('/proc/1/comm', 'systemd');
    expect(await checkLinger(fresh)).toMatchObject({ status: 'fail', message: expect.stringMatching(/logind/) });
    fresh.cmd('loginctl list-users --no-legend --no-pager', {});
    expect(await checkLinger(fresh)).toMatchObject({ status: 'ok', details: { lingerDir: false } });
    expect(await checkLinger(healthy())).toMatchObject({ status: 'ok', details: { lingering: ['qm-web'] } });
  });
});

describe('user-bus', () => {
  it('needs a user D-Bus unit', async () => {
    expect((await checkUserBus(healthy())).status).toBe('ok');
    expect(await checkUserBus(new FakeMachine())).toMatchObject({ status: 'fail', fix: expect.stringMatching(/dbus/) });
  });
});

describe('ui-host-name (with the listen address and published ports from the CLI)', () => {
  const published = [
    { compartment: 'blog', unit: 'web.container', value: '8080:80', hostPort: '8080' },
    { compartment: 'shop', unit: 'shop.container', value: '10.0.0.5:443:443', address: '10.0.0.5', hostPort: '443' },
  ];

  it('warns, naming the compartments and ports, when the UI shares its host name with them', () => {
    const c = checkUiHostName({ listen: { host: '127.0.0.1', port: 8080 }, published });
    expect(c.status).toBe('warn');
    expect(c.message).toMatch(
      /^The web UI \(127\.0\.0\.1:8080\) shares its host name .*: blog \(8080:80 in web\.container\)\./,
    );
    expect(c.message).not.toContain('shop');
    expect(c.fix).toMatch(/host name of its own/);
    expect(c.details).toEqual({
      listen: '127.0.0.1:8080',
      shared: [{ compartment: 'blog', unit: 'web.container', publishPort: '8080:80' }],
    });
    const everywhere = checkUiHostName({ listen: { host: '0.0.0.0', port: 8080 }, published });
    expect(everywhere.message).toContain('blog (8080:80 in web.container); shop (10.0.0.5:443:443 in shop.container)');
  });

  it('is ok when no published port shares the host name', () => {
    const c = checkUiHostName({ listen: { host: '10.0.0.9', port: 8080 }, published: published.slice(1) });
    expect(c).toMatchObject({ id: 'ui-host-name', status: 'ok' });
    expect(c.fix).toBeUndefined();
  });

  it('runs only when the CLI gives doctor the input', async () => {
    expect(byId((await runDoctor(healthy())).checks)['ui-host-name']).toBeUndefined();
    const report = await runDoctor(healthy(), { ui: { listen: { host: '::', port: 8443 }, published } });
    expect(byId(report.checks)['ui-host-name']?.status).toBe('warn');
    expect(report.summary).toEqual({ ok: 20, warn: 1, fail: 0 });
    expect(report.ok).toBe(true);
    expect(formatDoctorText(report)).toMatch(/^WARN {2}ui-host-name +The web UI \(\[::\]:8443\)/m);
  });
});

describe('text and JSON output', () => {
  it('shows one line per check, fixes under findings, and a summary', async () => {
    const text = formatDoctorText(await runDoctor(bareDebian12()));
    expect(text).toMatch(/^FAIL {2}podman {13}podman 4\.3\.1 has no Quadlet/m);
    expect(text).toMatch(/^ +fix: Upgrade podman/m);
    expect(text).toMatch(/^ok {4}systemd-version/m);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^20 checks: \d+ ok, 3 warnings, \d+ failed$/);
    const report = await runDoctor(healthy());
    expect(JSON.parse(formatDoctorJson(report))).toEqual(report);
  });
});

describe('cgroups', () => {
  it('tells unified, hybrid and legacy apart', async () => {
    expect(await checkCgroupV2(healthy())).toMatchObject({ status: 'ok', details: { mode: 'unified' } });
    expect(await checkCgroupV2(bareDebian12())).toMatchObject({ status: 'fail', details: { mode: 'hybrid' } });
    expect(await checkCgroupV2(new FakeMachine())).toMatchObject({ status: 'fail', details: { mode: 'legacy' } });
  });

  it('reads delegation from a running user manager', async () => {
    const io = healthy().file(
      '/sys/fs/cgroup/user.slice/user-1001.slice/user@1001.service/cgroup.controllers',
      'memory pids\n',
    );
    const c = await checkCgroupDelegation(io);
    expect(c).toMatchObject({ status: 'warn', details: { delegated: ['memory', 'pids'], missing: ['cpu'] } });
    expect(c.fix).toMatch(/Delegate=/);
  });

  it('falls back to user.slice when no user manager runs, and warns when nothing is delegated', async () => {
    const io = new FakeMachine()
      .file('/sys/fs/cgroup/cgroup.controllers', '')
      .dir('/sys/fs/cgroup/user.slice', [])
      .file('/sys/fs/cgroup/user.slice/cgroup.subtree_control', '');
    const c = await checkCgroupDelegation(io);
    expect(c).toMatchObject({
      status: 'warn',
      details: { delegated: [], source: expect.stringMatching(/user\.slice/) },
    });
    expect(c.message).toMatch(/none/);
  });
});

describe('newuidmap / newgidmap', () => {
  it('accepts setuid root', async () => {
    expect(await checkNewuidmap(healthy())).toMatchObject({ status: 'ok', details: { how: 'setuid' } });
  });

  it('accepts file capabilities', async () => {
    const io = new FakeMachine()
      .bin('/usr/bin/newgidmap', 0o755)
      .cmd('getcap /usr/bin/newgidmap', { stdout: '/usr/bin/newgidmap cap_setgid=ep\n' });
    expect(await checkNewgidmap(io)).toMatchObject({ status: 'ok', details: { how: 'capabilities' } });
  });

  it('fails without setuid or the right capability; warns when it cannot tell', async () => {
    const wrongCap = new FakeMachine()
      .bin('/usr/bin/newuidmap', 0o755)
      .cmd('getcap /usr/bin/newuidmap', { stdout: '/usr/bin/newuidmap cap_setgid=ep\n' });
    expect((await checkNewuidmap(wrongCap)).status).toBe('fail');
    const setuidNotRoot = new FakeMachine()
      .bin('/usr/bin/newuidmap', 0o4755, 1000)
      .cmd('getcap /usr/bin/newuidmap', {});
    expect((await checkNewuidmap(setuidNotRoot)).status).toBe('fail');
    const noGetcap = new FakeMachine().bin('/usr/bin/newuidmap', 0o755);
    expect((await checkNewuidmap(noGetcap)).status).toBe('warn');
  });
});

describe('subuid / subgid', () => {
  it('validates lines', () => {
    expect(invalidSubidLines('a:100000:65536\n\nb:1:x\n#c\n1000:200000:65536\n')).toEqual([3, 4]);
  });

  it('finds overlaps between owners only', () => {
    const e = (owner: string, start: number, count = 65536) => ({ owner, start, count });
    expect(overlappingSubids([e('a', 100000), e('a', 120000), e('b', 300000)])).toEqual([]);
    expect(overlappingSubids([e('a', 100000), e('b', 165535)])).toHaveLength(1);
  });

  it('reports missing, broken, overlapping, empty and healthy files', async () => {
    expect((await checkSubuid(new FakeMachine())).status).toBe('fail');
    expect(await checkSubuid(new FakeMachine().file('/etc/subuid', 'x:1\n'))).toMatchObject({
      status: 'fail',
      details: { invalidLines: [1] },
    });
    const overlap = new FakeMachine().file('/etc/subuid', 'a:100000:65536\nb:100000:65536\n');
    expect((await checkSubuid(overlap)).status).toBe('warn');
    expect((await checkSubuid(new FakeMachine().file('/etc/subuid', ''))).message).toMatch(/empty/);
    expect(await checkSubuid(healthy())).toMatchObject({ status: 'ok', details: { entries: 1 } });
  });
});

describe('kernel features', () => {
  it('user namespaces', async () => {
    expect((await checkUserNamespaces(healthy())).status).toBe('ok');
    const off = new FakeMachine().file('/proc/sys/user/max_user_namespaces', '0\n');
    expect((await checkUserNamespaces(off)).status).toBe('fail');
    const debianOff = new FakeMachine().file('/proc/sys/kernel/unprivileged_userns_clone', '0\n');
    expect((await checkUserNamespaces(debianOff)).status).toBe('fail');
  });

  it('storage driver prospects', async () => {
    expect(await checkStorageDriver(healthy())).toMatchObject({ status: 'ok', details: { driver: 'overlay' } });
    const old = new FakeMachine().file('/proc/sys/kernel/osrelease', '5.10.0-28-amd64\n');
    expect(await checkStorageDriver(old)).toMatchObject({ status: 'warn', details: { driver: 'vfs' } });
    old.bin('/usr/bin/fuse-overlayfs').dev('/dev/fuse', 0o666);
    expect(await checkStorageDriver(old)).toMatchObject({
      status: 'ok',
      details: { driver: 'overlay (fuse-overlayfs)' },
    });
  });

  it('rootless network: pasta or slirp4netns, and a usable /dev/net/tun', async () => {
    expect((await checkRootlessNetwork(healthy())).status).toBe('ok');
    const closedTun = healthy().dev('/dev/net/tun', 0o600);
    expect(await checkRootlessNetwork(closedTun)).toMatchObject({ status: 'warn', details: { tunMode: '600' } });
    expect((await checkRootlessNetwork(new FakeMachine().dev('/dev/net/tun', 0o666))).status).toBe('fail');
  });

  it('the edge: caddy installed and its admin socket answering', async () => {
    expect((await checkEdge(healthy())).status).toBe('ok');
    const noSocket = new FakeMachine().bin('/usr/bin/caddy');
    expect(await checkEdge(noSocket)).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('not running'),
    });
    expect(await checkEdge(new FakeMachine())).toMatchObject({ status: 'warn', details: { caddy: null } });
  });

  it('the loopback guard: nft, and a pasta that maps the host loopback', async () => {
    expect((await checkLoopbackGuard(healthy())).status).toBe('ok');
    const noNft = new FakeMachine().bin('/usr/bin/pasta');
    expect(await checkLoopbackGuard(noNft)).toMatchObject({ status: 'warn', details: { nft: null } });
    const oldPasta = new FakeMachine()
      .bin('/usr/sbin/nft')
      .bin('/usr/bin/pasta')
      .cmd('/usr/bin/pasta --help', { stdout: "  --no-map-gw  Don't map gateway address to host\n" });
    expect(await checkLoopbackGuard(oldPasta)).toMatchObject({
      status: 'warn',
      details: { mapHostLoopback: false },
    });
  });

  it('SELinux from /sys/fs/selinux or getenforce', async () => {
    const enforcing = new FakeMachine().file('/sys/fs/selinux/enforce', '1');
    expect(await checkSelinux(enforcing)).toMatchObject({ status: 'ok', details: { mode: 'enforcing' } });
    const viaCmd = new FakeMachine().cmd('getenforce', { stdout: 'Permissive\n' });
    expect((await checkSelinux(viaCmd)).details).toEqual({ mode: 'permissive' });
    expect((await checkSelinux(new FakeMachine())).details).toEqual({ mode: 'disabled' });
  });

  it('AppArmor, and its restriction of unprivileged user namespaces', async () => {
    expect((await checkApparmor(new FakeMachine())).message).toMatch(/not enabled/);
    const ubuntu = new FakeMachine()
      .file('/sys/module/apparmor/parameters/enabled', 'Y\n')
      .file('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '1\n');
    expect((await checkApparmor(ubuntu)).status).toBe('warn');
  });

  it('WireGuard: loaded, loadable, or missing (a warning: only the VPN app needs it)', async () => {
    expect((await checkWireguard(new FakeMachine().dir('/sys/module/wireguard', ['initstate']))).status).toBe('ok');
    expect(
      (await checkWireguard(new FakeMachine().file('/proc/modules', 'wireguard 118784 0 - Live 0x0\n'))).status,
    ).toBe('ok');
    const loadable = await checkWireguard(
      new FakeMachine().cmd('modinfo -F filename wireguard', { stdout: '/lib/modules/6.1/kernel/wireguard.ko\n' }),
    );
    expect(loadable).toMatchObject({ status: 'warn', fix: expect.stringContaining('modprobe wireguard') });
    expect((await checkWireguard(new FakeMachine())).message).toContain('doctor cannot tell');
    const none = await checkWireguard(new FakeMachine().cmd('modinfo -F filename wireguard', { code: 1 }));
    expect(none).toMatchObject({ status: 'warn', message: expect.stringContaining('no WireGuard module') });
  });
});

describe('parseVersion', () => {
  it('takes the first X.Y[.Z]', () => {
    expect(parseVersion('podman version 5.4.2')).toMatchObject({ major: 5, minor: 4, patch: 2 });
    expect(parseVersion('6.18.44-fc-v657')).toMatchObject({ major: 6, minor: 18, text: '6.18.44' });
    expect(parseVersion('none')).toBeUndefined();
  });
});

describe('hostDoctorIo', () => {
  it('maps exit codes to results and unstartable programs to undefined', async () => {
    const exec = new FakeExec().on(['podman'], { code: 3, stdout: 'x' });
    const io = hostDoctorIo(exec);
    expect(await io.run(['podman', '--version'])).toEqual({ code: 3, stdout: 'x', stderr: '' });
    const missing = hostDoctorIo(
      new FakeExec().on(['nope'], (argv) => {
        throw new CommandError({ argv, exitCode: null, signal: null, stdout: '', stderr: 'ENOENT', timedOut: false });
      }),
    );
    expect(await missing.run(['nope'])).toBeUndefined();
  });

  it('answers undefined for files that do not exist', async () => {
    const io = hostDoctorIo(new FakeExec());
    expect(await io.readFile('/nonexistent/quadletman')).toBeUndefined();
    expect(await io.stat('/nonexistent/quadletman')).toBeUndefined();
    expect(await io.readDir('/nonexistent/quadletman')).toBeUndefined();
  });
});
