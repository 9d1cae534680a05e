/**
 * Differential tests against the real Quadlet generator: how it reads lines (continuations, comments inside
 * them, whitespace), splits Exec= into words, rejects files, and merges drop-ins — compared with this module.
 * At every generator of ORACLE_SUITES; the differences scripts/oracle/known-differences.ts lists run as
 * expected failures there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GeneratorRun,
  normalizeKeyValueOrder,
  ORACLE_SUITES,
  type Oracle,
  oracleFor,
} from '../../../../scripts/oracle/generator';
import { itAt, knownDifferencesAt } from '../../../../scripts/oracle/known-differences';
import type { PodmanVersion } from '../registry/types';
import { compareVersions } from '../registry/version';
import { serializeCanonical } from './canonical';
import { applyDropIns, dropInDirs } from './dropins';
import { encodeLookupValue } from './encode';
import { parseUnitFile } from './parse';
import { fatalNodes, lookup } from './query';
import { unitText, word } from './test-support/arbitraries';
import { getAllWords, getKeyValues, getLastWords } from './values';
import { joinWords, splitWords } from './words';

const IMAGE = 'quay.io/qm/oracle';

/** The generator the running block compares with (set by each suite's block before its tests run). */
let oracle: Oracle;
const runGenerator = (files: Record<string, string>): GeneratorRun => oracle.run(files);

/** Whether the generator could not load o.container. Read from stderr directly: a complaint that quotes a
 * line holding a carriage return spans several "lines" and escapes the shared output parser. */
const loadFailed = (stderr: string) => /error loading "[^"]*o\.container"/.test(stderr);

/** The Exec words the generator put after the image in ExecStart, or undefined when the file was rejected. */
function generatedExec(
  text: string,
  image = lookup(parseUnitFile(text), 'Container', 'Image') ?? IMAGE,
): string[] | undefined {
  const r = runGenerator({ 'o.container': text });
  const service = r.units.get('o.service');
  if (service === undefined) return undefined;
  const line = service.split('\n').find((l) => l.startsWith('ExecStart='))!;
  const words = splitWords(line.slice('ExecStart='.length)).words;
  return words.slice(words.indexOf(image) + 1);
}

function ourExec(text: string): string[] {
  const r = getLastWords(parseUnitFile(text), 'Container', 'Exec');
  return r === undefined || r.error ? [] : r.words;
}

const rawExec = fc
  .array(
    fc.constantFrom('a', 'b', ' ', '  ', '"', "'", '\\', '\\n', '\\x41', '\\u00e9', '\\s', '\\q', '""', '$', '%', 'é'),
    {
      maxLength: 10,
    },
  )
  .map((cs) => cs.join('').trim());

/**
 * What the generator makes of one container file: its service (without the comments and blank lines it copies
 * from the source, the key-value flags of ExecStart in one order), or its complaint.
 */
