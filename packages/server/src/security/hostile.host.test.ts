// The hostile-input suite: at least QUADLETMAN_HOSTILE_N (10,000) generated hostile values sent through the real
// HTTP API in process, into every field that reaches a unit file, a config file, a path or a command: every
// spec field of every unit type (from the field tables and the key registry), unit, volume and file names, file
// contents, secrets, registries, probes, raw units and extra lines; the config-file, secret, registry, volume,
// unit and compartment routes and the names in their URLs; bundle import and adopt; explain. Each value must be
// refused with an error that names it (and change nothing), or land exactly as sent: the files the host is given,
// parsed with the project's own parser, hold exactly the intended sections, keys and values; argv holds it as
// one whole argument, never where an option could be read. Accepted specs also go through the real Quadlet
// generator's dry run (the oracle binary of npm run test:oracle, or the host's), exports are imported again, and
// the YAML the API shows reads back as the stored state.
//
// It prints `TARGET hostile_inputs N` and `TARGET injections N` (which must be 0). It needs no real host (all of
// it runs in process), so unlike the other *.host.test.ts suites it runs anywhere, not only in the sandbox:
//   npx vitest run --config vitest.host.config.ts packages/server/src/security/hostile.host.test.ts
// QUADLETMAN_HOSTILE_N scales it; QUADLETMAN_HOSTILE_SEED (with the same N) replays a run (the seed is printed).
// A failure lists each value with its field and what happened; `unclear` refusals (an error that names nothing,
// or a refused request that changed something) fail it too.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../core/service/bundles-format.js';
import { TIMER_FIELDS } from '../core/spec.js';
import {
  adopt,
  adoptFilesArb,
  bundleContentArb,
  explain,
  explainArb,
  exportRoundTrip,
  importSpliced,
  importWritten,
  spliceLineArb,
} from './hostile-bundles.js';
import { type Slot, type SpecField, specFields } from './hostile-fields.js';
import {
  call,
  formatFindings,
  generatorRuns,
  openStage,
  quadletBinary,
  quadletVersion,
  type Stage,
  Tally,
} from './hostile-harness.js';
import {
  compartmentInUrl,
  configFile,
  controlUnits,
  createCompartment,
  deleteSecret,
  deleteVolume,
  login,
  logout,
  logs,
  missingFile,
  revision,
  secret,
} from './hostile-routes.js';
import { checkSpecYaml, type Form, fieldItem, type Item, nameItems, runBatch } from './hostile-spec.js';
import {
  hostileFieldValue,
  hostileMap,
  hostileString,
  hostileText,
  hostileWords,
  nameish,
  pathish,
  plainName,
  show,
  writable,
} from './hostile-values.js';

const GOAL = Number(process.env.QUADLETMAN_HOSTILE_N || 10_000);
const SEED = Number(process.env.QUADLETMAN_HOSTILE_SEED || Math.floor(Math.random() * 2 ** 31));

/** Each family's share of the goal. */
const SHARE = {
  fields: 0.525,
  logs: 0.015,
  revisions: 0.01,
  names: 0.12,
  files: 0.06,
  secrets: 0.04,
  registries: 0.04,
  volumes: 0.02,
  units: 0.02,
  ids: 0.02,
  create: 0.01,
  importWritten: 0.04,
  importSpliced: 0.02,
  adopt: 0.03,
  explain: 0.03,
};
const quotaOf = (share: number) => Math.ceil(GOAL * share);

/** `n` samples of `arb` for a family (its own seed). */
const pool = <T>(arb: fc.Arbitrary<T>, n: number, salt: number): T[] =>
  fc.sample(arb, { numRuns: Math.max(1, n), seed: (SEED + salt * 1_000_003) % 2 ** 31 });

const tally = new Tally();
let stage: Stage;
const started = Date.now();
let bin: string | undefined;
let version = '0.0';

beforeAll(async () => {
  console.log(`hostile: seed ${SEED} (QUADLETMAN_HOSTILE_SEED), goal ${GOAL}`);
  const quadlet = quadletBinary();
  bin = quadlet.bin;
  if (bin) version = quadletVersion(bin);
  console.log(
    bin
      ? `hostile: the Quadlet generator ${version}: ${bin}`
      : `hostile: NO Quadlet generator (${quadlet.why}): its checks are skipped; npm run test:oracle fetches it`,
  );
  stage = await openStage();
  const r = await call(stage, 'POST', '/api/compartments', { id: 'h' });
  expect(r.status).toBe(201);
  const a = await call(stage, 'PUT', '/api/compartments/h/spec', { spec: { compartment: 'h' } });
  expect(a.status).toBe(200);
});

