import { describe, expect, it } from 'vitest';
import { render } from './render.js';
import { checkSpec, parseSpecText, specToYaml, toSpec, validateSpec } from './spec.js';
import {
  describeProvide,
  describeUse,
  LINK_ADDRESS,
  LINK_PORTS,
  linkChanges,
  linkEnvironment,
  linkProblems,
} from './spec-links.js';

const Q = '.config/containers/systemd';

/** A compartment `pg` with a container, a pod with a container in it and a text unit, providing and using. */
const spec = (provides: unknown, uses?: unknown, extra: Record<string, unknown> = {}) => ({
  compartment: 'pg',
  units: {
    'postgres.container': { container: { image: 'docker.io/library/postgres:17' } },
    'app.pod': { pod: {} },
    'side.container': { container: { image: 'docker.io/library/redis:7', pod: 'app.pod' } },
    'legacy.container': { text: '[Container]\nImage=docker.io/library/redis\n' },
  },
  ...(provides === undefined ? {} : { provides }),
  ...(uses === undefined ? {} : { uses }),
  ...extra,
});

const issuesOf = (provides: unknown, uses?: unknown) => checkSpec(spec(provides, uses)).issues;

describe('provides and uses in the spec', () => {
  it('has none when the spec names none, and toSpec writes none', () => {
    const s = validateSpec(spec(undefined));
    expect(s.provides).toEqual([]);
    expect(s.uses).toEqual([]);
    expect(toSpec(s)).not.toHaveProperty('provides');
    expect(toSpec(s)).not.toHaveProperty('uses');
  });

  it('reads UNIT:PORT and { to, port }, sorted by service', () => {
    const s = validateSpec(
      spec({
        'z-cache': 'legacy:6379',
        db: 'postgres:5432',
        app: { to: 'app:8080', port: 30500 },
        admin: { to: 'postgres:5433', port: '31000' },
        plain: { to: 'postgres:5434' },
      }),
    );
    expect(s.provides).toEqual([
      { service: 'admin', to: 'postgres:5433', port: 31000 },
      { service: 'app', to: 'app:8080', port: 30500 },
      { service: 'db', to: 'postgres:5432' },
      { service: 'plain', to: 'postgres:5434' },
      { service: 'z-cache', to: 'legacy:6379' },
    ]);
  });

  it('reads uses, sorted by as, with a port only when one is named', () => {
    const s = validateSpec(
      spec(undefined, [
        { compartment: 'shop', service: 'web', as: 'WEB' },
        { compartment: 'db', service: 'db', as: 'DB', port: 30001 },
        { compartment: 'cache', service: 'redis', as: 'CACHE_2', port: '30002' },
      ]),
    );
    expect(s.uses).toEqual([
      { compartment: 'cache', service: 'redis', as: 'CACHE_2', port: 30002 },
      { compartment: 'db', service: 'db', as: 'DB', port: 30001 },
      { compartment: 'shop', service: 'web', as: 'WEB' },
    ]);
  });

  it('reads them from YAML', () => {
    const s = parseSpecText(
      [
        'compartment: pg',
        'units:',
        '  postgres.container:',
        '    container: { image: docker.io/library/postgres:17 }',
        'provides:',
        '  db: "postgres:5432"',
        '  ro: { to: "postgres:5433", port: 30010 }',
        'uses:',
        '  - { compartment: shop, service: web, as: SHOP }',
        '',
      ].join('\n'),
    );
    expect(s.provides).toEqual([
      { service: 'db', to: 'postgres:5432' },
      { service: 'ro', to: 'postgres:5433', port: 30010 },
    ]);
    expect(s.uses).toEqual([{ compartment: 'shop', service: 'web', as: 'SHOP' }]);
  });

  it('reads back what toSpec and specToYaml write', () => {
    const s = validateSpec(
      spec({ db: 'postgres:5432', app: { to: 'app:8080', port: 30500 } }, [
        { compartment: 'shop', service: 'web', as: 'WEB', port: 30003 },
        { compartment: 'cache', service: 'redis', as: 'CACHE' },
      ]),
    );
    expect(validateSpec(toSpec(s))).toEqual(s);
    expect(validateSpec(JSON.parse(JSON.stringify(toSpec(s))))).toEqual(s);
    expect(parseSpecText(specToYaml(s))).toEqual(s);
    expect(toSpec(s).provides).toEqual({ app: { to: 'app:8080', port: 30500 }, db: 'postgres:5432' });
  });

  it('refuses a service name that is not lower case letters, digits and -, at the service', () => {
    for (const name of ['DB', '1db', '-db', 'd_b', 'd b', '', 'a'.repeat(33)]) {
      const issues = issuesOf({ [name]: 'postgres:5432' });
      expect(issues.length, name).toBe(1);
      expect(issues[0]!.message, name).toBe(
        'a service name must be lower case letters, digits and - (up to 32, starting with a letter)',
      );
    }
    expect(issuesOf({ DB: 'postgres:5432' })[0]!.path).toBe('provides.DB');
    expect(issuesOf({ 'd b': 'postgres:5432' })[0]!.path).toBe('provides["d b"]');
    expect(issuesOf({ [`a${'b'.repeat(31)}`]: 'postgres:5432' })).toEqual([]);
  });

  it('refuses a service name of a use that is not one, at uses[i].service', () => {
    expect(issuesOf(undefined, [{ compartment: 'shop', service: 'Web', as: 'WEB' }])).toEqual([
      {
        path: 'uses[0].service',
        message: 'a service name must be lower case letters, digits and - (up to 32, starting with a letter)',
      },
    ]);
  });

  it('refuses an as that is not an environment name prefix, at uses[i].as', () => {
    const message = 'as must be an environment name prefix: upper case letters, digits and _ (e.g. DB)';
    for (const as of ['db', '1DB', '_DB', 'D-B', 'D B', '', 'A'.repeat(33)]) {
      expect(issuesOf(undefined, [{ compartment: 'shop', service: 'web', as }]), as).toEqual([
        { path: 'uses[0].as', message },
      ]);
    }
    expect(issuesOf(undefined, [{ compartment: 'shop', service: 'web', as: 7 }])).toEqual([
      { path: 'uses[0].as', message: 'as must be a string' },
    ]);
    expect(issuesOf(undefined, [{ compartment: 'shop', service: 'web', as: 'DB_2' }])).toEqual([]);
  });

  it('refuses a bad compartment id, unknown keys and a use that is not an object', () => {
    expect(issuesOf(undefined, [{ compartment: '../root', service: 'web', as: 'WEB' }]).map((i) => i.path)).toEqual([
      'uses[0].compartment',
    ]);
    expect(issuesOf(undefined, [{ compartment: 'shop', service: 'web', as: 'WEB', env: 'x' }]).length).toBe(1);
    expect(issuesOf(undefined, ['shop/web'])).toEqual([
      { path: 'uses[0]', message: 'must be { compartment, service, as }' },
    ]);
  });

  it('refuses a target that is not UNIT:PORT with a port 1..65535, with the message meant, at the service', () => {
    const message = 'must be UNIT:PORT, e.g. postgres:5432 (a .container or .pod unit of the compartment)';
    for (const to of ['postgres', 'postgres:', ':5432', 'postgres:pg', '-pg:5432', 'a/b:80', 'postgres:123456']) {
      expect(issuesOf({ db: to }), to).toEqual([{ path: 'provides.db', message }]);
      expect(issuesOf({ db: { to } }), to).toEqual([{ path: 'provides.db.to', message }]);
    }
    for (const to of ['postgres:0', 'postgres:65536']) {
      expect(issuesOf({ db: to }), to).toEqual([{ path: 'provides.db', message: 'must name a port 1..65535' }]);
      expect(issuesOf({ db: { to } }), to).toEqual([{ path: 'provides.db.to', message: 'must name a port 1..65535' }]);
    }
    expect(issuesOf({ db: 5432 })).toEqual([{ path: 'provides.db', message: 'must be UNIT:PORT or { to, port }' }]);
    expect(issuesOf({ db: null })).toEqual([{ path: 'provides.db', message: 'must be UNIT:PORT or { to, port }' }]);
    expect(issuesOf({ db: { port: 30000 } }).map((i) => i.path)).toEqual(['provides.db.to']);
  });

  it('refuses a loopback port below 1024 or above 65535, at port', () => {
    const message = 'port must be 1024..65535 (it is a loopback port of the host)';
    expect(issuesOf({ db: { to: 'postgres:5432', port: 1023 } })).toEqual([{ path: 'provides.db.port', message }]);
    expect(issuesOf({ db: { to: 'postgres:5432', port: 65536 } })).toEqual([{ path: 'provides.db.port', message }]);
    expect(issuesOf({ db: { to: 'postgres:5432', port: '80' } })).toEqual([{ path: 'provides.db.port', message }]);
    expect(issuesOf({ db: { to: 'postgres:5432', port: 30000.5 } })).toEqual([
      { path: 'provides.db.port', message: 'port must be a whole number' },
    ]);
    expect(issuesOf({ db: { to: 'postgres:5432', port: 'x80' } })).toEqual([
      { path: 'provides.db.port', message: 'port must be a port' },
    ]);
    expect(issuesOf(undefined, [{ compartment: 'shop', service: 'web', as: 'WEB', port: 80 }])).toEqual([
      { path: 'uses[0].port', message },
    ]);
    expect(issuesOf({ db: { to: 'postgres:5432', port: true } })).toEqual([
      { path: 'provides.db.port', message: 'port must be a port' },
    ]);
    expect(issuesOf(undefined, [{ compartment: 'shop', service: 'web', as: 'WEB', port: 'http' }])).toEqual([
      { path: 'uses[0].port', message: 'port must be a port' },
    ]);
    expect(issuesOf({ db: { to: 'postgres:5432', port: 1024 } })).toEqual([]);
    expect(validateSpec(spec({ db: { to: 'postgres:5432', port: '30001' } })).provides[0]!.port).toBe(30001);
  });

  it('refuses unknown keys of { to, port }', () => {
    expect(issuesOf({ db: { to: 'postgres:5432', tls: true } }).length).toBeGreaterThan(0);
    expect(issuesOf({ db: { to: 'postgres:5432', tls: true } }).every((i) => i.path.startsWith('provides.db'))).toBe(
      true,
    );
  });

  it('refuses a unit the compartment does not have, at the service', () => {
    expect(issuesOf({ db: 'nope:5432' })).toEqual([
      { path: 'provides.db', message: 'the compartment has no nope.container or nope.pod unit' },
    ]);
  });

  it('refuses a container in a pod, and takes the pod and a text unit', () => {
    expect(issuesOf({ cache: 'side:6379' })).toEqual([
      {
        path: 'provides.cache',
        message: 'side.container runs in a pod: name the pod (its ports are published by the pod)',
      },
    ]);
    expect(issuesOf({ cache: 'app:6379', old: 'legacy:6379' })).toEqual([]);
  });

  it('refuses two services on one explicit port, at the second', () => {
    expect(issuesOf({ a: { to: 'postgres:5432', port: 30100 }, b: { to: 'postgres:5433', port: 30100 } })).toEqual([
      { path: 'provides.b.port', message: "port 30100 is given to 'a' too" },
    ]);
  });

  it('refuses the same as twice, and the same compartment and service twice, at the later', () => {
    expect(
      issuesOf(undefined, [
        { compartment: 'shop', service: 'web', as: 'WEB' },
        { compartment: 'blog', service: 'web', as: 'WEB' },
      ]),
    ).toEqual([{ path: 'uses[1].as', message: 'WEB is taken by uses[0]' }]);
    expect(
      issuesOf(undefined, [
        { compartment: 'shop', service: 'web', as: 'WEB' },
        { compartment: 'shop', service: 'api', as: 'API' },
        { compartment: 'shop', service: 'web', as: 'WEB2' },
      ]),
    ).toEqual([{ path: 'uses[2]', message: 'shop/web is used by uses[0] already' }]);
  });

  it('refuses a use of its own compartment', () => {
    expect(issuesOf({ db: 'postgres:5432' }, [{ compartment: 'pg', service: 'db', as: 'DB' }])).toEqual([
      { path: 'uses[0].compartment', message: 'a compartment does not use its own services' },
    ]);
  });

  it('checks the links only once each entry parses', () => {
    // a bad use hides the duplicate as, which would be reported with shifted indices
    expect(
      issuesOf({ db: 'nope:1' }, [
        { compartment: 'shop', service: 'web', as: 'web' },
        { compartment: 'shop', service: 'api', as: 'WEB' },
      ]).map((i) => i.path),
    ).toEqual(['uses[0].as']);
  });
});

