import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  ApplyResultSchema,
  ConfigFileListSchema,
  ConfigFileSchema,
  DoctorReportSchema,
  RegistryLoginListSchema,
  SecretListSchema,
  UnitListSchema,
  VolumeListSchema,
  VolumeNameSchema,
} from '../../api/contract.js';
import { checkSpec } from '../../core/spec.js';
import { type Setup, setup } from './compartments-test-setup.js';
import { VOLUMES_ROOT } from './compartments-test-support.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'hunter2-Sup3r-S3cret';
const PASSWORD = 'p4ssw0rd-never-shown';

/** Everything the server said or remembered about the requests: bodies, logs and audit entries. */
const everything = (bodies: string[]) => [...bodies, ...s.t.logs, JSON.stringify(s.t.audits)].join('\n');

describe('units', () => {
  it('lists units with their state', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('shopViewer', 'GET', '/api/compartments/shop/units');
    expect(res.statusCode).toBe(200);
    expect(UnitListSchema.parse(res.json()).units.map((u) => `${u.unit}:${u.status?.activeState}`)).toEqual([
      'c0.service:active',
      'c1.service:active',
      'shop-network.service:active',
    ]);
  });

  it('stops named units and starts all, answering their state; audited', async () => {
    s = await setup(dir, { shop: true });
    const stop = await s.t.as('shopOperator', 'POST', '/api/compartments/shop/units/stop', {
      units: ['c0', 'c1.container'],
    });
    expect(stop.statusCode).toBe(200);
    expect(UnitListSchema.parse(stop.json()).units.map((u) => `${u.unit}:${u.status?.activeState}`)).toEqual([
      'c0.service:failed',
      'c1.service:failed',
    ]);
    const start = await s.t.as('operator', 'POST', '/api/compartments/shop/units/start');
    expect(UnitListSchema.parse(start.json()).units.every((u) => u.status?.activeState === 'active')).toBe(true);
    const restart = await s.t.as('operator', 'POST', '/api/compartments/shop/units/restart', {});
    expect(restart.statusCode).toBe(200);
    expect(s.t.audits.map((a) => [a.action, a.result, a.details])).toEqual([
      ['unit.stop', 'ok', { units: ['c0', 'c1.container'] }],
      ['unit.start', 'ok', { units: 'all' }],
      ['unit.restart', 'ok', { units: 'all' }],
    ]);
  });

  it('answers 404 for a unit the compartment does not have, 400 for an unknown action', async () => {
    s = await setup(dir, { shop: true });
    const missing = await s.t.as('operator', 'POST', '/api/compartments/shop/units/stop', { units: ['nope'] });
    expect(missing.statusCode).toBe(404);
    expect(s.t.audits[0]).toMatchObject({ action: 'unit.stop', result: 'failed' });
    const bad = await s.t.as('operator', 'POST', '/api/compartments/shop/units/explode', {});
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.validation[0].instancePath).toBe('/action');
  });
});

