/**
 * Differential test: the podman arguments quadletman predicts for `Entrypoint=` (generator-args.ts) are the
 * ones each real generator writes into ExecStart, word for word, for values of every shape.
 */
import { describe, expect, it } from 'vitest';
import { ORACLE_SUITES, oracleFor } from '../../../scripts/oracle/generator';
import { entrypointArgs } from './generator-args';
import { parseVersion } from './registry/version';
import { lookup, parseUnitFile } from './unit-file';
import { splitWords } from './unit-file/words';

const IMAGE = 'quay.io/qm/entrypoint';

/** The `Entrypoint=` lines of each case (several lines: the last one counts). */
const CASES: string[][] = [
  ['/usr/local/bin/run.sh'],
  ['["/bin/sh","-c"]'],
  ['/bin/my entry "with space"'],
  ['-x'],
  ['100%% $$HOME'],
  ['"/quoted"'],
  [''],
  ['/bin/sh', ''],
  ['', '/bin/sh'],
];

describe.each(ORACLE_SUITES)('Entrypoint= through the generator (Debian %s)', (suite) => {
  it('becomes exactly the predicted arguments, before the image', () => {
    const oracle = oracleFor(suite);
    const version = parseVersion(oracle.version)!;
    const files = Object.fromEntries(
      CASES.map((lines, i) => [
        `e${i}.container`,
        `[Container]\nImage=${IMAGE}\n${lines.map((l) => `Entrypoint=${l}\n`).join('')}`,
      ]),
    );
    const r = oracle.run(files);
    expect([...r.rejected, ...r.loadErrors], r.stderr).toEqual([]);
    CASES.forEach((lines, i) => {
      const value = lookup(parseUnitFile(files[`e${i}.container`]!), 'Container', 'Entrypoint', version);
      const service = r.units.get(`e${i}.service`)!;
      const line = service.split('\n').find((l) => l.startsWith('ExecStart='))!;
      const words = splitWords(line.slice('ExecStart='.length)).words;
      const got = words.filter((w, j) => w.startsWith('--entrypoint') || words[j - 1] === '--entrypoint');
      expect(got, `${JSON.stringify(lines)} at ${oracle.fullVersion}`).toEqual(entrypointArgs(value, version));
      expect(words.slice(-1)).toEqual([IMAGE]);
    });
  });
});
