// fast-check arbitraries of compartment specs (as users write them) for property and oracle tests.
import fc from 'fast-check';

/** Text that is hard to write into a unit file: quotes, backslashes, `%`, `$`, line breaks, RTL, emoji. */
const nasty = fc.constantFrom(
  ' ',
  '"',
  "'",
  '\\',
  '%',
  '%%',
  '$',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} is the point
  '${HOME}',
  '\n',
  '\t',
  '\r',
  '=',
  ';',
  '#',
  'é',
  '\u202e',
  '👩‍👩‍👧',
  'שלום',
  'x',
  'Z9',
);
/** A literal data value: anything but NUL and lone surrogates. */
export const dataValue = fc
  .array(fc.oneof(nasty, fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 8 })
  .map((parts) => parts.join(''));
const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,7}$/);
/** An Exec word: anything but NUL, lone surrogates and `%` (a unit-file value; `%%` is a literal %). */
export const execWord = fc
  .array(fc.oneof(nasty, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('').replaceAll('%', '%%'))
  .filter((w) => w !== '' && !w.includes('\0'));
const unitBase = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
/** Labels: a data map, literal like an environment. */
const labels = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9.]{0,7}$/), dataValue, { maxKeys: 2 });

const container = fc.record(
  {
    image: fc.constantFrom('docker.io/library/busybox:1.36', 'quay.io/podman/hello', 'localhost/app:1'),
    exec: fc.array(execWord, { minLength: 1, maxLength: 4 }),
    environment: fc.dictionary(envName, dataValue, { maxKeys: 4 }),
    label: labels,
    publishPort: fc.array(
      fc.tuple(fc.integer({ min: 1024, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => `${a}:${b}`),
      { maxLength: 2 },
    ),
    volume: fc.array(fc.constantFrom('data:/data', 'cache:/cache:Z', '/srv/x:/x:ro'), { maxLength: 2 }),
    runInit: fc.boolean(),
  },
  { requiredKeys: ['image'] },
);

/**
 * A spec object with 1–4 containers (one maybe a timer job), volumes (the Podman one maybe labelled), files,
 * maybe no default network, or one with labels.
 */
export const specArb = fc
  .record({
    compartment: fc.constantFrom('app', 'web-1', 'x'),
    network: fc.oneof(
      fc.constant(undefined),
      fc.constant(false),
      fc.constant({ internal: true }),
      labels.map((label) => ({ label })),
    ),
    containers: fc.uniqueArray(fc.tuple(unitBase, container), { minLength: 1, maxLength: 4, selector: ([n]) => n }),
    timer: fc.boolean(),
    description: fc.option(fc.constantFrom('Web', 'Ünïcödé 👩‍👩‍👧', 'שלום עולם', '100%% sure', 'home is %h')),
    volumeLabel: fc.option(labels),
  })
  .map(({ compartment, network, containers, timer, description, volumeLabel }) => {
    const units: Record<string, unknown> = {};
    containers.forEach(([name, c], i) => {
      const cleaned = Object.fromEntries(
        Object.entries(c).filter(([, v]) => !(Array.isArray(v) && v.length === 0)),
      ) as Record<string, unknown>;
      if (timer && i === 0) units[`${name}.timer`] = { timer: { onCalendar: 'daily' }, job: { container: cleaned } };
      else units[`${name}.container`] = { container: cleaned, ...(description ? { unit: { description } } : {}) };
    });
    return {
      compartment,
      ...(network === undefined ? {} : { network }),
      units,
      volumes: { data: {}, cache: { kind: 'podman', ...(volumeLabel ? { options: { label: volumeLabel } } : {}) } },
      files: { 'app.env': 'A=1\n' },
    };
  });
