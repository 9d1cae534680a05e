// The registry agent against a real HTTPS registry made in the test (fake-registry.test-support.ts): digests and
// media types by one manifest HEAD per image (plus the retry a login needs), Basic and Bearer logins, refusals
// that never carry a secret, the authfile search order, and TLS trust through certs.d. In-process through
// `check`, and as its own process with HOME and XDG_RUNTIME_DIR pointed at temporary folders.

import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REGISTRY_AGENT } from '../registry-check.js';
import { digestOf, FakeRegistry, MANIFESTS, makeCert, type TestCert } from './fake-registry.test-support.js';

type Result = { image: string; ok: boolean; code?: string; message?: string; digest?: string; mediaType?: string };
const agent = createRequire(import.meta.url)(REGISTRY_AGENT) as {
  check(request: unknown, env: NodeJS.ProcessEnv, options?: { timeoutMs?: number }): Promise<{ results: Result[] }>;
  MANIFEST_TYPES: string[];
};

const PASSWORD = 'pa55-w0rd-never-shown';
let tmp: string;
let cert: TestCert;
let home: string;
let runtime: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-regagent-'));
  cert = makeCert(tmp);
});
afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  home = await fsp.mkdtemp(path.join(tmp, 'home-'));
  runtime = await fsp.mkdtemp(path.join(tmp, 'run-'));
  env = { HOME: home, XDG_RUNTIME_DIR: runtime };
});

const auth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
async function writeJson(file: string, data: unknown): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, JSON.stringify(data));
}
/** A login in one of the authfiles. */
const login = (file: string, key: string, user: string, password = PASSWORD) =>
  writeJson(file, { auths: { [key]: { auth: auth(user, password) } } });
/** Trust the test certificate for `host` through the user's certs.d. */
async function trust(host: string): Promise<void> {
  const dir = path.join(home, '.config/containers/certs.d', host);
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'ca.crt'), cert.cert);
}
const userAuthfile = () => path.join(home, '.config/containers/auth.json');
const check = async (...images: string[]) => (await agent.check({ images }, env, { timeoutMs: 2000 })).results;

describe('registry agent: Basic login', () => {
  let reg: FakeRegistry;
  beforeEach(async () => {
    reg = await new FakeRegistry({ auth: 'basic', users: { demo: PASSWORD } }).start(cert);
    await trust(reg.host);
  });
  afterEach(() => reg.close());

  it('answers digest and media type, one HEAD per image plus the first one retried with the login', async () => {
    await login(userAuthfile(), reg.host, 'demo');
    const [v1, multi, missing] = await check(
      `${reg.host}/ns/app:v1`,
      `${reg.host}/ns/app:multi`,
      `${reg.host}/ns/app:nope`,
    );
    expect(v1).toEqual({
      image: `${reg.host}/ns/app:v1`,
      ok: true,
      digest: digestOf(MANIFESTS.v1.text),
      mediaType: MANIFESTS.v1.mediaType,
    });
    expect(multi).toMatchObject({
      ok: true,
      digest: digestOf(MANIFESTS.multi.text),
      mediaType: MANIFESTS.multi.mediaType,
    });
    expect(missing).toMatchObject({ ok: false, code: 'not-found' });
    expect(missing!.message).toContain(`${reg.host}/ns/app:nope`);
    // the first image learns the challenge (401, then the retry); the others send the login at once
    expect(reg.manifestRequests('ns/app', 'v1').map((r) => r.user)).toEqual([undefined, 'demo']);
    expect(reg.manifestRequests('ns/app', 'multi').map((r) => r.user)).toEqual(['demo']);
    expect(reg.manifestRequests('ns/app', 'nope').map((r) => r.user)).toEqual(['demo']);
    expect(reg.log.every((r) => r.method === 'HEAD')).toBe(true);
    expect(reg.log[0]!.accept.join(',').split(/\s*,\s*/)).toEqual(agent.MANIFEST_TYPES);
  });

  it('asks an image named twice once', async () => {
    await login(userAuthfile(), reg.host, 'demo');
    const rs = await check(`${reg.host}/ns/app:v1`, `${reg.host}/ns/app:v1`);
    expect(rs.map((r) => r.ok)).toEqual([true, true]);
    expect(reg.manifestRequests('ns/app', 'v1')).toHaveLength(2); // 401 + retry, not four
  });

  it('refuses a wrong password as unauthorized without showing it, after one retry', async () => {
    await login(userAuthfile(), reg.host, 'demo', PASSWORD.replace('0', 'O'));
    const [r] = await check(`${reg.host}/ns/app:v1`);
    expect(r).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(r!.message).toContain(`refused the login stored in ${userAuthfile()}`);
    expect(JSON.stringify(r)).not.toContain(PASSWORD.replace('0', 'O'));
    expect(JSON.stringify(r)).not.toContain(auth('demo', PASSWORD.replace('0', 'O')));
    expect(reg.manifestRequests('ns/app', 'v1')).toHaveLength(2);
  });

  it('without a login is unauthorized, with the podman login to do, after one request', async () => {
    const [r] = await check(`${reg.host}/ns/app:v1`);
    expect(r).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(r!.message).toBe(`${reg.host} asks for a login and the user has none (podman login ${reg.host})`);
    expect(reg.manifestRequests('ns/app', 'v1')).toHaveLength(1);
  });

  it('takes the most specific key of an authfile', async () => {
    await writeJson(userAuthfile(), {
      auths: { [reg.host]: { auth: auth('demo', 'wrong') }, [`${reg.host}/ns`]: { auth: auth('demo', PASSWORD) } },
    });
    const [ns, other] = await check(`${reg.host}/ns/app:v1`, `${reg.host}/other/app:v1`);
    expect(ns).toMatchObject({ ok: true });
    expect(other).toMatchObject({ ok: false, code: 'unauthorized' });
  });
});

