/**
 * Golden fixtures: each folder under fixtures/ holds a pasted command (command.sh), the spec it converts to
 * (`expected.spec.yaml`, as `quadletman convert run` prints it) and the report (`expected.report.txt`). Set
 * QM_UPDATE_GOLDEN=1 to rewrite the expectations after a deliberate change.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specToYaml } from '../../spec.js';
import { reportText } from '../common.js';
import { convertRun } from './convert.js';
import { FIXTURE_NAMES, FIXTURES, fixtureInput } from './test-support.js';

const readText = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);
const update = process.env.QM_UPDATE_GOLDEN === '1';

function golden(file: string, actual: string) {
  if (update || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('podman run golden fixtures', () => {
  it('has the fixtures', () => {
    const dirs = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(dirs.map((d) => d.name).sort()).toEqual(FIXTURE_NAMES);
  });
  for (const name of FIXTURE_NAMES) {
    it(name, () => {
      const { text, options } = fixtureInput(name, readText);
      const r = convertRun(text, options);
      golden(join(FIXTURES, name, 'expected.spec.yaml'), specToYaml(r.state));
      golden(join(FIXTURES, name, 'expected.report.txt'), reportText(r.report));
    });
  }
});
