/**
 * `quadletman notify` as a user runs it (bin/quadletman in a child process, a fresh data folder): the secret only
 * from stdin and never shown or audited, the exit codes, and a test delivered to a local HTTP receiver.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../core/notify/sign.js';
import { openStore } from '../../store/index.js';

const ROOT = resolve(__dirname, '../../../../..');
const BIN = join(ROOT, 'bin/quadletman');
const SECRET = 'cli-test-secret-0123456789';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-notify-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], input = '') =>
  spawnSync(BIN, ['--data-dir', dir, 'notify', ...args], { encoding: 'utf8', cwd: ROOT, input });

/** Runs without blocking this process (the receiver below answers from it). */
const runAsync = (args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(BIN, ['--data-dir', dir, 'notify', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (status) => done({ status, stdout, stderr }));
  });

describe('quadletman notify', () => {
  it('adds a webhook with its secret from stdin only; list and the audit log never show it', () => {
    const noSecret = run(['add', 'ops', '--kind', 'webhook', '--url', 'https://hooks.example.test/q']);
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr).toBe("quadletman: give the webhook's secret on stdin with --secret-stdin\n");
    const onArgv = run(['add', 'ops', '--kind', 'webhook', '--secret', SECRET]);
    expect(onArgv.status).toBe(2);

    const add = run(
      [
        'add',
        'ops',
        '--kind',
        'webhook',
        '--url',
        'https://hooks.example.test/q',
        '--secret-stdin',
        '--events',
        'unit-failed,apply-refused',
      ],
      `${SECRET}\n`,
    );
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    expect(add.stdout).toBe('Added the webhook channel ops.\n');
    const list = run(['list']);
    expect(list.stdout).toMatch(
      /^NAME +KIND +SCOPE +EVENTS +ENABLED +SECRET +TARGET\nops +webhook +\* +unit-failed,apply-refused +yes +set +https:\/\/hooks\.example\.test\/q\n$/,
    );
    const json = run(['list', '--format', 'json']);
    expect(JSON.parse(json.stdout)[0]).toMatchObject({ name: 'ops', secretSet: true });
    expect(json.stdout + list.stdout + add.stdout).not.toContain(SECRET);

    expect(run(['disable', 'ops']).status).toBe(0);
    expect(run(['list']).stdout).toMatch(/ no +set /);

    const store = openStore({ dataDir: dir });
    try {
      const audit = store.audit.list();
      // newest first
      expect(audit.map((a) => [a.action, a.result])).toEqual([
        ['notify.channel.update', 'ok'],
        ['notify.channel.create', 'ok'],
      ]);
      expect(JSON.stringify(audit)).not.toContain(SECRET);
    } finally {
      store.close();
    }
  });

  it('exit 2 naming the option for bad input, 3 for an unknown channel, 4 for a taken name', () => {
    const cred = run(['add', 'n', '--kind', 'ntfy', '--url', 'https://me:pw@ntfy.example.test/t']);
    expect(cred.status).toBe(2);
    expect(cred.stderr).toMatch(/^quadletman: --url must not carry a user name or password .* token field\n$/);
    const mail = run(['add', 'm', '--kind', 'email', '--from', 'qm@example.test', '--to', 'Ops <ops@example.test>']);
    expect(mail.status).toBe(2);
    expect(mail.stderr).toMatch(/^quadletman: --to \(0\) must be a plain address/);
    expect(run(['add', 'n', '--kind', 'ntfy', '--url', 'https://ntfy.example.test/t']).status).toBe(0);
    expect(run(['add', 'n', '--kind', 'ntfy', '--url', 'https://ntfy.example.test/t']).status).toBe(4);
    const gone = run(['remove', 'nope']);
    expect(gone.status).toBe(3);
    expect(gone.stderr).toBe(
      "quadletman: There is no notification channel 'nope'. `quadletman notify list` shows them.\n",
    );
    expect(run(['test', 'nope']).status).toBe(3);
    expect(run(['log', '--status', 'lost']).status).toBe(2);
    expect(run(['remove', 'n']).status).toBe(0);
    expect(run(['list']).stdout).toBe('(no notification channels)\n');
  });

  describe('test and log against a local receiver', () => {
    let server: Server;
    let got: { headers: IncomingHttpHeaders; body: string }[];
    let status: number;
    beforeEach(async () => {
      got = [];
      status = 204;
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          got.push({ headers: req.headers, body });
          res.writeHead(status).end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    });
    afterEach(async () => {
      await new Promise((r) => server.close(r));
    });

    it('delivers a signed test (exit 0), a 404 exits 1, and the log shows both', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      expect(run(['add', 'ops', '--kind', 'webhook', '--url', url, '--secret-stdin'], SECRET).status).toBe(0);
      const ok = await runAsync(['test', 'ops']);
      expect(ok).toMatchObject({ status: 0, stdout: 'Delivered a test to ops.\n' });
      const h = got[0]!.headers;
      expect(
        verifySignature(SECRET, String(h['x-quadletman-timestamp']), got[0]!.body, String(h['x-quadletman-signature'])),
      ).toBe(true);
      status = 404;
      const bad = await runAsync(['test', 'ops']);
      expect(bad).toMatchObject({ status: 1, stdout: 'The test to ops failed: HTTP 404\n' });
      const log = run(['log', '--format', 'json']);
      expect(JSON.parse(log.stdout).map((d: { status: string; eventKind: string }) => [d.eventKind, d.status])).toEqual(
        [
          ['test', 'failed'],
          ['test', 'delivered'],
        ],
      );
      expect(run(['log']).stdout).toMatch(/ ops +test +- +failed +1 +HTTP 404\n/);
    });
  });
});
