import { describe, expect, it } from 'vitest';
import { InvalidError } from './errors.js';
import { render } from './render.js';
import { checkSpec, parseSpecText, toSpec, validateSpec } from './spec.js';
import { routeKey, routeProblems, routeTarget } from './spec-routes.js';

const Q = '.config/containers/systemd';

/** A compartment with a web container, an api container, a pod with a container in it and a text unit. */
const spec = (routes: unknown[], units: Record<string, unknown> = {}) => ({
  compartment: 'shop',
  units: {
    'web.container': { container: { image: 'docker.io/library/nginx:1.27', publishPort: ['8080:80'] } },
    'api.container': { container: { image: 'docker.io/library/node:22' } },
    'app.pod': { pod: {} },
    'side.container': { container: { image: 'docker.io/library/redis:7', pod: 'app.pod' } },
    'legacy.container': { text: '[Container]\nImage=docker.io/library/redis\n' },
    ...units,
  },
  routes,
});

const issuesOf = (routes: unknown[]) => checkSpec(spec(routes)).issues;
const paths = (routes: unknown[]) => issuesOf(routes).map((i) => i.path);
const messageAt = (routes: unknown[], path: string) =>
  issuesOf(routes)
    .filter((i) => i.path === path)
    .map((i) => i.message)
    .join('\n');

/** The PublishPort= values of a rendered unit, in order, checking they are in `section`. */
function publishPorts(text: string | undefined, section: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of (text ?? '').split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) current = header[1]!;
    else if (line.startsWith('PublishPort=')) {
      expect(current).toBe(section);
      out.push(line.slice('PublishPort='.length));
    }
  }
  return out;
}

