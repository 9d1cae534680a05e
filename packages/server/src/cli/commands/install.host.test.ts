import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Runs inside the sandbox host (npm run test:host): `quadletman install` writes and starts a real system unit,
// which serves /healthz and prints the setup token to the journal; the unit is removed afterwards.
const ROOT = resolve(__dirname, '../../../../..');
const BIN = join(ROOT, 'bin/quadletman');
const UNIT = '/etc/systemd/system/quadletman.service';
const PORT = 18181;

const sh = (...argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });

describe.runIf(process.env.QUADLETMAN_SANDBOX === '1')('quadletman install', () => {
  afterAll(() => {
    spawnSync('systemctl', ['disable', '--now', 'quadletman.service']);
    spawnSync('rm', ['-f', UNIT]);
    spawnSync('systemctl', ['daemon-reload']);
  });

  it('writes, enables and starts quadletman.service, which answers /healthz', async () => {
    const dataDir = mkdtempSync('/var/tmp/qm-install-');
    const r = spawnSync(BIN, ['--data-dir', dataDir, 'install', '--listen', `127.0.0.1:${PORT}`], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(UNIT)).toBe(true);
    const text = readFileSync(UNIT, 'utf8');
    expect(text).toContain(`ExecStart=${BIN} --data-dir ${dataDir} serve --listen 127.0.0.1:${PORT}`);
    expect(sh('systemctl', 'is-enabled', 'quadletman.service').trim()).toBe('enabled');
    let health: unknown;
    for (let i = 0; i < 120 && health === undefined; i++) {
      health = await fetch(`http://127.0.0.1:${PORT}/healthz`)
        .then((res) => res.json())
        .catch(() => undefined);
      if (health === undefined) await new Promise((res) => setTimeout(res, 500));
    }
    expect(health).toEqual({ status: 'ok' });
    expect(sh('systemctl', 'is-active', 'quadletman.service').trim()).toBe('active');
    const journal = sh('journalctl', '-u', 'quadletman.service', '--no-pager', '-o', 'cat');
    expect(journal).toMatch(/Setup token \(one use\): \S+/);
  });
});
