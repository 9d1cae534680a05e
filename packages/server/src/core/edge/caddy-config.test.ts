import { describe, expect, it } from 'vitest';
import type { CaddyProxyHandler } from './caddy-config.js';
import { ACME_STAGING_CA, caddyConfig, caddyfile, sameConfig } from './caddy-config.js';
import type { EdgeRoute, EdgeSettings } from './types.js';

const internal: EdgeSettings = {
  adminSocket: '/run/quadletman/caddy-admin.sock',
  httpPort: 8080,
  httpsPort: 8443,
  tls: { mode: 'internal' },
};
const acme: EdgeSettings = { ...internal, tls: { mode: 'acme', email: 'ops@example.org', staging: false } };
const staging: EdgeSettings = { ...internal, tls: { mode: 'acme', email: 'ops@example.org', staging: true } };

const route = (compartment: string, host: string, path: string, upstreamPort: number, to = 'web:8080'): EdgeRoute => ({
  compartment,
  host,
  path,
  to,
  upstreamPort,
});

// Two compartments: photos serves its host at / and /api, blog serves its host at / and a second host's /feed.
const example: EdgeRoute[] = [
  route('photos', 'photos.example.org', '/', 20001, 'web:8080'),
  route('blog', 'blog.example.org', '/', 20010, 'nginx:80'),
  route('photos', 'photos.example.org', '/api', 20002, 'api:3000'),
  route('blog', 'www.example.org', '/feed', 20011, 'feed:9000'),
];