describe('routes in the spec', () => {
  it('defaults the path to / and lower-cases the host', () => {
    const s = validateSpec(spec([{ host: 'Photos.Example.ORG', to: 'web:80' }]));
    expect(s.routes).toEqual([{ host: 'photos.example.org', path: '/', to: 'web:80' }]);
  });

  it('has no routes when the spec names none', () => {
    const { routes: _, ...rest } = spec([]);
    expect(validateSpec(rest).routes).toEqual([]);
  });

  it('sorts the routes by host, then path', () => {
    const s = validateSpec(
      spec([
        { host: 'b.example.org', path: '/x', to: 'web:80' },
        { host: 'b.example.org', path: '/', to: 'web:80' },
        { host: 'a.example.org', path: '/z', to: 'api:3000' },
        { host: 'b.example.org', path: '/api', to: 'api:3000' },
      ]),
    );
    expect(s.routes.map(routeKey)).toEqual([
      'a.example.org/z',
      'b.example.org/',
      'b.example.org/api',
      'b.example.org/x',
    ]);
  });

  it('accepts a port written as a string of digits (as a template interpolates it)', () => {
    const s = validateSpec(spec([{ host: 'a.example.org', to: 'web:80', port: '20005' }]));
    expect(s.routes[0]!.port).toBe(20005);
    const n = validateSpec(spec([{ host: 'a.example.org', to: 'web:80', port: 1024 }]));
    expect(n.routes[0]!.port).toBe(1024);
  });

  it('reads routes from YAML', () => {
    const s = parseSpecText(
      [
        'compartment: shop',
        'units:',
        '  web.container:',
        '    container: { image: docker.io/library/nginx:1.27 }',
        'routes:',
        '  - { host: shop.example.org, path: /app, to: "web:8080", port: "21000" }',
        '',
      ].join('\n'),
    );
    expect(s.routes).toEqual([{ host: 'shop.example.org', path: '/app', to: 'web:8080', port: 21000 }]);
  });

  it('refuses a host that is not a DNS name, at the host', () => {
    for (const host of ['bad host', 'a..b', '-a.example.org', 'a.example.org.', 'a_b.example.org', '', 'é.org']) {
      expect(paths([{ host, to: 'web:80' }]), host).toEqual(['routes[0].host']);
    }
    expect(messageAt([{ host: 'a b', to: 'web:80' }], 'routes[0].host')).toMatch(/DNS name/);
    expect(
      paths([{ host: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`, to: 'web:80' }]),
    ).toEqual(['routes[0].host']);
    expect(paths([{ host: 42, to: 'web:80' }])).toEqual(['routes[0].host']);
  });

  it('refuses a path with . or .., a trailing slash, or no leading slash, at the path', () => {
    for (const path of ['/..', '/a/../b', '/.', '/app/', '//', 'app', '/a b', '/a?b', '']) {
      expect(paths([{ host: 'a.example.org', path, to: 'web:80' }]), path).toEqual(['routes[0].path']);
    }
    expect(messageAt([{ host: 'a.example.org', path: '/app/', to: 'web:80' }], 'routes[0].path')).toMatch(
      /no trailing \//,
    );
    // dots inside a segment are fine
    expect(paths([{ host: 'a.example.org', path: '/v1.2/..x', to: 'web:80' }])).toEqual([]);
  });

  it('refuses a target that is not UNIT:PORT with a port 1..65535, at to', () => {
    for (const to of ['web', 'web:', ':80', 'web:http', 'web:0', 'web:65536', 'web:123456', '-web:80', 'a/b:80']) {
      const p = paths([{ host: 'a.example.org', to }]);
      expect(p.length, to).toBeGreaterThan(0);
      expect(new Set(p), to).toEqual(new Set(['routes[0].to']));
    }
    expect(messageAt([{ host: 'a.example.org', to: 'web:65536' }], 'routes[0].to')).toMatch(/port 1\.\.65535/);
  });

  it('refuses a loopback port below 1024 or above 65535, at port', () => {
    expect(messageAt([{ host: 'a.example.org', to: 'web:80', port: 1023 }], 'routes[0].port')).toMatch(/1024 or above/);
    expect(paths([{ host: 'a.example.org', to: 'web:80', port: 65536 }])).toEqual(['routes[0].port']);
    expect(paths([{ host: 'a.example.org', to: 'web:80', port: '70000' }])).toEqual(['routes[0].port']);
    expect(paths([{ host: 'a.example.org', to: 'web:80', port: 'x80' }])).toEqual(['routes[0].port']);
    expect(paths([{ host: 'a.example.org', to: 'web:80', port: 20000.5 }])).toEqual(['routes[0].port']);
  });

  it('refuses unknown keys and a route that is not an object', () => {
    expect(paths([{ host: 'a.example.org', to: 'web:80', tls: true }]).some((p) => p.startsWith('routes[0]'))).toBe(
      true,
    );
    expect(paths(['a.example.org'])).toEqual(['routes[0]']);
  });

  it('refuses a target unit the compartment does not have, at to', () => {
    expect(messageAt([{ host: 'a.example.org', to: 'nope:80' }], 'routes[0].to')).toMatch(
      /no nope\.container or nope\.pod/,
    );
  });

  it('takes a text unit as target, and adds its PublishPort= to the text (kept otherwise)', () => {
    expect(paths([{ host: 'a.example.org', to: 'legacy:6379' }])).toEqual([]);
    const set = render(validateSpec(spec([{ host: 'a.example.org', to: 'legacy:6379', port: 20005 }])));
    expect(set.files.get(`${Q}/legacy.container`)).toBe(
      '[Container]\nImage=docker.io/library/redis\nPublishPort=127.0.0.1:20005:6379\n',
    );
    // a text container in a pod is refused like a typed one
    const inPod = checkSpec(
      spec([{ host: 'a.example.org', to: 'solo:80' }], {
        'solo.container': { text: '[Container]\nImage=docker.io/library/redis\nPod=app.pod\n' },
      }),
    ).issues;
    expect(inPod.map((i) => i.message).join('\n')).toMatch(/solo\.container runs in a pod/);
  });

  it('refuses a container that runs in a pod, and takes the pod', () => {
    expect(messageAt([{ host: 'a.example.org', to: 'side:6379' }], 'routes[0].to')).toMatch(
      /side\.container runs in a pod: name the pod/,
    );
    expect(paths([{ host: 'a.example.org', to: 'app:6379' }])).toEqual([]);
  });

  it('refuses the same host and path twice (after lower-casing), at the second', () => {
    const issues = issuesOf([
      { host: 'a.example.org', path: '/x', to: 'web:80' },
      { host: 'b.example.org', to: 'web:80' },
      { host: 'A.example.org', path: '/x', to: 'api:3000' },
    ]);
    expect(issues).toEqual([{ path: 'routes[2].host', message: 'a.example.org/x is routed twice (routes[0])' }]);
    // same host, other path: fine
    expect(
      paths([
        { host: 'a.example.org', path: '/x', to: 'web:80' },
        { host: 'a.example.org', to: 'web:80' },
      ]),
    ).toEqual([]);
  });

  it('refuses one loopback port for two targets, and allows it for two routes of one target', () => {
    expect(
      issuesOf([
        { host: 'a.example.org', to: 'web:80', port: 21000 },
        { host: 'b.example.org', to: 'api:3000', port: 21000 },
      ]),
    ).toEqual([{ path: 'routes[1].port', message: 'port 21000 is given to routes[0] for another target' }]);
    expect(
      paths([
        { host: 'a.example.org', to: 'web:80', port: 21000 },
        { host: 'b.example.org', to: 'web:80', port: 21000 },
      ]),
    ).toEqual([]);
  });

  it('throws one InvalidError listing every route problem', () => {
    let err: unknown;
    try {
      validateSpec(
        spec([
          { host: 'a..b', to: 'web:80' },
          { host: 'ok.example.org', path: '/x/', to: 'web:80', port: 80 },
        ]),
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidError);
    const issues = (err as InvalidError).details?.issues as { path: string }[];
    expect(issues.map((i) => i.path).sort()).toEqual(['routes[0].host', 'routes[1].path', 'routes[1].port']);
  });

  it('reads back what toSpec writes', () => {
    const s = validateSpec(
      spec([
        { host: 'b.example.org', path: '/api', to: 'api:3000' },
        { host: 'A.example.org', to: 'web:80', port: '21000' },
        { host: 'a.example.org', path: '/pod', to: 'app:6379', port: 22000 },
      ]),
    );
    expect(validateSpec(toSpec(s))).toEqual(s);
    expect(validateSpec(JSON.parse(JSON.stringify(toSpec(s))))).toEqual(s);
    expect(toSpec(s).routes).toEqual(s.routes);
  });
});

describe('routeTarget, routeProblems', () => {
  it('splits a target into its unit and port', () => {
    expect(routeTarget({ to: 'my-app.v2:8080' })).toEqual({ unit: 'my-app.v2', port: 8080 });
    expect(() => routeTarget({ to: 'nope' })).toThrow(/not a route target/);
  });

  it('gives the index and field of each problem', () => {
    const units = {
      'web.container': { format: 'model', model: { type: 'container', container: {} } },
      'gone.pod': { format: 'model' },
    };
    expect(
      routeProblems(
        [
          { host: 'a.example.org', path: '/', to: 'web:80', port: 2000 },
          { host: 'a.example.org', path: '/', to: 'missing:80', port: 2000 },
        ],
        units,
      ).map((p) => `${p.index}.${p.field}`),
    ).toEqual(['1.host', '1.port', '1.to']);
  });
});

describe('rendering routes', () => {
  it('publishes the loopback port of the routes on the container once, after its own ports', () => {
    const set = render(
      validateSpec(
        spec([
          { host: 'a.example.org', to: 'web:8080', port: 20000 },
          { host: 'b.example.org', path: '/x', to: 'web:8080', port: 20000 },
        ]),
      ),
    );
    expect(publishPorts(set.files.get(`${Q}/web.container`), 'Container')).toEqual(['8080:80', '127.0.0.1:20000:8080']);
    expect(publishPorts(set.files.get(`${Q}/api.container`), 'Container')).toEqual([]);
  });

  it('publishes one line per loopback port when a target has two', () => {
    const set = render(
      validateSpec(
        spec([
          { host: 'a.example.org', to: 'web:8080', port: 20001 },
          { host: 'b.example.org', to: 'web:9090', port: 20002 },
        ]),
      ),
    );
    expect(publishPorts(set.files.get(`${Q}/web.container`), 'Container')).toEqual([
      '8080:80',
      '127.0.0.1:20001:8080',
      '127.0.0.1:20002:9090',
    ]);
  });

  it('publishes a pod target on the pod, not on its containers', () => {
    const set = render(validateSpec(spec([{ host: 'a.example.org', to: 'app:6379', port: 20010 }])));
    expect(publishPorts(set.files.get(`${Q}/app.pod`), 'Pod')).toEqual(['127.0.0.1:20010:6379']);
    expect(publishPorts(set.files.get(`${Q}/side.container`), 'Container')).toEqual([]);
    expect(set.files.get(`${Q}/side.container`)).not.toMatch(/20010/);
  });

  it('renders nothing for a route without a port yet', () => {
    const withRoute = render(validateSpec(spec([{ host: 'a.example.org', to: 'web:8080' }])));
    const without = render(validateSpec(spec([])));
    expect(withRoute.files).toEqual(without.files);
    expect(publishPorts(withRoute.files.get(`${Q}/web.container`), 'Container')).toEqual(['8080:80']);
  });
});
