// Real host test of compose conversion (runs inside the sandbox host as root, against the sandbox's registry):
// a three-service project — db (health-checked, ready after a few seconds), api (waits for a healthy db) and
// web (waits for api, published on a port) — all from the registry's busybox, converted, logged in and applied
// through the application. The journal proves the start order (api starts only after db is started, which with
// Notify=healthy means healthy), and the services reach each other by their names on the project's network.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../../cli/host-test-support.js';
import { type RegistryAccount, registryAccount } from '../../../host/registry.test-support.js';
import { userPodman } from '../../../host/session.js';
import { parseCompartmentId } from '../../ids.js';
import { validateSpec } from '../../spec.js';
import { convertCompose } from './convert.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-compose');
const PORT = 18_171;
const DATA = '/var/lib/quadletman-test-compose';

const compose = (image: string) => `
name: ${ID}
services:
  db:
    image: ${image}
    command: [sh, -c, "sleep 3; echo db > /tmp/ready; exec httpd -f -p 5432 -h /tmp"]
    healthcheck: { test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30 }
  api:
    image: ${image}
    command: [sh, -c, "echo api > /tmp/who; exec httpd -f -p 8081 -h /tmp"]
    depends_on:
      db: { condition: service_healthy }
  web:
    image: ${image}
    command: [sh, -c, "echo web > /tmp/who; exec httpd -f -p 8080 -h /tmp"]
    ports: ["127.0.0.1:${PORT}:8080"]
    depends_on: [api]
`;

interface JournalLine {
  __REALTIME_TIMESTAMP: string;
  MESSAGE?: string;
  USER_UNIT?: string;
}

describe.skipIf(!onHost)('a compose project on a real host', () => {
  let app: AppContext;
  let account: RegistryAccount;
  let started: number;

  beforeAll(async () => {
    account = await registryAccount();
    app = await openHostTestApp(DATA, ID, { create: false });
  });

  afterAll(() => closeHostTestApp(app, ID, DATA));

  it('converts the project and applies it: db healthy first, then api, then web serving', async () => {
    const r = convertCompose({
      files: [{ path: '/srv/app/compose.yaml', text: compose(`${account.registry}/library/busybox:latest`) }],
      readFile: () => undefined,
      environment: {},
      home: '/root',
      podmanVersion: '5.4',
    });
    expect(r.report.filter((e) => e.disposition === 'dropped')).toEqual([]);
    await app.compartments.create({ id: ID });
    await app.resources.login(ID, account.registry, account.user, account.password);
    started = Date.now();
    const applied = await app.compartments.applyState(validateSpec(r.spec), { actor: 'test', create: false });
    expect(applied.outcome, applied.message).toBe('applied');
    const page = await fetch(`http://127.0.0.1:${PORT}/who`, { signal: AbortSignal.timeout(3000) });
    expect((await page.text()).trim()).toBe('web');
  });

  it('started them in the order depends_on asks, as the journal shows', async () => {
    const s = await app.host.users.sessionFor(ID);
    const out = await app.host.exec.run(
      ['journalctl', `_UID=${s.uid}`, '-o', 'json', '--no-pager', '--since', `@${Math.floor(started / 1000) - 1}`],
      { timeoutMs: 30_000 },
    );
    const lines = out.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as JournalLine);
    const at = (prefix: string) => {
      const l = lines.find((x) => typeof x.MESSAGE === 'string' && x.MESSAGE.startsWith(prefix));
      expect(l, `no journal line "${prefix}…"`).toBeDefined();
      return Number(l!.__REALTIME_TIMESTAMP);
    };
    const dbStarted = at('Started db.service');
    const apiStarting = at('Starting api.service');
    const apiStarted = at('Started api.service');
    const webStarting = at('Starting web.service');
    // api's start job waited for db's (Notify=healthy: db is started once its health check passed)
    expect(apiStarting).toBeGreaterThan(dbStarted);
    expect(webStarting).toBeGreaterThan(apiStarted);
    // and db took its three seconds to turn healthy
    expect(dbStarted - at('Starting db.service')).toBeGreaterThanOrEqual(2_500_000);
  });

  it('lets the services reach each other by name on the project network', async () => {
    const s = await app.host.users.sessionFor(ID);
    const get = async (from: string, url: string) =>
      (
        await app.host.exec.run(userPodman(s, ['exec', `systemd-${from}`, 'wget', '-q', '-O', '-', url]), {
          timeoutMs: 30_000,
        })
      ).stdout.trim();
    expect(await get('web', 'http://api:8081/who')).toBe('api');
    expect(await get('api', 'http://db:5432/ready')).toBe('db');
    expect(await get('web', 'http://db:5432/ready')).toBe('db');
  });
});
