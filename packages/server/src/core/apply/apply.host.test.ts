// Real host integration test of the apply engine (runs inside the sandbox host as root): a compartment's
// stack — web + db containers, the default network, a managed host volume — rendered from a spec, applied,
// served over HTTP; an image that is not there is refused before anything stops; then an apply whose container
// cannot start is rolled back and the previous stack answers again; then a removed unit is stopped and its file
// removed; the compartment is deleted at the end.

import * as fsp from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileApplyLocks, HostCompartment } from '../../host/compartment-host.js';
import { createHostAdapters, importBusyboxImage } from '../../host/index.js';
import type { CompartmentSession } from '../../host/session.js';
import { parseCompartmentId } from '../ids.js';
import { render } from '../render.js';
import { parseSpecText } from '../spec.js';
import { ApplyEngine, type ApplyTarget } from './engine.js';
import { FakeStore } from './fakes.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const h = createHostAdapters();
const ID = parseCompartmentId('qmt-apply');
const PORT = 18_121;
const VOLUMES = '/var/lib/quadletman/volumes';

const HTTPD = '[busybox, httpd, -f, -p, "8080", -h, /www]';
const spec = (webImage: string, extraUnits = '', webExec = HTTPD) => `
compartment: ${ID}
units:
  web.container:
    container:
      image: ${webImage}
      exec: ${webExec}
      publishPort: ["127.0.0.1:${PORT}:8080"]
      volume: ["data:/data"]
    service: { SuccessExitStatus: "143" }
  db.container:
    container:
      image: localhost/busybox:latest
      exec: [sleep, infinity]
    service: { SuccessExitStatus: "143" }
${extraUnits}
volumes:
  data: {}
probes:
  - { name: web, type: http, port: ${PORT}, path: /, expectStatus: 200, timeoutMs: 2000 }
`;

function targetOf(text: string): ApplyTarget {
  const state = parseSpecText(text, 'test spec');
  const r = render(state, { volumesRoot: VOLUMES });
  return {
    compartment: ID,
    files: { files: r.files, modes: r.modes },
    hostVolumes: r.hostVolumes,
    probes: state.probes,
    podmanVersion: state.podmanVersion,
  };
}

async function fetchText(url: string): Promise<string> {
  const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return r.text();
}

describe.skipIf(!onHost)('apply engine on a real host', () => {
  let session: CompartmentSession;
  const store = new FakeStore();
  const engine = () =>
    new ApplyEngine(
      async () => new HostCompartment(session, h),
      store,
      new FileApplyLocks('/run/quadletman-test/locks'),
      {
        settleMs: 1_000,
        verifyTimeoutMs: 15_000,
      },
    );

  beforeAll(async () => {
    await h.users.delete(ID).catch(() => undefined);
    await h.users.create(ID);
    session = await h.users.sessionFor(ID);
    await importBusyboxImage(h.exec, h.podman, session);
  });

  afterAll(async () => {
    await h.users.delete(ID).catch(() => undefined);
    await fsp.rm(`${VOLUMES}/${ID}`, { recursive: true, force: true });
  });

  it('applies a stack from scratch and serves it', async () => {
    const t0 = Date.now();
    const r = await engine().apply(targetOf(spec('localhost/busybox:latest')), { actor: 'test' });
    expect(r.message).toBe('Revision 1 applied.');
    expect(r.outcome).toBe('applied');
    console.log(`apply from scratch: ${Date.now() - t0} ms`);
    expect(await fetchText(`http://127.0.0.1:${PORT}/`)).toContain('hello from busybox');
    const st = await fsp.stat(`${VOLUMES}/${ID}/data`);
    expect(st.uid).toBe(session.uid);
  });

  it('does nothing when nothing changed', async () => {
    const t0 = Date.now();
    const r = await engine().apply(targetOf(spec('localhost/busybox:latest')), { actor: 'test' });
    expect(r.outcome).toBe('noop');
    console.log(`no-op apply: ${Date.now() - t0} ms`);
  });

  it('refuses an image that is not there and comes from no registry, and changes nothing', async () => {
    const before = await new HostCompartment(session, h).readManaged();
    const r = await engine().apply(targetOf(spec('localhost/busybox:does-not-exist')), { actor: 'test' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain(
      "localhost/busybox:does-not-exist cannot be pulled: it is not in the compartment's image",
    );
    expect((await new HostCompartment(session, h).readManaged()).files).toEqual(before.files);
    expect(await fetchText(`http://127.0.0.1:${PORT}/`)).toContain('hello from busybox');
  });

  it('rolls back a container that cannot start; the previous stack answers again', async () => {
    const before = await new HostCompartment(session, h).readManaged();
    const r = await engine().apply(targetOf(spec('localhost/busybox:latest', '', '[busybox, "false"]')), {
      actor: 'test',
    });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toMatch(/web\.service/);
    const after = await new HostCompartment(session, h).readManaged();
    expect(after.files).toEqual(before.files);
    expect(await fetchText(`http://127.0.0.1:${PORT}/`)).toContain('hello from busybox');
    expect(store.revisions.map((x) => [x.number, x.result])).toEqual([
      [1, 'applied'],
      [2, 'refused'],
      [3, 'rolled-back'],
    ]);
  });

  it("says why a container failed with the program's own words, not systemd's bookkeeping", async () => {
    const r = await engine().apply(targetOf(spec('localhost/busybox:latest', '', '[busybox, httpd, -f, --bogus]')), {
      actor: 'test',
    });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toMatch(/web\.service: .*unrecognized option.*bogus/);
    expect(r.message).not.toMatch(/Killing process|Main process exited|Failed with result/);
    expect(await fetchText(`http://127.0.0.1:${PORT}/`)).toContain('hello from busybox');
  });

  it('refuses a set the generator rejects and changes nothing', async () => {
    const extra = `  broken.container:\n    text: "[Container]\\nImage=localhost/busybox:latest\\nNetwork=nowhere.network\\n"\n`;
    const r = await engine().apply(targetOf(spec('localhost/busybox:latest', extra)), { actor: 'test' });
    expect(r.outcome).toBe('refused');
    const files = (await new HostCompartment(session, h).readManaged()).files;
    expect([...files.keys()].some((p) => p.endsWith('broken.container'))).toBe(false);
  });

  it('stops a unit that the new set no longer has and removes its file', async () => {
    const extra = `  side.container:\n    container: { image: localhost/busybox:latest, exec: [sleep, infinity] }\n    service: { SuccessExitStatus: "143" }\n`;
    expect((await engine().apply(targetOf(spec('localhost/busybox:latest', extra)), { actor: 'test' })).outcome).toBe(
      'applied',
    );
    expect(await h.systemd.isActive(session, 'side.service' as never)).toBe(true);
    const r = await engine().apply(targetOf(spec('localhost/busybox:latest')), { actor: 'test' });
    expect(r.outcome).toBe('applied');
    expect(await h.systemd.isActive(session, 'side.service' as never)).toBe(false);
    const files = (await new HostCompartment(session, h).readManaged()).files;
    expect([...files.keys()].some((p) => p.endsWith('side.container'))).toBe(false);
  });
});
