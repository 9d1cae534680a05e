import { describe, expect, it } from 'vitest';
import { checkSpec, validateSpec } from './spec.js';
import { describeRoute, type RouteSpec, routeChanges, routeOptions } from './spec-routes.js';

/** A real bcrypt hash (of "secret", cost 10, made with libxcrypt's crypt(3)). */
const HASH = '$2b$10$abcdefghijklmnopqrstuuqflPDzB6gcMhKa1rZqKiun2YGL5sa2u';
const HASH2 = `$2y$12$${'A'.repeat(53)}`;

const spec = (route: Record<string, unknown>, more: Record<string, unknown>[] = []) => ({
  compartment: 'shop',
  units: { 'web.container': { container: { image: 'docker.io/library/nginx:1.27' } } },
  routes: [{ host: 'shop.example.org', to: 'web:80', ...route }, ...more],
});
const issues = (route: Record<string, unknown>, more: Record<string, unknown>[] = []) =>
  checkSpec(spec(route, more)).issues;

describe('route options in the spec', () => {
  it('reads headers, basic auth and redirected names, sorting and lower-casing the names', () => {
    const s = validateSpec(
      spec({
        headers: {
          request: { 'X-Forwarded-User': 'edge' },
          response: { 'Strict-Transport-Security': 'max-age=63072000' },
        },
        basicAuth: [
          { user: 'alice', hash: HASH },
          { user: 'bob@example.org', hash: HASH2 },
        ],
        redirectFrom: ['WWW.shop.example.org', 'shop.example.com'],
      }),
    );
    expect(s.routes).toEqual([
      {
        host: 'shop.example.org',
        path: '/',
        to: 'web:80',
        headers: {
          request: { 'X-Forwarded-User': 'edge' },
          response: { 'Strict-Transport-Security': 'max-age=63072000' },
        },
        basicAuth: [
          { user: 'alice', hash: HASH },
          { user: 'bob@example.org', hash: HASH2 },
        ],
        redirectFrom: ['shop.example.com', 'www.shop.example.org'],
      },
    ]);
  });

  it('takes a hash given base64 encoded (as Caddy 2.6 documents them) and keeps the hash itself', () => {
    const s = validateSpec(spec({ basicAuth: [{ user: 'alice', hash: Buffer.from(HASH).toString('base64') }] }));
    expect(s.routes[0]!.basicAuth).toEqual([{ user: 'alice', hash: HASH }]);
  });

  it('leaves out empty header maps, and a route without options has none', () => {
    const s = validateSpec(spec({ headers: { request: {}, response: {} } }));
    expect(s.routes[0]).toEqual({ host: 'shop.example.org', path: '/', to: 'web:80' });
    expect(routeOptions(s.routes[0]!)).toBeUndefined();
  });

  it('accepts header values with quotes, commas, semicolons and inner spaces', () => {
    const value = `default-src 'self'; img-src * data:, "x" <y> [z] a=b|c~d`;
    const s = validateSpec(spec({ headers: { response: { 'Content-Security-Policy': value } } }));
    expect(s.routes[0]!.headers).toEqual({ response: { 'Content-Security-Policy': value } });
  });

  const bad: [string, Record<string, unknown>, { path: string; message: string }[]][] = [
    [
      'headers that are not a map',
      { headers: 'x' },
      [{ path: 'routes[0].headers', message: 'headers must be { request, response }: maps of header names to values' }],
    ],
    [
      'an unknown member of headers',
      { headers: { reply: {} } },
      [{ path: 'routes[0].headers', message: 'headers must be { request, response }: maps of header names to values' }],
    ],
    [
      'a header map that is a list',
      { headers: { response: ['X-A: b'] } },
      [{ path: 'routes[0].headers.response', message: 'headers.response must be a map of header names to values' }],
    ],
    [
      'a header name with a space',
      { headers: { response: { 'X A': 'b' } } },
      [
        {
          path: 'routes[0].headers.response["X A"]',
          message:
            "header name must be an HTTP token of at most 128 characters: a letter or digit, then letters, digits and !#$%&'*+.^_`|~-",
        },
      ],
    ],
    [
      'a header name with a colon',
      { headers: { response: { 'X-A:': 'b' } } },
      [
        {
          path: 'routes[0].headers.response["X-A:"]',
          message:
            "header name must be an HTTP token of at most 128 characters: a letter or digit, then letters, digits and !#$%&'*+.^_`|~-",
        },
      ],
    ],
    [
      'a header name starting with -',
      { headers: { response: { '-Server': 'x' } } },
      [
        {
          path: 'routes[0].headers.response["-Server"]',
          message:
            "header name must be an HTTP token of at most 128 characters: a letter or digit, then letters, digits and !#$%&'*+.^_`|~-",
        },
      ],
    ],
    [
      'a header name over 128 characters',
      { headers: { response: { [`X${'a'.repeat(128)}`]: 'b' } } },
      [
        {
          path: `routes[0].headers.response.X${'a'.repeat(128)}`,
          message:
            "header name must be an HTTP token of at most 128 characters: a letter or digit, then letters, digits and !#$%&'*+.^_`|~-",
        },
      ],
    ],
    [
      'a header set twice in another case',
      { headers: { response: { 'X-A': 'b', 'x-a': 'c' } } },
      [{ path: 'routes[0].headers.response["x-a"]', message: 'x-a is set twice (as X-A; header names ignore case)' }],
    ],
    [
      'Host on the request',
      { headers: { request: { Host: 'other.example.org' } } },
      [
        {
          path: 'routes[0].headers.request.Host',
          message: 'Host cannot be set on the request: the edge and the HTTP connection own it',
        },
      ],
    ],
    [
      'Connection on the request',
      { headers: { request: { connection: 'close' } } },
      [
        {
          path: 'routes[0].headers.request.connection',
          message: 'connection cannot be set on the request: the edge and the HTTP connection own it',
        },
      ],
    ],
    [
      'Content-Length on the request',
      { headers: { request: { 'Content-Length': '0' } } },
      [
        {
          path: 'routes[0].headers.request["Content-Length"]',
          message: 'Content-Length cannot be set on the request: the edge and the HTTP connection own it',
        },
      ],
    ],
    [
      'Transfer-Encoding on the request',
      { headers: { request: { 'Transfer-Encoding': 'chunked' } } },
      [
        {
          path: 'routes[0].headers.request["Transfer-Encoding"]',
          message: 'Transfer-Encoding cannot be set on the request: the edge and the HTTP connection own it',
        },
      ],
    ],
    [
      'X-Forwarded-For on the request',
      { headers: { request: { 'X-Forwarded-For': '10.0.0.1' } } },
      [
        {
          path: 'routes[0].headers.request["X-Forwarded-For"]',
          message: 'X-Forwarded-For cannot be set on the request: the edge and the HTTP connection own it',
        },
      ],
    ],
    [
      'Upgrade on the response',
      { headers: { response: { Upgrade: 'h2c' } } },
      [
        {
          path: 'routes[0].headers.response.Upgrade',
          message: 'Upgrade cannot be set on the response: the edge and the HTTP connection own it',
        },
      ],
    ],
    [
      'a value that is not a string',
      { headers: { response: { 'X-A': 1 } } },
      [{ path: 'routes[0].headers.response["X-A"]', message: 'header value must be a string' }],
    ],
    [
      'an empty value',
      { headers: { response: { 'X-A': '' } } },
      [{ path: 'routes[0].headers.response["X-A"]', message: 'header value must not be empty' }],
    ],
    [
      'a value with a line break',
      { headers: { response: { 'X-A': 'a\r\nSet-Cookie: x=1' } } },
      [
        {
          path: 'routes[0].headers.response["X-A"]',
          message: 'header value must not contain line breaks, NUL or control characters',
        },
      ],
    ],
    [
      'a value with NUL',
      { headers: { request: { 'X-A': 'a\u0000b' } } },
      [
        {
          path: 'routes[0].headers.request["X-A"]',
          message: 'header value must not contain line breaks, NUL or control characters',
        },
      ],
    ],
    [
      'a value with a tab',
      { headers: { request: { 'X-A': 'a\tb' } } },
      [
        {
          path: 'routes[0].headers.request["X-A"]',
          message: 'header value must not contain line breaks, NUL or control characters',
        },
      ],
    ],
    [
      'a value with a placeholder',
      { headers: { response: { 'X-A': '{http.request.host}' } } },
      [
        {
          path: 'routes[0].headers.response["X-A"]',
          message: 'header value must not contain { } or \\ (Caddy reads them as placeholders)',
        },
      ],
    ],
    [
      'a value with a backslash',
      { headers: { response: { 'X-A': 'a\\b' } } },
      [
        {
          path: 'routes[0].headers.response["X-A"]',
          message: 'header value must not contain { } or \\ (Caddy reads them as placeholders)',
        },
      ],
    ],
    [
      'a value that is not ASCII',
      { headers: { response: { 'X-A': 'päivää' } } },
      [{ path: 'routes[0].headers.response["X-A"]', message: 'header value must be printable ASCII' }],
    ],
    [
      'a value with an edge space',
      { headers: { response: { 'X-A': ' a' } } },
      [{ path: 'routes[0].headers.response["X-A"]', message: 'header value must not start or end with a space' }],
    ],
    [
      'a value over 1024 characters',
      { headers: { response: { 'X-A': 'a'.repeat(1025) } } },
      [{ path: 'routes[0].headers.response["X-A"]', message: 'header value must be at most 1024 characters' }],
    ],
    [
      'more than 32 headers',
      { headers: { response: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`X-${i}`, 'a'])) } },
      [{ path: 'routes[0].headers.response', message: 'headers.response may set at most 32 headers' }],
    ],
    [
      'basicAuth that is not a list',
      { basicAuth: { user: 'a', hash: HASH } },
      [{ path: 'routes[0].basicAuth', message: 'basicAuth must be a list of { user, hash }' }],
    ],
    [
      'an empty basicAuth',
      { basicAuth: [] },
      [{ path: 'routes[0].basicAuth', message: 'basicAuth must name at least one user (leave it out for none)' }],
    ],
    [
      'an entry that is not an object',
      { basicAuth: ['alice'] },
      [{ path: 'routes[0].basicAuth[0]', message: 'a basic auth entry must be { user, hash }' }],
    ],
    [
      'a user with a colon',
      { basicAuth: [{ user: 'a:b', hash: HASH }] },
      [
        {
          path: 'routes[0].basicAuth[0].user',
          message: 'user must be 1 to 64 letters, digits and . _ @ + - (no : or spaces)',
        },
      ],
    ],
    [
      'a user with a space',
      { basicAuth: [{ user: 'a b', hash: HASH }] },
      [
        {
          path: 'routes[0].basicAuth[0].user',
          message: 'user must be 1 to 64 letters, digits and . _ @ + - (no : or spaces)',
        },
      ],
    ],
    [
      'an empty user',
      { basicAuth: [{ user: '', hash: HASH }] },
      [
        {
          path: 'routes[0].basicAuth[0].user',
          message: 'user must be 1 to 64 letters, digits and . _ @ + - (no : or spaces)',
        },
      ],
    ],
    [
      'a user with braces',
      { basicAuth: [{ user: '{env.X}', hash: HASH }] },
      [
        {
          path: 'routes[0].basicAuth[0].user',
          message: 'user must be 1 to 64 letters, digits and . _ @ + - (no : or spaces)',
        },
      ],
    ],
    [
      'a user named twice',
      {
        basicAuth: [
          { user: 'a', hash: HASH },
          { user: 'a', hash: HASH2 },
        ],
      },
      [{ path: 'routes[0].basicAuth[1].user', message: 'a is named twice (basicAuth[0])' }],
    ],
    [
      'a missing hash',
      { basicAuth: [{ user: 'a' }] },
      [{ path: 'routes[0].basicAuth[0].hash', message: 'hash must be a string' }],
    ],
    [
      'a password',
      { basicAuth: [{ user: 'a', password: 'secret' }] },
      [
        {
          path: 'routes[0].basicAuth[0].password',
          message: 'passwords are never part of a spec: give a bcrypt hash of it as hash',
        },
      ],
    ],
    [
      'an unknown member',
      { basicAuth: [{ user: 'a', hash: HASH, realm: 'x' }] },
      [{ path: 'routes[0].basicAuth[0].realm', message: 'unknown key (a basic auth entry has user and hash)' }],
    ],
    ...[
      'secret',
      '$2b$10$short',
      `$2b$09$${'A'.repeat(53)}`,
      `$2b$15$${'A'.repeat(53)}`,
      `$2x$10$${'A'.repeat(53)}`,
      `$1$10$${'A'.repeat(54)}`,
      `${HASH}x`,
      `$2b$10$${'A'.repeat(52)}!`,
      Buffer.from('secret-secret-secret-secret-secret-secret-secret-secret-123456').toString('base64'),
    ].map((hash): [string, Record<string, unknown>, { path: string; message: string }[]] => [
      `the hash ${hash}`,
      { basicAuth: [{ user: 'a', hash }] },
      [
        {
          path: 'routes[0].basicAuth[0].hash',
          message:
            'hash must be a bcrypt hash ($2a$, $2b$ or $2y$, cost 10 to 14, 60 characters) as `caddy hash-password` prints it (or its base64); passwords are never part of a spec',
        },
      ],
    ]),
    [
      'redirectFrom that is not a list',
      { redirectFrom: 'www.shop.example.org' },
      [{ path: 'routes[0].redirectFrom', message: 'redirectFrom must be a list of host names' }],
    ],
    [
      'an empty redirectFrom',
      { redirectFrom: [] },
      [{ path: 'routes[0].redirectFrom', message: 'redirectFrom must name at least one host (leave it out for none)' }],
    ],
    [
      'a redirected name that is no DNS name',
      { redirectFrom: ['bad host'] },
      [
        {
          path: 'routes[0].redirectFrom[0]',
          message: 'redirectFrom host must be a DNS name: labels of letters, digits and - joined by dots',
        },
      ],
    ],
    [
      'a redirected name with a trailing dot',
      { redirectFrom: ['www.example.org.'] },
      [
        {
          path: 'routes[0].redirectFrom[0]',
          message: 'redirectFrom host must be a DNS name: labels of letters, digits and - joined by dots',
        },
      ],
    ],
    [
      'a redirected name given twice',
      { redirectFrom: ['www.example.org', 'WWW.example.org'] },
      [{ path: 'routes[0].redirectFrom[1]', message: 'www.example.org is named twice (redirectFrom[0])' }],
    ],
    [
      "the route's own host",
      { redirectFrom: ['Shop.example.org'] },
      [{ path: 'routes[0].redirectFrom[0]', message: "shop.example.org is the route's own host" }],
    ],
    [
      'more than 16 redirected names',
      { redirectFrom: Array.from({ length: 17 }, (_, i) => `w${i}.example.org`) },
      [{ path: 'routes[0].redirectFrom', message: 'redirectFrom may name at most 16 hosts' }],
    ],
  ];
  for (const [what, route, want] of bad) {
    it(`refuses ${what}, at its path`, () => {
      expect(issues(route)).toEqual(want);
    });
  }

  it('refuses Authorization on the request of a route with basic auth (the edge removes it), and allows it without', () => {
    expect(
      issues({ basicAuth: [{ user: 'a', hash: HASH }], headers: { request: { authorization: 'Bearer x' } } }),
    ).toEqual([
      {
        path: 'routes[0].headers.request.authorization',
        message: 'authorization cannot be set on the request of a route with basicAuth: the edge removes it',
      },
    ]);
    expect(issues({ headers: { request: { Authorization: 'Bearer x' } } })).toEqual([]);
  });

  it('refuses a redirected name that another route of the compartment serves, or redirects to another host', () => {
    expect(
      issues({ redirectFrom: ['www.example.org'] }, [{ host: 'www.example.org', path: '/blog', to: 'web:80' }]),
    ).toEqual([
      {
        path: 'routes[0].redirectFrom[0]',
        message: 'www.example.org is the host of routes[1]: it cannot also redirect',
      },
    ]);
    expect(
      issues({ redirectFrom: ['www.example.org'] }, [
        { host: 'other.example.org', to: 'web:80', redirectFrom: ['www.example.org'] },
      ]),
    ).toEqual([
      {
        path: 'routes[1].redirectFrom[0]',
        message: 'www.example.org already redirects to shop.example.org (routes[0].redirectFrom)',
      },
    ]);
    // two path prefixes of one host may both redirect a name (each keeps its prefix)
    expect(
      issues({ redirectFrom: ['www.example.org'] }, [
        { host: 'shop.example.org', path: '/api', to: 'web:80', redirectFrom: ['www.example.org'] },
      ]),
    ).toEqual([]);
  });
});

