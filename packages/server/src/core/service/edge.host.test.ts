// The edge for real (runs inside the sandbox host as root): Debian's Caddy installed as quadletman-edge.service,
// configured only through its admin socket. Two compartments' apps routed by host name over HTTPS with Caddy's
// internal CA (curl --cacert, real TLS); routes added, changed and removed while a client keeps requesting; a
// route whose app does not answer rolls the apply back; the compartment's target stops and starts its stack; a
// Caddy restart gets the configuration back.

import { execFile } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { renderSelfBackupUnits, renderServiceUnit, serverHardening } from '../../cli/commands/install.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import { EDGE_ADMIN_SOCKET, EDGE_UNIT, installEdge, renderEdgeUnit } from '../../host/edge-unit.js';
import { GUARD_TABLE } from '../../host/loopback-guard.js';
import { asUser } from '../../host/session.js';
import { CA_CERT, LEAF_CERT, LEAF_KEY } from '../edge/certificates.test-fixtures.js';
import { parseCompartmentId } from '../ids.js';
import { render } from '../render.js';
import { parseSpecText } from '../spec.js';

const run = promisify(execFile);
const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const A = parseCompartmentId('qmt-edge-a');
const B = parseCompartmentId('qmt-edge-b');
const DATA = '/var/lib/quadletman-test-edge';
const HTTPS = 18_443;
const HTTP = 18_480;
const CA = `${DATA}-ca.crt`;

const spec = (id: string, text: string, routes: string) => `
compartment: ${id}
units:
  web.container:
    container:
      image: localhost/busybox:latest
      exec: [sh, -c, "mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 8080 -h /www"]
      runInit: true
    service: { SuccessExitStatus: "143" }
routes: ${routes}
`;

/** One request through the edge as a browser makes it: the name resolved to 127.0.0.1, TLS checked against the CA. */
async function curl(host: string, path = '/', ca = CA): Promise<{ code: number; body: string }> {
  try {
    const { stdout } = await run(
      'curl',
      [
        '-sS',
        '--max-time',
        '5',
        '--cacert',
        ca,
        '--resolve',
        `${host}:${HTTPS}:127.0.0.1`,
        '-w',
        '\n%{http_code}',
        `https://${host}:${HTTPS}${path}`,
      ],
      { timeout: 10_000 },
    );
    const at = stdout.lastIndexOf('\n');
    return { code: Number(stdout.slice(at + 1)), body: stdout.slice(0, at).trim() };
  } catch (e) {
    return { code: 0, body: (e as Error).message };
  }
}

