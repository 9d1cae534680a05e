// Real host test of the app catalog (inside the sandbox host, as root): Radicale, installed from the catalog
// quadletman ships. Its image is built on the host by the entry's `.build` unit from Debian's `radicale` package,
// on the sandbox registry's minbase Debian (scripts/sandbox/registry.sh debian; a build needs only Debian's
// archive). The install makes the compartment, its password secret (shown once) and applies; the server then
// answers a CalDAV PROPFIND for the user with that password (207) and refuses a wrong one (401). Installing the
// same entry again with --upgrade keeps the secret and changes nothing.
// Changes on the machine: creates and deletes the compartment `qmt-radicale` and a data folder; pushes
// library/debian:trixie to the sandbox registry when it is not there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp, REPO } from '../../cli/host-test-support.js';
import { type RegistryAccount, registryAccount } from '../../host/registry.test-support.js';
import { parseCompartmentId } from '../ids.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-radicale');
const DATA = '/var/lib/quadletman-test-catalog';
const PORT = 18_532;

async function propfind(user: string, password: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${PORT}/${user}/`, {
    method: 'PROPFIND',
    headers: {
      Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      Depth: '0',
      'Content-Type': 'application/xml',
    },
    body: '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>',
  });
  return { status: res.status, body: await res.text() };
}

describe.skipIf(!onHost)('a catalog app for real: Radicale built from Debian', () => {
  let app: AppContext;
  let account: RegistryAccount;
  beforeAll(async () => {
    app = await openHostTestApp(DATA, ID);
    // the Debian base the build starts FROM, in the sandbox registry (a minute, once per sandbox)
    await app.host.exec.run(['sh', `${REPO}/scripts/sandbox/registry.sh`, 'debian'], { timeoutMs: 300_000 });
    account = await registryAccount();
    await app.resources.login(ID, account.registry, account.user, account.password);
  }, 360_000);
  afterAll(async () => {
    await closeHostTestApp(app, ID, DATA);
  });

  it('installs from the catalog, builds from Debian, and answers CalDAV for the generated password', async () => {
    const t0 = Date.now();
    const made = await app.catalog.install(
      'radicale',
      ID,
      { port: String(PORT), base_image: `${account.registry}/library/debian:trixie` },
      { apply: { actor: 'test' } },
    );
    console.log(`radicale install (build + start): ${Date.now() - t0} ms; ${made.apply?.message}`);
    if (made.apply?.outcome !== 'applied') {
      const uid = (await app.host.users.sessionFor(ID)).uid;
      const j = await app.host.exec.run(['journalctl', `_UID=${uid}`, '-n', '60', '--no-pager', '-o', 'cat'], {
        timeoutMs: 30_000,
      });
      console.log(j.stdout);
    }
    expect(made.apply?.outcome, made.apply?.message).toBe('applied');
    expect(made.secrets).toEqual({ made: ['radicale-password'], kept: [] });
    const password = made.values.find((v) => v.name === 'password')!.value;
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(app.templates.installed(ID)).toMatchObject({ origin: 'catalog', name: 'radicale', version: '1.0.0' });

    let r = { status: 0, body: '' };
    for (let i = 0; i < 50 && r.status !== 207; i++) {
      r = await propfind('admin', password).catch(() => ({ status: 0, body: '' }));
      if (r.status !== 207) await new Promise((res) => setTimeout(res, 200));
    }
    expect(r.status, r.body).toBe(207);
    expect(r.body).toContain('multistatus');
    expect(r.body).toContain('/admin/');
    expect((await propfind('admin', 'wrong-password')).status).toBe(401);
  }, 420_000);

  it('installs the same version again as an upgrade: the secret is kept, nothing changes', async () => {
    const again = await app.catalog.install('radicale', ID, {}, { apply: { actor: 'test' }, upgrade: true });
    expect(again.secrets).toEqual({ made: [], kept: ['radicale-password'] });
    expect(again.apply?.outcome).toBe('noop');
  }, 120_000);
});
