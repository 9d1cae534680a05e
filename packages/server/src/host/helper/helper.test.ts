// The helper's protocol end to end in one process: a real Unix socket, the connection loop (server.ts), the
// client (client.ts) and HelperExec, over verbs whose host side is a FakeExec. The real helper, started by
// systemd as root for an unprivileged server, is tested in the sandbox (helper.host.test.ts).
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandError, ForbiddenError, InvalidError } from '../../core/errors.js';
import { parseCompartmentId } from '../../core/ids.js';
import { FakeExec } from '../fake-exec.js';
import { asUser, makeSession, parseAsUser } from '../session.js';
import { CompartmentUsers } from '../users.js';
import { VolumeDirs } from '../volume-dirs.js';
import { HelperClient } from './client.js';
import { HelperExec } from './helper-exec.js';
import { peerUid, serveConnection } from './server.js';
import { HelperVerbs } from './verbs.js';

const PW = {
  'qm-web': 'qm-web:x:990:991:quadletman compartment:/h/qm-web:/usr/sbin/nologin',
  'qm-fake': 'qm-fake:x:992:992:Someone Else:/home/qm-fake:/bin/bash',
  'qm-zero': 'qm-zero:x:0:0:quadletman compartment:/root:/bin/sh',
} as Record<string, string>;

