/**
 * The real Quadlet generator accepts every golden spec (fixtures/<name>/expected.spec.yaml) once rendered, and the
 * conversion of random commands for its own Podman version: no file is rejected, every unit's service comes out,
 * the linter agrees; and what the command said reaches the generated service's podman command line.
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
import { convertRun } from './convert.js';
import { FIXTURE_NAMES, FIXTURES, fixtureInput, runCommandArb } from './test-support.js';

const readText = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);
const generate = (state: DesiredState) => expectGeneratorAccepts(render(state), state.podmanVersion).gen;
const golden = (name: string) => parseSpecText(readFileSync(join(FIXTURES, name, 'expected.spec.yaml'), 'utf8'), name);

/** ExecStart's words as the program gets them (systemd expands `%%` and `$$`). */
function execArgs(service: string): string[] {
  const line = /^ExecStart=(.*)$/m.exec(service)?.[1] ?? '';
  return splitWords(line, 'args').words.map((w) => w.replace(/%%|\$\$/g, (m) => m[0]!));
}
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

/** Whether `run` occurs in `args` as consecutive words (the generator's form of a flag varies by version). */
const hasRun = (args: string[], run: string[]) => args.some((_, i) => run.every((w, j) => args[i + j] === w));

describe('golden podman run conversions against the real Quadlet generator', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: the golden spec`, () => {
      generate(golden(name));
    });
    it(`${name}: converted for the generator's own Podman version`, () => {
      const { text, options } = fixtureInput(name, readText);
      generate(convertRun(text, { ...options, podmanVersion: oracleVersion() }).state);
    });
  }

  it('random commands, converted for its version', () => {
    const version = oracleVersion();
    fc.assert(
      fc.property(runCommandArb, (text) => {
        generate(convertRun(text, { podmanVersion: version }).state);
      }),
      { numRuns: 20 },
    );
  });

  it('an empty entrypoint reaches podman, clearing the image entrypoint', () => {
    const version = parseVersion(oracleVersion())!;
    const { state } = convertRun(`podman run --name a --entrypoint '' registry.example.org/x:1`, {
      podmanVersion: version,
    });
    const args = execArgs(generate(state).units.get('a.service')!);
    expect(entrypointArgs('[]', version).length).toBeGreaterThan(0);
    expect(hasRun(args, entrypointArgs('[]', version))).toBe(true);
  });

  it('values reach podman as the command gave them', () => {
    const web = execArgs(generate(golden('web')).units.get('web.service')!);
    expect(web).toContain('GREETING=hello $USER, 100%');
    expect(after(web, '--health-cmd')).toBe('curl -fsS http://localhost/ || exit 1');
    expect(after(web, '--publish')).toBe('8080:80');
    expect(web.slice(-1)).toEqual(['registry.example.org/library/nginx:1.27']);

    const docker = execArgs(generate(golden('docker')).units.get('tools.service')!);
    expect(after(docker, '--network')).toBe('host');
    expect(hasRun(docker, entrypointArgs('/usr/local/bin/run.sh', parseVersion(oracleVersion())!))).toBe(true);
    expect(docker.slice(-3)).toEqual(['registry.example.org/team/tools:3', '--serve', '/data/my files']);

    const wiki = generate(golden('wiki'));
    expect(wiki.units.get('wiki.service')).toMatch(/^Requires=db\.service$/m);
    const app = execArgs(wiki.units.get('wiki.service')!);
    expect(app).toContain('app');
    expect(app.slice(-3)).toEqual(['node', 'server', '--port=3000']);

    const cache = execArgs(generate(golden('podman-only')).units.get('cache.service')!);
    expect(cache).toContain('--sdnotify=healthy');
    expect(cache.some((w) => /^type=volume,source=systemd-cache-data,target=\/data/.test(w))).toBe(true);
  });
});
