/**
 * The CLI as a user runs it: bin/quadletman in a child process, its output and its exit codes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../../..');
const BIN = join(ROOT, 'bin/quadletman');
const SETS = join(ROOT, 'packages/quadlet/fixtures/sets');

const run = (...args: string[]) => spawnSync(BIN, args, { encoding: 'utf8', cwd: ROOT });

describe('quadletman lint', () => {
  it('exits 0 and prints the exact JSON shape for a clean set', () => {
    const r = run('lint', '--podman-version', '5.4', '--format', 'json', join(SETS, 'web-stack'));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['files']);
    expect(out.files.map((f: { path: string }) => f.path)).toContain('web.container.d/10-override.conf');
    for (const f of out.files) expect(Object.keys(f)).toEqual(['path', 'diagnostics']);
  });

  it('exits 1 with every diagnostic field when a file has errors', () => {
    const r = run('lint', '--podman-version', '5.4', '--format', 'json', join(SETS, 'refs'));
    expect(r.status).toBe(1);
    const files = JSON.parse(r.stdout).files as { path: string; diagnostics: Record<string, unknown>[] }[];
    const bad = files.find((f) => f.path === 'bad-net.container')!;
    expect(bad.diagnostics[0] && Object.keys(bad.diagnostics[0])).toEqual([
      'severity',
      'code',
      'message',
      'line',
      'key',
    ]);
    expect(bad.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', code: 'missing-reference', line: 3, key: 'Network' }),
    );
  });

  it('lints a single file within its directory and reports only that file', () => {
    const r = run('lint', '--podman-version', '5.4', '--format', 'json', join(SETS, 'refs/ok.container'));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).files.map((f: { path: string }) => f.path)).toEqual(['ok.container']);
  });

  it('exits 2 on bad usage', () => {
    expect(run('lint', '/nonexistent/dir').status).toBe(2);
    expect(run('lint', '--podman-version', 'five', SETS).status).toBe(2);
    expect(run('lint', '--format', 'xml', SETS).status).toBe(2);
    expect(run('lint').status).toBe(2);
  });

  it('gives the rootless-only advice unless --scope system says the set is rootful', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-lint-scope-'));
    writeFileSync(
      join(dir, 'web.container'),
      '[Container]\nImage=localhost/web\nPublishPort=80:80\n[Install]\nWantedBy=multi-user.target\n',
    );
    const codes = (...flags: string[]) => {
      const r = run('lint', '--podman-version', '5.4', '--format', 'json', ...flags, dir);
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout)
        .files[0].diagnostics.map((d: { code: string }) => d.code)
        .sort();
    };
    expect(codes()).toEqual(['privileged-port', 'user-unit-target']);
    expect(codes('--scope', 'user')).toEqual(['privileged-port', 'user-unit-target']);
    expect(codes('--scope', 'system')).toEqual([]);
    expect(run('lint', '--scope', 'root', dir).status).toBe(2);
  });

  it('prints file:line: severity: message [code] in text form', () => {
    const r = run('lint', '--podman-version', '5.4', join(SETS, 'gen-errors/unknown.container'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/unknown\.container:3: error: .*'Imgae'.*Did you mean 'Image'\? \[unknown-key\]/);
  });

  it('writes a report longer than a pipe holds whole, to a reader that is slow to start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-lint-long-'));
    for (let i = 0; i < 2000; i++) writeFileSync(join(dir, `data-${i}.volume`), '[Volume]\n');
    // the pipe fills up (64 KiB) before the reader reads anything: the CLI must wait for it, not exit
    const r = spawnSync(
      'sh',
      ['-c', `"$0" lint --podman-version 5.4 --format json "$1" | (sleep 0.5; cat)`, BIN, dir],
      {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    expect(JSON.parse(r.stdout).files).toHaveLength(2000);
  });

  it('ends quietly when its reader goes away (| head)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-lint-head-'));
    for (let i = 0; i < 2000; i++) writeFileSync(join(dir, `data-${i}.volume`), '[Volume]\n');
    const r = spawnSync(
      'sh',
      ['-c', `("$0" lint --podman-version 5.4 --format json "$1"; echo "exit $?" >&2) | head -c 20`, BIN, dir],
      { encoding: 'utf8' },
    );
    expect(r.stdout).toBe('{"files":[{"path":"d');
    expect(r.stderr).toBe('exit 0\n');
  });
});

describe('quadletman fmt', () => {
  it('rewrites a file canonically, and --check then passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-fmt-'));
    const file = join(dir, 'a.container');
    writeFileSync(file, '[Container]\nImage = localhost/x   \nExec=a \\\n  b\n[Install]\nWantedBy=default.target');
    expect(run('fmt', '--check', dir).status).toBe(1);
    expect(run('fmt', dir).status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('Image=localhost/x\n');
    expect(run('fmt', '--check', dir).status).toBe(0);
  });

  it('knows timers: lint checks them, fmt rewrites them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-timer-'));
    writeFileSync(join(dir, 'web.container'), '[Container]\nImage=localhost/web\n');
    const timer = join(dir, 'web.timer');
    writeFileSync(timer, '[Timer]\nOnCalender = daily   \n');
    const r = run('lint', '--podman-version', '5.4', '--format', 'json', timer);
    expect(r.status).toBe(1);
    const codes = JSON.parse(r.stdout).files[0].diagnostics.map((d: { code: string }) => d.code);
    expect(codes.sort()).toEqual(['bad-value', 'unknown-systemd-key']);
    expect(run('fmt', '--check', timer).status).toBe(1);
    expect(run('fmt', timer).status).toBe(0);
    expect(readFileSync(timer, 'utf8')).toBe('[Timer]\nOnCalender=daily\n');
  });
});

describe('systemd units beside the Quadlet units', () => {
  it('lint checks sockets, services, targets and path units in a folder, with their references', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-systemd-'));
    writeFileSync(join(dir, 'web.container'), '[Container]\nImage=localhost/web\n');
    writeFileSync(join(dir, 'web.socket'), '[Socket]\nListenStream=8080\n');
    writeFileSync(join(dir, 'api.socket'), '[Socket]\nListenStrem=8081\nAccept=maybe\n');
    writeFileSync(join(dir, 'api.service'), '[Service]\nType=simple\n');
    writeFileSync(join(dir, 'stack.target'), '[Unit]\nWants=web.service\n');
    writeFileSync(join(dir, 'inbox.path'), '[Path]\nPathChanged=/srv/inbox\n');
    const r = run('lint', '--podman-version', '5.4', '--format', 'json', dir);
    expect(r.status).toBe(1);
    const files = JSON.parse(r.stdout).files as { path: string; diagnostics: { code: string }[] }[];
    const codes = Object.fromEntries(files.map((f) => [f.path, f.diagnostics.map((d) => d.code).sort()]));
    expect(codes).toEqual({
      'api.service': ['missing-exec-start'],
      'api.socket': ['invalid-bool', 'missing-listen', 'unknown-systemd-key'],
      'inbox.path': ['missing-path-unit'],
      'stack.target': [],
      'web.container': ['no-install-section'],
      'web.socket': [],
    });
  });

  it('lint takes one of them alone, and says what a file that is none of them is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-systemd-one-'));
    writeFileSync(join(dir, 'api.service'), '[Service]\nExecStart=/usr/bin/api\nRestrat=always\n');
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const r = run('lint', '--podman-version', '5.4', join(dir, 'api.service'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/api\.service:3: warning: .*'Restrat'.*Did you mean 'Restart'\? \[unknown-systemd-key\]/);
    const bad = run('lint', '--podman-version', '5.4', join(dir, 'notes.txt'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('not a Quadlet unit file, systemd unit (.service, .socket, .timer, .target, .path)');
    expect(run('fmt', join(dir, 'notes.txt')).status).toBe(2);
  });

  it('fmt rewrites them and their drop-ins, in a folder and one by one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-systemd-fmt-'));
    const socket = join(dir, 'web.socket');
    writeFileSync(socket, '[Socket]\nListenStream = 8080   \n');
    mkdirSync(join(dir, 'web.socket.d'));
    const conf = join(dir, 'web.socket.d', '10-x.conf');
    writeFileSync(conf, '[Socket]\nBacklog =  16\n');
    const path = join(dir, 'inbox.path');
    writeFileSync(path, '[Path]\nPathChanged= /srv/inbox');
    expect(run('fmt', '--check', dir).status).toBe(1);
    expect(run('fmt', dir).status).toBe(0);
    expect(readFileSync(socket, 'utf8')).toBe('[Socket]\nListenStream=8080\n');
    expect(readFileSync(conf, 'utf8')).toBe('[Socket]\nBacklog=16\n');
    expect(readFileSync(path, 'utf8')).toBe('[Path]\nPathChanged=/srv/inbox\n');
    const target = join(dir, 'stack.target');
    writeFileSync(target, '[Unit]\nDescription =stack\n');
    expect(run('fmt', '--check', target).status).toBe(1);
    expect(run('fmt', target).status).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('[Unit]\nDescription=stack\n');
    expect(run('fmt', '--check', dir).status).toBe(0);
  });
});

describe('compartment commands', () => {
  it('audit their mutations, failed ones too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-cli-audit-'));
    const r = run('--data-dir', dir, 'compartment', 'delete', 'nope');
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("There is no compartment 'nope'");
    const list = JSON.parse(run('--data-dir', dir, 'audit', 'list', '--format', 'json').stdout) as {
      action: string;
      result: string;
      actorKind: string;
    }[];
    expect(list).toContainEqual(
      expect.objectContaining({ action: 'compartment.delete', result: 'failed', actorKind: 'cli' }),
    );
    expect(run('--data-dir', dir, 'audit', 'verify').status).toBe(0);
  });
});

describe('NODE_EXTRA_CA_CERTS', () => {
  it('is not parsed by the CLI process, and reaches the processes it starts unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-cli-ca-'));
    const seen = join(dir, 'seen');
    // a podman on the PATH that records the variable (lint asks the host's podman for its version)
    writeFileSync(
      join(dir, 'podman'),
      `#!/bin/sh\nprintf '%s|%s' "$NODE_EXTRA_CA_CERTS" "\${QUADLETMAN_NODE_EXTRA_CA_CERTS-unset}" > '${seen}'\necho 'podman version 5.4.2'\n`,
      { mode: 0o755 },
    );
    const certs = join(dir, 'no such bundle.pem');
    const r = spawnSync(BIN, ['lint', join(SETS, 'web-stack')], {
      encoding: 'utf8',
      cwd: ROOT,
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, NODE_EXTRA_CA_CERTS: certs },
    });
    expect(r.status).toBe(0);
    // node warns when it fails to load the file at start: it did not try
    expect(r.stderr).not.toMatch(/extra certs/i);
    expect(readFileSync(seen, 'utf8')).toBe(`${certs}|unset`);
    // a node started with the variable does try (the check above can fail)
    const plain = spawnSync(process.execPath, ['-e', '0'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certs },
    });
    expect(plain.stderr).toMatch(/extra certs/i);
  });
});
