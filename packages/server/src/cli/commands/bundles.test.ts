/**
 * `adopt`, `import`, `export` as a user runs them (bin/quadletman in a child process, a fresh data folder):
 * the JSON shape, the text output and the exit codes. Nothing here applies (that needs systemd; see
 * core/service/bundles.host.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../../../..');
const BIN = join(ROOT, 'bin/quadletman');

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'qm-bundles-cli-'));
  const src = join(dir, 'src');
  mkdirSync(join(src, 'web.container.d'), { recursive: true });
  writeFileSync(join(src, 'web.container'), '[Container]\nImage=localhost/x\nNetwork=app.network\n');
  writeFileSync(join(src, 'app.network'), '[Network]\n');
  writeFileSync(join(src, 'web.container.d/10-a.conf'), '[Container]\nEnvironment=A=1\n');
  const run = (...args: string[]) =>
    spawnSync(BIN, ['--data-dir', join(dir, 'data'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { dir, src, run };
}

describe('quadletman adopt / import / export', () => {
  it('adopt without --apply reports in JSON and text and changes nothing', () => {
    const { src, run } = setup();
    const r = run('adopt', 'shop', src, '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      'compartment',
      'created',
      'units',
      'files',
      'lint',
      'lintErrors',
      'warnings',
      'plan',
      'apply',
      'source',
      'sourceServices',
      'sourceAdvice',
    ]);
    expect(out).toMatchObject({
      compartment: 'shop',
      created: true,
      units: ['app.network', 'web.container'],
      files: ['web.container.d/10-a.conf'],
      apply: null,
      sourceServices: ['app-network.service', 'web.service'],
    });
    const text = run('adopt', 'shop', src);
    expect(text.stdout).toMatch(/Nothing was changed\. Run again with --apply/);
    expect(text.stdout).toMatch(/systemctl --user stop app-network\.service web\.service/);
    expect(run('compartment', 'list', '--format', 'json').stdout.trim()).toBe('[]');
  });

  it('exit codes: 5 for a symlink out of the folder, 2 for a bad name or bundle, 3 for a missing compartment', () => {
    const { dir, src, run } = setup();
    symlinkSync('/etc/passwd', join(src, 'p.env'));
    const link = run('adopt', 'shop', src);
    expect(link.status).toBe(5);
    expect(link.stderr).toMatch(/"p\.env" in .*: a symlink to \/etc\/passwd, outside the folder/);

    const bad = join(dir, 'bad.quadlets');
    writeFileSync(bad, '# FileName=web\n[Container]\nImage=a\n---\n# FileName=../x\n[Pod]\n');
    const imp = run('import', 'shop', bad);
    expect(imp.status).toBe(2);
    expect(imp.stderr).toMatch(/bad\.quadlets:5: .*must not contain \/ or \\/);

    expect(run('export', 'nope').status).toBe(3);
    expect(run('import', 'shop', join(dir, 'missing.quadlets')).status).toBe(2);
  });

  it('import without --apply reads a bundle and lists its units', () => {
    const { dir, run } = setup();
    const file = join(dir, 'b.quadlets');
    writeFileSync(
      file,
      '# FileName=web\n[Container]\nImage=localhost/x\n---\n# FileName=db\n[Container]\nImage=localhost/y\n',
    );
    const r = run('import', 'shop', file, '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      units: ['db.container', 'web.container'],
      from: null,
      diagnostics: [],
    });
  });
});
