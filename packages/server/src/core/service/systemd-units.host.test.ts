// systemd's own units in a compartment, for real (runs inside the sandbox host as root):
// - the oracle: every `.socket`, `.service` and `.target` quadletman renders from a spec passes `systemd-analyze
//   verify` as the compartment's user, the broken ones the spec refuses are refused by systemd too, and on every
//   case of the linter's systemd fixtures (packages/quadlet/fixtures/systemd) systemd refuses exactly the files the
//   linter gives an error (or a missing activated unit), and logs ignored lines exactly where it warns;
// - an apply of a socket with an inetd-style service, a plain service and a target starts the socket, the service
//   and the target (the socket's service only on a connection), enables what has an [Install], and a connection
//   to the socket gets the service's answer; removing them stops and disables them.

import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp, REPO } from '../../cli/host-test-support.js';
import { asUser } from '../../host/session.js';
import { parseCompartmentId } from '../ids.js';
import { SYSTEMD_USER_DIR } from '../layout.js';
import { render } from '../render.js';
import { checkSpec, parseSpecText } from '../spec.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-sysunits');
const DATA = '/var/lib/quadletman-test-sysunits';
const PORT = 18_931;

/** The fixtures' codes for a unit `systemd-analyze verify` refuses (fixtures/systemd/README.md); a socket checks its
 * service at load time, a timer and a path unit only when they fire. */
const REFUSED = new Set([
  'missing-listen',
  'missing-exec-start',
  'missing-path-watch',
  'conflict-at-start',
  'bad-value',
  'masked-empty',
  'missing-socket-unit',
]);
/** Codes of a unit that loads, but whose activated unit is missing: no line of it is ignored either. */
const LOADS = new Set(['missing-timer-unit', 'missing-path-unit']);

const SPEC = `
compartment: ${ID}
units:
  hello.socket:
    socket: { listenStream: ["127.0.0.1:${PORT}"], accept: true }
    unit: { description: "Says hello on every connection" }
  hello@.service:
    service: { execStart: ["/usr/bin/echo hello-from-%i"], StandardOutput: socket }
  tick.service:
    service: { type: oneshot, remainAfterExit: true, execStart: ["/usr/bin/true"] }
    install: { wantedBy: [default.target] }
  stack.target:
    unit: { description: "The stack", wants: [tick.service] }
`;

/** What one connection to the socket reads. */
function readOnce(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(5000, () => s.destroy(new Error('timed out')));
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
  });
}

