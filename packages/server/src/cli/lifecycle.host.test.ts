// A compartment's whole life through the CLI, as a user drives it (runs inside the sandbox host as root; every
// step is a `quadletman --data-dir DIR … --format json` child process): create → import the busybox image →
// apply a stack (web + db + default network + managed volume) → the page answers → an apply whose web image
// cannot start exits 1 as `rolled-back` and the previous version answers again → history shows both → a good
// change → `rollback ID 1` returns to revision 1's files → status/stop/start → `compartment delete --volumes`
// leaves no user, home, subuid/subgid line or volume folder behind. Twice: the CLI as root, and the CLI as the
// server's unprivileged user `quadletman` with the privileged helper (the installed layout: its data folder 0700 and
// its own, homes and volumes root's), so every step is proved through the helper as well.

import * as fsp from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevisionInfo, UnitInfo } from '../core/service/compartments.js';
import { asServerUser, startTestHelper, type TestHelper } from '../host/helper/helper-test-support.js';
import {
  cliJson,
  disposeBusybox,
  fetchPage,
  filesOnDisk,
  importBusybox,
  makeDataDir,
  pathExists,
  renderedFiles,
  runCli,
  snapshotCli,
  stackSpec,
} from './host-test-support.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const MODES = [
  { as: 'root', ID: 'qmt-life', PORT: 18_301 },
  { as: 'the server user with the helper', ID: 'qmt-life-u', PORT: 18_302 },
] as const;

/** The uid and gid of the server's user. */
async function serverIds(): Promise<[number, number]> {
  const line = (await fsp.readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith('quadletman:'));
  const f = line?.split(':') ?? [];
  return [Number(f[2]), Number(f[3])];
}

interface ApplyJson {
  outcome: string;
  revision: number | null;
  message: string;
  plan: { noop: boolean; units: { start: string[]; restart: string[]; stop: string[] } };
  units: { unit: string; activeState: string }[];
}

