/**
 * The real Quadlet generator accepts every golden spec (fixtures/<name>/expected.spec.yaml) once rendered: no
 * file is rejected, every unit's service comes out, the linter agrees, and what the conversion promised reaches
 * the generated services (health-gated dependencies, one-shots, a health command with a literal `$`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entrypointArgs, parseVersion, splitWords } from '@quadletman/quadlet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oracleVersion } from '../../../../../../scripts/oracle/generator';
import { render } from '../../render.js';
import { type DesiredState, parseSpecText } from '../../spec.js';
import { expectGeneratorAccepts } from '../../test-support/generator.js';
import { convertCompose } from './convert.js';
import { composeArb, FIXTURE_NAMES, FIXTURES, fixtureOptions } from './test-support.js';

const readText = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);

const generate = (state: DesiredState) => expectGeneratorAccepts(render(state), state.podmanVersion).gen;

/** ExecStart's words as the program gets them (systemd expands `%%` and `$$`). */
function execArgs(service: string): string[] {
  const line = /^ExecStart=(.*)$/m.exec(service)?.[1] ?? '';
  return splitWords(line, 'args').words.map((w) => w.replace(/%%|\$\$/g, (m) => m[0]!));
}

/** Whether `run` occurs in `args` as consecutive words (the generator's form of a flag varies by version). */
const hasRun = (args: string[], run: string[]) => args.some((_, i) => run.every((w, j) => args[i + j] === w));

describe('golden compose conversions against the real Quadlet generator', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: the golden spec`, () => {
      generate(parseSpecText(readFileSync(join(FIXTURES, name, 'expected.spec.yaml'), 'utf8'), name));
    });
    it(`${name}: converted for the generator's own Podman version`, () => {
      generate(convertCompose({ ...fixtureOptions(name, readText), podmanVersion: oracleVersion() }).state);
    });
  }

  it('generated compose projects, converted for its version', () => {
    const version = oracleVersion();
    fc.assert(
      fc.property(composeArb, (text) => {
        const files = [{ path: '/p/compose.yaml', text }];
        generate(convertCompose({ files, readFile: () => undefined, environment: {}, podmanVersion: version }).state);
      }),
      { numRuns: 15 },
    );
  });

  it('dependencies, health checks and one-shots reach the services', () => {
    const wiki = generate(parseSpecText(readFileSync(join(FIXTURES, 'wiki/expected.spec.yaml'), 'utf8')));
    const app = wiki.units.get('wiki.service')!;
    expect(app).toMatch(/^BindsTo=db\.service$/m);
    expect(app).toMatch(/^Requires=cache\.service$/m);
    expect(app).toMatch(/^After=.*db\.service/m);
    const db = execArgs(wiki.units.get('db.service')!);
    expect(db).toContain('--sdnotify=healthy');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the container's shell expands it
    expect(db[db.indexOf('--health-cmd') + 1]).toBe('pg_isready -U ${POSTGRES_USER} -d wiki');
    expect(db).toContain('--network-alias');
    const forge = generate(parseSpecText(readFileSync(join(FIXTURES, 'forge/expected.spec.yaml'), 'utf8')));
    const cache = execArgs(wiki.units.get('cache.service')!);
    expect(cache[cache.indexOf('--health-cmd') + 1]).toBe('["redis-cli","ping"]');
    const migrate = execArgs(forge.units.get('migrate.service')!);
    expect(hasRun(migrate, entrypointArgs('["/bin/sh","-c"]', parseVersion(oracleVersion())!))).toBe(true);
    expect(migrate.slice(-2)).toEqual(['forgejo', 'migrate']);
    expect(forge.units.get('migrate.service')).toMatch(/^Type=oneshot$/m);
    expect(forge.units.get('migrate.service')).toMatch(/^RemainAfterExit=(yes|true)$/m);
  });
});