describe('volumes', () => {
  it('lists declared and left-over volumes with path, owner and size', async () => {
    s = await setup(dir, { shop: true });
    s.ctx.resourceHost.paths.set(`${VOLUMES_ROOT}/shop/data`, { bytes: 4096, owner: 'qm-shop' });
    s.ctx.resourceHost.podman.set('shop', [{ name: 'old', mountpoint: '/home/qm-shop/vol/old/_data' }]);
    s.ctx.resourceHost.paths.set('/home/qm-shop/vol/old/_data', { bytes: 10, owner: 'qm-shop' });
    const res = await s.t.as('viewer', 'GET', '/api/compartments/shop/volumes');
    expect(res.statusCode).toBe(200);
    expect(VolumeListSchema.parse(res.json()).volumes).toEqual([
      {
        name: 'data',
        kind: 'host',
        path: `${VOLUMES_ROOT}/shop/data`,
        owner: 'qm-shop',
        sizeBytes: 4096,
        declared: true,
        exists: true,
        declaredAs: 'data',
        mountSource: `${VOLUMES_ROOT}/shop/data`,
      },
      {
        name: 'old',
        kind: 'podman',
        path: '/home/qm-shop/vol/old/_data',
        owner: 'qm-shop',
        sizeBytes: 10,
        declared: false,
        exists: true,
        declaredAs: null,
        mountSource: 'old',
      },
    ]);
  });

  it('deletes a left-over volume (audited), refuses a declared one (409), 404 for none', async () => {
    s = await setup(dir, { shop: true });
    s.ctx.resourceHost.podman.set('shop', [{ name: 'old', mountpoint: '/x' }]);
    const del = await s.t.as('shopAdmin', 'DELETE', '/api/compartments/shop/volumes/old');
    expect(del.statusCode).toBe(200);
    expect(s.ctx.resourceHost.calls).toEqual(['volume rm shop old']);
    const declared = await s.t.as('admin', 'DELETE', '/api/compartments/shop/volumes/data');
    expect(declared.statusCode).toBe(409);
    // a host folder the spec no longer declares is listed, and deleted like a Podman volume
    s.ctx.resourceHost.paths.set(`${VOLUMES_ROOT}/shop/scratch`, { bytes: 8, owner: 'qm-shop' });
    const listed = await s.t.as('viewer', 'GET', '/api/compartments/shop/volumes');
    expect(VolumeListSchema.parse(listed.json()).volumes.find((v) => v.name === 'scratch')).toMatchObject({
      kind: 'host',
      declared: false,
      exists: true,
      sizeBytes: 8,
    });
    const scratch = await s.t.as('admin', 'DELETE', '/api/compartments/shop/volumes/scratch?kind=host');
    expect(scratch.statusCode).toBe(200);
    expect(s.ctx.resourceHost.calls).toEqual(['volume rm shop old', 'host volume rm shop scratch']);
    const none = await s.t.as('admin', 'DELETE', '/api/compartments/shop/volumes/nope');
    expect(none.statusCode).toBe(404);
    const bad = await s.t.as('admin', 'DELETE', '/api/compartments/shop/volumes/-rf');
    expect(bad.statusCode).toBe(400);
    expect(s.t.audits.map((a) => [a.action, a.result, a.details?.volume])).toEqual([
      ['volume.delete', 'ok', 'old'],
      ['volume.delete', 'failed', 'data'],
      ['volume.delete', 'ok', 'scratch'],
      ['volume.delete', 'failed', 'nope'],
    ]);
  });
});