describe('route options in plans', () => {
  const route: RouteSpec = { host: 'shop.example.org', path: '/', to: 'web:80', port: 20000 };
  const opts: RouteSpec = {
    ...route,
    headers: { request: { 'X-A': 'a' }, response: { 'X-B': 'b', 'X-C': 'c' } },
    basicAuth: [
      { user: 'alice', hash: HASH },
      { user: 'bob', hash: HASH2 },
    ],
    redirectFrom: ['www.shop.example.org'],
  };

  it('describes a route without options as before', () => {
    expect(describeRoute(route)).toBe('shop.example.org/ → web:80 (127.0.0.1:20000)');
  });

  it('names the options briefly, with a fingerprint of all of them', () => {
    expect(describeRoute(opts)).toMatch(
      /^shop\.example\.org\/ → web:80 \(127\.0\.0\.1:20000\) \[auth 2 users, headers 3, redirect www\.shop\.example\.org #[0-9a-f]{8}\]$/,
    );
    expect(describeRoute({ ...route, basicAuth: [{ user: 'a', hash: HASH }] })).toMatch(
      /\[auth 1 user #[0-9a-f]{8}\]$/,
    );
  });

  it('makes any change of the options a plan change, but not the order of header names', () => {
    const changed: RouteSpec[] = [
      { ...opts, basicAuth: [{ user: 'alice', hash: HASH2 }, opts.basicAuth![1]!] },
      { ...opts, headers: { ...opts.headers, response: { 'X-B': 'b', 'X-C': 'd' } } },
      { ...opts, redirectFrom: ['shop.example.com'] },
      route,
    ];
    for (const c of changed) {
      const d = routeChanges([c], [opts]);
      expect(d.add).toEqual([describeRoute(c)]);
      expect(d.remove).toEqual([describeRoute(opts)]);
    }
    const reordered = { ...opts, headers: { ...opts.headers, response: { 'X-C': 'c', 'X-B': 'b' } } };
    expect(routeChanges([reordered], [opts])).toEqual({ add: [], remove: [] });
  });
});