describe('linkProblems', () => {
  const units = { 'web.container': { format: 'model', model: { type: 'container', container: {} } } };

  it('gives the path and message of each problem, and none for a fine list', () => {
    expect(
      linkProblems([{ service: 'web', to: 'web:80' }], [{ compartment: 'a', service: 'b', as: 'B' }], units),
    ).toEqual([]);
    expect(
      linkProblems(
        [
          { service: 'a', to: 'web:80', port: 30000 },
          { service: 'b', to: 'gone:80', port: 30000 },
        ],
        [
          { compartment: 'me', service: 'x', as: 'X' },
          { compartment: 'me', service: 'x', as: 'X' },
        ],
        units,
        'me',
      ),
    ).toEqual([
      { path: ['provides', 'b'], message: 'the compartment has no gone.container or gone.pod unit' },
      { path: ['provides', 'b', 'port'], message: "port 30000 is given to 'a' too" },
      { path: ['uses', 0, 'compartment'], message: 'a compartment does not use its own services' },
      { path: ['uses', 1, 'compartment'], message: 'a compartment does not use its own services' },
      { path: ['uses', 1, 'as'], message: 'X is taken by uses[0]' },
      { path: ['uses', 1], message: 'me/x is used by uses[0] already' },
    ]);
  });
});