describe('declaring volumes', () => {
  it('declares a Podman volume by applying the changed state; listed with the unit a container names', async () => {
    s = await setup(dir, { shop: true });
    const put = await s.t.as('shopOperator', 'PUT', '/api/compartments/shop/volumes/cache', {
      kind: 'podman',
      options: { driver: 'local', label: { app: 'shop' }, copy: false },
    });
    expect(put.statusCode).toBe(200);
    const r = ApplyResultSchema.parse(put.json());
    expect(r.outcome).toBe('applied');
    expect(r.plan.changes.map((c) => c.path)).toEqual(['.config/containers/systemd/cache.volume']);
    expect(s.ctx.app.compartments.state('shop').volumes.cache).toEqual({
      kind: 'podman',
      options: { driver: 'local', label: { app: 'shop' }, copy: false },
    });
    const listed = await s.t.as('viewer', 'GET', '/api/compartments/shop/volumes');
    expect(VolumeListSchema.parse(listed.json()).volumes.find((v) => v.declaredAs === 'cache')).toMatchObject({
      name: 'systemd-cache',
      kind: 'podman',
      declared: true,
      mountSource: 'cache.volume',
    });
    // a host volume renders no file (its folder is made by the first apply that mounts it): the state changes
    const host = await s.t.as('operator', 'PUT', '/api/compartments/shop/volumes/uploads', { kind: 'host' });
    expect(host.json()).toMatchObject({ outcome: 'noop' });
    expect(s.ctx.app.compartments.state('shop').volumes.uploads).toEqual({ kind: 'host' });
    expect(s.t.audits.map((a) => [a.action, a.result, a.target, a.details?.volume])).toEqual([
      ['volume.declare', 'ok', 'compartment:shop/volume:cache', 'cache'],
      ['volume.declare', 'ok', 'compartment:shop/volume:uploads', 'uploads'],
    ]);
  });

  it('refuses a bad name, kind or option (400 naming the field), and changes nothing', async () => {
    s = await setup(dir, { shop: true });
    const before = s.ctx.app.compartments.state('shop');
    const cases: [url: string, body: unknown, field: string][] = [
      ['/api/compartments/shop/volumes/-rf', { kind: 'host' }, '/name'],
      [`/api/compartments/shop/volumes/${'v'.repeat(65)}`, { kind: 'host' }, '/name'],
      ['/api/compartments/shop/volumes/cache', { kind: 'nfs' }, '/kind'],
      ['/api/compartments/shop/volumes/cache', { kind: 'host', options: { driver: 'local' } }, '/options'],
      ['/api/compartments/shop/volumes/cache', { kind: 'podman', options: { driver: 'a\nb' } }, '/options/driver'],
      ['/api/compartments/shop/volumes/cache', { kind: 'podman', options: { podmanArgs: ['--x'] } }, '/options'],
    ];
    for (const [url, body, field] of cases) {
      const res = await s.t.as('operator', 'PUT', url, body);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details.validation[0].instancePath, JSON.stringify(body)).toBe(field);
    }
    expect(s.ctx.app.compartments.state('shop')).toEqual(before);
    expect(s.ctx.app.compartments.history('shop')).toHaveLength(1);
    expect(s.t.audits).toEqual([]);
  });

  it('takes a volume name exactly when the spec does', () => {
    const names = [
      'data',
      'a',
      'A.b_c-1',
      '0x',
      'v'.repeat(64),
      '',
      '-rf',
      '.hidden',
      'a b',
      'a/b',
      'ä',
      'v'.repeat(65),
    ];
    for (const name of names) {
      const spec = `compartment: shop\nvolumes:\n  ${JSON.stringify(name)}: {}\n`;
      expect(VolumeNameSchema.safeParse(name).success, name).toBe(checkSpec(parseYaml(spec)).state !== undefined);
    }
  });

  it('lets an operator declare, not a viewer (403)', async () => {
    s = await setup(dir, { shop: true });
    const viewer = await s.t.as('shopViewer', 'PUT', '/api/compartments/shop/volumes/cache', { kind: 'host' });
    expect(viewer.statusCode).toBe(403);
    expect(s.ctx.app.compartments.state('shop').volumes.cache).toBeUndefined();
    const operator = await s.t.as('shopOperator', 'PUT', '/api/compartments/shop/volumes/cache', { kind: 'host' });
    expect(operator.statusCode).toBe(200);
  });

  it('takes a volume out of the desired state, keeping its data; then its data can be deleted', async () => {
    s = await setup(dir, { shop: true });
    s.ctx.resourceHost.paths.set(`${VOLUMES_ROOT}/shop/data`, { bytes: 4096, owner: 'qm-shop' });
    // the containers of the spec mount it: they go first
    await s.ctx.app.compartments.applyState(
      { ...s.ctx.app.compartments.state('shop'), units: {} },
      { actor: 'test', create: false, message: 'no units' },
    );
    const out = await s.t.as('shopOperator', 'DELETE', '/api/compartments/shop/volumes/data/declaration');
    expect(out.statusCode).toBe(200);
    expect(out.json()).toMatchObject({ outcome: 'noop' });
    expect(s.ctx.app.compartments.state('shop').volumes.data).toBeUndefined();
    expect(s.ctx.resourceHost.calls).toEqual([]);
    const listed = await s.t.as('viewer', 'GET', '/api/compartments/shop/volumes');
    expect(VolumeListSchema.parse(listed.json()).volumes).toMatchObject([
      { name: 'data', kind: 'host', declared: false, exists: true, declaredAs: null },
    ]);
    const again = await s.t.as('operator', 'DELETE', '/api/compartments/shop/volumes/data/declaration');
    expect(again.statusCode).toBe(404);
    const del = await s.t.as('admin', 'DELETE', '/api/compartments/shop/volumes/data?kind=host');
    expect(del.statusCode).toBe(200);
    expect(s.ctx.resourceHost.calls).toEqual(['host volume rm shop data']);
    expect(s.t.audits.map((a) => [a.action, a.result, a.target])).toEqual([
      ['volume.undeclare', 'ok', 'compartment:shop/volume:data'],
      ['volume.undeclare', 'failed', 'compartment:shop/volume:data'],
      ['volume.delete', 'ok', 'compartment:shop/volume:data'],
    ]);
  });
});