describe('registry agent: Bearer tokens', () => {
  let reg: FakeRegistry;
  beforeEach(async () => {
    reg = await new FakeRegistry({ auth: 'bearer', users: { demo: PASSWORD }, anonymous: ['public/app'] }).start(cert);
    await trust(reg.host);
  });
  afterEach(() => reg.close());

  it('gets a token with the login, for the scope asked, then retries once; the next image asks its token first', async () => {
    await login(path.join(runtime, 'containers/auth.json'), reg.host, 'demo');
    const [a, b] = await check(`${reg.host}/team/app:v1`, `${reg.host}/team/db:multi`);
    expect(a).toMatchObject({ ok: true, digest: digestOf(MANIFESTS.v1.text) });
    expect(b).toMatchObject({ ok: true, digest: digestOf(MANIFESTS.multi.text) });
    expect(reg.manifestRequests('team/app', 'v1').map((r) => r.user)).toEqual([undefined, 'demo']);
    expect(reg.manifestRequests('team/db', 'multi').map((r) => r.user)).toEqual(['demo']);
    const tokens = reg.tokenRequests();
    expect(tokens.map((t) => [t.method, t.user])).toEqual([
      ['GET', 'demo'],
      ['GET', 'demo'],
    ]);
    expect(new URLSearchParams(tokens[0]!.path.split('?')[1]).get('scope')).toBe('repository:team/app:pull');
    expect(new URLSearchParams(tokens[1]!.path.split('?')[1]).get('scope')).toBe('repository:team/db:pull');
  });

  it('gets an anonymous token for a public repository', async () => {
    const [r] = await check(`${reg.host}/public/app:v1`);
    expect(r).toMatchObject({ ok: true, digest: digestOf(MANIFESTS.v1.text) });
    expect(reg.tokenRequests().map((t) => t.user)).toEqual([undefined]);
  });

  it('is unauthorized when the token service refuses the login, and never shows the password', async () => {
    await login(userAuthfile(), reg.host, 'demo', `${PASSWORD}x`);
    const [r] = await check(`${reg.host}/team/app:v1`);
    expect(r).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(r!.message).toContain('token service');
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
    expect(reg.manifestRequests('team/app', 'v1')).toHaveLength(1);
  });
});

