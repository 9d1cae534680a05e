import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import { ROUTE_PORTS, type RouteSpec } from '../spec-routes.js';
import { assignRoutePorts, type HeldPort, type HeldRoute } from './ports.js';

const FIRST = ROUTE_PORTS.first;

const route = (host: string, to: string, port?: number, path = '/'): RouteSpec => ({
  host,
  path,
  to,
  ...(port === undefined ? {} : { port }),
});
const held = (compartment: string, host: string, to: string, port?: number, path = '/'): HeldRoute => ({
  compartment,
  ...route(host, to, port, path),
});

/** The error `fn` throws (failing the test when it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('assignRoutePorts', () => {
  it('gives a new target the lowest port of the range', () => {
    expect(assignRoutePorts('shop', [route('a.example.org', 'web:80')], [])).toEqual([
      { host: 'a.example.org', path: '/', to: 'web:80', port: FIRST },
    ]);
  });

  it('gives each target its own port, and one port to all routes of a target', () => {
    const out = assignRoutePorts(
      'shop',
      [
        route('a.example.org', 'web:80'),
        route('b.example.org', 'api:3000'),
        route('c.example.org', 'web:80'),
        route('c.example.org', 'web:80', undefined, '/x'),
        route('d.example.org', 'web:8080'),
      ],
      [],
    );
    expect(out.map((r) => r.port)).toEqual([FIRST, FIRST + 1, FIRST, FIRST, FIRST + 2]);
  });

  it('keeps a port the spec names, and shares it with the other routes of its target', () => {
    const out = assignRoutePorts(
      'shop',
      [route('a.example.org', 'web:80'), route('b.example.org', 'web:80', 25000)],
      [],
    );
    expect(out.map((r) => r.port)).toEqual([25000, 25000]);
  });

  it('does not give a named port to another target', () => {
    const out = assignRoutePorts(
      'shop',
      [route('a.example.org', 'web:80'), route('b.example.org', 'api:1', FIRST)],
      [],
    );
    expect(out.map((r) => r.port)).toEqual([FIRST + 1, FIRST]);
  });

  it('keeps the port the compartment gave a target before', () => {
    const previous = [held('shop', 'old.example.org', 'web:80', 21234), held('shop', 'x.example.org', 'api:1', 21000)];
    const out = assignRoutePorts(
      'shop',
      [route('new.example.org', 'web:80'), route('y.example.org', 'db:5432')],
      previous,
    );
    expect(out.map((r) => r.port)).toEqual([21234, FIRST]);
  });

  it('keeps the previous port even when a new target now comes first', () => {
    const previous = [held('shop', 'a.example.org', 'web:80', FIRST)];
    const out = assignRoutePorts('shop', [route('a.example.org', 'api:1'), route('b.example.org', 'web:80')], previous);
    expect(out.map((r) => r.port)).toEqual([FIRST + 1, FIRST]);
  });

  it('does not keep a previous port the spec now names for another target', () => {
    const previous = [held('shop', 'a.example.org', 'web:80', FIRST)];
    const out = assignRoutePorts(
      'shop',
      [route('a.example.org', 'web:80'), route('b.example.org', 'api:1', FIRST)],
      previous,
    );
    expect(out.map((r) => r.port)).toEqual([FIRST + 1, FIRST]);
  });

  it('skips the ports of other compartments’ routes', () => {
    const others = [
      held('blog', 'blog.example.org', 'web:80', FIRST),
      held('wiki', 'wiki.example.org', 'w:1', FIRST + 1),
    ];
    expect(assignRoutePorts('shop', [route('a.example.org', 'web:80')], others)[0]!.port).toBe(FIRST + 2);
  });

  it('skips the ports other compartments publish themselves, but not its own', () => {
    const published: HeldPort[] = [
      { compartment: 'blog', port: FIRST, what: 'web.container PublishPort=20000:80' },
      { compartment: 'shop', port: FIRST + 1, what: 'web.container PublishPort=20001:80' },
      { compartment: 'wiki', port: FIRST + 2, what: 'w.container PublishPort=20002:80' },
    ];
    const out = assignRoutePorts(
      'shop',
      [route('a.example.org', 'web:80'), route('b.example.org', 'api:1')],
      [],
      published,
    );
    expect(out.map((r) => r.port)).toEqual([FIRST + 1, FIRST + 3]);
  });

  it('refuses a host and path another compartment routes, naming it', () => {
    const others = [held('blog', 'a.example.org', 'web:80', FIRST, '/app')];
    const err = thrown(() =>
      assignRoutePorts(
        'shop',
        [route('b.example.org', 'web:80'), route('a.example.org', 'x:1', undefined, '/app')],
        others,
      ),
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toContain("routes[1]: a.example.org/app is routed by compartment 'blog'");
    expect((err as ConflictError).details?.problems).toEqual([
      "routes[1]: a.example.org/app is routed by compartment 'blog'",
    ]);
  });

  it('allows another path of a host another compartment routes', () => {
    const others = [held('blog', 'a.example.org', 'web:80', FIRST, '/app')];
    expect(assignRoutePorts('shop', [route('a.example.org', 'web:80')], others)[0]!.port).toBe(FIRST + 1);
  });

  it('refuses a named port another compartment’s route holds, naming it and the route', () => {
    const others = [held('blog', 'blog.example.org', 'web:80', 21000, '/feed')];
    const err = thrown(() => assignRoutePorts('shop', [route('a.example.org', 'web:80', 21000)], others));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toContain("routes[0].port: 21000 is held by compartment 'blog' (route blog.example.org/feed)");
  });

  it('refuses a named port another compartment publishes, naming what publishes it', () => {
    const published: HeldPort[] = [{ compartment: 'wiki', port: 21000, what: 'w.container PublishPort=21000:80' }];
    const err = thrown(() => assignRoutePorts('shop', [route('a.example.org', 'web:80', 21000)], [], published));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toContain("21000 is held by compartment 'wiki' (w.container PublishPort=21000:80)");
  });

  it('lists every conflict at once', () => {
    const others = [held('blog', 'a.example.org', 'web:80', 21000)];
    const err = thrown(() =>
      assignRoutePorts('shop', [route('a.example.org', 'web:80'), route('b.example.org', 'api:1', 21000)], others),
    );
    expect((err as ConflictError).details?.problems).toHaveLength(2);
  });

  it('does not count the compartment’s own previous routes as conflicts', () => {
    const previous = [held('shop', 'a.example.org', 'web:80', 21000), held('shop', 'b.example.org', 'api:1', 21001)];
    const out = assignRoutePorts(
      'shop',
      [route('a.example.org', 'api:1', 21000), route('b.example.org', 'web:80', 21001)],
      previous,
    );
    expect(out).toEqual([route('a.example.org', 'api:1', 21000), route('b.example.org', 'web:80', 21001)]);
  });

  it('says so when no port of the range is free', () => {
    const others: HeldRoute[] = [];
    for (let p = ROUTE_PORTS.first; p <= ROUTE_PORTS.last; p++)
      others.push(held('blog', `h${p}.example.org`, `w${p}:1`, p));
    const err = thrown(() => assignRoutePorts('shop', [route('a.example.org', 'web:80')], others));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/No loopback port is free/);
    // the last free port is still given
    const err2 = assignRoutePorts('shop', [route('a.example.org', 'web:80')], others.slice(0, -1));
    expect(err2[0]!.port).toBe(ROUTE_PORTS.last);
  });

  it('changes nothing of the routes but their ports, and keeps their order', () => {
    const routes = [route('z.example.org', 'web:80', undefined, '/x'), route('a.example.org', 'api:1')];
    const copy = structuredClone(routes);
    const out = assignRoutePorts('shop', routes, []);
    expect(routes).toEqual(copy);
    expect(out.map(({ port: _, ...r }) => r)).toEqual(copy);
  });
});

describe("assignRoutePorts and the web UI's own route", () => {
  const ui = { compartment: '(quadletman)', host: 'qm.example.org', path: '/', to: 'ui:0', port: 8080 };
  it('refuses the UI host name on any path, and the UI port, naming quadletman', () => {
    expect(() => assignRoutePorts('shop', [{ host: 'qm.example.org', path: '/app', to: 'web:80' }], [ui])).toThrow(
      /qm\.example\.org is the host name of quadletman's own web UI/,
    );
    expect(() =>
      assignRoutePorts('shop', [{ host: 'shop.example.org', path: '/', to: 'web:80', port: 8080 }], [ui]),
    ).toThrow(/8080 is held by quadletman's web UI/);
  });
});

describe('assignRoutePorts: redirected host names', () => {
  const redirecting = (compartment: string, host: string, names: string[], port: number): HeldRoute => ({
    ...held(compartment, host, 'web:80', port),
    redirectFrom: names,
  });
  const problemsOf = (fn: () => unknown) =>
    (thrown(fn) as ConflictError & { details?: { problems: string[] } }).details?.problems;

  it('refuses a name another compartment routes (on any path), naming the holder', () => {
    const blog = held('blog', 'www.example.org', 'web:80', FIRST, '/feed');
    const fn = () =>
      assignRoutePorts('shop', [{ ...route('shop.example.org', 'web:80'), redirectFrom: ['www.example.org'] }], [blog]);
    expect(thrown(fn)).toBeInstanceOf(ConflictError);
    expect(problemsOf(fn)).toEqual([
      "routes[0].redirectFrom[0]: www.example.org is routed by compartment 'blog' (route www.example.org/feed)",
    ]);
  });

  it('refuses a name another compartment redirects, naming the holder and where it goes', () => {
    const blog = redirecting('blog', 'blog.example.org', ['www.example.org'], FIRST);
    const fn = () =>
      assignRoutePorts('shop', [{ ...route('shop.example.org', 'web:80'), redirectFrom: ['www.example.org'] }], [blog]);
    expect(problemsOf(fn)).toEqual([
      "routes[0].redirectFrom[0]: www.example.org redirects to blog.example.org in compartment 'blog'",
    ]);
  });

  it('refuses routing a name another compartment redirects', () => {
    const blog = redirecting('blog', 'blog.example.org', ['www.example.org'], FIRST);
    const fn = () => assignRoutePorts('shop', [route('www.example.org', 'web:80', undefined, '/shop')], [blog]);
    expect(problemsOf(fn)).toEqual(["routes[0]: www.example.org redirects to blog.example.org in compartment 'blog'"]);
  });

  it("refuses redirecting the web UI's host name", () => {
    const ui = held('(quadletman)', 'qm.example.org', 'ui:0', 8080);
    const fn = () =>
      assignRoutePorts('shop', [{ ...route('shop.example.org', 'web:80'), redirectFrom: ['qm.example.org'] }], [ui]);
    expect(problemsOf(fn)).toEqual([
      "routes[0].redirectFrom[0]: qm.example.org is the host name of quadletman's own web UI",
    ]);
  });

  it('lets a compartment keep its own redirected names across applies, and keeps the options', () => {
    const mine = redirecting('shop', 'shop.example.org', ['www.shop.example.org'], FIRST);
    const desired: RouteSpec = { ...route('shop.example.org', 'web:80'), redirectFrom: ['www.shop.example.org'] };
    expect(assignRoutePorts('shop', [desired], [mine])).toEqual([{ ...desired, port: FIRST }]);
  });
});