describe('secrets', () => {
  it('creates a secret whose value reaches Podman and nothing else: not the answer, logs or audit log', async () => {
    s = await setup(dir, { shop: true });
    const create = await s.t.as('shopAdmin', 'POST', '/api/compartments/shop/secrets', {
      name: 'db-password',
      value: SECRET,
    });
    expect(create.statusCode).toBe(201);
    expect(create.json()).toEqual({ name: 'db-password', replaced: false });
    expect(s.ctx.resourceHost.secretValues.get('shop')?.get('db-password')).toBe(SECRET);
    const list = await s.t.as('viewer', 'GET', '/api/compartments/shop/secrets');
    expect(SecretListSchema.parse(list.json()).secrets).toEqual([
      { name: 'db-password', declared: true, exists: true },
    ]);
    const again = await s.t.as('admin', 'POST', '/api/compartments/shop/secrets', {
      name: 'db-password',
      value: SECRET,
    });
    expect(again.statusCode).toBe(409);
    const replaced = await s.t.as('admin', 'POST', '/api/compartments/shop/secrets', {
      name: 'db-password',
      value: `${SECRET}-2`,
      replace: true,
    });
    expect(replaced.json()).toEqual({ name: 'db-password', replaced: true });
    expect(s.t.logs.length).toBeGreaterThan(0);
    expect(everything([create.body, list.body, again.body, replaced.body])).not.toContain(SECRET);
    expect(s.t.audits.map((a) => [a.action, a.result, a.details?.secret])).toEqual([
      ['secret.create', 'ok', 'db-password'],
      ['secret.create', 'failed', 'db-password'],
      ['secret.create', 'ok', 'db-password'],
    ]);
  });

  it('never echoes a value back in a validation error', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('admin', 'POST', '/api/compartments/shop/secrets', { name: 'bad name', value: SECRET });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.validation[0].instancePath).toBe('/name');
    const tooBig = await s.t.as('admin', 'POST', '/api/compartments/shop/secrets', {
      name: 'big',
      value: SECRET.repeat(4000),
    });
    expect(tooBig.statusCode).toBe(400);
    expect(everything([res.body, tooBig.body])).not.toContain(SECRET);
  });

  it('deletes a secret (audited); 404 for one that does not exist', async () => {
    s = await setup(dir, { shop: true });
    await s.ctx.app.resources.createSecret('shop', 'token', SECRET);
    const del = await s.t.as('admin', 'DELETE', '/api/compartments/shop/secrets/token');
    expect(del.statusCode).toBe(204);
    expect(s.ctx.resourceHost.secretValues.get('shop')?.has('token')).toBe(false);
    const again = await s.t.as('admin', 'DELETE', '/api/compartments/shop/secrets/token');
    expect(again.statusCode).toBe(404);
    expect(s.t.audits.map((a) => [a.action, a.result])).toEqual([
      ['secret.delete', 'ok'],
      ['secret.delete', 'failed'],
    ]);
  });
});

