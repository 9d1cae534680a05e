// Real host test of images from a registry (runs inside the sandbox host as root, against the sandbox's own
// registry: TLS from the sandbox's CA, htpasswd auth; scripts/sandbox/registry.sh). A compartment's login is
// refused with a wrong password and stores nothing; without a login the apply is refused before anything
// changes; with it, the app is pulled before anything stops and serves; a version the registry does not have is
// refused while the running version keeps serving; an apply to the next version serves it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileApplyLocks, HostCompartment } from '../../host/compartment-host.js';
import { createHostAdapters } from '../../host/index.js';
import { type RegistryAccount, registryAccount } from '../../host/registry.test-support.js';
import type { CompartmentSession } from '../../host/session.js';
import { InvalidError } from '../errors.js';
import { parseCompartmentId } from '../ids.js';
import { render } from '../render.js';
import { parseSpecText } from '../spec.js';
import { ApplyEngine, type ApplyTarget, type ProgressEvent } from './engine.js';
import { FakeStore } from './fakes.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const h = createHostAdapters();
const ID = parseCompartmentId('qmt-registry');
const PORT = 18_131;

function targetOf(image: string): ApplyTarget {
  const state = parseSpecText(
    `
compartment: ${ID}
units:
  web.container:
    container: { image: "${image}", publishPort: ["127.0.0.1:${PORT}:8080"] }
    service: { SuccessExitStatus: "143" }
probes:
  - { name: web, type: http, port: ${PORT}, path: /, expectStatus: 200, timeoutMs: 2000 }
`,
    'test spec',
  );
  const r = render(state, {});
  return {
    compartment: ID,
    files: { files: r.files, modes: r.modes },
    hostVolumes: r.hostVolumes,
    probes: state.probes,
    podmanVersion: state.podmanVersion,
  };
}

async function page(): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${PORT}/`, { signal: AbortSignal.timeout(3000) });
  return (await r.text()).trim();
}

describe.skipIf(!onHost)('images from a real registry', () => {
  let session: CompartmentSession;
  let account: RegistryAccount;
  const store = new FakeStore();
  const engine = new ApplyEngine(
    async () => new HostCompartment(session, h),
    store,
    new FileApplyLocks('/run/quadletman-test/locks'),
    { settleMs: 500, verifyTimeoutMs: 15_000 },
  );
  const image = (tag: string) => `${account.registry}/demo/web:${tag}`;

  beforeAll(async () => {
    account = await registryAccount();
    expect(account.registry).toBe('registry.sandbox.test:5000');
    await h.users.delete(ID).catch(() => undefined);
    await h.users.create(ID);
    session = await h.users.sessionFor(ID);
  });

  afterAll(async () => {
    await h.users.delete(ID).catch(() => undefined);
  });

  it('refuses a wrong password with the registry reason and stores no login', async () => {
    const err = await h.podman.login(session, account.registry, account.user, 'not-the-password').catch((e) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect(err.message).toBe(
      `The login of '${account.user}' to ${account.registry} failed: logging into "${account.registry}": invalid username/password`,
    );
    expect(err.message).not.toContain('not-the-password');
    expect(await h.podman.loginName(session, account.registry)).toBeUndefined();
  });

  it('refuses an apply whose image needs a login it does not have, before anything changes', async () => {
    const r = await engine.apply(targetOf(image('v1')), { actor: 'test' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain(`${image('v1')} cannot be pulled:`);
    expect(r.message).toContain('authentication required');
    expect((await new HostCompartment(session, h).readManaged()).files.size).toBe(0);
  });

  it('logs in and applies the app: pulled before anything starts, then serving', async () => {
    await h.podman.login(session, account.registry, account.user, account.password);
    expect(await h.podman.loginName(session, account.registry)).toBe(account.user);
    const events: ProgressEvent[] = [];
    const r = await engine.apply(targetOf(image('v1')), { actor: 'test', onProgress: (e) => events.push(e) });
    expect(r.message).toBe('Revision 2 applied.');
    const pull = events.filter((e) => e.step === 'pull');
    expect(pull.some((e) => e.message.startsWith(`${image('v1')}: 1 blob`))).toBe(true);
    expect(pull.at(-1)).toMatchObject({ status: 'ok', message: `Pulled ${image('v1')}` });
    const steps = events.map((e) => e.step);
    expect(steps.lastIndexOf('pull')).toBeLessThan(steps.indexOf('write'));
    expect(await page()).toBe('demo web v1');
    expect(await h.podman.imageExists(session, image('v1'))).toBe(true);
  });

  it('refuses a version the registry does not have; the running version keeps serving, nothing changed', async () => {
    const before = await new HostCompartment(session, h).readManaged();
    const events: ProgressEvent[] = [];
    const r = await engine.apply(targetOf(image('v9')), { actor: 'test', onProgress: (e) => events.push(e) });
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain(`${image('v9')} cannot be pulled:`);
    expect(r.message).toContain('manifest unknown');
    expect(events.some((e) => e.step === 'write')).toBe(false);
    expect((await new HostCompartment(session, h).readManaged()).files).toEqual(before.files);
    expect(await page()).toBe('demo web v1');
  });

  it('applies the next version: pulled first, then serving it', async () => {
    const r = await engine.apply(targetOf(image('v2')), { actor: 'test' });
    expect(r.outcome).toBe('applied');
    expect(await page()).toBe('demo web v2');
  });
});
