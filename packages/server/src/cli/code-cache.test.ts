/**
 * The CLI's code cache (cli/code-cache.ts), on a copy of the real bundle run as bin/quadletman runs it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheFile, cacheKey } from './code-cache';

const ROOT = resolve(__dirname, '../../../..');
const SETS = join(ROOT, 'packages/quadlet/fixtures/sets');

describe('cacheKey', () => {
  it('is the command, for commands that run and end', () => {
    expect(cacheKey(['lint', 'x'], {})).toBe('lint');
    expect(cacheKey(['--data-dir', '/d', 'apply', '-f', 's.yaml'], {})).toBe('apply');
    expect(cacheKey(['compartment', 'list'], {})).toBe('compartment');
    expect(cacheKey(['--version'], {})).toBe('version');
  });

  it('is none for serve, help, odd words, or when turned off', () => {
    expect(cacheKey(['serve'], {})).toBeUndefined();
    expect(cacheKey([], {})).toBeUndefined();
    expect(cacheKey(['help', 'lint'], {})).toBeUndefined();
    expect(cacheKey(['lint', '--help'], {})).toBeUndefined();
    expect(cacheKey(['apply', '-h'], {})).toBeUndefined();
    expect(cacheKey(['../../etc/x'], {})).toBeUndefined();
    expect(cacheKey(['Lint'], {})).toBeUndefined();
    expect(cacheKey(['lint', 'x'], { QUADLETMAN_CODE_CACHE: '0' })).toBeUndefined();
  });

  it('names a file beside the bundle that changes with the bundle', () => {
    const a = cacheFile('/q/dist/cli/app.cjs', 'lint', { ino: 7, size: 100, mtimeMs: 5.5 });
    expect(a).toBe('/q/dist/cli/cache/lint-7-100-5.bin');
    expect(cacheFile('/q/dist/cli/app.cjs', 'lint', { ino: 8, size: 100, mtimeMs: 5.5 })).not.toBe(a);
    expect(cacheFile('/q/dist/cli/app.cjs', 'lint', { ino: 7, size: 101, mtimeMs: 5.5 })).not.toBe(a);
    expect(cacheFile('/q/dist/cli/app.cjs', 'lint', { ino: 7, size: 100, mtimeMs: 6.5 })).not.toBe(a);
  });
});

describe('the launcher with its cache', () => {
  let dir: string;
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(dir, 'quadletman.cjs'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env, NODE_OPTIONS: '' },
    });
  const caches = (key: string) =>
    existsSync(join(dir, 'cache'))
      ? readdirSync(join(dir, 'cache'))
          .filter((name) => name.startsWith(`${key}-`))
          .map((name) => join(dir, 'cache', name))
      : [];

  beforeAll(() => {
    // bin/quadletman builds the bundle when it is missing or stale; a copy keeps this test off later rebuilds
    expect(spawnSync(join(ROOT, 'bin/quadletman'), ['--version']).status).toBe(0);
    dir = mkdtempSync(join(tmpdir(), 'qm-code-cache-'));
    cpSync(join(ROOT, 'dist/cli'), dir, { recursive: true, filter: (src) => src !== join(ROOT, 'dist/cli/cache') });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a command cache on its first run, and uses it unchanged after', () => {
    const first = run(['lint', '--podman-version', '5.4', '--format', 'json', join(SETS, 'refs')]);
    expect(first.status).toBe(1); // the set has errors: a run that did its work
    const [file, ...more] = caches('lint');
    expect(file).toBeDefined();
    expect(more).toEqual([]);
    // lint runs from the files bundle (the cache is named after its bundle's inode)
    expect(file!).toContain(`/lint-${statSync(join(dir, 'files.cjs')).ino}-`);
    const before = statSync(file!);
    expect(before.size).toBeGreaterThan(10_000);
    const second = run(['lint', '--podman-version', '5.4', '--format', 'json', join(SETS, 'refs')]);
    expect(second.status).toBe(1);
    expect(second.stdout).toBe(first.stdout);
    // V8 took the cache: a turned-down cache is written again
    expect(statSync(file!).mtimeMs).toBe(before.mtimeMs);
  });

  it('replaces a cache V8 turns down, and still runs', () => {
    expect(run(['--version']).stdout).toBe('0.1.0\n');
    const [file] = caches('version');
    expect(file!).toContain(`/version-${statSync(join(dir, 'app.cjs')).ino}-`);
    writeFileSync(file!, 'not a code cache');
    const r = run(['--version']);
    expect(r.stdout).toBe('0.1.0\n');
    expect(r.status).toBe(0);
    expect(readFileSync(file!, 'utf8')).not.toBe('not a code cache');
  });

  it('writes none after a usage error, or when turned off', () => {
    expect(run(['fmt', '/nonexistent/x.container']).status).toBe(2);
    expect(run(['explain'], {}).status).toBe(2);
    expect(caches('fmt')).toEqual([]);
    expect(caches('explain')).toEqual([]);
    expect(run(['fmt', '--check', join(SETS, 'web-stack')], { QUADLETMAN_CODE_CACHE: '0' }).status).not.toBe(2);
    expect(caches('fmt')).toEqual([]);
  });
});
