/**
 * Differential test: container models written by toUnitText, fed to the real Quadlet generator, must become
 * exactly the podman arguments the model says (Environment, Label, PodmanArgs, Exec).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORACLE_SUITES, oracleFor } from '../../../../scripts/oracle/generator';
import { word } from '../unit-file/test-support/arbitraries';
import { splitWords } from '../unit-file/words';
import { type ContainerUnit, toUnitText } from './unit-model';

const IMAGE = 'quay.io/qm/model';
const kvKey = fc.string({ unit: fc.constantFrom('A', 'b', '_', '.', '1', 'é'), minLength: 1, maxLength: 5 });
const kvValue = fc.string({ maxLength: 6 }).filter((s) => !s.includes('\0'));

const flagValues = (words: string[], flag: string) => words.filter((_, i) => words[i - 1] === flag);
const pairs = (r: Record<string, string> | undefined) =>
  Object.entries(r ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort();

describe.each(ORACLE_SUITES)('container models through the generator (Debian %s)', (suite) => {
  it('property: Environment, Label, PodmanArgs and Exec arrive as written', () => {
    fc.assert(
      fc.property(
        fc.dictionary(kvKey, kvValue, { maxKeys: 3 }),
        fc.dictionary(kvKey, kvValue, { maxKeys: 3 }),
        fc.array(
          word.map((w) => `--x=${w}`),
          { maxLength: 2 },
        ),
        fc.array(word, { maxLength: 4 }),
        (environment, label, podmanArgs, exec) => {
          const m: ContainerUnit = {
            type: 'container',
            container: { image: IMAGE, environment, label, podmanArgs, exec },
            extra: [],
          };
          const r = oracleFor(suite).run({ 'm.container': toUnitText(m) });
          const service = r.units.get('m.service');
          expect(service, [...r.rejected.values()].join()).toBeDefined();
          const line = service!.split('\n').find((l) => l.startsWith('ExecStart='))!;
          const words = splitWords(line.slice('ExecStart='.length)).words;
          const image = words.indexOf(IMAGE);
          expect(words.slice(image + 1)).toEqual(exec);
          expect(flagValues(words, '--env').sort()).toEqual(pairs(environment));
          expect(flagValues(words, '--label').sort()).toEqual(pairs(label));
          expect(words.slice(image - podmanArgs.length, image)).toEqual(podmanArgs);
        },
      ),
      { numRuns: 60 },
    );
  });
});
