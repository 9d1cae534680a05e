import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import { LINK_PORTS, type ProvideSpec } from '../spec-links.js';
import { assignProvidePorts, type HeldProvide } from './link-ports.js';
import type { HeldPort } from './ports.js';

const FIRST = LINK_PORTS.first;

const provide = (service: string, to: string, port?: number): ProvideSpec => ({
  service,
  to,
  ...(port === undefined ? {} : { port }),
});
const held = (compartment: string, service: string, to: string, port?: number): HeldProvide => ({
  compartment,
  ...provide(service, to, port),
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

describe('assignProvidePorts', () => {
  it('gives new services the lowest free ports of the range, in order', () => {
    expect(assignProvidePorts('pg', [provide('db', 'postgres:5432'), provide('ro', 'postgres:5433')], [], [])).toEqual([
      { service: 'db', to: 'postgres:5432', port: FIRST },
      { service: 'ro', to: 'postgres:5433', port: FIRST + 1 },
    ]);
  });

  it('keeps the port a service was given across re-plans, even when a new one now comes first', () => {
    const first = assignProvidePorts('pg', [provide('db', 'postgres:5432')], [], []);
    const stored = first.map((p) => ({ compartment: 'pg', ...p }));
    expect(assignProvidePorts('pg', [provide('db', 'postgres:5432')], stored, [])).toEqual(first);
    // a new service sorted before it gets the next port, not the kept one
    expect(
      assignProvidePorts('pg', [provide('admin', 'postgres:5433'), provide('db', 'postgres:5432')], stored, []),
    ).toEqual([
      { service: 'admin', to: 'postgres:5433', port: FIRST + 1 },
      { service: 'db', to: 'postgres:5432', port: FIRST },
    ]);
    // kept also when its target moved
    expect(assignProvidePorts('pg', [provide('db', 'other:1')], stored, [])[0]!.port).toBe(FIRST);
  });

  it('keeps an explicit port, and does not give it to another service', () => {
    expect(
      assignProvidePorts('pg', [provide('a', 'postgres:1'), provide('b', 'postgres:2', FIRST)], [], []).map(
        (p) => p.port,
      ),
    ).toEqual([FIRST + 1, FIRST]);
  });

  it('does not keep a stored port the spec now names for another service', () => {
    const stored = [held('pg', 'a', 'postgres:1', FIRST)];
    expect(
      assignProvidePorts('pg', [provide('a', 'postgres:1'), provide('b', 'postgres:2', FIRST)], stored, []).map(
        (p) => p.port,
      ),
    ).toEqual([FIRST + 1, FIRST]);
  });

  it('skips the ports of other compartments: provided services, routes and published ports', () => {
    const others = [held('blog', 'db', 'm:3306', FIRST), held('wiki', 'db', 'm:3306', FIRST + 2)];
    const taken: HeldPort[] = [
      { compartment: 'shop', port: FIRST + 1, what: 'route shop.example.org/' },
      { compartment: 'cms', port: FIRST + 3, what: 'web.container PublishPort=30003:80' },
    ];
    expect(assignProvidePorts('pg', [provide('db', 'postgres:5432')], others, taken)[0]!.port).toBe(FIRST + 4);
  });

  it('does not skip its own taken ports (as stored: they are replaced)', () => {
    const taken: HeldPort[] = [{ compartment: 'pg', port: FIRST, what: 'route pg.example.org/' }];
    expect(assignProvidePorts('pg', [provide('db', 'postgres:5432')], [], taken)[0]!.port).toBe(FIRST);
  });

  it('refuses an explicit port another compartment holds, naming it and what holds it', () => {
    const err = thrown(() =>
      assignProvidePorts(
        'pg',
        [provide('db', 'postgres:5432', FIRST), provide('ro', 'postgres:5433', 31000)],
        [held('blog', 'mysql', 'm:3306', FIRST)],
        [{ compartment: 'shop', port: 31000, what: 'route shop.example.org/' }],
      ),
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).details?.problems).toEqual([
      `provides.db.port: ${FIRST} is held by compartment 'blog' (service mysql)`,
      "provides.ro.port: 31000 is held by compartment 'shop' (route shop.example.org/)",
    ]);
    expect(err.message).toBe(
      `The provided services conflict with other compartments:\nprovides.db.port: ${FIRST} is held by compartment 'blog' (service mysql)\nprovides.ro.port: 31000 is held by compartment 'shop' (route shop.example.org/)`,
    );
  });

  it('allows an explicit port the compartment itself held before', () => {
    const stored = [held('pg', 'db', 'postgres:5432', 31000)];
    expect(assignProvidePorts('pg', [provide('ro', 'postgres:5433', 31000)], stored, [])[0]!.port).toBe(31000);
  });

  it('refuses when the range is exhausted, and fills its last port', () => {
    const size = LINK_PORTS.last - LINK_PORTS.first + 1;
    const others = Array.from({ length: size - 1 }, (_, i) => held('blog', `s${i}`, 'm:1', FIRST + i));
    expect(assignProvidePorts('pg', [provide('db', 'postgres:5432')], others, [])[0]!.port).toBe(LINK_PORTS.last);
    const err = thrown(() =>
      assignProvidePorts('pg', [provide('db', 'postgres:5432'), provide('ro', 'postgres:5433')], others, []),
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe(`No loopback port is free for provided services in ${FIRST}..${LINK_PORTS.last}.`);
  });

  it("gives a new service no port the compartment's own routes hold, but lets a service keep its own", () => {
    const own = [FIRST, FIRST + 1];
    expect(assignProvidePorts('pg', [provide('db', 'postgres:5432')], [], [], own)[0]!.port).toBe(FIRST + 2);
    const stored = [held('pg', 'db', 'postgres:5432', FIRST)];
    // (kept: the service's caller refuses the clash with its route, naming both)
    expect(assignProvidePorts('pg', [provide('db', 'postgres:5432')], stored, [], own)[0]!.port).toBe(FIRST);
  });
});