afterAll(async () => {
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  for (const [f, c] of [...tally.families].sort()) {
    console.log(
      `hostile: ${f.padEnd(18)} ${String(c.sent).padStart(5)} values; judged ${c.refused} refused, ${c.accepted} accepted`,
    );
  }
  if (tally.notes.length > 0) console.log(`hostile: ${tally.notes.length} notes\n${formatFindings(tally.notes, 30)}`);
  if (tally.unclear.length > 0) {
    console.log(`hostile: ${tally.unclear.length} unclear refusals\n${formatFindings(tally.unclear)}`);
  }
  if (tally.injections.length > 0) {
    console.log(`hostile: ${tally.injections.length} injections\n${formatFindings(tally.injections)}`);
  }
  console.log(`hostile: ${generatorRuns.count} runs of the Quadlet generator`);
  console.log(`hostile: ${secs} s, seed ${SEED}`);
  console.log(`TARGET hostile_inputs ${tally.inputs}`);
  console.log(`TARGET injections ${tally.injections.length}`);
  await stage?.close();
});

const sentIn = (...families: string[]) => families.reduce((n, f) => n + (tally.families.get(f)?.sent ?? 0), 0);

/** A value for a field of this kind. */
function valueArb(f: SpecField): fc.Arbitrary<unknown> {
  if (f.kind === 'kv') return hostileMap;
  if (f.kind === 'args' || f.kind === 'argsAll' || f.kind === 'strv') return hostileWords;
  if (f.kind === 'bool') return fc.oneof(fc.boolean(), hostileFieldValue);
  return hostileFieldValue;
}

