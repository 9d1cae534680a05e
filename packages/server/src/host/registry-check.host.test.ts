// Real host test of update checks without pulling (runs inside the sandbox host as root, against the sandbox's own
// registry: TLS from the sandbox's CA in /etc/containers/certs.d, htpasswd Basic auth; scripts/sandbox/registry.sh).
// The registry agent runs as a compartment user with that user's login: without one the check is unauthorized;
// with it a pulled tag is up to date; after the registry's tag is moved to other content (skopeo, as root, on a tag
// of this run's own) the check sees an update against the image still stored; a tag the registry lacks is not found.
// Changes in the sandbox: a compartment user (removed afterwards) and one tag `stable-<random>` in the registry.

import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCompartmentId } from '../core/ids.js';
import { imageServes, parseImagesJson } from '../core/images/inventory.js';
import { type RegistryCheckResult, updateStatus } from '../core/images/update-check.js';
import { createHostAdapters } from './index.js';
import { type RegistryAccount, registryAccount } from './registry.test-support.js';
import { RegistryCheck } from './registry-check.js';
import { type CompartmentSession, userPodman } from './session.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const h = createHostAdapters();
const ID = parseCompartmentId('qmt-regcheck');
const registryCheck = new RegistryCheck(h.exec);

describe.skipIf(!onHost)('update checks against a real registry, without pulling', () => {
  let session: CompartmentSession;
  let account: RegistryAccount;
  let rootAuth: string;
  const tag = `stable-${randomBytes(4).toString('hex')}`;
  const image = (t: string) => `${account.registry}/demo/web:${t}`;

  /** The compartment's stored image that `ref` names, as `podman images --format json` lists it. */
  async function stored(ref: string) {
    const r = await h.exec.run(userPodman(session, ['images', '--format', 'json']));
    return parseImagesJson(r.stdout).find((i) => imageServes(ref, i));
  }

  async function pull(ref: string): Promise<void> {
    const st = h.podman.pull(session, ref);
    for await (const _ of st.lines);
    const end = await st.done;
    expect(end, end.stderr).toMatchObject({ code: 0 });
  }

  /** `skopeo copy` as root, the login in a root-only authfile (never in argv); the manifest is copied as it is. */
  async function copyTag(from: string, to: string): Promise<void> {
    await h.exec.run(
      ['skopeo', 'copy', '--quiet', '--preserve-digests', '--authfile', rootAuth, `docker://${from}`, `docker://${to}`],
      { timeoutMs: 120_000 },
    );
  }

  const checkOne = async (ref: string): Promise<RegistryCheckResult> => {
    const [r] = await registryCheck.check(session, [ref]);
    expect(JSON.stringify(r)).not.toContain(account.password);
    return r!;
  };

  beforeAll(async () => {
    account = await registryAccount();
    expect(account.registry).toBe('registry.sandbox.test:5000');
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-regcheck-'));
    rootAuth = path.join(dir, 'auth.json');
    const auth = Buffer.from(`${account.user}:${account.password}`).toString('base64');
    await fsp.writeFile(rootAuth, JSON.stringify({ auths: { [account.registry]: { auth } } }), { mode: 0o600 });
    await h.users.delete(ID).catch(() => undefined);
    await h.users.create(ID);
    session = await h.users.sessionFor(ID);
  });

  afterAll(async () => {
    await h.users.delete(ID).catch(() => undefined);
    if (rootAuth) await fsp.rm(path.dirname(rootAuth), { recursive: true, force: true });
  });

  it('without a login, the check is unauthorized and says how to log in', async () => {
    const r = await checkOne(image('v1'));
    expect(r).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(r.ok === false && r.message).toContain(`podman login ${account.registry}`);
  });

  it('with the login, a pulled tag is up to date', async () => {
    await h.podman.login(session, account.registry, account.user, account.password);
    await pull(image('v1'));
    const r = await checkOne(image('v1'));
    expect(r).toMatchObject({ ok: true });
    const local = await stored(image('v1'));
    expect(local).toBeDefined();
    const u = updateStatus(r, local);
    expect(u.status).toBe('up-to-date');
    expect(u.localDigests).toContain(u.remoteDigest);
  });

  it('sees an update when the tag moves to other content, the stored image unchanged', async () => {
    await copyTag(image('v1'), image(tag));
    await pull(image(tag));
    const local = await stored(image(tag));
    expect(updateStatus(await checkOne(image(tag)), local).status).toBe('up-to-date');

    await copyTag(image('v2'), image(tag));
    const [moved, v2] = await registryCheck.check(session, [image(tag), image('v2')]);
    expect(moved).toMatchObject({ ok: true });
    expect(v2).toMatchObject({ ok: true });
    const u = updateStatus(moved!, await stored(image(tag)));
    expect(u.status).toBe('update-available');
    expect(u.remoteDigest).toBe(v2!.ok ? v2!.digest : 'no digest for v2');
    expect(u.localDigests).not.toContain(u.remoteDigest);
  });

  it('a tag the registry does not have is not found', async () => {
    const r = await checkOne(image(`missing-${tag}`));
    expect(r).toMatchObject({ ok: false, code: 'not-found' });
    expect(updateStatus(r, undefined).status).toBe('unknown');
  });
});