describe('registry logins', () => {
  it('lists declared logins; logs in and out, the password never in answers, logs or audit', async () => {
    s = await setup(dir, { shop: true });
    const list = await s.t.as('viewer', 'GET', '/api/compartments/shop/registries');
    expect(RegistryLoginListSchema.parse(list.json()).registries).toEqual([
      { registry: 'quay.io', username: 'bob', declared: true, loggedIn: false },
    ]);
    const login = await s.t.as('admin', 'POST', '/api/compartments/shop/registries', {
      registry: 'quay.io',
      username: 'bob',
      password: PASSWORD,
    });
    expect(login.statusCode).toBe(200);
    expect(s.ctx.resourceHost.logins.get('shop')?.get('quay.io')).toEqual({ username: 'bob', password: PASSWORD });
    expect(RegistryLoginListSchema.parse(login.json()).registries).toEqual([
      { registry: 'quay.io', username: 'bob', declared: true, loggedIn: true },
    ]);
    // a login to a registry the spec did not name is recorded in the desired state, and listed
    const other = await s.t.as('admin', 'POST', '/api/compartments/shop/registries', {
      registry: 'localhost:5000/team',
      username: 'ann',
      password: PASSWORD,
    });
    expect(RegistryLoginListSchema.parse(other.json()).registries.map((r) => [r.registry, r.loggedIn])).toEqual([
      ['localhost:5000/team', true],
      ['quay.io', true],
    ]);
    const logout = await s.t.as(
      'admin',
      'DELETE',
      `/api/compartments/shop/registries/${encodeURIComponent('localhost:5000/team')}`,
    );
    expect(logout.statusCode).toBe(200);
    expect(RegistryLoginListSchema.parse(logout.json()).registries.map((r) => r.registry)).toEqual(['quay.io']);
    expect(s.ctx.resourceHost.calls).toEqual([
      'login shop quay.io bob',
      'login shop localhost:5000/team ann',
      'logout shop localhost:5000/team',
    ]);
    expect(everything([list.body, login.body, other.body, logout.body])).not.toContain(PASSWORD);
    expect(s.t.audits.map((a) => [a.action, a.result, a.details])).toEqual([
      ['registry.login', 'ok', { registry: 'quay.io', username: 'bob' }],
      ['registry.login', 'ok', { registry: 'localhost:5000/team', username: 'ann' }],
      ['registry.logout', 'ok', { registry: 'localhost:5000/team' }],
    ]);
  });

  it('refuses a registry that could be read as an option', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('admin', 'POST', '/api/compartments/shop/registries', {
      registry: '--tls-verify=false',
      username: 'bob',
      password: PASSWORD,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.validation[0].instancePath).toBe('/registry');
    expect(everything([res.body])).not.toContain(PASSWORD);
  });

  // Found by the hostile-input suite: `podman login … --username --x --password-stdin -- quay.io` put the user
  // name in front of `--`, where an option parser that does not know --username takes a value reads it as an option.
  it('refuses a user name that could be read as an option or cannot be a command-line argument', async () => {
    s = await setup(dir, { shop: true });
    // (and, also found by it, a NUL that reached podman's argv and a lone surrogate that would arrive as U+FFFD)
    for (const username of ['-x', '--password-stdin', '--tls-verify=false', 'bob\0x', 'bob\u0085', 'bob\ud800']) {
      const res = await s.t.as('admin', 'POST', '/api/compartments/shop/registries', {
        registry: 'quay.io',
        username,
        password: PASSWORD,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.validation[0].instancePath).toBe('/username');
    }
    expect(s.ctx.resourceHost.calls).toEqual([]);
  });
});

describe('config files', () => {
  it('lists and reads files of the desired state', async () => {
    s = await setup(dir, { shop: true });
    const list = await s.t.as('viewer', 'GET', '/api/compartments/shop/files');
    expect(ConfigFileListSchema.parse(list.json()).files).toEqual([
      { path: 'app.env', in: 'files', mode: 0o600, size: 4 },
    ]);
    const one = await s.t.as('viewer', 'GET', '/api/compartments/shop/files/app.env');
    expect(ConfigFileSchema.parse(one.json())).toMatchObject({ content: 'A=1\n' });
    expect((await s.t.as('viewer', 'GET', '/api/compartments/shop/files/nope.env')).statusCode).toBe(404);
  });

  it('puts a file (nested path) by applying the changed state, then deletes it; audited', async () => {
    s = await setup(dir, { shop: true });
    const put = await s.t.as('shopOperator', 'PUT', '/api/compartments/shop/files/conf/app.ini', {
      content: '[x]\ny=1\n',
    });
    expect(put.statusCode).toBe(200);
    const r = ApplyResultSchema.parse(put.json());
    expect(r.outcome).toBe('applied');
    expect(r.plan.changes.map((c) => c.path)).toEqual(['.config/quadletman/files/conf/app.ini']);
    expect(s.ctx.app.compartments.state('shop').files['conf/app.ini']).toEqual({
      content: '[x]\ny=1\n',
      mode: 0o644,
      in: 'files',
    });
    const del = await s.t.as('operator', 'DELETE', '/api/compartments/shop/files/conf/app.ini');
    expect(del.json()).toMatchObject({ outcome: 'applied' });
    expect(s.ctx.app.compartments.state('shop').files['conf/app.ini']).toBeUndefined();
    expect(s.t.audits.map((a) => [a.action, a.result, a.details?.path])).toEqual([
      ['file.put', 'ok', 'conf/app.ini'],
      ['file.delete', 'ok', 'conf/app.ini'],
    ]);
  });

  it('refuses a path that leaves the folder (400) and a mode out of range', async () => {
    s = await setup(dir, { shop: true });
    const outside = await s.t.as('operator', 'PUT', '/api/compartments/shop/files/..%2F..%2Fetc%2Fpasswd', {
      content: 'x',
    });
    expect(outside.statusCode).toBe(400);
    const mode = await s.t.as('operator', 'PUT', '/api/compartments/shop/files/a.env', { content: 'x', mode: 0o7777 });
    expect(mode.statusCode).toBe(400);
    expect(mode.json().error.details.validation[0].instancePath).toBe('/mode');
    expect(s.ctx.app.compartments.history('shop')).toHaveLength(1);
  });
});

describe('doctor', () => {
  it('answers the checks of this machine (through the exec port)', async () => {
    s = await setup(dir);
    const res = await s.t.as('viewer', 'GET', '/api/doctor');
    expect(res.statusCode).toBe(200);
    const report = DoctorReportSchema.parse(res.json());
    expect(report.checks.length).toBeGreaterThan(10);
    expect(s.ctx.exec.calls.length).toBeGreaterThan(0);
  });
});