describe.skipIf(!onHost)('the edge (Caddy) for real', () => {
  let app: AppContext;

  beforeAll(async () => {
    expect(await installEdge()).toBe(true);
    for (let i = 0; i < 100 && !(await fsp.stat(EDGE_ADMIN_SOCKET).catch(() => undefined)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    app = await openHostTestApp(DATA, A);
    await app.edge.configure({ httpPort: HTTP, httpsPort: HTTPS });
    await app.host.users.delete(B).catch(() => undefined);
    await app.compartments.create({ id: B });
    for (const id of [A, B]) {
      await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(id));
    }
  }, 180_000);
  afterAll(async () => {
    await app?.compartments.delete(B).catch(() => undefined);
    await app?.host.users.delete(B).catch(() => undefined);
    await closeHostTestApp(app, A, DATA);
    await fsp.rm(CA, { force: true });
    await run('systemctl', ['stop', EDGE_UNIT]).catch(() => undefined);
    await run('nft', ['delete', 'table', 'inet', GUARD_TABLE]).catch(() => undefined);
  });

  it("systemd-analyze verify finds nothing in the edge's unit, the server's, the self-backup's timer and service, or a compartment's target", async () => {
    const dir = await fsp.mkdtemp('/var/lib/qmt-verify-');
    const selfBackup = renderSelfBackupUnits([process.execPath, '/opt/quadletman/quadletman.cjs']);
    try {
      const files = {
        'quadletman-edge.service': renderEdgeUnit(),
        'quadletman.service': renderServiceUnit(
          [process.execPath, '/opt/quadletman/quadletman.cjs', 'serve'],
          serverHardening('quadletman', '/var/lib/quadletman', ['systemd-journal', 'quadletman-edge']),
        ),
        'quadletman-self-backup.service': selfBackup.service,
        'quadletman-self-backup.timer': selfBackup.timer,
        [`${A}.target`]: render(parseSpecText(spec(A, 'alpha', '[]'))).files.get(`.config/systemd/user/${A}.target`)!,
      };
      for (const [name, text] of Object.entries(files)) await fsp.writeFile(`${dir}/${name}`, text);
      const r = await run('systemd-analyze', ['verify', ...Object.keys(files).map((n) => `${dir}/${n}`)]).then(
        (x) => `${x.stdout}${x.stderr}`,
        (e: { stdout?: string; stderr?: string }) => `failed: ${e.stdout ?? ''}${e.stderr ?? ''}`,
      );
      // (systemd-analyze exits 0 on warnings: any output is a finding; lines about units these pull in are not ours)
      expect(r.split('\n').filter((l) => l.includes(dir) || l.startsWith('failed'))).toEqual([]);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('routes two compartments by host name over HTTPS with the internal CA', async () => {
    const a = await app.compartments.applyState(
      parseSpecText(spec(A, 'alpha', '[{ host: a.qm.test, to: "web:8080" }]')),
      {
        actor: 'test',
      },
    );
    expect(a.outcome, a.message).toBe('applied');
    const b = await app.compartments.applyState(
      parseSpecText(spec(B, 'bravo', '[{ host: B.qm.test, to: "web:8080" }]')),
      {
        actor: 'test',
      },
    );
    expect(b.outcome, b.message).toBe('applied');
    // each route got a loopback port of its own, published on 127.0.0.1 only
    const ports = app.store.edge.allRoutes().map((r) => r.port);
    expect(new Set(ports).size).toBe(2);
    const pem = await app.edge.rootCertificate();
    expect(pem).toContain('BEGIN CERTIFICATE');
    await fsp.writeFile(CA, pem!);
    expect(await curl('a.qm.test')).toEqual({ code: 200, body: 'alpha' });
    expect(await curl('b.qm.test')).toEqual({ code: 200, body: 'bravo' });
    // plain HTTP redirects to HTTPS
    const { stdout } = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{redirect_url}',
      '-H',
      'Host: a.qm.test',
      `http://127.0.0.1:${HTTP}/`,
    ]);
    expect(stdout).toMatch(/^30[18] https:\/\/a\.qm\.test/);
    // the published port is on the loopback only
    const unit = (await app.compartments.plan(A)).plan;
    expect(unit.noop).toBe(true);
    const status = await app.edge.status();
    expect(status.inSync).toBe(true);
    expect(status.routes.map((r) => [r.host, r.ok, r.certificate?.issuer])).toEqual([
      ['a.qm.test', true, expect.stringContaining('Caddy Local Authority')],
      ['b.qm.test', true, expect.stringContaining('Caddy Local Authority')],
    ]);
    // the loopback guard: A's route port answers Caddy (above) and root, but not B's user
    const portA = app.store.edge.allRoutes().find((r) => r.compartment === A)!.port!;
    const asB = await app.host.exec.run(
      asUser(await app.host.users.sessionFor(B), ['curl', '-sS', '--max-time', '3', `http://127.0.0.1:${portA}/`]),
      { expectCodes: [0, 7, 28, 52, 56] },
    );
    expect(asB.code, asB.stdout).not.toBe(0);
    expect((await run('curl', ['-sS', '--max-time', '3', `http://127.0.0.1:${portA}/`])).stdout.trim()).toBe('alpha');
  }, 180_000);

  it('adds, changes and removes a route while a client keeps requesting another: no request fails', async () => {
    let stop = false;
    const results: number[] = [];
    const client = (async () => {
      while (!stop) results.push((await curl('a.qm.test')).code);
    })();
    const steps = [
      '[{ host: a.qm.test, to: "web:8080" }, { host: a2.qm.test, to: "web:8080" }]',
      '[{ host: a.qm.test, to: "web:8080" }, { host: a3.qm.test, path: /app, to: "web:8080" }]',
      '[{ host: a.qm.test, to: "web:8080" }]',
    ];
    try {
      for (const routes of steps) {
        const r = await app.compartments.applyState(parseSpecText(spec(A, 'alpha', routes)), { actor: 'test' });
        expect(r.outcome, r.message).toBe('applied');
        if (routes.includes('a2.')) expect(await curl('a2.qm.test')).toEqual({ code: 200, body: 'alpha' });
        if (routes.includes('a3.')) expect((await curl('a3.qm.test', '/app')).code).toBe(404); // busybox: no /app
      }
    } finally {
      stop = true;
      await client;
    }
    console.log(
      `requests during the route changes: ${results.length}, failed: ${results.filter((c) => c !== 200).length}`,
    );
    expect(results.length).toBeGreaterThan(5);
    expect(results.filter((c) => c !== 200)).toEqual([]);
  }, 180_000);

  it('rolls the apply back when a route’s app does not answer, and the edge serves the previous routes', async () => {
    const before = app.store.compartments.loadState(B);
    const bad = spec(B, 'bravo', '[{ host: b.qm.test, to: "web:8080" }, { host: dead.qm.test, to: "web:9999" }]');
    const r = await app.compartments.applyState(parseSpecText(bad), { actor: 'test' });
    expect(r.outcome, r.message).toBe('rolled-back');
    expect(r.message).toContain('dead.qm.test');
    expect(app.store.compartments.loadState(B)).toEqual(before);
    expect((await app.edge.status()).inSync).toBe(true);
    expect(await curl('b.qm.test')).toEqual({ code: 200, body: 'bravo' });
  }, 180_000);

  it("stops and starts a compartment's whole stack through its target", async () => {
    const ctl = (verb: string) =>
      app.host.exec.run(['systemctl', '--user', '-M', `qm-${A}@`, verb, `${A}.target`], { timeoutMs: 60_000 });
    const web = async () =>
      (await app.compartments.units(A, { withStatus: true })).find((u) => u.unit === 'web.service')?.status
        ?.activeState;
    // the stop of the target goes on to its parts: wait until they have stopped (or started)
    const settle = async (want: string) => {
      let state = await web();
      for (let i = 0; i < 150 && state !== want; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = await web();
      }
      return state;
    };
    expect(await web()).toBe('active');
    await ctl('stop');
    expect(await settle('inactive')).toBe('inactive');
    await ctl('start');
    expect(await settle('active')).toBe('active');
    expect(await curl('a.qm.test')).toEqual({ code: 200, body: 'alpha' });
  }, 120_000);

  it('loads the configuration again after Caddy restarts', async () => {
    await run('systemctl', ['restart', EDGE_UNIT]);
    for (let i = 0; i < 100 && !(await fsp.stat(EDGE_ADMIN_SOCKET).catch(() => undefined)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await curl('a.qm.test')).code).not.toBe(200);
    const stop = app.edge.keep(200, () => {});
    try {
      let got = { code: 0, body: '' };
      for (let i = 0; i < 50 && got.code !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        got = await curl('a.qm.test');
      }
      expect(got).toEqual({ code: 200, body: 'alpha' });
    } finally {
      await stop();
    }
  }, 60_000);

  it('serves an uploaded certificate for the hosts it names, and Caddy its own again once it is removed', async () => {
    const info = app.edge.addCertificate({ certificate: `${LEAF_CERT}${CA_CERT}`, key: LEAF_KEY });
    const r = await app.compartments.applyState(
      parseSpecText(
        spec(A, 'alpha', '[{ host: a.qm.test, to: "web:8080" }, { host: x.wild.example.test, to: "web:8080" }]'),
      ),
      { actor: 'test' },
    );
    // (the apply's route check trusted the uploaded chain for x.wild.example.test)
    expect(r.outcome, r.message).toBe('applied');
    await fsp.writeFile(`${CA}.upload`, CA_CERT);
    const viaUpload = await curl('x.wild.example.test', '/', `${CA}.upload`);
    expect(viaUpload).toEqual({ code: 200, body: 'alpha' });
    // the other host keeps the internal CA's certificate
    expect(await curl('a.qm.test')).toEqual({ code: 200, body: 'alpha' });
    const status = await app.edge.status();
    expect(status.certificates).toEqual([
      expect.objectContaining({ fingerprint: info.fingerprint, serves: ['x.wild.example.test'] }),
    ]);
    expect(status.routes.find((x) => x.host === 'x.wild.example.test')?.certificate?.issuer).toContain(
      'quadletman test CA',
    );

    app.edge.removeCertificate(info.fingerprint);
    expect(await app.edge.sync()).toBe('loaded');
    let internal = { code: 0, body: '' };
    for (let i = 0; i < 50 && internal.code !== 200; i++) {
      internal = await curl('x.wild.example.test');
      if (internal.code !== 200) await new Promise((res) => setTimeout(res, 200));
    }
    expect(internal).toEqual({ code: 200, body: 'alpha' });
    expect((await curl('x.wild.example.test', '/', `${CA}.upload`)).code).toBe(0);
    await fsp.rm(`${CA}.upload`, { force: true });
  }, 120_000);

  it('route options for real: basic auth, a response header and a redirected name', async () => {
    const hash = (await run('caddy', ['hash-password', '--plaintext', 'open sesame'])).stdout.trim();
    const routes = `[{ host: b.qm.test, to: "web:8080", basicAuth: [{ user: ann, hash: "${hash}" }], headers: { response: { X-Frame-Options: DENY } }, redirectFrom: [www.b.qm.test] }]`;
    const r = await app.compartments.applyState(parseSpecText(spec(B, 'bravo', routes)), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    expect((await curl('b.qm.test')).code).toBe(401);
    const withAuth = await run('curl', [
      '-sS',
      '--max-time',
      '5',
      '--cacert',
      CA,
      '--resolve',
      `b.qm.test:${HTTPS}:127.0.0.1`,
      '-u',
      'ann:open sesame',
      '-D',
      '-',
      `https://b.qm.test:${HTTPS}/`,
    ]);
    expect(withAuth.stdout).toMatch(/^HTTP\/2 200/);
    expect(withAuth.stdout).toMatch(/^x-frame-options: DENY/im);
    expect(withAuth.stdout.trim().endsWith('bravo')).toBe(true);
    const wrong = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--cacert',
      CA,
      '--resolve',
      `b.qm.test:${HTTPS}:127.0.0.1`,
      '-u',
      'ann:nope',
      `https://b.qm.test:${HTTPS}/`,
    ]);
    expect(wrong.stdout).toBe('401');
    const redirect = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{redirect_url}',
      '--cacert',
      CA,
      '--resolve',
      `www.b.qm.test:${HTTPS}:127.0.0.1`,
      `https://www.b.qm.test:${HTTPS}/x?y=1`,
    ]);
    expect(redirect.stdout).toBe(`308 https://b.qm.test:${HTTPS}/x?y=1`);
  }, 120_000);
});