describe('registry agent: what it does not check, and connections that fail', () => {
  it.each([
    ['app:1', 'invalid', 'a short name'],
    ['ns/app:1', 'invalid', 'a short name'],
    ['localhost/app:dev', 'local', 'local image'],
    [`registry.example.org/ns/app@sha256:${'a'.repeat(64)}`, 'invalid', 'pinned to a digest'],
    ['registry.example.org/NS/app:1', 'invalid', 'not a repository path'],
  ])('%s → %s', async (image, code, text) => {
    const [r] = await check(image);
    expect(r).toMatchObject({ image, ok: false, code });
    expect(r!.message).toContain(text);
  });

  it('is a TLS failure, naming the certs.d folders, when the CA is not trusted', async () => {
    const reg = await new FakeRegistry({ auth: 'none', users: {} }).start(cert);
    try {
      const [r] = await check(`${reg.host}/ns/app:v1`);
      expect(r).toMatchObject({ ok: false, code: 'tls' });
      expect(r!.message).toContain(`/etc/containers/certs.d/${reg.host}/`);
      await trust(reg.host);
      expect((await check(`${reg.host}/ns/app:v1`))[0]).toMatchObject({ ok: true });
    } finally {
      await reg.close();
    }
  });

  it('is unreachable when nothing listens, or nothing answers in time', async () => {
    const reg = await new FakeRegistry({ auth: 'none', users: {}, hang: 'slow/app' }).start(cert);
    await trust(reg.host);
    const host = reg.host;
    try {
      const [slow] = await check(`${host}/slow/app:v1`);
      expect(slow).toMatchObject({ ok: false, code: 'unreachable', message: `${host} did not answer within 2 s` });
    } finally {
      await reg.close();
    }
    const [closed] = await check(`${host}/ns/app:v1`);
    expect(closed).toMatchObject({ ok: false, code: 'unreachable', message: `${host} is unreachable (ECONNREFUSED)` });
  });
});

/** The agent as its own process, as session.ts's asUser starts it: one request on stdin, one answer on stdout. */
function runAgent(request: unknown): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REGISTRY_AGENT], { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(typeof request === 'string' ? request : JSON.stringify(request));
  });
}

describe('registry agent process: authfile search order', () => {
  let reg: FakeRegistry;
  beforeEach(async () => {
    reg = await new FakeRegistry({ auth: 'basic', users: { run: 'p1', conf: 'p2', docker: 'p3' } }).start(cert);
    await trust(reg.host);
  });
  afterEach(() => reg.close());

  it('takes $XDG_RUNTIME_DIR, then ~/.config, then ~/.docker/config.json', async () => {
    const files = {
      run: path.join(runtime, 'containers/auth.json'),
      conf: userAuthfile(),
      docker: path.join(home, '.docker/config.json'),
    };
    await login(files.run, reg.host, 'run', 'p1');
    await login(files.conf, reg.host, 'conf', 'p2');
    await writeJson(files.docker, { auths: { [`https://${reg.host}/v1/`]: { auth: auth('docker', 'p3') } } });
    const users: (string | undefined)[] = [];
    for (const next of ['run', 'conf', 'docker'] as const) {
      const r = await runAgent({ images: [`${reg.host}/ns/app:v1`], platform: { os: 'linux', architecture: 'amd64' } });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).results[0]).toMatchObject({ ok: true, digest: digestOf(MANIFESTS.v1.text) });
      users.push(reg.log.at(-1)!.user);
      await fsp.rm(files[next]);
    }
    expect(users).toEqual(['run', 'conf', 'docker']);
    const none = await runAgent({ images: [`${reg.host}/ns/app:v1`] });
    expect(JSON.parse(none.stdout).results[0]).toMatchObject({ ok: false, code: 'unauthorized' });
  });

  it('exits 2 on a request it cannot read', async () => {
    expect(await runAgent('not json')).toMatchObject({ code: 2, stdout: '' });
    const bad = await runAgent({ images: ['a'], platform: { os: 'linux' } });
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('"platform" is {os, architecture, variant?}');
  });
});
