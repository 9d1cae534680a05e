import * as fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../core/errors.js';
import { parseCompartmentId } from '../core/ids.js';
import { FakeExec, hasRun } from './fake-exec.js';
import { SubidAllocator } from './subid.js';
import { FILE_AGENT } from './user-files.js';
import { CompartmentUsers, parsePasswdLine } from './users.js';

const isRoot = process.getuid?.() === 0;
const agent = createRequire(import.meta.url)(FILE_AGENT) as { runBatch(base: string, request: unknown): object };
const id = parseCompartmentId('web');

describe('parsePasswdLine', () => {
  it('reads the seven fields', () => {
    expect(
      parsePasswdLine('qm-web:x:990:990:quadletman compartment:/var/lib/quadletman/home/qm-web:/usr/sbin/nologin'),
    ).toEqual({
      name: 'qm-web',
      uid: 990,
      gid: 990,
      gecos: 'quadletman compartment',
      home: '/var/lib/quadletman/home/qm-web',
      shell: '/usr/sbin/nologin',
    });
    expect(parsePasswdLine('broken')).toBe(undefined);
  });
});

describe('list', () => {
  it('finds compartment users by their GECOS marker', async () => {
    const fx = new FakeExec().on(['getent', 'passwd'], {
      stdout: [
        'root:x:0:0:root:/root:/bin/bash',
        'qm-b:x:991:991:quadletman compartment:/h/qm-b:/usr/sbin/nologin',
        'qm-a:x:990:990:quadletman compartment:/h/qm-a:/usr/sbin/nologin',
        'qm-a-1000:x:132071:132071:quadletman helper of qm-a:/nonexistent:/usr/sbin/nologin',
        'qm-x:x:5:5:not ours:/h:/bin/sh',
      ].join('\n'),
    });
    const users = new CompartmentUsers({ exec: fx, subids: new SubidAllocator() });
    expect((await users.list()).map((p) => p.name)).toEqual(['qm-a', 'qm-b']);
  });
});

