import { describe, expect, it } from 'vitest';
import { changedLinks, prefixOf } from './Connections';

describe('connections in the spec', () => {
  const spec = { compartment: 'app', units: { 'web.container': {} } };

  it('adds a provided service and a use, and leaves the keys out when they empty again', () => {
    const provided = changedLinks(spec, { kind: 'provide', service: 'db', to: 'web:5432' });
    expect(provided).toEqual({ ...spec, provides: { db: 'web:5432' } });
    const used = changedLinks(provided, { kind: 'use', use: { compartment: 'pg', service: 'db', as: 'DB' } });
    expect(used.uses).toEqual([{ compartment: 'pg', service: 'db', as: 'DB' }]);
    expect(changedLinks(changedLinks(used, { kind: 'unuse', as: 'DB' }), { kind: 'unprovide', service: 'db' })).toEqual(
      spec,
    );
  });

  it('replaces a use under the same name instead of adding a second one', () => {
    const once = changedLinks(spec, { kind: 'use', use: { compartment: 'pg', service: 'db', as: 'DB' } });
    const twice = changedLinks(once, { kind: 'use', use: { compartment: 'pg2', service: 'db', as: 'DB' } });
    expect(twice.uses).toEqual([{ compartment: 'pg2', service: 'db', as: 'DB' }]);
  });

  it('keeps the rest of the spec as it was', () => {
    const full = { ...spec, routes: [{ host: 'a.example.org', to: 'web:80' }], provides: { web: 'web:80' } };
    expect(changedLinks(full, { kind: 'provide', service: 'db', to: 'web:5432' })).toEqual({
      ...full,
      provides: { web: 'web:80', db: 'web:5432' },
    });
  });

  it('turns a service name into an environment prefix', () => {
    expect(prefixOf('db')).toBe('DB');
    expect(prefixOf('redis-cache')).toBe('REDIS_CACHE');
  });
});