let dir: string;
let server: net.Server;
let fx: FakeExec;
let client: HelperClient;
const logged: string[] = [];

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-helper-'));
  fx = new FakeExec().on(['getent', 'passwd'], (argv) =>
    PW[argv[2]!] ? { stdout: `${PW[argv[2]!]}\n` } : { code: 2 },
  );
  const verbs = new HelperVerbs({
    exec: fx,
    users: new CompartmentUsers({ exec: fx, subids: {} as never }),
    volumes: new VolumeDirs(fx, path.join(dir, 'volumes')),
  });
  server = net.createServer((c) => void serveConnection(c, verbs, { log: (l) => logged.push(l) }));
  await new Promise<void>((r) => server.listen(path.join(dir, 'helper.sock'), r));
  client = new HelperClient(path.join(dir, 'helper.sock'));
});
afterEach(async () => {
  client.close();
  await new Promise((r) => server.close(r));
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('the privileged helper', () => {
  it('runs a command as the compartment user with its own record of the user, not the environment it was sent', async () => {
    fx.on(['podman', 'ps'], { stdout: 'ok\n' });
    const r = await client.runAs({
      compartment: parseCompartmentId('web'),
      argv: ['podman', 'ps'],
      env: { HOME: '/root', XDG_RUNTIME_DIR: '/run/user/0', PATH: '/evil', QUADLET_UNIT_DIRS: '/x' },
    });
    expect(r).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    const ran = fx.calls.at(-1)!.argv;
    expect(ran.slice(0, 3)).toEqual(['runuser', '-u', 'qm-web']);
    const parsed = parseAsUser(ran)!;
    expect(parsed.command).toEqual(['podman', 'ps']);
    expect(parsed.env).toMatchObject({ HOME: '/h/qm-web', XDG_RUNTIME_DIR: '/run/user/990', QUADLET_UNIT_DIRS: '/x' });
    expect(parsed.env.PATH).not.toBe('/evil');
    expect(logged).toContain('run-as web');
  });

  it('refuses users that are not quadletman compartments, and arguments its schema does not allow, naming them', async () => {
    await expect(client.runAs({ compartment: parseCompartmentId('fake'), argv: ['id'] })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(client.runAs({ compartment: parseCompartmentId('zero'), argv: ['id'] })).rejects.toThrow(
      /not a quadletman compartment/,
    );
    await expect(client.runAs({ compartment: parseCompartmentId('nobody'), argv: ['id'] })).rejects.toThrow(
      /not a user/,
    );
    const bad = (args: unknown) => client.call('run-as', args as never);
    await expect(bad({ compartment: '../root', argv: ['id'] })).rejects.toBeInstanceOf(InvalidError);
    await expect(bad({ compartment: 'web', argv: 'rm -rf /' })).rejects.toThrow(/argv/);
    await expect(bad({ compartment: 'web', argv: ['id'], user: 'root' })).rejects.toThrow(/user/);
    await expect(bad({ compartment: 'web', argv: ['a\0b'] })).rejects.toThrow(/NUL/);
    await expect(client.call('volumes-ensure', { compartment: 'web', volumes: ['../etc'] } as never)).rejects.toThrow(
      /volumes/,
    );
    await expect(client.call('frobnicate' as never, {} as never)).rejects.toThrow(/no verb/);
    expect(fx.calls.filter((c) => c.argv[0] === 'runuser')).toEqual([]);
  });

  it('gives every exit code back, and a HelperExec raises the ones its caller did not expect, with the argv', async () => {
    fx.on(['systemctl'], { code: 3, stdout: 'inactive\n' });
    const exec = new HelperExec(client, fx);
    const s = makeSession('qm-web' as never, 990, '/h/qm-web', 991);
    const argv = asUser(s, ['systemctl', '--user', 'is-active', 'web.service']);
    expect(await exec.run(argv, { expectCodes: [0, 3] })).toMatchObject({ code: 3, stdout: 'inactive\n' });
    const err = await exec.run(argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).argv).toEqual(argv);
    // anything that is not a compartment user's command runs here, unprivileged
    fx.calls.length = 0;
    await exec.run(['getent', 'passwd', 'qm-web']);
    expect(fx.calls.map((c) => c.argv[0])).toEqual(['getent']);
  });

  it('relays a stream line by line and stops it when asked', async () => {
    fx.onStream(['journalctl'], ['one', 'two', 'three']);
    const exec = new HelperExec(client, fx);
    const s = makeSession('qm-web' as never, 990, '/h/qm-web', 991);
    const stream = exec.stream(asUser(s, ['journalctl', '--user', '-f']));
    const got: string[] = [];
    for await (const l of stream.lines) got.push(l);
    expect(got).toEqual(['one', 'two', 'three']);
    expect((await stream.done).code).toBe(0);
  });

  it('checks PAM logins for the server, never for root nor a name an option parser could eat', async () => {
    const ask = (username: string) =>
      client.call('pam-authenticate', { username, password: 'x', remoteHost: '127.0.0.1', groups: ['sudo'] });
    expect(await ask('root')).toEqual({ ok: false });
    await expect(ask('-rf')).rejects.toThrow(/username/);
    await expect(ask('a b')).rejects.toBeInstanceOf(InvalidError);
  });

  it('loads the loopback guard with nft on stdin, for compartment users only', async () => {
    const ports = [{ port: 30000, compartments: ['web'], edge: false, what: 'service db of web' }];
    expect(await client.call('loopback-guard', { ports } as never)).toEqual({});
    const nft = fx.calls.filter((c) => c.argv[0] === 'nft');
    expect(nft.map((c) => c.argv)).toEqual([['nft', '-f', '-']]);
    expect((nft[0]!.options as { input?: string }).input).toContain('tcp dport 30000 meta skuid != { 0, 990 }');
    expect(logged.some((l) => l.startsWith('loopback-guard'))).toBe(true);
    // a user without the compartment marker is refused, and nothing is loaded
    fx.calls.length = 0;
    const fake = [{ port: 30000, compartments: ['fake'], edge: false, what: 'x' }];
    await expect(client.call('loopback-guard', { ports: fake } as never)).rejects.toBeInstanceOf(ForbiddenError);
    // an empty list removes the guard
    expect(await client.call('loopback-guard', { ports: [] } as never)).toEqual({});
    expect(fx.calls.filter((c) => c.argv[0] === 'nft')).toHaveLength(1);
  });

  it('refuses loopback-guard arguments its schema does not allow', async () => {
    const call = (ports: unknown, extra: Record<string, unknown> = {}) =>
      client.call('loopback-guard', { ports, ...extra } as never);
    const ok = { port: 30000, compartments: ['web'], edge: false, what: 'x' };
    for (const port of [80, 1023, 65536, 30000.5, '30000', -1]) {
      await expect(call([{ ...ok, port }]), String(port)).rejects.toBeInstanceOf(InvalidError);
    }
    for (const compartments of [['../root'], ['Web'], ['root;'], 'web', [7]]) {
      await expect(call([{ ...ok, compartments }]), String(compartments)).rejects.toBeInstanceOf(InvalidError);
    }
    await expect(call([{ ...ok, uids: [0] }])).rejects.toBeInstanceOf(InvalidError);
    await expect(call([ok], { table: 'filter' })).rejects.toBeInstanceOf(InvalidError);
    await expect(call([{ port: 30000, compartments: ['web'], what: 'x' }])).rejects.toBeInstanceOf(InvalidError);
    await expect(call([{ ...ok, edge: 'yes' }])).rejects.toBeInstanceOf(InvalidError);
    await expect(call([{ ...ok, what: 'x'.repeat(1025) }])).rejects.toBeInstanceOf(InvalidError);
    await expect(call('30000')).rejects.toBeInstanceOf(InvalidError);
    expect(fx.calls.filter((c) => c.argv[0] === 'nft')).toEqual([]);
  });

  it('reads the peer uid systemd puts in an Accept=yes instance name, in each of its formats', () => {
    expect(peerUid('3-1234-998')).toBe(998);
    expect(peerUid('3-7-1234-998')).toBe(998);
    expect(peerUid('12-7-1234_88-0')).toBe(0);
    expect(peerUid('3-unknown')).toBe(undefined);
    expect(peerUid('')).toBe(undefined);
  });
});