describe('linkEnvironment, describe, linkChanges', () => {
  it('gives _ADDR, _HOST and _PORT, sorted by name', () => {
    expect(linkEnvironment({ as: 'DB' }, 30000)).toEqual([
      ['DB_ADDR', `${LINK_ADDRESS}:30000`],
      ['DB_HOST', LINK_ADDRESS],
      ['DB_PORT', '30000'],
    ]);
    expect(LINK_ADDRESS).toBe('169.254.1.3');
    expect(LINK_PORTS).toEqual({ first: 30000, last: 30999 });
  });

  it('describes a provided service and a use as plans show them', () => {
    expect(describeProvide({ service: 'db', to: 'postgres:5432', port: 30000 })).toBe(
      'db → postgres:5432 (127.0.0.1:30000)',
    );
    expect(describeProvide({ service: 'db', to: 'postgres:5432' })).toBe('db → postgres:5432');
    expect(describeUse({ compartment: 'pg', service: 'db', as: 'DB', port: 30000 })).toBe('DB ← pg/db');
  });

  it('says what the desired links add and remove', () => {
    const applied = {
      provides: [
        { service: 'db', to: 'postgres:5432', port: 30000 },
        { service: 'ro', to: 'postgres:5433', port: 30001 },
      ],
      uses: [{ compartment: 'shop', service: 'web', as: 'WEB', port: 30002 }],
    };
    expect(linkChanges(applied, applied)).toEqual({ add: [], remove: [] });
    // a use's port is the provider's: a new port alone is no change of the consumer's
    expect(
      linkChanges({ ...applied, uses: [{ compartment: 'shop', service: 'web', as: 'WEB', port: 30009 }] }, applied),
    ).toEqual({ add: [], remove: [] });
    expect(
      linkChanges(
        {
          provides: [
            { service: 'db', to: 'postgres:5432', port: 30005 },
            { service: 'ro', to: 'postgres:5433', port: 30001 },
          ],
          uses: [{ compartment: 'blog', service: 'web', as: 'BLOG' }],
        },
        applied,
      ),
    ).toEqual({
      add: ['db → postgres:5432 (127.0.0.1:30005)', 'BLOG ← blog/web'],
      remove: ['db → postgres:5432 (127.0.0.1:30000)', 'WEB ← shop/web'],
    });
    expect(linkChanges({ provides: [], uses: [] }, applied).remove).toHaveLength(3);
  });
});