describe.skipIf(!onHost)("systemd's own units for real", () => {
  let app: AppContext;

  const systemctl = async (...args: string[]) => {
    const s = await app.host.users.sessionFor(ID);
    const r = await app.host.exec.run(asUser(s, ['systemctl', '--user', ...args]), {
      expectCodes: [0, 1, 3, 4],
      timeoutMs: 30_000,
    });
    return r.stdout.trim();
  };

  /** `systemd-analyze --user verify` of these files, as the compartment user, in a folder of their own. */
  async function verify(files: Record<string, string>, only?: string): Promise<{ code: number; out: string }> {
    const s = await app.host.users.sessionFor(ID);
    const dir = await fsp.mkdtemp(path.join('/tmp', 'qm-verify-'));
    try {
      for (const [name, text] of Object.entries(files)) {
        await fsp.mkdir(path.dirname(path.join(dir, name)), { recursive: true, mode: 0o755 });
        await fsp.writeFile(path.join(dir, name), text, { mode: 0o644 });
      }
      await fsp.chmod(dir, 0o755);
      const names = only ? [only] : Object.keys(files);
      const argv = ['systemd-analyze', '--user', '--man=no', 'verify', ...names.map((n) => path.join(dir, n))];
      const r = await app.host.exec.run(asUser(s, argv), { expectCodes: [0, 1], timeoutMs: 60_000 });
      return { code: r.code ?? -1, out: `${r.stdout}${r.stderr}` };
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  }

  beforeAll(async () => {
    app = await openHostTestApp(DATA, ID);
  }, 240_000);
  afterAll(async () => {
    await closeHostTestApp(app, ID, DATA);
  });

  it('systemd-analyze verify accepts every systemd unit quadletman renders', async () => {
    const rendered = render(parseSpecText(SPEC)).files;
    const units: Record<string, string> = {};
    for (const [p, text] of rendered) {
      if (p.startsWith(`${SYSTEMD_USER_DIR}/`) && /\.(socket|service|target)$/.test(p)) units[path.basename(p)] = text;
    }
    expect(Object.keys(units).sort()).toEqual(['hello.socket', 'hello@.service', 'stack.target', 'tick.service']);
    const { code, out } = await verify(units);
    expect(out).not.toMatch(/Unknown key|Unknown section|Failed to|refusing/i);
    expect(code, out).toBe(0);
  }, 120_000);

  it('what the spec refuses, systemd refuses too', async () => {
    // a socket whose service is missing
    const lone = { 'lone.socket': '[Socket]\nListenStream=127.0.0.1:18932\n' };
    expect(checkSpec({ compartment: ID, units: { 'lone.socket': { text: lone['lone.socket'] } } }).issues).toEqual([
      { path: 'units["lone.socket"]', message: expect.stringMatching(/activates lone\.service/) },
    ]);
    const v = await verify(lone);
    expect(v.out, v.out).toMatch(/lone\.service/);
    expect(v.code).not.toBe(0);
  }, 120_000);

  it('systemd-analyze verify agrees with the linter on every case of the systemd fixtures', async () => {
    const root = path.join(REPO, 'packages/quadlet/fixtures/systemd');
    const cases = (await fsp.readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(cases.length).toBeGreaterThan(20);
    const disagreements: string[] = [];
    let judged = 0;
    for (const name of cases.sort()) {
      const dir = path.join(root, name);
      const expected = JSON.parse(await fsp.readFile(path.join(dir, 'expect.json'), 'utf8')) as {
        files: Record<string, string[]>;
      };
      const all: Record<string, string> = {};
      for (const rel of Object.keys(expected.files)) all[rel] = await fsp.readFile(path.join(dir, rel), 'utf8');
      for (const [rel, codes] of Object.entries(expected.files)) {
        // drop-ins are judged through their unit; templates cannot be loaded by themselves
        if (rel.includes('/') || path.basename(rel).includes('@.')) continue;
        const v = await verify(all, rel);
        const refuses = codes.some((c) => REFUSED.has(c));
        const ignores = codes.some((c) => !REFUSED.has(c) && !LOADS.has(c));
        const saysRefused = v.code !== 0;
        const saysIgnored = v.out.split('\n').some((l) => l.includes(`${rel}:`) && /ignoring|Unknown/i.test(l));
        judged++;
        if (refuses !== saysRefused || (!refuses && ignores !== saysIgnored)) {
          disagreements.push(
            `${name}/${rel}: linter ${JSON.stringify(codes)}, systemd (exit ${v.code}): ${v.out.trim()}`,
          );
        }
      }
    }
    console.log(`systemd fixtures: ${judged} files judged, ${disagreements.length} disagreements`);
    expect(disagreements).toEqual([]);
  }, 300_000);

  it('an apply starts the socket, the service and the target, and a connection gets the answer', async () => {
    const r = await app.compartments.applyState(parseSpecText(SPEC), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    expect(r.plan.units.start).toEqual(expect.arrayContaining(['hello.socket', 'stack.target', 'tick.service']));
    expect(r.plan.units.start).not.toContain('hello@.service');
    expect(await systemctl('is-active', 'hello.socket', 'tick.service', 'stack.target')).toBe('active\nactive\nactive');
    expect(await systemctl('is-enabled', 'hello.socket', 'tick.service')).toBe('enabled\nenabled');
    expect(await readOnce(PORT)).toMatch(/^hello-from-/);
    expect(await readOnce(PORT)).toMatch(/^hello-from-/);
  }, 240_000);

  it('removing them stops and disables them', async () => {
    const r = await app.compartments.applyState(parseSpecText(`compartment: ${ID}\nunits: {}\n`), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    expect(r.plan.units.stop).toEqual(expect.arrayContaining(['hello.socket', 'stack.target', 'tick.service']));
    expect(await systemctl('is-active', 'hello.socket', 'tick.service')).toMatch(
      /^(inactive|unknown)\n(inactive|unknown)$/,
    );
    await expect(readOnce(PORT)).rejects.toThrow();
  }, 240_000);
});
