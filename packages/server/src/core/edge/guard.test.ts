import { describe, expect, it } from 'vitest';
import { guardedPorts, guardKey } from './guard.js';
import type { HeldProvide, HeldUse } from './link-ports.js';
import type { HeldRoute } from './ports.js';

const route = (compartment: string, host: string, port?: number, path = '/'): HeldRoute => ({
  compartment,
  host,
  path,
  to: 'web:80',
  ...(port === undefined ? {} : { port }),
});
const provide = (compartment: string, service: string, port?: number): HeldProvide => ({
  compartment,
  service,
  to: 'postgres:5432',
  ...(port === undefined ? {} : { port }),
});
const use = (consumer: string, compartment: string, service: string, as = 'DB'): HeldUse => ({
  consumer,
  compartment,
  service,
  as,
});

describe('guardedPorts', () => {
  it('is empty with nothing to guard', () => {
    expect(guardedPorts({ routes: [], provides: [], uses: [] })).toEqual([]);
  });

  it('lets the owner and the edge connect to a route port', () => {
    expect(
      guardedPorts({ routes: [route('shop', 'shop.example.org', 20000, '/app')], provides: [], uses: [] }),
    ).toEqual([{ port: 20000, compartments: ['shop'], edge: true, what: 'route shop.example.org/app of shop' }]);
  });

  it('does not guard the UI’s own route, nor a route or service without a port', () => {
    expect(
      guardedPorts({
        routes: [route('(quadletman)', 'qm.example.org', 8443), route('shop', 'shop.example.org')],
        provides: [provide('pg', 'db')],
        uses: [use('shop', 'pg', 'db')],
      }),
    ).toEqual([]);
  });

  it('lets the provider and only the compartments that use the service connect to its port, not the edge', () => {
    expect(
      guardedPorts({
        routes: [],
        provides: [provide('pg', 'db', 30000), provide('pg', 'ro', 30001)],
        uses: [
          use('shop', 'pg', 'db'),
          use('blog', 'pg', 'db', 'PG'),
          use('wiki', 'pg', 'ro'),
          use('cms', 'other', 'db'),
        ],
      }),
    ).toEqual([
      { port: 30000, compartments: ['blog', 'pg', 'shop'], edge: false, what: 'service db of pg' },
      { port: 30001, compartments: ['pg', 'wiki'], edge: false, what: 'service ro of pg' },
    ]);
  });

  it('merges a port held twice (the compartments joined and sorted, the edge kept), and sorts by port', () => {
    const ports = guardedPorts({
      routes: [
        route('shop', 'b.example.org', 20001),
        route('shop', 'a.example.org', 20000),
        route('shop', 'c.example.org', 20000, '/x'),
      ],
      provides: [provide('shop', 'web', 20000), provide('pg', 'db', 30000)],
      uses: [use('blog', 'shop', 'web'), use('shop', 'pg', 'db'), use('shop', 'pg', 'db', 'DB2')],
    });
    expect(ports).toEqual([
      { port: 20000, compartments: ['blog', 'shop'], edge: true, what: 'route a.example.org/ of shop' },
      { port: 20001, compartments: ['shop'], edge: true, what: 'route b.example.org/ of shop' },
      { port: 30000, compartments: ['pg', 'shop'], edge: false, what: 'service db of pg' },
    ]);
  });
});

describe('guardKey', () => {
  it('is the same for the same guard whatever the order it was built in, and leaves out what', () => {
    const a = guardedPorts({
      routes: [route('shop', 'a.example.org', 20000)],
      provides: [provide('pg', 'db', 30000)],
      uses: [use('shop', 'pg', 'db'), use('blog', 'pg', 'db', 'PG')],
    });
    const b = guardedPorts({
      routes: [route('shop', 'z.example.org', 20000)],
      provides: [provide('pg', 'db', 30000)],
      uses: [use('blog', 'pg', 'db', 'PG'), use('shop', 'pg', 'db')],
    });
    expect(guardKey(a)).toBe(guardKey(b));
    expect(guardKey(a)).toBe('[[20000,["shop"],true],[30000,["blog","pg","shop"],false]]');
    expect(guardKey([])).toBe('[]');
  });

  it('differs when who may connect differs', () => {
    const base = { routes: [], provides: [provide('pg', 'db', 30000)] };
    expect(guardKey(guardedPorts({ ...base, uses: [use('shop', 'pg', 'db')] }))).not.toBe(
      guardKey(guardedPorts({ ...base, uses: [] })),
    );
    expect(guardKey(guardedPorts({ routes: [route('pg', 'a.example.org', 30000)], provides: [], uses: [] }))).not.toBe(
      guardKey(guardedPorts({ ...base, uses: [] })),
    );
  });
});
