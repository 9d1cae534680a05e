/**
 * `quadletman images` and `images prune` as a user runs them (bin/quadletman in a child process, a fresh data
 * folder): usage and the exit codes. Listing and pruning need a compartment's Podman: the output is tested in
 * cli/images-output.test.ts, the service in core/service/images.test.ts, and the real thing in
 * core/service/images.host.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../../../..');
const BIN = join(ROOT, 'bin/quadletman');

function cli() {
  const dir = mkdtempSync(join(tmpdir(), 'qm-images-cli-'));
  return (...args: string[]) => spawnSync(BIN, ['--data-dir', dir, ...args], { encoding: 'utf8', cwd: ROOT });
}

describe('quadletman images', () => {
  it('exit 3 naming the compartment when there is none, for the list and for a prune', () => {
    const run = cli();
    for (const args of [
      ['images', 'nope'],
      ['images', 'prune', 'nope', '--dry-run'],
      ['images', 'prune', 'nope'],
    ]) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(3);
      expect(r.stderr).toBe("quadletman: There is no compartment 'nope'. `quadletman compartment list` shows them.\n");
    }
  });

  it('exit 2 for bad usage: no id, an unknown format', () => {
    const run = cli();
    expect(run('images').status).toBe(2);
    expect(run('images', 'prune').status).toBe(2);
    const format = run('images', 'shop', '--format', 'yaml');
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/argument 'yaml' is invalid/);
  });

  it('help names both commands', () => {
    const r = cli()('images', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: quadletman images \[options\] \[command\] <id>/);
    expect(r.stdout).toMatch(/prune \[options\] <id>/);
  });
});
