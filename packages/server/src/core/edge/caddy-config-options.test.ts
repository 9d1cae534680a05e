// Route options in the edge's configuration: headers, basic auth and redirects. The JSON shapes are the ones Debian's
// Caddy 2.6.2 gives when it adapts the Caddyfile rendering (`caddy adapt`): the same handlers in the same order.
import { describe, expect, it } from 'vitest';
import { caddyConfig, caddyfile } from './caddy-config.js';
import type { EdgeRoute, EdgeSettings } from './types.js';

const settings: EdgeSettings = {
  adminSocket: '/run/quadletman-edge/admin.sock',
  httpPort: 8080,
  httpsPort: 8443,
  tls: { mode: 'internal' },
};
const on443: EdgeSettings = { ...settings, httpPort: 80, httpsPort: 443 };

/** bcrypt of "secret" (cost 10) and its base64, as Caddy's JSON carries it. */
const HASH = '$2b$10$abcdefghijklmnopqrstuuqflPDzB6gcMhKa1rZqKiun2YGL5sa2u';
const HASH_B64 = 'JDJiJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVxZmxQRHpCNmdjTWhLYTFyWnFLaXVuMllHTDVzYTJ1';
const HASH2 = `$2y$12$${'A'.repeat(53)}`;

const base: EdgeRoute = {
  compartment: 'photos',
  host: 'photos.example.org',
  path: '/',
  to: 'web:8080',
  upstreamPort: 20001,
};
const proxy = { handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:20001' }] };
const routesOf = (routes: EdgeRoute[], s = settings) => caddyConfig(routes, s).apps.http!.servers.quadletman!.routes;

/** The lines of the site block of `host` in a Caddyfile, without the block's own first and last line. */
function site(text: string, host: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${host}:`));
  expect(start).toBeGreaterThan(0);
  const end = lines.indexOf('}', start);
  return lines.slice(start + 1, end);
}

describe('route options in the JSON configuration', () => {
  it('sets response headers with a deferred headers handler before the proxy, names sorted', () => {
    const [r] = routesOf([
      {
        ...base,
        headers: { response: { 'X-Frame-Options': 'DENY', 'Content-Security-Policy': `default-src 'self'` } },
      },
    ]);
    expect(r!.handle).toEqual([
      {
        handler: 'headers',
        response: {
          set: { 'Content-Security-Policy': [`default-src 'self'`], 'X-Frame-Options': ['DENY'] },
          deferred: true,
        },
      },
      proxy,
    ]);
    expect(Object.keys((r!.handle[0] as { response: { set: object } }).response.set)).toEqual([
      'Content-Security-Policy',
      'X-Frame-Options',
    ]);
  });

  it('sets request headers with a headers handler before the proxy', () => {
    const [r] = routesOf([{ ...base, headers: { request: { 'X-Edge': 'yes' } } }]);
    expect(r!.handle).toEqual([{ handler: 'headers', request: { set: { 'X-Edge': ['yes'] } } }, proxy]);
  });

  it('checks basic auth with http_basic and bcrypt, the hashes base64 encoded, and keeps Authorization from the app', () => {
    const [r] = routesOf([
      {
        ...base,
        basicAuth: [
          { user: 'alice', hash: HASH },
          { user: 'bob', hash: HASH2 },
        ],
      },
    ]);
    expect(r!.handle).toEqual([
      {
        handler: 'authentication',
        providers: {
          http_basic: {
            accounts: [
              { username: 'alice', password: HASH_B64 },
              { username: 'bob', password: Buffer.from(HASH2).toString('base64') },
            ],
            hash: { algorithm: 'bcrypt' },
            hash_cache: {},
          },
        },
      },
      { handler: 'headers', request: { delete: ['Authorization'] } },
      proxy,
    ]);
  });

  it('orders all options as Caddy orders their directives: header, basicauth, request_header, reverse_proxy', () => {
    const [r] = routesOf([
      {
        ...base,
        headers: { request: { 'X-Edge': 'yes' }, response: { 'X-Frame-Options': 'DENY' } },
        basicAuth: [{ user: 'alice', hash: HASH }],
      },
    ]);
    expect(r!.handle.map((h) => [h.handler, Object.keys(h).filter((k) => k !== 'handler')])).toEqual([
      ['headers', ['response']],
      ['authentication', ['providers']],
      ['headers', ['request']],
      ['headers', ['request']],
      ['reverse_proxy', ['upstreams']],
    ]);
  });

  it('answers a redirected name with 308 to the route host, path and query kept, after all routes', () => {
    const routes = routesOf([
      { ...base, redirectFrom: ['www.photos.example.org', 'photos.example.com'] },
      { ...base, path: '/api', to: 'api:3000', upstreamPort: 20002, redirectFrom: ['www.photos.example.org'] },
      { ...base, compartment: 'blog', host: 'blog.example.org', upstreamPort: 20010 },
    ]);
    const location = (port: string) => ({
      handler: 'static_response',
      headers: { Location: [`https://photos.example.org${port}{http.request.uri}`] },
      status_code: 308,
    });
    expect(routes.map((r) => r['@id'])).toEqual([
      'qm-route-blog-0',
      'qm-route-photos-0',
      'qm-route-photos-1',
      'qm-redirect-photos-0',
      'qm-redirect-photos-1',
      'qm-redirect-photos-2',
    ]);
    expect(routes.slice(3)).toEqual([
      {
        '@id': 'qm-redirect-photos-0',
        match: [{ host: ['photos.example.com'] }],
        handle: [location(':8443')],
        terminal: true,
      },
      {
        '@id': 'qm-redirect-photos-1',
        match: [{ host: ['www.photos.example.org'], path: ['/api', '/api/*'] }],
        handle: [location(':8443')],
        terminal: true,
      },
      {
        '@id': 'qm-redirect-photos-2',
        match: [{ host: ['www.photos.example.org'] }],
        handle: [location(':8443')],
        terminal: true,
      },
    ]);
    // on 443 the Location names no port
    expect(routesOf([{ ...base, redirectFrom: ['www.photos.example.org'] }], on443)[1]!.handle).toEqual([location('')]);
  });

  it('gets certificates for the redirected names too', () => {
    const config = caddyConfig([{ ...base, redirectFrom: ['www.photos.example.org', 'photos.example.com'] }], settings);
    expect(config.apps.tls!.automation!.policies[0]!.subjects).toEqual([
      'photos.example.com',
      'photos.example.org',
      'www.photos.example.org',
    ]);
  });

  it('refuses a redirected name a route serves, or one redirected to two hosts', () => {
    expect(() =>
      caddyConfig(
        [
          { ...base, redirectFrom: ['blog.example.org'] },
          { ...base, compartment: 'blog', host: 'blog.example.org', upstreamPort: 20010 },
        ],
        settings,
      ),
    ).toThrow(/redirects blog\.example\.org, which a route serves/);
    expect(() =>
      caddyConfig(
        [
          { ...base, redirectFrom: ['www.example.org'] },
          {
            ...base,
            compartment: 'blog',
            host: 'blog.example.org',
            upstreamPort: 20010,
            redirectFrom: ['www.example.org'],
          },
        ],
        settings,
      ),
    ).toThrow(/both redirect www\.example\.org/);
  });

  it('refuses options the spec would not let through', () => {
    for (const bad of <Partial<EdgeRoute>[]>[
      { headers: { response: { 'Bad Name': 'x' } } },
      { headers: { response: { 'X-A': 'a\nb' } } },
      { headers: { request: { 'X-A': '{http.request.host}' } } },
      { basicAuth: [{ user: 'a:b', hash: HASH }] },
      { basicAuth: [{ user: 'a', hash: 'secret' }] },
      {
        basicAuth: [
          { user: 'a', hash: HASH },
          { user: 'a', hash: HASH2 },
        ],
      },
      { redirectFrom: ['bad host'] },
      { redirectFrom: ['photos.example.org'] },
    ]) {
      expect(() => caddyConfig([{ ...base, ...bad }], settings), JSON.stringify(bad)).toThrow(/^edge: route photos /);
    }
  });
});