describe.skipIf(!isRoot)('CompartmentUsers over a fake exec (files in a temp dir)', () => {
  let dir: string;
  let home: string;
  let fx: FakeExec;
  let users: CompartmentUsers;
  let created = false;

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-users-'));
    home = path.join(dir, 'home', 'qm-web');
    await fsp.mkdir(home, { recursive: true });
    await fsp.writeFile(path.join(dir, 'subuid'), '');
    await fsp.writeFile(path.join(dir, 'subgid'), '');
    created = false;
    const pw = `qm-web:x:990:990:quadletman compartment:${home}:/usr/sbin/nologin\n`;
    // the latest matching rule wins: general rules first
    fx = new FakeExec()
      .on(['getent', 'passwd'], { stdout: '' })
      .on(['getent', 'passwd', 'qm-web'], () => (created ? { stdout: pw } : { code: 2 }))
      .on(['getent', 'group'], { code: 2 })
      .on(['useradd'], () => {
        created = true;
        return {};
      })
      .on(['loginctl', 'show-user'], { code: 1 })
      .on(['systemctl', 'is-active'], { stdout: 'active\n' })
      .on(['is-system-running'], { stdout: 'running\n' })
      // the file agent runs in-process on the temp home (the host tests run it as the real user)
      .on([process.execPath, FILE_AGENT], (_argv, o) => ({
        stdout: JSON.stringify(agent.runBatch(home, JSON.parse(String(o.input)))),
      }));
    users = new CompartmentUsers({
      exec: fx,
      subids: new SubidAllocator({
        subuid: path.join(dir, 'subuid'),
        subgid: path.join(dir, 'subgid'),
        loginDefs: path.join(dir, 'login.defs'),
      }),
      homeBase: path.join(dir, 'home'),
      kernelRelease: '5.10.0',
    });
  });
  afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

  it('creates: system user with nologin, subids, storage.conf, linger, waits for the manager, migrates', async () => {
    const acc = await users.create(id);
    expect(acc).toMatchObject({ user: 'qm-web', uid: 990, home, subids: { start: 131072, count: 65536 } });
    const order = fx.calls.map((c) => c.argv.find((a) => ['useradd', 'loginctl', 'systemctl', 'podman'].includes(a)));
    const useradd = fx.find(['useradd'])[0]!;
    expect(useradd).toEqual(
      expect.arrayContaining(['--system', '--user-group', '--shell', '/usr/sbin/nologin', 'qm-web']),
    );
    expect(fx.find(['loginctl', 'enable-linger', 'qm-web'])).toHaveLength(1);
    expect(order.indexOf('loginctl')).toBeLessThan(order.lastIndexOf('podman'));
    expect(fx.calls.at(-1)?.argv.slice(-3)).toEqual(['podman', 'system', 'migrate']);
    // old kernel: fuse-overlayfs
    expect(await fsp.readFile(path.join(home, '.config/containers/storage.conf'), 'utf8')).toContain('mount_program');
    expect((await fsp.stat(path.join(home, '.config/containers/systemd'))).isDirectory()).toBe(true);
    // root writes nothing in the home: the compartment user's own agent does
    expect(fx.find([process.execPath, FILE_AGENT])[0]!.slice(0, 4)).toEqual(['runuser', '-u', 'qm-web', '--']);
    expect(await fsp.readFile(path.join(dir, 'subuid'), 'utf8')).toBe('qm-web:131072:65536\n');
  });

  it('refuses to adopt a user that is not a compartment', async () => {
    fx.on(['getent', 'passwd', 'qm-web'], { stdout: `qm-web:x:5:5:someone else:${home}:/bin/sh\n` });
    await expect(users.create(id)).rejects.toBeInstanceOf(ConflictError);
    await expect(users.delete(id)).rejects.toBeInstanceOf(ConflictError);
    expect(fx.find(['useradd'])).toEqual([]);
    expect(fx.find(['userdel'])).toEqual([]);
  });

  it('deletes in order: storage as the user, linger off, manager stopped, user gone, home and subids removed', async () => {
    await users.create(id);
    fx.calls.length = 0;
    let stopped = false;
    fx.on(['systemctl', 'is-active'], () => ({ code: 3, stdout: stopped ? 'inactive\n' : 'active\n' }));
    fx.on(['systemctl', 'is-active', 'user@990.service'], () =>
      stopped ? { code: 3, stdout: 'inactive\n' } : { stdout: 'active\n' },
    );
    fx.on(['systemctl', 'stop'], () => {
      stopped = true;
      return {};
    });
    await users.delete(id);
    const steps = fx.calls.map((c) => c.argv);
    const idx = (needle: string[]) => steps.findIndex((a) => hasRun(a, needle));
    expect(idx(['system', 'reset', '--force'])).toBeGreaterThan(-1);
    expect(idx(['system', 'reset', '--force'])).toBeLessThan(idx(['loginctl', 'disable-linger', 'qm-web']));
    expect(idx(['loginctl', 'disable-linger', 'qm-web'])).toBeLessThan(idx(['userdel', 'qm-web']));
    expect(idx(['systemctl', 'stop', 'user@990.service'])).toBeLessThan(idx(['userdel', 'qm-web']));
    expect(await fsp.readFile(path.join(dir, 'subuid'), 'utf8')).toBe('');
    expect(idx(['rm', '-rf', '--one-file-system', home])).toBeGreaterThan(idx(['userdel', 'qm-web']));
    expect(idx(['rm', '-f', '/var/lib/systemd/linger/qm-web'])).toBeGreaterThan(-1);
  });

  it('retries userdel while a process of the user started in between (exit 8) or a subid file is locked (16)', async () => {
    await users.create(id);
    fx.on(['systemctl', 'is-active'], { code: 3, stdout: 'inactive\n' });
    const answers = [
      { code: 8, stderr: 'userdel: user qm-web is currently used by process 896\n' },
      { code: 16, stderr: 'userdel: cannot lock /etc/subuid; try again later.\n' },
    ];
    fx.on(['userdel', 'qm-web'], () => answers.shift() ?? {});
    fx.calls.length = 0;
    await users.delete(id);
    const steps = fx.calls.map((c) => c.argv.join(' ')).filter((a) => /^(pkill|userdel)/.test(a));
    // busy: the user's processes are killed again; a locked subid file: only a moment's wait
    expect(steps).toEqual([
      'pkill --signal KILL -U 990',
      'userdel qm-web',
      'pkill --signal KILL -U 990',
      'userdel qm-web',
      'userdel qm-web',
    ]);
  });
});
