// The race suite (sandbox host, as root): a compartment user attacks every folder quadletman works in, and no
// root privilege may leak. A racer running AS the compartment user (racer.cjs) swaps each folder of its home's
// managed trees, the dry-run staging and its volume folders' content for a symlink to a root-only canary tree
// and back, as fast as it can, while an operator and an admin drive the API: applies with nested config files
// that change every time, plans, explains (the generator's staging), volume deletes and compartment deletes.
// Afterwards the canary must be byte-, owner-, mode- and atime-identical (an atime is bumped by any read or
// listing: the canary is a tmpfs mounted `strictatime`), nothing new may be in it, and no API answer may hold
// its marker.
//
// Operations are counted where quadletman touches the attacked trees: every file it writes, reads, removes or
// stages through the compartment user's file agent, and every volume folder it makes or removes. The suite
// prints `TARGET race_operations N` and `TARGET race_escapes N`. QUADLETMAN_RACE_OPS sets the goal (10,000).
import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, createApp } from '../app.js';
import { makeDataDir } from '../cli/host-test-support.js';
import { parseCompartmentId } from '../core/ids.js';
import { type Exec, hostExec, type LineStream } from '../host/exec.js';
import { asUser } from '../host/session.js';
import { FILE_AGENT } from '../host/user-files.js';
import { type LoggedIn, loginAs } from '../http/auth/test-support.js';
import { buildServer } from '../http/server.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const GOAL = Number(process.env.QUADLETMAN_RACE_OPS || 10_000);
const ID = parseCompartmentId('qmt-race');
const MARKER = `QM-CANARY-${randomBytes(8).toString('hex')}`;
const RACER = path.join(import.meta.dirname, 'racer.cjs');

interface Entry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  link?: string;
  sha256?: string;
}

async function statOf(abs: string): Promise<Entry> {
  const st = await fsp.lstat(abs, { bigint: true });
  const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
  return {
    type,
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: Number(st.size),
    atimeNs: st.atimeNs,
    mtimeNs: st.mtimeNs,
  };
}

/** Every entry below `dir` (this lists folders, which bumps their atimes). */
async function walkTree(dir: string): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  const walk = async (rel: string): Promise<void> => {
    const abs = path.join(dir, rel);
    const e = await statOf(abs);
    out.set(rel || '.', e);
    if (e.type === 'dir') for (const name of (await fsp.readdir(abs)).sort()) await walk(rel ? `${rel}/${name}` : name);
  };
  await walk('');
  return out;
}

/** lstat of known entries only: reads and lists nothing, so no atime moves. */
async function statAll(dir: string, rels: Iterable<string>): Promise<Map<string, Entry | undefined>> {
  const out = new Map<string, Entry | undefined>();
  for (const rel of rels) out.set(rel, await statOf(path.join(dir, rel)).catch(() => undefined));
  return out;
}

/** Content and link targets (this reads: only after the atimes were compared). */
async function content(dir: string, meta: Map<string, Entry>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [rel, e] of meta) {
    const abs = path.join(dir, rel);
    if (e.type === 'file')
      out.set(
        rel,
        createHash('sha256')
          .update(await fsp.readFile(abs))
          .digest('hex'),
      );
    if (e.type === 'symlink') out.set(rel, await fsp.readlink(abs));
  }
  return out;
}

/** An Exec that counts the operations quadletman does in the attacked trees, then runs the command. */
class CountingExec implements Exec {
  ops = 0;
  byOp = new Map<string, number>();
  private add(kind: string, n = 1): void {
    this.ops += n;
    this.byOp.set(kind, (this.byOp.get(kind) ?? 0) + n);
  }
  async run(argv: readonly string[], options: Parameters<Exec['run']>[1] = {}) {
    const agent = argv.includes(FILE_AGENT);
    const r = await hostExec.run(argv, options);
    if (agent) {
      const ops = (JSON.parse(String(options.input)) as { ops: { op: string; files?: object }[] }).ops;
      const results = (JSON.parse(r.stdout) as { results: { ok: boolean; files?: unknown[] }[] }).results;
      ops.forEach((op, i) => {
        if (results[i]?.ok === false && (results[i] as { code?: string }).code === 'SKIPPED') return;
        // a tree read counts each file it opened; a dry run each file it staged and the generator's run
        const n =
          op.op === 'read-tree'
            ? Math.max(1, results[i]?.files?.length ?? 0)
            : op.op === 'dry-run'
              ? Object.keys(op.files ?? {}).length + 1
              : 1;
        this.add(op.op, n);
      });
    } else if (argv.includes('unshare') && argv.includes('-delete')) this.add('volume-remove');
    return r;
  }
  stream(argv: readonly string[], options?: Parameters<Exec['stream']>[1]): LineStream {
    return hostExec.stream(argv, options);
  }
}

