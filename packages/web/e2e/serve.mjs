// A tiny static server for the browser tests without a quadletman server: serves dist/ with the single-page
// fallback and fakes just enough of the API for the login page and one compartment's unit editor
// (log in as demo / demo). The end-to-end journey runs against the real `quadletman serve` (E2E_BASE_URL).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../dist');
const port = Number(process.env.E2E_PORT ?? 4173);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

const session = { username: 'demo', kind: 'session', grants: [{ compartment: '*', role: 'admin' }], csrfToken: 'x' };
const webContainer = `# The demo web server
[Unit]
Description=Demo web server

[Container]
Image=localhost/busybox:latest
# serve /www on 8080
Exec=busybox httpd -f -p 8080 -h /www
PublishPort=127.0.0.1:18080:8080

[Install]
WantedBy=default.target
`;
const now = '2026-11-23T08:00:00.000Z';
const compartment = {
  id: 'demo',
  description: 'Demo compartment',
  podmanVersion: null,
  createdAt: now,
  updatedAt: now,
};
const units = [
  {
    unit: 'web.service',
    source: 'web.container',
    status: { unit: 'web.service', activeState: 'active', subState: 'running', result: 'success' },
  },
];

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const loggedIn = (req) => (req.headers.cookie ?? '').includes('fake-session=1');

function api(req, res, path) {
  if (path === '/api/auth/setup') return json(res, 200, { required: false });
  if (path === '/api/auth/login' && req.method === 'POST') {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const { username, password } = JSON.parse(body || '{}');
      if (username !== 'demo' || password !== 'demo')
        return json(res, 401, { error: { code: 'unauthorized', message: 'Wrong user name or password.' } });
      res.setHeader('set-cookie', 'fake-session=1; Path=/; HttpOnly; SameSite=Strict');
      json(res, 200, session);
    });
    return;
  }
  if (!loggedIn(req)) return json(res, 401, { error: { code: 'unauthorized', message: 'Nobody is logged in.' } });
  if (path === '/api/auth/session') return json(res, 200, session);
  if (path === '/api/compartments')
    return json(res, 200, {
      compartments: [{ ...compartment, units: 1, unitStates: { active: 1 }, statusAt: now }],
    });
  if (path === '/api/compartments/demo') return json(res, 200, { ...compartment, units, history: [] });
  if (path === '/api/compartments/demo/spec')
    return json(res, 200, {
      spec: { compartment: 'demo', units: { 'web.container': { text: webContainer } } },
      yaml: '',
    });
  if (path === '/api/compartments/demo/revisions') return json(res, 200, { revisions: [] });
  return json(res, 404, { error: { code: 'not_found', message: `Route ${req.method}:${path} not found` } });
}

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') return json(res, 200, { ok: true });
  if (url.pathname.startsWith('/api/')) return api(req, res, url.pathname);
  const file = normalize(join(root, decodeURIComponent(url.pathname)));
  const target = file.startsWith(root) && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
  createReadStream(target).pipe(res);
}).listen(port, '127.0.0.1', () => console.log(`serving ${root} on http://127.0.0.1:${port}`));