describe('hostile inputs through the API', () => {
  it('every spec field of every unit type', async () => {
    const fields = specFields(TIMER_FIELDS);
    const quota = Math.max(quotaOf(SHARE.fields), fields.length);
    const K = 24;
    const forms: Form[] = ['json', 'text', 'yaml', 'apply-json', 'apply-yaml'];
    const pools = new Map<string, unknown[]>();
    const take = (f: SpecField, i: number): unknown => {
      const kind = f.kind === 'kv' ? 'kv' : ['args', 'argsAll', 'strv'].includes(f.kind) ? 'words' : f.kind;
      let pool = pools.get(kind);
      if (!pool || pool.length === 0) {
        pool = fc.sample(valueArb(f), { numRuns: 500, seed: SEED + i * 7919 + kind.length });
        pools.set(kind, pool);
      }
      return pool.pop();
    };
    const byKeyFlip = fc.sample(fc.boolean(), { numRuns: quota + K, seed: SEED + 1 });
    let cursor = 0;
    const deferred: SpecField[] = [];
    for (let batch = 0; sentIn('spec-field') < quota; batch++) {
      const slots: Slot[] = [];
      let network = false;
      const later: SpecField[] = [];
      while (slots.length < K) {
        const f = deferred.shift() ?? fields[cursor++ % fields.length]!;
        if (f.place === 'default-network') {
          if (network) {
            later.push(f);
            continue;
          }
          network = true;
        }
        const i = slots.length;
        slots.push({ field: f, byKey: f.field !== undefined && byKeyFlip[cursor]!, value: take(f, cursor), index: i });
      }
      deferred.push(...later);
      const items: Item[] = slots.map(fieldItem);
      await runBatch(stage, tally, items, {
        form: forms[batch % forms.length]!,
        ...(bin ? { generator: bin, generatorVersion: version } : {}),
        ...(batch % 4 === 0
          ? {
              afterAccept: async () => {
                await checkSpecYaml(stage, tally);
                await exportRoundTrip(stage, tally);
              },
            }
          : {}),
      });
    }
    expect(cursor).toBeGreaterThanOrEqual(fields.length); // every field had a value
  });

  it('names, files, volumes, secrets, registries, probes, extra lines, raw units', async () => {
    const quota = quotaOf(SHARE.names);
    const families = [
      'spec-unit-name',
      'spec-volume-name',
      'spec-file',
      'spec-secret',
      'spec-registry',
      'spec-probe',
      'spec-description',
      'spec-extra',
      'spec-raw-unit',
      'spec-top',
    ];
    for (let batch = 0; sentIn(...families) < quota; batch++) {
      await runBatch(stage, tally, nameItems(SEED + 100_000 + batch, 16), {
        form: (['json', 'yaml', 'apply-json'] as const)[batch % 3]!,
        afterAccept: async () => {
          await checkSpecYaml(stage, tally);
          await exportRoundTrip(stage, tally);
        },
      });
    }
  });

  it('config files: paths in the URL, contents, modes', async () => {
    // a spec to change files in
    await call(stage, 'PUT', '/api/compartments/h/spec', {
      spec: { compartment: 'h', units: { 'web.container': { container: { image: 'localhost/x' } } } },
    });
    const quota = quotaOf(SHARE.files);
    const values = pool(
      fc.record({
        path: fc.oneof(
          pathish,
          plainName.map((n) => `${n}.env`),
          fc.constant('dir/app.env'),
        ),
        content: fc.oneof(hostileText, hostileString),
        mode: fc.oneof(
          fc.constant(undefined),
          fc.constantFrom(0o600, 0o644, 0o640, 0o755, 0o400, 0o4755, 0o777, -1, 512),
        ),
        in: fc.oneof(fc.constant(undefined), fc.constantFrom('files', 'quadlet', 'etc', '../x')),
      }),
      quota,
      2,
    );
    const missing = pool(pathish, quota, 3);
    for (let i = 0; sentIn('route-files') < quota; i++) {
      const v = values[i % values.length]!;
      await configFile(stage, tally, {
        path: v.path,
        content: v.content,
        ...(v.mode !== undefined ? { mode: v.mode } : {}),
        ...(v.in !== undefined ? { in: v.in } : {}),
      });
      if (i % 3 === 0) await missingFile(stage, tally, missing[i % missing.length]!);
    }
  });

  it('secrets: names (argv), values (stdin), names in the URL', async () => {
    const quota = quotaOf(SHARE.secrets);
    const names = pool(nameish(plainName), quota, 4);
    const values = pool(fc.oneof(hostileString, fc.constant('s3cret')), quota, 5);
    for (let i = 0; sentIn('route-secrets') < quota; i++) {
      const name = names[i % names.length]!;
      await secret(stage, tally, name, values[i % values.length]!, i % 4 === 0);
      if (i % 2 === 0) await deleteSecret(stage, tally, names[(i * 7 + 3) % names.length]!);
    }
  });

  it('registry logins: host and user name (argv), password (stdin), registry in the URL', async () => {
    const quota = quotaOf(SHARE.registries);
    const hosts = pool(
      fc.oneof(
        nameish(fc.constantFrom('quay.io', 'docker.io', 'localhost:5000', 'ghcr.io/org/x')),
        fc.constant('quay.io'),
      ),
      quota,
      6,
    );
    const users = pool(fc.oneof(nameish(plainName), hostileString, writable), quota, 7);
    const passwords = pool(fc.oneof(hostileString, fc.constant('pw')), quota, 8);
    for (let i = 0; sentIn('route-registries') < quota; i++) {
      await login(stage, tally, hosts[i % hosts.length]!, users[i % users.length]!, passwords[i % passwords.length]!);
      if (i % 2 === 0) await logout(stage, tally, hosts[(i * 5 + 1) % hosts.length]!);
    }
  });

  it('volume names in the URL', async () => {
    const quota = quotaOf(SHARE.volumes);
    const names = pool(nameish(plainName), quota, 9);
    const kinds = [undefined, 'podman', 'host'] as const;
    for (let i = 0; sentIn('route-volumes') < quota; i++) {
      await deleteVolume(stage, tally, names[i % names.length]!, kinds[i % 3]);
    }
  });

  it('unit names and actions for start/stop/restart', async () => {
    await call(stage, 'PUT', '/api/compartments/h/spec', {
      spec: { compartment: 'h', units: { 'web.container': { container: { image: 'localhost/x' } } } },
    });
    const quota = quotaOf(SHARE.units);
    const units = pool(
      fc.array(
        fc.oneof(nameish(fc.constantFrom('web', 'web.service', 'web.container', 'h-network.service')), hostileString),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      quota,
      10,
    );
    const actions = pool(
      fc.oneof(fc.constantFrom('start', 'stop', 'restart'), nameish(fc.constant('stop'))),
      quota,
      11,
    );
    for (let i = 0; sentIn('route-units') < quota; i++) {
      await controlUnits(stage, tally, actions[i % actions.length]!, units[i % units.length]!);
    }
  });

  it('compartment ids in URLs, and new compartments', async () => {
    const existing = new Set(['h']);
    const ids = pool(nameish(fc.constantFrom('h', 'web', 'a-b')), quotaOf(SHARE.ids), 12);
    for (let i = 0; sentIn('route-ids') < quotaOf(SHARE.ids); i++) {
      await compartmentInUrl(stage, tally, ids[i % ids.length]!, existing);
    }
    const validId = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/).map((s) => `n${s}`);
    const bodies = pool(
      fc.oneof(
        fc.record({ id: nameish(validId) }),
        fc.record({ id: validId, description: hostileString }),
        fc.record({ id: validId, podmanVersion: fc.oneof(fc.constantFrom('5.4', null, 5.4), hostileString) }),
        fc.record({ id: fc.constantFrom(42, null, ['a'], { id: 'a' }) }),
      ) as fc.Arbitrary<{ id: string; description?: string; podmanVersion?: string | null }>,
      quotaOf(SHARE.create),
      13,
    );
    for (let i = 0; sentIn('route-create') < quotaOf(SHARE.create); i++) {
      const b = bodies[i % bodies.length]!;
      if (b.id === 'h') continue;
      await createCompartment(stage, tally, {
        id: b.id,
        ...(b.description !== undefined ? { description: b.description } : {}),
        ...(b.podmanVersion !== undefined ? { podmanVersion: b.podmanVersion } : {}),
      });
    }
  });

  it('journal: unit and time in the query (journalctl argv); revision numbers', async () => {
    const units = pool(
      fc.oneof(fc.constant(undefined), nameish(fc.constantFrom('web', 'web.service', 'h-network.service'))),
      quotaOf(SHARE.logs),
      20,
    );
    const since = pool(
      fc.oneof(fc.constant(undefined), nameish(fc.constantFrom('-10m', '2026-11-23 07:00', '@1700000000', 'today'))),
      quotaOf(SHARE.logs),
      21,
    );
    for (let i = 0; sentIn('route-logs') < quotaOf(SHARE.logs); i++) {
      const u = units[i % units.length];
      const t = since[(i * 7 + 1) % since.length];
      if (u === undefined && t === undefined) continue;
      await logs(stage, tally, u, t);
    }
    const numbers = pool(
      fc.oneof(hostileString, fc.constantFrom(0, -1, 1.5, 1e21, '1', '01', '1e0', ' 1', '0x1', null, true)),
      quotaOf(SHARE.revisions),
      22,
    );
    for (let i = 0; sentIn('route-revisions') < quotaOf(SHARE.revisions); i++) {
      await revision(stage, tally, numbers[i % numbers.length]);
    }
  });

  it('bundle import: written bundles with hostile parts, and hostile lines spliced in', async () => {
    const contents = pool(bundleContentArb, quotaOf(SHARE.importWritten), 14);
    const sources = pool(fc.oneof(fc.constant(undefined), hostileString), quotaOf(SHARE.importWritten), 15);
    for (let i = 0; sentIn('import-written') < quotaOf(SHARE.importWritten); i++) {
      await importWritten(stage, tally, contents[i % contents.length]!, sources[i % sources.length]);
    }
    const splices = pool(
      fc.tuple(
        fc.array(spliceLineArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
      ),
      quotaOf(SHARE.importSpliced),
      16,
    );
    const bases = contents
      .map((c) => {
        try {
          return writeBundle(c.content);
        } catch {
          return undefined;
        }
      })
      .filter((t): t is string => t !== undefined);
    for (let i = 0; sentIn('import-spliced') < quotaOf(SHARE.importSpliced); i++) {
      const [lines, at] = splices[i % splices.length]!;
      await importSpliced(stage, tally, bases[i % bases.length]!, lines, at);
    }
  });

  it('adopt: hostile file names and contents in the folder, hostile folders', async () => {
    const sets = pool(adoptFilesArb, quotaOf(SHARE.adopt), 17);
    const dirs = pool(
      fc.oneof(
        fc.constant(undefined),
        hostileString,
        pathish.map((p) => `/${p}`),
      ),
      quotaOf(SHARE.adopt),
      18,
    );
    for (let i = 0; sentIn('adopt') < quotaOf(SHARE.adopt); i++) {
      await adopt(stage, tally, sets[i % sets.length]!, dirs[i % dirs.length]);
    }
  });

  it('explain: hostile file names and contents', async () => {
    await call(stage, 'PUT', '/api/compartments/h/spec', { spec: { compartment: 'h' } });
    const requests = pool(explainArb, quotaOf(SHARE.explain), 19);
    // a line break no line-based reader may take for one: U+2028 (and U+2029, U+0085) then `Key=value` in a value
    // that Quadlet copies into the generated service
    const breaks = pool(
      fc.tuple(fc.constantFrom('\u2028', '\u2029', '\u0085', '\u000b', '\u000c'), hostileString),
      64,
      23,
    );
    for (let i = 0; sentIn('explain') < quotaOf(SHARE.explain); i++) {
      if (i % 10 === 0 && bin) {
        const [br, text] = breaks[(i / 10) % breaks.length]!;
        const description = `${text.replace(/[\n\r\0]/g, '')}${br}SourcePath=/stage/b.container`.replace(/^\s+/, 'x');
        const files = {
          'a.container': `[Unit]\nDescription=${description}\n\n[Container]\nImage=localhost/x\n`,
          'b.container': '[Container]\nImage=localhost/y\n',
        };
        const field = `explain b.container beside a.container with Description=${show(description)}`;
        await explain(stage, tally, 'b.container', files, bin, field);
        continue;
      }
      const r = requests[i % requests.length]!;
      await explain(stage, tally, r.unit, r.files, i % 3 === 0 ? bin : undefined);
    }
  });

  it('leaves no injection', () => {
    expect(tally.inputs).toBeGreaterThanOrEqual(GOAL);
    expect(formatFindings(tally.injections)).toBe('');
    expect(formatFindings(tally.unclear)).toBe('');
  });
});
