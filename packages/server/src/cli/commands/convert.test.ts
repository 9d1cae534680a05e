// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose's ${VAR} syntax is part of the input
/**
 * `quadletman convert compose` as a user runs it (bin/quadletman in a child process): the spec on stdout and the
 * report on stderr, the JSON shape, the bundle, the options and the exit codes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseBundle } from '@quadletman/quadlet';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../../../..');
const BIN = join(ROOT, 'bin/quadletman');
const FIXTURES = join(ROOT, 'packages/server/src/core/convert/compose/fixtures');

const run = (...args: string[]) =>
  spawnSync(BIN, ['convert', 'compose', ...args], { encoding: 'utf8', cwd: ROOT, env: { PATH: process.env.PATH } });

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'qm-convert-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('quadletman convert compose', () => {
  it('prints the spec on stdout (the golden one) and the report on stderr', () => {
    const r = run(join(FIXTURES, 'wiki/compose.yaml'), '--podman-version', '5.4');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(FIXTURES, 'wiki/expected.spec.yaml'), 'utf8'));
    expect(r.stderr).toMatch(/^mapped {6}services\.wiki\.image {2}Container Image=$/m);
    expect(r.stderr).toMatch(/^needs-input secrets\.db_password {2}the Podman secret db_password/m);
    expect(r.stderr).toMatch(/report entries: \d+ mapped, 2 podman-args, 0 dropped, 1 needs-input\n$/);
  });

  it('prints {spec, report} with --format json', () => {
    const r = run(
      join(FIXTURES, 'forge/compose.yaml'),
      join(FIXTURES, 'forge/compose.override.yaml'),
      '--format',
      'json',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['spec', 'report']);
    expect(out.spec.compartment).toBe('forge');
    for (const e of out.report) expect(Object.keys(e)).toEqual(['path', 'disposition', 'note']);
    expect(out.report).toContainEqual({
      path: 'services.forge.deploy.replicas',
      disposition: 'needs-input',
      note: 'a compartment runs one container per service',
    });
  });

  it('prints the rendered units as a .quadlets bundle', () => {
    const r = run(join(FIXTURES, 'wiki/compose.yaml'), '--format', 'quadlets');
    expect(r.status, r.stderr).toBe(0);
    const names = parseBundle(r.stdout).units.map((u) => u.name);
    expect(names).toEqual([
      'cache-data.volume',
      'cache.container',
      'db-data.volume',
      'db.container',
      'wiki.container',
      'wiki.network',
    ]);
    expect(r.stderr).toMatch(/not in the bundle .*compose\/wiki\.env/);
  });

  it('takes --project, --env, --env-file and --profile', () => {
    const dir = project({
      'compose.yaml': 'services: {a: {image: "x:${A}-${B}"}, b: {image: y, profiles: [extra]}}\n',
      'vars.env': 'B=fromfile\n',
    });
    const r = run(
      join(dir, 'compose.yaml'),
      '--project',
      'My App',
      '--env',
      'A=one',
      '--env-file',
      join(dir, 'vars.env'),
      '--profile',
      'extra',
      '--format',
      'json',
    );
    expect(r.status, r.stderr).toBe(0);
    const { spec, report } = JSON.parse(r.stdout);
    expect(spec.compartment).toBe('my-app');
    expect(spec.units['a.container'].container.image).toBe('x:one-fromfile');
    expect(Object.keys(spec.units)).toEqual(['a.container', 'b.container']);
    expect(report).toContainEqual({ path: '${A}', disposition: 'mapped', note: '= "one" (--env)' });
  });

  it.each([
    ['services: {a: {image: x}\n', /compose\.yaml:\d+:\d+: not valid YAML/],
    [
      'services: {a: {image: "${NOPE:?say why}"}}\n',
      /compose\.yaml: services\.a\.image: required variable NOPE is unset or empty: say why/,
    ],
    ['services: {a: {image: x, depends_on: [ghost]}}\n', /services\.a\.depends_on: no service "ghost"/],
    ['services: {a: {image: x, depends_on: [b]}, b: {image: x, depends_on: [a]}}\n', /a cycle/],
  ])('exits 2 and says where for %s', (text, message) => {
    const dir = project({ 'compose.yaml': text });
    const r = run(join(dir, 'compose.yaml'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 on bad usage', () => {
    expect(run('/nonexistent/compose.yaml').status).toBe(2);
    expect(run(join(FIXTURES, 'wiki/compose.yaml'), '--format', 'xml').status).toBe(2);
    expect(run(join(FIXTURES, 'wiki/compose.yaml'), '--podman-version', 'five').status).toBe(2);
    expect(run(join(FIXTURES, 'wiki/compose.yaml'), '--env', 'novalue').status).toBe(2);
    expect(run().status).toBe(2);
  });
});

describe('quadletman convert run', () => {
  const RUN_FIXTURES = join(ROOT, 'packages/server/src/core/convert/run/fixtures');
  const convertRun = (args: string[], input?: string) =>
    spawnSync(BIN, ['convert', 'run', ...args], {
      encoding: 'utf8',
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      input,
    });

  it('reads a file and prints the golden spec on stdout, the golden report on stderr', () => {
    const r = convertRun([
      '--file',
      join(RUN_FIXTURES, 'wiki/command.sh'),
      '--compartment',
      'wiki',
      '--podman-version',
      '5.4',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(RUN_FIXTURES, 'wiki/expected.spec.yaml'), 'utf8'));
    const report = readFileSync(join(RUN_FIXTURES, 'wiki/expected.report.txt'), 'utf8');
    expect(r.stderr.startsWith(report)).toBe(true);
    expect(r.stderr.slice(report.length)).toMatch(
      /^\d+ report entries: \d+ mapped, 0 podman-args, 2 dropped, 1 needs-input\n$/,
    );
  });

  it('reads stdin with --file -, and the words after -- as the shell gave them', () => {
    const stdin = convertRun(['--file', '-', '--format', 'json'], 'podman run --name a registry.example.org/a:1\n');
    expect(stdin.status, stdin.stderr).toBe(0);
    expect(JSON.parse(stdin.stdout).spec.units['a.container'].container.image).toBe('registry.example.org/a:1');
    // the words after -- come split already: quotes, $ and ; in them are data
    const words = convertRun([
      '--format',
      'json',
      '--',
      'podman',
      'run',
      '-e',
      "A=$x y'; z",
      'registry.example.org/a:1',
      'sh',
      '-c',
      'echo "$1" && exit',
    ]);
    expect(words.status, words.stderr).toBe(0);
    const { spec, report } = JSON.parse(words.stdout);
    expect(spec.units['a.container'].container.environment).toEqual({ A: "$x y'; z" });
    expect(spec.units['a.container'].container.exec).toEqual(['sh', '-c', 'echo "$$1" && exit']);
    expect(report).toContainEqual({ path: 'a.--env', disposition: 'mapped', note: 'Container Environment=' });
    // one argument is the text as pasted: several commands
    const pasted = convertRun(['--format', 'json', '--', 'podman run --name a x/y:1 && podman run --name b x/y:1']);
    expect(Object.keys(JSON.parse(pasted.stdout).spec.units)).toEqual(['a.container', 'b.container']);
  });

  it('exits 2 and says where', () => {
    const bad = convertRun(['--', 'podman run --name a x; rm -rf /']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      'quadletman: column 22: ;: a second command: put each podman run on its own line, or join them with &&\n',
    );
    expect(convertRun([]).stderr).toMatch(/no command: give it after --, or with --file/);
    expect(convertRun(['--file', '/nonexistent', '--', 'podman', 'run', 'x']).status).toBe(2);
    expect(convertRun(['--file', '/nonexistent/cmd.sh']).status).toBe(2);
    expect(convertRun(['--podman-version', 'five', '--', 'podman run x']).status).toBe(2);
  });
});
