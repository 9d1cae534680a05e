// The route options against a real Caddy, when one is at hand (QUADLETMAN_CADDY, or `caddy` on the PATH; Debian's
// caddy 2.6.2 is the one the edge runs): `caddy validate` accepts the JSON, and `caddy adapt` of the Caddyfile
// rendering gives, for every host and path, the same handlers as the JSON. Skipped without a caddy binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caddyConfig, caddyfile } from './caddy-config.js';
import type { EdgeRoute, EdgeSettings } from './types.js';

function findCaddy(): string | undefined {
  const given = process.env.QUADLETMAN_CADDY;
  if (given) return given;
  const which = spawnSync('sh', ['-c', 'command -v caddy'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : undefined;
}
const caddy = findCaddy();

const HASH = '$2a$14$e01F4cFqQjyCju7lxCcyVuan7zOLusI9ECaw5gEeVIuPkwvrd/O3u';
const settings: EdgeSettings = {
  adminSocket: '/run/quadletman-edge/admin.sock',
  httpPort: 8080,
  httpsPort: 8443,
  tls: { mode: 'internal' },
};
const routes: EdgeRoute[] = [
  {
    compartment: 'photos',
    host: 'photos.example.org',
    path: '/',
    to: 'web:8080',
    upstreamPort: 20001,
    headers: {
      request: { 'X-Edge': 'yes' },
      response: { 'X-Frame-Options': 'DENY', 'Content-Security-Policy': `default-src 'self'; a "b"` },
    },
    basicAuth: [
      { user: 'alice', hash: HASH },
      { user: 'bob@example.org', hash: HASH },
    ],
    redirectFrom: ['www.photos.example.org', 'photos.example.com'],
  },
  {
    compartment: 'photos',
    host: 'photos.example.org',
    path: '/api',
    to: 'api:3000',
    upstreamPort: 20002,
    redirectFrom: ['www.photos.example.org'],
  },
  { compartment: 'blog', host: 'blog.example.org', path: '/', to: 'web:80', upstreamPort: 20010 },
];

type Json = Record<string, unknown>;
/** The handlers of every leaf route of an adapted configuration (subroutes flattened), by host and path. */
function leaves(list: Json[], host: unknown = null, path: unknown = null, out: string[] = []): string[] {
  for (const r of list) {
    let h = host;
    let p = path;
    for (const m of (r.match as Json[] | undefined) ?? []) {
      h = m.host ?? h;
      p = m.path ?? p;
    }
    const handle = (r.handle as Json[] | undefined) ?? [];
    for (const s of handle.filter((x) => x.handler === 'subroute')) leaves(s.routes as Json[], h, p, out);
    const own = handle.filter((x) => x.handler !== 'subroute');
    if (own.length > 0) out.push(JSON.stringify([h, p ?? [], own]));
  }
  return out;
}

/** A JSON value with object members sorted, so two texts compare as values. */
const sorted = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sorted)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Json)[k])]),
        )
      : v;

describe.skipIf(!caddy)('route options against a real Caddy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qm-caddy-'));
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validates the JSON', () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(caddyConfig(routes, settings)));
    const out = spawnSync(caddy!, ['validate', '--config', join(dir, 'config.json')], { env, encoding: 'utf8' });
    expect(out.stderr + out.stdout).toContain('Valid configuration');
  });

  it('adapts the Caddyfile to the same handlers for every host and path', () => {
    // (`persist_config` is a global option of Caddy 2.7 and later: 2.6 does not know it, and it does not touch routes)
    const text = caddyfile(routes, settings)
      .split('\n')
      .filter((l) => l !== '\tpersist_config off')
      .join('\n');
    writeFileSync(join(dir, 'Caddyfile'), text);
    const adapted = JSON.parse(
      execFileSync(caddy!, ['adapt', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as { apps: { http: { servers: Record<string, { routes: Json[] }> } } };
    const theirs = Object.values(adapted.apps.http.servers).flatMap((s) => leaves(s.routes));
    const ours = caddyConfig(routes, settings).apps.http!.servers.quadletman!.routes.map((r) =>
      JSON.stringify([r.match[0]!.host, r.match[0]!.path ?? [], r.handle]),
    );
    const norm = (xs: string[]) => xs.map((x) => JSON.stringify(sorted(JSON.parse(x)))).sort();
    expect(norm(theirs)).toEqual(norm(ours));
  });
});
