/**
 * runProbe against real sockets on the loopback: a listening TCP port, an HTTP server answering 200 or 503,
 * and a closed port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from './compartment-host';

let server: Server;
let port = 0;
let closedPort = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === '/healthz' ? 200 : 503;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  // a port that was just free: nothing listens on it
  const other = createServer();
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  closedPort = (other.address() as AddressInfo).port;
  await new Promise((resolve) => other.close(resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const http = (path: string, expectStatus = 200, p = port) =>
  runProbe({
    name: 'web',
    type: 'http',
    host: '127.0.0.1',
    port: p,
    path,
    scheme: 'http',
    expectStatus,
    timeoutMs: 2000,
  });

describe('runProbe', () => {
  it('passes an HTTP probe whose status matches, and fails one whose status does not', async () => {
    expect(await http('/healthz')).toEqual({ ok: true, detail: 'HTTP 200' });
    expect(await http('/other')).toEqual({ ok: false, detail: 'HTTP 503' });
    expect(await http('/other', 503)).toEqual({ ok: true, detail: 'HTTP 503' });
  });

  it('connects a TCP probe to a listening port', async () => {
    const r = await runProbe({ name: 'tcp', type: 'tcp', host: '127.0.0.1', port, timeoutMs: 2000 });
    expect(r).toEqual({ ok: true, detail: 'connected' });
  });

  it('fails both kinds on a port where nothing listens', async () => {
    const tcp = await runProbe({ name: 'tcp', type: 'tcp', host: '127.0.0.1', port: closedPort, timeoutMs: 2000 });
    expect(tcp).toEqual({ ok: false, detail: 'ECONNREFUSED' });
    expect(await http('/healthz', 200, closedPort)).toEqual({ ok: false, detail: 'ECONNREFUSED' });
  });
});