const FILES = 24;
/** A spec whose config files, nested three deep, all change with `round`; with a `scratch` volume or without. */
function spec(round: number, scratch: boolean) {
  const files: Record<string, { content: string; mode?: string }> = {};
  for (let i = 0; i < FILES; i++) {
    files[`conf/d${i % 4}/sub${i % 3}/f${i}.env`] = {
      content: `ROUND=${round}\nI=${i}\n`,
      mode: i % 2 ? '0600' : '0644',
    };
  }
  return {
    compartment: ID,
    files,
    volumes: scratch ? { data: {}, scratch: {} } : { data: {} },
  };
}

describe.skipIf(!onHost)('race suite: a compartment user swaps folders for symlinks under quadletman', () => {
  let dataDir: string;
  let canary: string;
  let app: AppContext;
  let server: FastifyInstance;
  let exec: CountingExec;
  let admin: LoggedIn;
  let before: Map<string, Entry>;
  let strict = false;

  beforeAll(async () => {
    dataDir = await makeDataDir('qm-race');
    canary = await fsp.mkdtemp('/var/lib/qm-race-canary-');
    // strictatime: every read or listing bumps an atime, however recent the last one
    strict = await hostExec
      .run(['mount', '-t', 'tmpfs', '-o', 'mode=0700,strictatime,size=8m', 'qm-race-canary', canary])
      .then(
        () => true,
        () => false,
      );
    await fsp.chmod(canary, 0o700);
    // what a root process must never read or write: root-only files and folders named like the attacked ones
    for (const d of ['conf/d0/sub0', 'files', 'systemd', 'dryrun-1-x', 'scratch/deep']) {
      await fsp.mkdir(path.join(canary, d), { recursive: true, mode: 0o700 });
    }
    for (const f of ['secret.env', 'conf/d0/sub0/f0.env', 'files/web.env', 'scratch/deep/keep', 'dryrun-1-x/a']) {
      await fsp.writeFile(path.join(canary, f), `${MARKER} ${f}\n`, { mode: 0o600 });
    }
    await fsp.symlink('/etc/shadow', path.join(canary, 'link'));
    // atimes well behind mtimes, so that even relatime would bump them on a read (when strictatime is missing);
    // set after the walk that listed the folders, and read back by lstat alone
    const tree = await walkTree(canary);
    for (const [rel, e] of tree) {
      if (e.type === 'symlink') continue;
      const m = Number(e.mtimeNs / 1_000_000n) / 1000;
      await fsp.utimes(path.join(canary, rel), m - 3600, m);
    }
    before = new Map([...(await statAll(canary, tree.keys()))].map(([k, v]) => [k, v!]));
    exec = new CountingExec();
    app = createApp({
      dataDir,
      volumesRoot: `${dataDir}/volumes`,
      locksDir: `${dataDir}/locks`,
      host: { exec, homeBase: `${dataDir}/home` },
      engine: { settleMs: 200, verifyTimeoutMs: 10_000 },
    });
    await app.host.users.delete(ID).catch(() => undefined);
    server = await buildServer(app, { rateLimit: false });
    admin = loginAs(server, 'admin');
  }, 300_000);

  afterAll(async () => {
    await app?.compartments.delete(ID, { volumes: true }).catch(() => undefined);
    await app?.host.users.delete(ID).catch(() => undefined);
    await server?.close();
    app?.close();
    if (strict) await hostExec.run(['umount', canary]).catch(() => undefined);
    await fsp.rm(canary, { recursive: true, force: true }).catch(() => undefined);
    await fsp.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  });

  it(`keeps the canary untouched through ${GOAL} operations under attack`, async () => {
    const answers: string[] = [];
    const requests = new Map<string, number>();
    const outcomes = new Map<string, number>();
    const call = async (label: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => {
      const res = await server.inject({ method, url, headers: admin.headers, ...(payload ? { payload } : {}) });
      answers.push(res.body);
      requests.set(label, (requests.get(label) ?? 0) + 1);
      const outcome = `${label} ${res.statusCode}${res.statusCode === 200 && label === 'apply' ? ` ${res.json().outcome}` : ''}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      return res;
    };

    const home = `${dataDir}/home/qm-${ID}`;
    const volumes = `${dataDir}/volumes/${ID}`;
    const roots = [
      `${home}/.config/containers/systemd`,
      `${home}/.config/quadletman/files`,
      `${home}/.config/systemd/user`,
      `${home}/.cache/quadletman`,
      `${volumes}/data`,
      `${volumes}/scratch`,
    ];
    let racer: LineStream | undefined;
    let reading: Promise<void> = Promise.resolve();
    let swaps = 0;
    let lastSwaps = 0;
    const startRacer = async () => {
      const session = await app.host.users.sessionFor(ID);
      racer = hostExec.stream(asUser(session, [process.execPath, RACER, canary, ...roots]));
      const r = racer;
      // it reports as it goes: it may die by SIGKILL with its user when the compartment is deleted
      reading = (async () => {
        for await (const l of r.lines) lastSwaps = Number(JSON.parse(l).swaps ?? lastSwaps);
      })();
    };
    const stopRacer = async () => {
      if (!racer) return;
      const r = racer;
      racer = undefined;
      await r.stop();
      await reading;
      swaps += lastSwaps;
      lastSwaps = 0;
    };
    /** The content the compartment user gives its volume: folders the racer can swap, files to delete. */
    const fillScratch = async () => {
      const session = await app.host.users.sessionFor(ID);
      await hostExec.run(asUser(session, ['mkdir', '-p', `${volumes}/scratch/deep/a/b`, `${volumes}/data/deep/x`]), {
        expectCodes: [0, 1],
      });
      await hostExec.run(asUser(session, ['touch', `${volumes}/scratch/deep/a/b/keep`, `${volumes}/data/deep/x/y`]), {
        expectCodes: [0, 1],
      });
    };

    let round = 0;
    let cycles = 0;
    const t0 = Date.now();
    while (exec.ops < GOAL) {
      // a new compartment (the second time on: after a delete), under attack from its first apply on
      expect((await call('create', 'POST', '/api/compartments', { id: ID })).statusCode).toBe(201);
      await call('apply', 'POST', `/api/compartments/${ID}/apply`, { spec: spec(round++, true) });
      await startRacer();
      for (let i = 0; i < 12 && exec.ops < GOAL; i++) {
        await fillScratch();
        await call('apply', 'POST', `/api/compartments/${ID}/apply`, { spec: spec(round++, true) });
        await call('plan', 'POST', `/api/compartments/${ID}/plan`, { spec: spec(round, i % 2 === 0) });
        await call('plan', 'GET', `/api/compartments/${ID}/plan`);
        await call('explain', 'POST', `/api/compartments/${ID}/explain`, {
          unit: 'web.container',
          files: {
            'web.container': `[Container]\nImage=localhost/busybox:latest\nNetwork=${ID}.network\nEnvironmentFile=%h/.config/quadletman/files/conf/d0/sub0/f0.env\n`,
            [`${ID}.network`]: '[Network]\n',
          },
        });
        if (i % 4 === 3) {
          // the volume leaves the desired state (an apply left in peace: under attack most applies fail), then its
          // folder and content go under attack, then it comes back
          await stopRacer();
          await call('apply', 'POST', `/api/compartments/${ID}/apply`, { spec: spec(round++, false) });
          await fillScratch();
          await startRacer();
          await call('volume-delete', 'DELETE', `/api/compartments/${ID}/volumes/scratch?kind=host`);
        }
      }
      await fillScratch();
      await call('delete', 'DELETE', `/api/compartments/${ID}?volumes=true`);
      await stopRacer(); // killed with its user already; this collects what it said
      cycles++;
      console.log(`cycle ${cycles}: ${exec.ops} operations after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    await stopRacer();

    // 1. no read and no listing: atimes first, by lstat alone, before anything here reads or lists the canary
    const escapes: string[] = [];
    for (const [rel, e] of await statAll(canary, before.keys())) {
      const b = before.get(rel)!;
      if (!e) {
        escapes.push(`gone from the canary: ${rel}`);
        continue;
      }
      for (const k of ['type', 'mode', 'uid', 'gid', 'size', 'mtimeNs', 'atimeNs'] as const) {
        if (b[k] !== e[k]) escapes.push(`${rel}: ${k === 'atimeNs' ? 'read or listed' : k} (${b[k]} -> ${e[k]})`);
      }
    }
    // 2. nothing new, the same bytes and link targets
    const after = await walkTree(canary);
    for (const rel of after.keys()) if (!before.has(rel)) escapes.push(`new in the canary: ${rel}`);
    const was = await content(canary, before);
    const now = await content(canary, after);
    for (const [rel, h] of was) if (now.get(rel) !== h) escapes.push(`${rel}: content changed`);
    // 3. no answer showed canary content
    const leaks = answers.filter((a) => a.includes(MARKER)).length;
    if (leaks > 0) escapes.push(`${leaks} API answers hold the canary's marker`);

    console.log(
      `${cycles} compartment lives, ${[...requests].map(([k, v]) => `${v} ${k}`).join(', ')}; ` +
        `${swaps} folder swaps by the racer; canary on ${strict ? 'a strictatime tmpfs' : 'the root file system (relatime)'}`,
    );
    console.log(`operations: ${[...exec.byOp].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`answers: ${[...outcomes].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
    console.log(`TARGET race_operations ${exec.ops}`);
    console.log(`TARGET race_escapes ${escapes.length}`);
    expect(escapes).toEqual([]);
    expect(swaps).toBeGreaterThan(1000);
    expect(exec.ops).toBeGreaterThanOrEqual(GOAL);
    // the attack must not have stopped everything: some applies went through
    expect([...outcomes.keys()].some((k) => k === 'apply 200 applied')).toBe(true);
  }, 1_800_000);
});
