// A tiny static server for the smoke test: serves dist/ with the single-page fallback, and answers the two
// API calls the login page makes as a fresh server would after setup (no session; setup done). The
// end-to-end journey runs against the real `quadletman serve` instead (E2E_BASE_URL).
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

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') return json(res, 200, { ok: true });
  if (url.pathname === '/api/auth/setup') return json(res, 200, { required: false });
  if (url.pathname === '/api/auth/session')
    return json(res, 401, { error: { code: 'unauthorized', message: 'Nobody is logged in.' } });
  if (url.pathname.startsWith('/api/'))
    return json(res, 404, { error: { code: 'not_found', message: `Route ${req.method}:${url.pathname} not found` } });
  const file = normalize(join(root, decodeURIComponent(url.pathname)));
  const target = file.startsWith(root) && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
  createReadStream(target).pipe(res);
}).listen(port, '127.0.0.1', () => console.log(`serving ${root} on http://127.0.0.1:${port}`));