describe.skipIf(!onHost).each(MODES)('compartment lifecycle through the CLI as $as', ({ as, ID, PORT }) => {
  const URL = `http://127.0.0.1:${PORT}/`;
  const unprivileged = as !== 'root';
  let cli: string[];
  let disposeCli: () => Promise<void>;
  let helper: TestHelper | undefined;
  let data: string;
  let where: string | string[];
  let home: string;
  const specs: Record<string, string> = {};
  const timings: Record<string, number> = {};

  const spec = async (name: string, text: string): Promise<string> => {
    const file = `${data}/${name}.yaml`;
    await fsp.writeFile(file, text);
    specs[name] = text;
    return file;
  };
  const json = <T>(args: string[], code: number | null = 0) => cliJson<T>(cli, where, args, code);
  const units = async () => (await json<UnitInfo[]>(['status', ID])).json;
  const states = async () => Object.fromEntries((await units()).map((u) => [u.unit, u.status?.activeState]));

  beforeAll(async () => {
    ({ argv: cli, dispose: disposeCli } = await snapshotCli());
    data = await makeDataDir(`${ID}-cli`);
    home = `${data}/home/qm-${ID}`;
    where = data;
    if (unprivileged) {
      // the installed layout (cli/commands/install.ts): the server's data its own and 0700, homes and volumes root's
      where = ['--data-dir', `${data}/server`, '--homes-dir', `${data}/home`, '--volumes-dir', `${data}/volumes`];
      helper = await startTestHelper('qmt-life-helper', [...cli, ...where], `${data}/server`);
      await fsp.mkdir(`${data}/server`, { mode: 0o700 });
      await fsp.chown(`${data}/server`, ...(await serverIds()));
      cli = asServerUser(cli, helper.socket);
    }
  }, 120_000);

  afterAll(async () => {
    // leave nothing behind even when a step failed
    await runCli(cli, where, ['compartment', 'delete', ID, '--volumes']).catch(() => undefined);
    await helper?.stop();
    await fsp.rm(data, { recursive: true, force: true });
    await disposeCli();
    await disposeBusybox();
    console.log(`lifecycle timings as ${as} (ms):`, JSON.stringify(timings));
  });

  it('creates the compartment and imports the image for its user', async () => {
    const { json: c } = await json<{ id: string }>(['compartment', 'create', ID, '--description', 'lifecycle']);
    expect(c.id).toBe(ID);
    expect((await fsp.stat(home)).isDirectory()).toBe(true);
    expect(await fsp.readFile('/etc/subuid', 'utf8')).toMatch(new RegExp(`^qm-${ID}:`, 'm'));
    await importBusybox(data, ID);
    const { json: list } = await json<{ id: string }[]>(['compartment', 'list']);
    expect(list.map((x) => x.id)).toContain(ID);
  });

  it('applies the stack; the page answers', async () => {
    const file = await spec('v1', stackSpec({ id: ID, port: PORT }));
    const { json: r, run } = await json<ApplyJson>(['apply', '-f', file]);
    timings.applyFromScratch = Math.round(run.ms);
    expect(r.outcome).toBe('applied');
    expect(r.revision).toBe(1);
    expect(r.plan.units.start.sort()).toEqual(['db.service', `${ID}-network.service`, `${ID}.target`, 'web.service']);
    expect(await fetchPage(URL)).toContain('hello from busybox');
    // the rendered files are on disk, RunInit and SuccessExitStatus in them, the volume folder is the user's
    const onDisk = await filesOnDisk(home);
    expect(onDisk).toEqual(renderedFiles(specs.v1!, data));
    const web = onDisk.get('.config/containers/systemd/web.container')!;
    expect(web).toContain('RunInit=true');
    expect(web).toContain('SuccessExitStatus=143');
    expect(web).toContain(`Network=${ID}.network`);
    const vol = await fsp.stat(`${data}/volumes/${ID}/data`);
    expect(vol.uid).toBe((await fsp.stat(home)).uid);
    expect(Object.values(await states())).toEqual(['active', 'active', 'active']);
  });

  it('a second apply of the same spec changes nothing', async () => {
    const { json: r, run } = await json<ApplyJson>(['apply', '-f', `${data}/v1.yaml`]);
    timings.noopApply = Math.round(run.ms);
    expect(r.outcome).toBe('noop');
    expect(r.revision).toBeNull();
  });

  it('an image that is not there: apply exits 1, refused, nothing changed', async () => {
    const file = await spec('gone', stackSpec({ id: ID, port: PORT, webImage: 'localhost/busybox:nope' }));
    const { json: r } = await json<ApplyJson>(['apply', '-f', file], 1);
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain('localhost/busybox:nope cannot be pulled');
    expect(await filesOnDisk(home)).toEqual(renderedFiles(specs.v1!, data));
  });

  it('a container that cannot start: apply exits 1, rolled back, and the previous version answers again', async () => {
    const file = await spec('bad', stackSpec({ id: ID, port: PORT, webExec: '[busybox, "false"]' }));
    const { json: r, run } = await json<ApplyJson>(['apply', '-f', file], 1);
    timings.rolledBackApply = Math.round(run.ms);
    expect(r.outcome).toBe('rolled-back');
    expect(r.revision).toBe(3);
    expect(r.message).toMatch(/web\.service/);
    expect(await fetchPage(URL)).toContain('hello from busybox');
    expect(await filesOnDisk(home)).toEqual(renderedFiles(specs.v1!, data));
    expect(Object.values(await states())).toEqual(['active', 'active', 'active']);
    // the stored desired state is still v1: plan against it is empty
    const { json: p } = await json<{ plan: { noop: boolean } }>(['plan', ID]);
    expect(p.plan.noop).toBe(true);
  });

  it('history shows the three revisions', async () => {
    const { json: h } = await json<RevisionInfo[]>(['history', ID]);
    const rows = h.map((x) => [x.number, x.result]).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(rows).toEqual([
      [1, 'applied'],
      [2, 'refused'],
      [3, 'rolled-back'],
    ]);
  });

  it('a good change, then rollback to revision 1 brings revision 1 back', async () => {
    const file = await spec('v3', stackSpec({ id: ID, port: PORT, version: 'three' }));
    const { json: r3 } = await json<ApplyJson>(['apply', '-f', file]);
    expect(r3.outcome).toBe('applied');
    expect(r3.revision).toBe(4);
    expect(r3.plan.units.restart.sort()).toEqual(['db.service', 'web.service']);
    expect(await filesOnDisk(home)).toEqual(renderedFiles(specs.v3!, data));

    const { json: rb, run } = await json<ApplyJson>(['rollback', ID, '1']);
    timings.rollback = Math.round(run.ms);
    expect(rb.outcome).toBe('applied');
    expect(rb.revision).toBe(5);
    expect(await filesOnDisk(home)).toEqual(renderedFiles(specs.v1!, data));
    expect(await fetchPage(URL)).toContain('hello from busybox');
    const { json: h } = await json<RevisionInfo[]>(['history', ID]);
    expect(h.find((x) => x.number === 5)).toMatchObject({ result: 'applied', message: 'roll back to revision 1' });
  });

  it('status shows the units active; stop and start', async () => {
    expect(await states()).toEqual({
      [`${ID}-network.service`]: 'active',
      'db.service': 'active',
      'web.service': 'active',
    });
    const { json: stopped } = await json<UnitInfo[]>(['stop', ID]);
    for (const u of stopped) expect(u.status?.activeState, u.unit).toBe('inactive');
    await expect(fetch(URL, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    const { json: started } = await json<UnitInfo[]>(['start', ID]);
    for (const u of started) expect(u.status?.activeState, u.unit).toBe('active');
    expect(await fetchPage(URL)).toContain('hello from busybox');
    // one unit by its file name
    const { json: one } = await json<UnitInfo[]>(['restart', ID, 'web.container']);
    expect(one.map((u) => [u.unit, u.status?.activeState])).toEqual([['web.service', 'active']]);
    expect(await fetchPage(URL)).toContain('hello from busybox');
  });

  it("a key newer than the host's Podman is refused at lint time, naming the version; nothing changes", async () => {
    const text = stackSpec({ id: ID, port: PORT }).replace(
      'volume: ["data:/data"]',
      'volume: ["data:/data"]\n      Memory: 512m',
    );
    expect(text).toContain('Memory: 512m');
    const file = await spec('newer', text);
    const { json: r } = await json<ApplyJson & { podmanVersion: string | null }>(['apply', '-f', file], 1);
    const host = (await import('node:child_process')).execFileSync('podman', ['--version'], { encoding: 'utf8' });
    const version = /(\d+\.\d+)/.exec(host)![1]!;
    expect(r.outcome).toBe('refused');
    expect(r.podmanVersion).toBe(version);
    expect(r.message).toContain(
      `'Memory' needs Podman 5.5 or newer; the generator of Podman ${version} rejects the file`,
    );
    expect(await filesOnDisk(home)).toEqual(renderedFiles(specs.v1!, data));
  });

  it('compartment delete --volumes leaves no user, home, subid line or volume folder', async () => {
    const { json: d, run } = await json<{ deleted: string; volumes: boolean }>([
      'compartment',
      'delete',
      ID,
      '--volumes',
    ]);
    timings.delete = Math.round(run.ms);
    expect(d).toEqual({ deleted: ID, volumes: true });
    const user = `qm-${ID}`;
    expect(await fsp.readFile('/etc/passwd', 'utf8')).not.toMatch(new RegExp(`^${user}:`, 'm'));
    expect(await fsp.readFile('/etc/group', 'utf8')).not.toMatch(new RegExp(`^${user}:`, 'm'));
    expect(await fsp.readFile('/etc/subuid', 'utf8')).not.toMatch(new RegExp(`^${user}:`, 'm'));
    expect(await fsp.readFile('/etc/subgid', 'utf8')).not.toMatch(new RegExp(`^${user}:`, 'm'));
    expect(await pathExists(home)).toBe(false);
    expect(await pathExists(`${data}/volumes/${ID}`)).toBe(false);
    expect(await pathExists(`/var/lib/systemd/linger/${user}`)).toBe(false);
    await expect(fetch(URL, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    const { json: list } = await json<{ id: string }[]>(['compartment', 'list']);
    expect(list).toEqual([]);
    // and the CLI says so clearly afterwards
    const r = await runCli(cli, where, ['status', ID]);
    expect(r.code).toBe(3);
  });
});