describe('rendering provides and uses', () => {
  it('publishes a provided service on 127.0.0.1 of its unit (typed, text, pod)', () => {
    const set = render(
      validateSpec(
        spec({
          db: { to: 'postgres:5432', port: 30000 },
          old: { to: 'legacy:6379', port: 30001 },
          cache: { to: 'app:6379', port: 30002 },
        }),
      ),
    );
    const pg = set.files.get(`${Q}/postgres.container`)!;
    expect(pg.match(/^PublishPort=.*$/gm)).toEqual(['PublishPort=127.0.0.1:30000:5432']);
    expect(set.files.get(`${Q}/legacy.container`)).toBe(
      '[Container]\nImage=docker.io/library/redis\nPublishPort=127.0.0.1:30001:6379\n',
    );
    expect(set.files.get(`${Q}/app.pod`)).toMatch(/^PublishPort=127\.0\.0\.1:30002:6379$/m);
    expect(set.files.get(`${Q}/side.container`)).not.toMatch(/PublishPort/);
  });

  it('renders nothing for a provided service without a port yet', () => {
    expect(render(validateSpec(spec({ db: 'postgres:5432' }))).files).toEqual(
      render(validateSpec(spec(undefined))).files,
    );
  });

  it('gives every container of the consumer the variables of each use (typed, text, in a pod, a timer job)', () => {
    const s = validateSpec(
      spec(undefined, [{ compartment: 'shop', service: 'web', as: 'WEB', port: 30004 }], {
        units: {
          'postgres.container': { container: { image: 'docker.io/library/postgres:17' } },
          'app.pod': { pod: {} },
          'side.container': { container: { image: 'docker.io/library/redis:7', pod: 'app.pod' } },
          'legacy.container': { text: '[Container]\nImage=docker.io/library/redis\n' },
          'nightly.timer': {
            timer: { onCalendar: 'daily' },
            job: { container: { image: 'docker.io/library/busybox:1', exec: ['true'] } },
          },
        },
      }),
    );
    const set = render(s);
    for (const name of ['postgres', 'side', 'legacy', 'nightly']) {
      const text = set.files.get(`${Q}/${name}.container`)!;
      expect(text, name).toContain(`Environment=WEB_ADDR=${LINK_ADDRESS}:30004`);
      expect(text, name).toContain(`Environment=WEB_HOST=${LINK_ADDRESS}`);
      expect(text, name).toContain('Environment=WEB_PORT=30004');
    }
    expect(set.files.get(`${Q}/app.pod`)).not.toMatch(/WEB_/);
  });

  it('gives no variables for a use without a port', () => {
    const set = render(validateSpec(spec(undefined, [{ compartment: 'shop', service: 'web', as: 'WEB' }])));
    expect(set.files.get(`${Q}/postgres.container`)).not.toMatch(/WEB_/);
  });
});