describe('route options in the Caddyfile', () => {
  it('renders headers, basicauth and request headers inside the handle block, in Caddy’s directive order', () => {
    const text = caddyfile(
      [
        {
          ...base,
          headers: {
            request: { 'X-Edge': 'yes' },
            response: { 'X-Frame-Options': 'DENY', 'Content-Security-Policy': `default-src 'self'; a "b"` },
          },
          basicAuth: [{ user: 'alice', hash: HASH }],
        },
      ],
      settings,
    );
    expect(site(text, 'photos.example.org')).toEqual([
      '\t# photos: web:8080',
      '\thandle {',
      '\t\theader {',
      `\t\t\tContent-Security-Policy "default-src 'self'; a \\"b\\""`,
      '\t\t\tX-Frame-Options "DENY"',
      '\t\t\tdefer',
      '\t\t}',
      '\t\tbasicauth bcrypt {',
      `\t\t\talice ${HASH_B64}`,
      '\t\t}',
      '\t\trequest_header X-Edge "yes"',
      '\t\trequest_header -Authorization',
      '\t\treverse_proxy 127.0.0.1:20001',
      '\t}',
    ]);
  });

  it('renders each redirected name as a site block of its own with redir … 308', () => {
    const text = caddyfile(
      [
        { ...base, redirectFrom: ['www.photos.example.org'] },
        { ...base, path: '/api', to: 'api:3000', upstreamPort: 20002, redirectFrom: ['www.photos.example.org'] },
      ],
      settings,
    );
    expect(site(text, 'www.photos.example.org')).toEqual([
      '\t# photos: redirect to photos.example.org',
      '\t@r0 path /api /api/*',
      '\thandle @r0 {',
      '\t\tredir https://photos.example.org:8443{uri} 308',
      '\t}',
      '\t# photos: redirect to photos.example.org',
      '\thandle {',
      '\t\tredir https://photos.example.org:8443{uri} 308',
      '\t}',
    ]);
    expect(text.indexOf('photos.example.org:8443 {')).toBeLessThan(text.indexOf('www.photos.example.org:8443 {'));
  });

  it('renders a route without options as before', () => {
    expect(site(caddyfile([base], settings), 'photos.example.org')).toEqual([
      '\t# photos: web:8080',
      '\thandle {',
      '\t\treverse_proxy 127.0.0.1:20001',
      '\t}',
    ]);
  });
});
