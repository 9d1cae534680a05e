// The golden fixtures (fixtures/<name>/): a compose project as it would sit in /project, with an optional
// options.json ({ profiles, env, environment, podmanVersion }). Shared by the golden and the oracle tests, which
// hand in how to read (tests may touch the disk; this module, outside host/, may not).
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { ConvertOptions } from './convert.js';

export const FIXTURES = join(__dirname, 'fixtures');
export const PROJECT = '/project';
/** The fixtures (the golden test checks that these are all the folders there are). */
export const FIXTURE_NAMES = ['forge', 'photos', 'wiki'];

/** Reads a file of the repository: its text, or undefined when there is none. */
export type ReadText = (path: string) => string | undefined;

/** The convert options of a fixture: its compose.yaml (and compose.override.yaml), files read from its folder. */
export function fixtureOptions(name: string, readText: ReadText): ConvertOptions {
  const dir = join(FIXTURES, name);
  const readFile = (p: string) =>
    p.startsWith(`${PROJECT}/`) ? readText(join(dir, p.slice(PROJECT.length + 1))) : undefined;
  const files = ['compose.yaml', 'compose.override.yaml'].flatMap((f) => {
    const text = readText(join(dir, f));
    return text === undefined ? [] : [{ path: `${PROJECT}/${f}`, text }];
  });
  const options = JSON.parse(readText(join(dir, 'options.json')) ?? '{}');
  return { files, readFile, home: '/home/alice', environment: {}, ...options };
}

/** Service keys with values of each form, unknown keys and extension fields among them. */
const KEYS: Record<string, fc.Arbitrary<unknown>> = {
  image: fc.constant('docker.io/library/busybox'),
  command: fc.oneof(fc.constant('sleep 1'), fc.constant(['sleep', '1'])),
  entrypoint: fc.constant(['/bin/sh', '-c']),
  environment: fc.oneof(fc.constant({ A: '1', B: null }), fc.constant(['A=1', 'C'])),
  labels: fc.constant({ 'a.b': 'c' }),
  ports: fc.constant(['8080:80', { target: 81, published: 8081, name: 'web', app_protocol: 'http' }]),
  volumes: fc.constant(['data:/data', '/abs:/abs:ro', { type: 'tmpfs', target: '/t', tmpfs: { size: '1m' } }]),
  healthcheck: fc.constant({ test: 'true', interval: '5s', timeout: '1s', retries: 3, start_period: '1s' }),
  deploy: fc.constant({
    replicas: 3,
    labels: { a: 'b' },
    resources: { limits: { memory: '1g', cpus: '0.5', pids: 10 }, reservations: { memory: '1m', cpus: 1 } },
    restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '1m' },
  }),
  restart: fc.constantFrom('no', 'always', 'on-failure:3', 'unless-stopped'),
  cap_add: fc.constant(['NET_ADMIN']),
  privileged: fc.boolean(),
  security_opt: fc.constant(['no-new-privileges', 'label=disable', 'apparmor=unconfined', 'seccomp=unconfined']),
  tty: fc.boolean(),
  sysctls: fc.constant(['a.b=1']),
  ulimits: fc.constant({ nofile: { soft: 1, hard: 2 } }),
  user: fc.constantFrom('1000', '1000:1000'),
  unknown_key: fc.constant({ deep: { er: 1 } }),
  'x-mine': fc.constant({ a: 1 }),
  logging: fc.constant({ driver: 'journald', options: { tag: 'a' }, other: 1 }),
  links: fc.constant(['b']),
  networks: fc.constant({ default: null, back: { aliases: ['x'], priority: 1, interface_name: 'eth9' } }),
  secrets: fc.constant(['s', { source: 's', target: '/run/s2', mode: 0o400 }]),
  configs: fc.constant(['c']),
  depends_on: fc.constantFrom(
    ['db'],
    { db: { condition: 'service_healthy' } },
    { db: { condition: 'service_completed_successfully', restart: true } },
    { db: { condition: 'service_started', required: false } },
  ),
};
const service = fc.record(KEYS, { requiredKeys: ['image'] });

/** Compose files of random services (each may depend on `db`) with top-level resources they use. */
export const composeArb: fc.Arbitrary<string> = fc
  .dictionary(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/).filter((n) => n !== 'db'),
    service,
    { minKeys: 1, maxKeys: 4 },
  )
  .map((services) =>
    stringify({
      services: {
        ...services,
        db: { image: 'docker.io/library/postgres', healthcheck: { test: ['CMD', 'pg_isready'] } },
      },
      volumes: { data: null },
      networks: { back: { internal: true, weird: 1 } },
      secrets: { s: { file: './s.txt' } },
      configs: { c: { content: 'x' } },
      'x-top': 1,
      mystery: { a: 1 },
    }),
  );