/** A deterministic shuffle (a small LCG), so a failing seed can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function routesOf(config: ReturnType<typeof caddyConfig>) {
  return config.apps.http!.servers.quadletman!.routes;
}

describe('caddyConfig', () => {
  it('keeps the admin API on the Unix socket and does not persist the configuration', () => {
    for (const settings of [internal, acme, staging]) {
      for (const routes of [[], example]) {
        expect(caddyConfig(routes, settings).admin).toEqual({
          listen: 'unix//run/quadletman/caddy-admin.sock',
          config: { persist: false },
        });
      }
    }
  });

  it('serves one server on the HTTPS port with the configured HTTP and HTTPS ports', () => {
    const http = caddyConfig(example, internal).apps.http!;
    expect(http.http_port).toBe(8080);
    expect(http.https_port).toBe(8443);
    expect(Object.keys(http.servers)).toEqual(['quadletman']);
    expect(http.servers.quadletman!.listen).toEqual([':8443']);
    expect(http).not.toHaveProperty('servers.quadletman.automatic_https');
  });

  it('orders routes by host, then longer path prefixes first, and numbers ids per compartment', () => {
    const routes = routesOf(caddyConfig(example, internal));
    expect(routes.map((r) => [r['@id'], r.match])).toEqual([
      ['qm-route-blog-0', [{ host: ['blog.example.org'] }]],
      ['qm-route-photos-0', [{ host: ['photos.example.org'], path: ['/api', '/api/*'] }]],
      ['qm-route-photos-1', [{ host: ['photos.example.org'] }]],
      ['qm-route-blog-1', [{ host: ['www.example.org'], path: ['/feed', '/feed/*'] }]],
    ]);
    expect(routes[1]).toEqual({
      '@id': 'qm-route-photos-0',
      match: [{ host: ['photos.example.org'], path: ['/api', '/api/*'] }],
      handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:20002' }] }],
      terminal: true,
    });
  });

  it('puts a nested prefix before its parent and the root last within a host', () => {
    const routes = [
      route('a', 'h.example.org', '/', 1001),
      route('a', 'h.example.org', '/app', 1002),
      route('a', 'h.example.org', '/app/admin', 1003),
      route('a', 'h.example.org', '/b', 1004),
      route('a', 'h.example.org', '/zz', 1005),
    ];
    const paths = routesOf(caddyConfig(routes, internal)).map((r) => r.match[0]!.path?.[0] ?? '/');
    expect(paths).toEqual(['/app/admin', '/app', '/zz', '/b', '/']);
  });

  it('gives the same JSON text for the routes in any order', () => {
    const expected = JSON.stringify(caddyConfig(example, acme));
    for (let seed = 1; seed <= 50; seed++) {
      expect(JSON.stringify(caddyConfig(shuffled(example, seed), acme))).toBe(expected);
    }
  });

  it('uses Caddy’s internal CA for all route hosts and keeps it out of the system trust store', () => {
    const config = caddyConfig(shuffled(example, 7), internal);
    expect(config.apps.tls).toEqual({
      automation: {
        policies: [
          {
            subjects: ['blog.example.org', 'photos.example.org', 'www.example.org'],
            issuers: [{ module: 'internal' }],
          },
        ],
      },
    });
    expect(config.apps.pki).toEqual({ certificate_authorities: { local: { install_trust: false } } });
  });

  it('uses ACME with the e-mail, naming the CA only for staging', () => {
    const production = caddyConfig(example, acme);
    expect(production.apps.tls?.automation?.policies[0]?.issuers).toEqual([
      { module: 'acme', email: 'ops@example.org' },
    ]);
    expect(production.apps.pki).toBeUndefined();
    const stage = caddyConfig(example, staging);
    expect(stage.apps.tls?.automation?.policies[0]?.issuers).toEqual([
      { module: 'acme', email: 'ops@example.org', ca: 'https://acme-staging-v02.api.letsencrypt.org/directory' },
    ]);
    expect(ACME_STAGING_CA).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
    expect(stage.apps.pki).toBeUndefined();
  });

  it('with no routes: the admin block, no server (nothing listens) and no TLS policy', () => {
    expect(caddyConfig([], acme)).toEqual({
      admin: { listen: 'unix//run/quadletman/caddy-admin.sock', config: { persist: false } },
      apps: {},
    });
    expect(caddyConfig([], internal).apps.tls).toBeUndefined();
  });

  it('lists each host once in the TLS policy', () => {
    const routes = [route('a', 'x.example.org', '/', 1), route('a', 'x.example.org', '/b', 2)];
    expect(caddyConfig(routes, internal).apps.tls?.automation?.policies[0]?.subjects).toEqual(['x.example.org']);
  });

  it('refuses two routes for the same host and path, naming both', () => {
    const routes = [
      route('photos', 'p.example.org', '/app', 1001, 'web:80'),
      route('blog', 'p.example.org', '/app', 1002),
    ];
    expect(() => caddyConfig(routes, internal)).toThrow(/photos "p\.example\.org\/app".*blog "p\.example\.org\/app"/);
    expect(() => caddyConfig(routes, internal)).toThrow(/both serve p\.example\.org\/app/);
  });

  it('refuses two routes to the same upstream port, naming both', () => {
    const routes = [route('photos', 'a.example.org', '/', 1001), route('blog', 'b.example.org', '/', 1001)];
    expect(() => caddyConfig(routes, internal)).toThrow(
      /photos "a\.example\.org\/".*blog "b\.example\.org\/".*both go to upstream port 1001/,
    );
  });

  it('lets routes to one target share its port', () => {
    const routes = [route('photos', 'a.example.org', '/', 1001), route('photos', 'b.example.org', '/', 1001)];
    const http = caddyConfig(routes, internal).apps.http!.servers.quadletman!;
    expect(http.routes.map((r) => (r.handle[0] as CaddyProxyHandler).upstreams[0]!.dial)).toEqual([
      '127.0.0.1:1001',
      '127.0.0.1:1001',
    ]);
  });

  it('refuses malformed routes and settings', () => {
    expect(() => caddyConfig([route('a', 'Photos.example.org', '/', 1)], internal)).toThrow(/lower-case DNS name/);
    expect(() => caddyConfig([route('a', 'p.example.org', 'app', 1)], internal)).toThrow(/not a path prefix/);
    expect(() => caddyConfig([route('a', 'p.example.org', '/app/', 1)], internal)).toThrow(/not a path prefix/);
    expect(() => caddyConfig([route('a', 'p.example.org', '/a*', 1)], internal)).toThrow(/not a path prefix/);
    expect(() => caddyConfig([route('a', 'p.example.org', '/', 0)], internal)).toThrow(/port number/);
    expect(() => caddyConfig([route('a', 'p.example.org', '/', 70000)], internal)).toThrow(/port number/);
    expect(() => caddyConfig([], { ...internal, adminSocket: 'caddy.sock' })).toThrow(/absolute path/);
    expect(() => caddyConfig([], { ...internal, httpsPort: 8080 })).toThrow(/must differ/);
  });
});

describe('caddyfile', () => {
  it('renders the two-compartment example', () => {
    expect(caddyfile(shuffled(example, 3), internal)).toBe(
      [
        '{',
        '\tadmin unix//run/quadletman/caddy-admin.sock',
        '\tpersist_config off',
        '\thttp_port 8080',
        '\thttps_port 8443',
        '\tlocal_certs',
        '\tskip_install_trust',
        '}',
        '',
        'blog.example.org:8443 {',
        '\t# blog: nginx:80',
        '\thandle {',
        '\t\treverse_proxy 127.0.0.1:20010',
        '\t}',
        '}',
        '',
        'photos.example.org:8443 {',
        '\t# photos: api:3000',
        '\t@r0 path /api /api/*',
        '\thandle @r0 {',
        '\t\treverse_proxy 127.0.0.1:20002',
        '\t}',
        '\t# photos: web:8080',
        '\thandle {',
        '\t\treverse_proxy 127.0.0.1:20001',
        '\t}',
        '}',
        '',
        'www.example.org:8443 {',
        '\t# blog: feed:9000',
        '\t@r0 path /feed /feed/*',
        '\thandle @r0 {',
        '\t\treverse_proxy 127.0.0.1:20011',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('is the same text for the routes in any order', () => {
    const expected = caddyfile(example, staging);
    for (let seed = 1; seed <= 20; seed++) expect(caddyfile(shuffled(example, seed), staging)).toBe(expected);
  });

  it('names matchers per site in precedence order', () => {
    const text = caddyfile(
      [
        route('a', 'h.example.org', '/app', 1),
        route('a', 'h.example.org', '/app/admin', 2),
        route('a', 'h.example.org', '/', 3),
      ],
      internal,
    );
    expect(text).toContain(
      '\t@r0 path /app/admin /app/admin/*\n\thandle @r0 {\n\t\treverse_proxy 127.0.0.1:2\n\t}\n' +
        '\t# a: web:8080\n\t@r1 path /app /app/*\n\thandle @r1 {\n\t\treverse_proxy 127.0.0.1:1\n\t}\n' +
        '\t# a: web:8080\n\thandle {\n\t\treverse_proxy 127.0.0.1:3\n\t}\n}\n',
    );
  });

  it('gives the ACME e-mail, and the staging CA for staging', () => {
    const production = caddyfile(example, acme);
    expect(production).toContain('\n\temail ops@example.org\n}\n');
    expect(production).not.toMatch(/acme_ca|local_certs|skip_install_trust/);
    const stage = caddyfile(example, staging);
    expect(stage).toContain(
      '\n\temail ops@example.org\n\tacme_ca https://acme-staging-v02.api.letsencrypt.org/directory\n}\n',
    );
  });

  it('with no routes: the global options block alone', () => {
    expect(caddyfile([], acme)).toBe(
      '{\n\tadmin unix//run/quadletman/caddy-admin.sock\n\tpersist_config off\n\thttp_port 8080\n\thttps_port 8443\n' +
        '\temail ops@example.org\n}\n',
    );
  });

  it.each([
    ['a space in the host', route('a', 'p.example.org x', '/', 1)],
    ['a tab in the path', route('a', 'p.example.org', '/a\tb', 1)],
    ['a newline in the host', route('a', 'p.example.org\nevil.example.org', '/', 1)],
    ['a quote in the path', route('a', 'p.example.org', '/a"b', 1)],
    ['a single quote in the host', route('a', "p.example.org'", '/', 1)],
    ['a backquote in the path', route('a', 'p.example.org', '/a`b', 1)],
    ['a brace in the host', route('a', 'p.example.org{', '/', 1)],
    ['a closing brace in the path', route('a', 'p.example.org', '/a}', 1)],
    ['a # in the path', route('a', 'p.example.org', '/a#b', 1)],
    ['a NUL in the path', route('a', 'p.example.org', '/a\u0000', 1)],
    ['a DEL in the host', route('a', 'p.example.org\u007f', '/', 1)],
    ['a newline in the compartment', route('a\nevil', 'p.example.org', '/', 1)],
    ['a newline in the target', route('a', 'p.example.org', '/', 1, 'web:80\n}\nevil.example.org {')],
  ])('refuses %s', (_what, bad) => {
    expect(() => caddyfile([route('ok', 'ok.example.org', '/', 2), bad], internal)).toThrow(/^edge: route /);
  });

  it('refuses settings that a Caddyfile token could not hold', () => {
    expect(() => caddyfile([], { ...internal, adminSocket: '/run/a b.sock' })).toThrow(/admin socket/);
    expect(() => caddyfile([], { ...internal, adminSocket: '/run/a\n}.sock' })).toThrow(/admin socket/);
    const email = { mode: 'acme', email: 'ops@example.org\n\tacme_ca http://evil', staging: false } as const;
    expect(() => caddyfile([], { ...internal, tls: email })).toThrow(/ACME e-mail/);
  });

  it('refuses duplicates as caddyConfig does', () => {
    const routes = [route('photos', 'p.example.org', '/', 1001), route('blog', 'q.example.org', '/', 1001)];
    expect(() => caddyfile(routes, internal)).toThrow(/both go to upstream port 1001/);
  });
});

describe('sameConfig', () => {
  const config = caddyConfig(example, internal);

  it('takes a configuration read back with other member order as the same', () => {
    // Caddy answers GET /config/ with Go's encoding/json member order (sorted keys).
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortKeys)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .reverse()
                .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
            )
          : v;
    const readBack = JSON.parse(JSON.stringify(sortKeys(config)));
    expect(JSON.stringify(readBack)).not.toBe(JSON.stringify(config));
    expect(sameConfig(config, readBack)).toBe(true);
    expect(sameConfig(readBack, config)).toBe(true);
  });

  it('takes absent, null, empty-array and empty-object members as the same', () => {
    const empty = caddyConfig([], internal);
    const dropped = { admin: empty.admin, apps: { http: { servers: {} }, pki: empty.apps.pki, tls: null } };
    expect(sameConfig(empty, dropped)).toBe(true);
    expect(sameConfig({ a: 1, b: [] }, { a: 1, b: {} })).toBe(true);
    expect(sameConfig({ a: 1, b: { c: [] } }, { a: 1 })).toBe(true);
    expect(sameConfig({ a: 1, b: null }, { a: 1 })).toBe(true);
    expect(sameConfig(null, {})).toBe(true);
  });

  it('sees a changed value, member or route order as different', () => {
    const moved = structuredClone(config);
    moved.apps.http!.servers.quadletman!.routes.reverse();
    expect(sameConfig(config, moved)).toBe(false);

    const otherPort = structuredClone(config);
    (otherPort.apps.http!.servers.quadletman!.routes[0]!.handle[0] as CaddyProxyHandler).upstreams[0]!.dial =
      '127.0.0.1:1';
    expect(sameConfig(config, otherPort)).toBe(false);

    const noAdmin = structuredClone(config) as Partial<typeof config>;
    delete noAdmin.admin;
    expect(sameConfig(config, noAdmin)).toBe(false);

    expect(sameConfig(config, caddyConfig(example, staging))).toBe(false);
    expect(sameConfig({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameConfig({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameConfig({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(sameConfig({ a: false }, {})).toBe(false);
    expect(sameConfig({ a: 0 }, {})).toBe(false);
    expect(sameConfig({ a: '' }, {})).toBe(false);
    expect(sameConfig({ a: 1 }, { b: 1 })).toBe(false);
  });
});

describe('uploaded certificates', () => {
  const cert = (fingerprint: string, hosts: string[]) => ({
    fingerprint,
    hosts,
    certificate: `-----BEGIN CERTIFICATE-----\n${fingerprint}\n-----END CERTIFICATE-----\n`,
    key: `-----BEGIN PRIVATE KEY-----\n${fingerprint}\n-----END PRIVATE KEY-----\n`,
  });
  const settings = { adminSocket: '/run/q.sock', httpPort: 80, httpsPort: 443, tls: { mode: 'internal' as const } };
  const routes = [
    { compartment: 'a', host: 'app.example.org', path: '/', to: 'web:80', upstreamPort: 20000 },
    { compartment: 'b', host: 'x.wild.example.org', path: '/', to: 'web:80', upstreamPort: 20001 },
    { compartment: 'c', host: 'other.example.org', path: '/', to: 'web:80', upstreamPort: 20002 },
  ];

  it('serves the hosts a certificate covers with it, and has Caddy manage only the others', () => {
    const certs = [cert('AA', ['app.example.org']), cert('BB', ['*.wild.example.org']), cert('CC', ['unused.org'])];
    const tls = caddyConfig(routes, settings, certs).apps.tls!;
    expect(tls.automation?.policies).toEqual([{ subjects: ['other.example.org'], issuers: [{ module: 'internal' }] }]);
    // only the certificates some route uses are loaded, tagged with their fingerprint
    expect(tls.certificates?.load_pem.map((c) => c.tags)).toEqual([['quadletman:AA'], ['quadletman:BB']]);
    expect(tls.certificates?.load_pem[0]?.key).toContain('PRIVATE KEY');
    const text = caddyfile(routes, settings, certs);
    expect(text).toContain('app.example.org:443 {\n\t# TLS: the uploaded certificate AA');
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('leaves out the automation policy when every host has an uploaded certificate', () => {
    const tls = caddyConfig(routes.slice(0, 1), settings, [cert('AA', ['app.example.org'])]).apps.tls!;
    expect(tls.automation).toBeUndefined();
    expect(tls.certificates?.load_pem).toHaveLength(1);
  });

  it('without uploads the configuration is as before', () => {
    expect(caddyConfig(routes, settings, [])).toEqual(caddyConfig(routes, settings));
    expect(caddyConfig(routes, settings).apps.tls?.certificates).toBeUndefined();
  });
});