function generated(text: string): string {
  const r = runGenerator({ 'o.container': text });
  const why = r.rejected.get('o.container') ?? r.loadErrors.get('o.container') ?? '';
  const service = r.units.get('o.service');
  const out =
    service === undefined
      ? `rejected: ${why}`
      : service
          .split('\n')
          .filter((l) => !/^\s*([#;]|$)/.test(l))
          .map(normalizeKeyValueOrder)
          .join('\n');
  // Line numbers in complaints move with the canonical layout; the complaint itself must not.
  return out.replace(/\/\S*\/o\.container/g, 'o.container').replace(/line \d+/g, 'line N');
}

const FIXTURES = join(__dirname, 'fixtures');

describe.each(ORACLE_SUITES)('at Debian %s', (suite) => {
  beforeAll(() => {
    oracle = oracleFor(suite);
  });
  afterAll(() => {
    const known = knownDifferencesAt(suite);
    console.log(
      `unit-file oracle at ${suite}: ${known.length} known differences${known.map((k) => `\n  ${k}`).join('')}`,
    );
  });
  describe('the generator reads values as we do', () => {
    it.each([
      [
        'continuations join without a space; comments and blanks inside are skipped',
        'Exec=one\\\n  two \\\n# c\n\n; d\n  three\n',
      ],
      ['a continuation into the end of the file is dropped', 'Exec=a \\\n# c\n'],
      ['the last line may end in a backslash', 'Exec=a b\\'],
      ['an empty word ends the list', 'Exec=a "" b c\n'],
      ['an unknown escape drops the value', 'Exec=a \\q b\n'],
      ['unbalanced quotes are tolerated', 'Exec=a "b c\n'],
      ['C escapes', 'Exec=\\x41\\u00e9\\s\\101 "x\\ty"\n'],
      ['CRLF and Go whitespace', 'Exec=a\u00a0b \u0085\r\n'],
    ])('%s', (_, exec) => {
      const text = `[Container]\r\nImage=${IMAGE}\n${exec}`;
      expect(generatedExec(text)).toEqual(ourExec(text));
    });

    it('property: Exec= values written by joinWords come back as the same words', () => {
      fc.assert(
        fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (ws) => {
          expect(generatedExec(`[Container]\nImage=${IMAGE}\nExec=${joinWords(ws)}\n`)).toEqual(ws);
        }),
        { numRuns: 40 },
      );
    });

    it('property: raw Exec= values (quotes, escapes, continuations) split the same way', () => {
      fc.assert(
        fc.property(rawExec, rawExec, fc.boolean(), (a, b, split) => {
          const exec = split ? `Exec=${a}\\\n# comment\n  ${b}` : `Exec=${a} ${b}`;
          const text = `[Container]\nImage=${IMAGE}\n${exec}\n`;
          expect(generatedExec(text)).toEqual(ourExec(text));
        }),
        { numRuns: 60 },
      );
    });

    for (const raw of ['"', '""', '"a', 'a"', '""a""', '"a b"', 'x"y', '" a "', 'a \\']) {
      const title = `Lookup reads ContainerName=${raw}`;
      itAt(suite, title)(title, () => {
        const r = runGenerator({ 'o.container': `[Container]\nImage=${IMAGE}\nContainerName=${raw}\n` });
        const line = r.units
          .get('o.service')!
          .split('\n')
          .find((l) => l.startsWith('ExecStart='))!;
        const words = splitWords(line.slice('ExecStart='.length)).words;
        const name = lookup(parseUnitFile(`[C]\nN=${raw}\n`), 'C', 'N', oracle.version as PodmanVersion);
        // An empty name makes Quadlet fall back to its default, systemd-%N.
        expect(words[words.indexOf('--name') + 1]).toBe(name === '' ? 'systemd-%N' : name);
      });
    }

    it('property: single values written with encodeLookupValue reach podman unchanged (ContainerName)', () => {
      const name = fc
        .string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '"', '\\', '\u00a0', '='), minLength: 1, maxLength: 8 })
        .filter((v) => v.trim() !== '' && !v.startsWith('"') && !v.endsWith('"'));
      fc.assert(
        fc.property(name, (v) => {
          const r = runGenerator({
            'o.container': `[Container]\nImage=${IMAGE}\nContainerName=${encodeLookupValue(v)}\n`,
          });
          const line = r.units
            .get('o.service')!
            .split('\n')
            .find((l) => l.startsWith('ExecStart='))!;
          const words = splitWords(line.slice('ExecStart='.length)).words;
          expect(words[words.indexOf('--name') + 1]).toBe(v);
        }),
        { numRuns: 60 },
      );
    });

    it('property: strv values (AddCapability) split the same way', () => {
      const raw = fc
        .array(fc.constantFrom('a', 'B', ' ', '"', "'", '\\', '\\n', 'x y'), { maxLength: 8 })
        .map((cs) => cs.join('').trim());
      fc.assert(
        fc.property(raw, raw, (a, b) => {
          const text = `[Container]\nImage=${IMAGE}\nAddCapability=${a}\nAddCapability=${b}\n`;
          const line = runGenerator({ 'o.container': text })
            .units.get('o.service')!
            .split('\n')
            .find((l) => l.startsWith('ExecStart='))!;
          const words = splitWords(line.slice('ExecStart='.length)).words;
          const ours = getAllWords(parseUnitFile(text), 'Container', 'AddCapability', 'strv').map((w) =>
            w.toLowerCase(),
          );
          expect(words.filter((_, i) => words[i - 1] === '--cap-add')).toEqual(ours);
        }),
        { numRuns: 80 },
      );
    });

    it('property: arbitrary text — same load verdict, same Exec words, canonical form means the same', () => {
      const token = fc.constantFrom(
        '\n',
        '\r',
        '\\',
        '#',
        ';',
        '[',
        ']',
        '=',
        ' ',
        '\t',
        'a',
        '"',
        '\u00a0',
        '\x01',
        '\ufeff',
        'Exec=',
        '[Container]',
      );
      fc.assert(
        fc.property(fc.array(token, { maxLength: 30 }), (tokens) => {
          const text = `[Container]\nImage=${IMAGE}\n${tokens.join('')}`;
          const r = runGenerator({ 'o.container': text });
          const u = parseUnitFile(text);
          expect(loadFailed(r.stderr)).toBe(fatalNodes(u).length > 0);
          if (r.units.has('o.service')) expect(generatedExec(text, IMAGE)).toEqual(ourExec(text));
          expect(generated(serializeCanonical(u))).toBe(generated(text));
        }),
        { numRuns: 150 },
      );
    });

    it('property: the generator refuses to load exactly the files with fatal lines', () => {
      fc.assert(
        fc.property(unitText, (text) => {
          const r = runGenerator({ 'o.container': text });
          expect(loadFailed(r.stderr)).toBe(fatalNodes(parseUnitFile(text)).length > 0);
        }),
        { numRuns: 60 },
      );
    });
  });
  describe('golden fixtures agree with the generator', () => {
    it.each(readdirSync(FIXTURES).sort())('%s', (name) => {
      const text = readFileSync(join(FIXTURES, name, 'input.container'), 'utf8');
      const r = runGenerator({ 'o.container': text });
      expect(loadFailed(r.stderr)).toBe(fatalNodes(parseUnitFile(text)).length > 0);
      if (r.units.has('o.service')) expect(generatedExec(text)).toEqual(ourExec(text));
      // The canonical form must mean exactly the same to the generator.
      expect(generated(serializeCanonical(parseUnitFile(text)))).toBe(generated(text));
    });

    itAt(suite, 'property: the canonical form of realistic text generates the same service')(
      'property: the canonical form of realistic text generates the same service',
      () => {
        fc.assert(
          fc.property(unitText, (text) => {
            const withImage = text.replace('[Container]', `[Container]\nImage=${IMAGE}`);
            expect(generated(serializeCanonical(parseUnitFile(withImage)))).toBe(generated(withImage));
          }),
          { numRuns: 60 },
        );
      },
    );
  });
  describe('the generator merges drop-ins as we do', () => {
    itAt(suite, 'first conf of a name wins across unit directories; merge in name order')(
      'first conf of a name wins across unit directories; merge in name order',
      () => {
        const files: Record<string, string> = {
          'd1/foo-bar-baz.container': `[Container]\nImage=${IMAGE}\nExec=base\nLabel=l0=base\n`,
          'd1/container.d/x.conf': '[Container]\nLabel=x=d1-typewide\n',
          'd2/foo-bar-baz.container.d/x.conf': '[Container]\nLabel=x=d2-specific\n',
          'd1/foo-.container.d/y.conf': '[Container]\nLabel=y=d1-foo-\n',
          'd1/foo-bar-.container.d/y.conf': '[Container]\nLabel=y=d1-foo-bar-\n',
          'd1/foo-bar-baz.container.d/10.conf': '[Container]\nLabel=\nLabel=a=10\n',
          'd2/foo-bar-baz.container.d/05.conf': '[Container]\nLabel=b=5\nExec=five\n',
          'd1/foo-bar-.container.d/2.conf': '[Container]\nLabel=z=2\n',
        };
        const r = runGenerator(files);
        // runGenerator points QUADLET_UNIT_DIRS at the temporary root; d1 and d2 are walked as sub-directories in
        // name order, which is the unit-directory order dropins.test.ts uses for the same experiment.
        const exec = r.units
          .get('foo-bar-baz.service')!
          .split('\n')
          .find((l) => l.startsWith('ExecStart='))!;
        const words = splitWords(exec.slice('ExecStart='.length)).words;
        const labels = words.filter((_, i) => words[i - 1] === '--label');
        // From 5.6 on the unit's own x.conf (in d2) beats the type-wide one (in d1); up to 5.5 d1 came first.
        const x = compareVersions(oracle.version, '5.6') >= 0 ? 'x=d2-specific' : 'x=d1-typewide';
        expect(labels.sort()).toEqual(['a=10', x, 'y=d1-foo-bar-', 'z=2']);
        expect(words.at(-1)).toBe('five');
        const merged = applyDropIns(
          parseUnitFile(files['d1/foo-bar-baz.container']!),
          Object.entries(files)
            .filter(([path]) => path.endsWith('.conf'))
            .map(([path, text]) => {
              const slash = path.lastIndexOf('/');
              return { dir: `/${path.slice(0, slash)}`, name: path.slice(slash + 1), file: parseUnitFile(text) };
            }),
          {
            unitName: 'foo-bar-baz.container',
            unitDirs: ['/d1', '/d2'],
            podmanVersion: oracle.version as PodmanVersion,
          },
        );
        expect([...getKeyValues(merged, 'Container', 'Label')].map(([k, v]) => `${k}=${v}`).sort()).toEqual(labels);
      },
    );

    itAt(suite, 'property: random drop-ins in two unit directories merge the same way')(
      'property: random drop-ins in two unit directories merge the same way',
      () => {
        const UNIT = 'web-app-1.container';
        const confArb = fc.record({
          unitDir: fc.constantFrom('d1', 'd2'),
          dir: fc.constantFrom(...dropInDirs(UNIT)),
          name: fc.constantFrom('10.conf', '2.conf', 'a.conf', 'B.conf'),
          reset: fc.boolean(),
          exec: fc.boolean(),
        });
        fc.assert(
          fc.property(
            fc.uniqueArray(confArb, { maxLength: 6, selector: (c) => `${c.unitDir}/${c.dir}/${c.name}` }),
            (confs) => {
              const body = (c: (typeof confs)[number]) => {
                const tag = `${c.unitDir}.${c.dir}.${c.name}`;
                return `[Container]\n${c.reset ? 'Label=\n' : ''}Label=${c.name}=${tag}\n${c.exec ? `Exec=${tag}\n` : ''}`;
              };
              const base = `[Container]\nImage=${IMAGE}\nLabel=base=1\nExec=base\n`;
              const files: Record<string, string> = { [`d1/${UNIT}`]: base };
              for (const c of confs) files[`${c.unitDir}/${c.dir}/${c.name}`] = body(c);
              const r = runGenerator(files);
              const line = r.units
                .get('web-app-1.service')!
                .split('\n')
                .find((l) => l.startsWith('ExecStart='))!;
              const words = splitWords(line.slice('ExecStart='.length)).words;

              const merged = applyDropIns(
                parseUnitFile(base),
                confs.map((c) => ({ dir: `/${c.unitDir}/${c.dir}`, name: c.name, file: parseUnitFile(body(c)) })),
                { unitName: UNIT, unitDirs: ['/d1', '/d2'], podmanVersion: oracle.version as PodmanVersion },
              );
              const labels = [...getKeyValues(merged, 'Container', 'Label')].map(([k, v]) => `${k}=${v}`).sort();
              expect(words.filter((_, i) => words[i - 1] === '--label').sort()).toEqual(labels);
              expect(words.slice(words.indexOf(IMAGE) + 1)).toEqual(getLastWords(merged, 'Container', 'Exec')!.words);
            },
          ),
          { numRuns: 80 },
        );
      },
    );
  });
});
