/**
 * The systemd fixture corpus (fixtures/systemd/*): small folders of systemd's own units — services, sockets,
 * timers, targets, path units and their drop-ins — each with an expect.json that says, per file, the codes of
 * the diagnostics the linter gives it (no more, no fewer). An oracle can hold the same cases against
 * `systemd-analyze verify`: a file whose codes include an error is one systemd refuses to load (or cannot start).
 * Set QM_UPDATE_GOLDEN=1 to rewrite the codes after a deliberate change (and review the diff).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGeneratorError, lintSet } from './index';
import { readSystemdFixture, SYSTEMD_FIXTURES, systemdFixtureNames } from './test-support/systemd-fixtures';

const update = process.env.QM_UPDATE_GOLDEN === '1';

describe('systemd fixture corpus', () => {
  it.each(systemdFixtureNames())('%s gets exactly the expected diagnostics', (name) => {
    const { files, others, expect: expected } = readSystemdFixture(name);
    expect(expected.about, 'say what the case is about').not.toBe('');
    const reports = lintSet(files, { podmanVersion: '5.4', otherFiles: others });
    // none of these files is read by the generator: nothing it would reject
    for (const r of reports) expect(r.diagnostics.filter(isGeneratorError), r.path).toEqual([]);
    const actual = Object.fromEntries(
      reports.map((r) => [r.path, [...new Set(r.diagnostics.map((d) => d.code))].sort()]),
    );
    if (update) {
      const path = join(SYSTEMD_FIXTURES, name, 'expect.json');
      writeFileSync(path, `${JSON.stringify({ ...expected, files: actual }, null, 2)}\n`);
      expect(JSON.parse(readFileSync(path, 'utf8')).files).toEqual(actual);
    }
    expect(actual).toEqual(expected.files);
  });

  it('covers every kind of systemd unit the linter knows', () => {
    const kinds = new Set(
      systemdFixtureNames().flatMap((n) => readSystemdFixture(n).files.map((f) => f.path.split('.').pop())),
    );
    for (const k of ['service', 'socket', 'timer', 'target', 'path', 'conf']) expect(kinds, k).toContain(k);
  });
});
