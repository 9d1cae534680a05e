import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Runs inside the sandbox host (npm run test:host): `quadletman install` writes and starts real system units: the
// privileged helper's socket and the server as its own unprivileged user, which serves /healthz and prints the
// setup token to the journal; the units are removed afterwards.
const ROOT = resolve(__dirname, '../../../../..');
const BIN = join(ROOT, 'bin/quadletman');
const UNIT_DIR = '/etc/systemd/system';
const UNIT = `${UNIT_DIR}/quadletman.service`;
const PORT = 18181;

const sh = (...argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });

describe.runIf(process.env.QUADLETMAN_SANDBOX === '1')('quadletman install', () => {
  afterAll(() => {
    spawnSync('systemctl', ['disable', '--now', 'quadletman.service', 'quadletman-helper.socket']);
    spawnSync('rm', ['-f', UNIT, `${UNIT_DIR}/quadletman-helper.socket`, `${UNIT_DIR}/quadletman-helper@.service`]);
    spawnSync('systemctl', ['daemon-reload']);
  });

  it('writes, enables and starts quadletman.service as the user quadletman with the helper, which answers /healthz', async () => {
    // not under /var/tmp: the server's unit gives it a private one
    const dataDir = mkdtempSync('/var/lib/qm-install-');
    const r = spawnSync(BIN, ['--data-dir', dataDir, 'install', '--listen', `127.0.0.1:${PORT}`], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(UNIT)).toBe(true);
    const text = readFileSync(UNIT, 'utf8');
    expect(text).toContain(
      `ExecStart=${BIN} --data-dir ${dataDir} --homes-dir ${dataDir}-homes --volumes-dir ${dataDir}-volumes serve --listen 127.0.0.1:${PORT} --helper /run/quadletman/helper.sock`,
    );
    expect(text).toMatch(/^User=quadletman$/m);
    expect(text).toMatch(/^CapabilityBoundingSet=$/m);
    expect(sh('systemctl', 'is-active', 'quadletman-helper.socket').trim()).toBe('active');
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
    // its home is its data folder: podman (doctor's check) wants a home that exists
    expect(sh('getent', 'passwd', 'quadletman').split(':')[5]).toBe(dataDir);
    const pid = sh('systemctl', 'show', '-P', 'MainPID', 'quadletman.service').trim();
    const uid = sh('id', '-u', 'quadletman').trim();
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s`, 'm'));
    const journal = sh('journalctl', '-u', 'quadletman.service', '--no-pager', '-o', 'cat');
    expect(journal).toMatch(/Setup token \(one use\): \S+/);
  });
});
