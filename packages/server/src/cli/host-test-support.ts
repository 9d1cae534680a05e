// What the CLI host tests (`cli/*.host.test.ts`) and the apply benchmark share: running the quadletman CLI as a
// child process, a private data folder, the busybox image for a compartment, the stack spec they apply, and
// reading a compartment's managed folders straight from disk; and, for the host tests of the services, the
// application over a data folder of its own. Test support only (runs in the sandbox host).
// Changes on the machine: creates and removes a data folder, copies the CLI bundle into .cache/, imports an
// image into a compartment's Podman storage.

import { execFileSync, spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppContext, type AppOptions, createApp } from '../app.js';
import { type CompartmentId, parseCompartmentId } from '../core/ids.js';
import { render } from '../core/render.js';
import { parseSpecText } from '../core/spec.js';
import { buildBusyboxRootfsTar } from '../host/busybox-image.js';
import { MANAGED_DIRS } from '../host/compartment-host.js';
import { createHostAdapters, type HostAdapters } from '../host/index.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The CLI, fixed for the whole test run. `bin/quadletman` rebuilds dist/cli when any source is newer, and other
 * people edit sources in this checkout while the tests run: a rebuild swaps dist/cli (the bundle and its
 * code caches) under a running process, and would test their half-finished work. So: run bin/quadletman once (it
 * builds the bundle when stale), then copy dist/cli into .cache/ (node_modules still resolves from there) and run
 * that copy with node, exactly as bin/quadletman runs dist/cli.
 */
export async function snapshotCli(): Promise<{ argv: string[]; dispose: () => Promise<void> }> {
  execFileSync(path.join(REPO, 'bin/quadletman'), ['--version'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = path.join(REPO, '.cache', `cli-snapshot-${process.pid}-${Date.now().toString(36)}`);
  await fsp.cp(path.join(REPO, 'dist/cli'), dir, { recursive: true });
  return {
    argv: [process.execPath, path.join(dir, 'quadletman.cjs')],
    dispose: () => fsp.rm(dir, { recursive: true, force: true }),
  };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr lines with when they arrived (ms after the start). */
  stderrLines: { ms: number; line: string }[];
  ms: number;
}

/** A running CLI process: its pid, a way to kill it, and its end. */
export interface CliProcess {
  pid: number;
  kill(signal: NodeJS.Signals): void;
  done: Promise<CliRun>;
  /** stderr so far (progress lines in text format). */
  stderrSoFar(): string;
}

export function startCli(
  argv: readonly string[],
  args: readonly string[],
  options: { timeoutMs?: number; onStderrLine?: (line: string) => void } = {},
): CliProcess {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const t0 = performance.now();
  const child = spawn(argv[0]!, [...argv.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const stderrLines: { ms: number; line: string }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    const ms = performance.now() - t0;
    const start = stderr.lastIndexOf('\n') + 1;
    stderr += d.toString();
    const complete = stderr.slice(start, stderr.lastIndexOf('\n') + 1);
    for (const line of complete.split('\n').slice(0, -1)) {
      stderrLines.push({ ms, line });
      options.onStderrLine?.(line);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, stderrLines, ms: performance.now() - t0 });
    });
  });
  return {
    pid: child.pid ?? -1,
    kill: (s) => child.kill(s),
    done,
    stderrSoFar: () => stderr,
  };
}

/** Where the CLI works: a data folder (`--data-dir DIR`, homes and volumes inside it), or the folder options. */
export type Where = string | readonly string[];
const whereArgs = (where: Where): readonly string[] => (typeof where === 'string' ? ['--data-dir', where] : where);

/** Runs `quadletman --data-dir DIR ARGS…` (or the given folder options) to its end. */
export function runCli(argv: readonly string[], where: Where, args: readonly string[]): Promise<CliRun> {
  return startCli(argv, [...whereArgs(where), ...args]).done;
}

/** Runs a command with `--format json` and parses its output; fails with everything it printed otherwise. */
export async function cliJson<T = unknown>(
  argv: readonly string[],
  where: Where,
  args: readonly string[],
  expectCode: number | null = 0,
): Promise<{ json: T; run: CliRun }> {
  const run = await runCli(argv, where, [...args, '--format', 'json']);
  const said = `quadletman ${args.join(' ')} (exit ${run.code})\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
  if (expectCode !== null && run.code !== expectCode) throw new Error(`unexpected exit: ${said}`);
  try {
    return { json: JSON.parse(run.stdout) as T, run };
  } catch {
    throw new Error(`not JSON: ${said}`);
  }
}

/**
 * A private data folder for one test file: database, compartment homes (`<dir>/home`) and managed volumes
 * (`<dir>/volumes`). Not under /tmp (a tmpfs in the sandbox, poor for Podman storage); traversable by the
 * compartment users (their homes are inside).
 */
export async function makeDataDir(name: string): Promise<string> {
  const dir = await fsp.mkdtemp(`/var/lib/${name}-`);
  await fsp.chmod(dir, 0o755);
  return dir;
}

export const hostFor = (dataDir: string): HostAdapters => createHostAdapters({ homeBase: `${dataDir}/home` });

/** The busybox rootfs tarball, built once per process, imported into each compartment that needs it. */
let tarball: Promise<string> | undefined;
export async function importBusybox(dataDir: string, id: string): Promise<void> {
  const h = hostFor(dataDir);
  tarball ??= (async () => {
    const out = path.join(REPO, '.cache', `busybox-rootfs-${process.pid}.tar`);
    await buildBusyboxRootfsTar(h.exec, out);
    return out;
  })();
  const session = await h.users.sessionFor(parseCompartmentId(id));
  // fed on stdin: the compartment user need not read the tarball
  await h.podman.importTarball(session, await tarball, 'localhost/busybox:latest', ['CMD=["/bin/sh"]']);
}

export async function disposeBusybox(): Promise<void> {
  if (tarball) await fsp.rm(await tarball, { force: true });
  tarball = undefined;
}

/** The stack the tests apply: web (busybox httpd, published port, a managed volume) + db, the default network. */
export function stackSpec(o: {
  id: string;
  port: number;
  webImage?: string;
  webExec?: string;
  version?: string;
}): string {
  const env = o.version ? `\n      environment: { VERSION: "${o.version}" }` : '';
  return `
compartment: ${o.id}
description: CLI host test stack
units:
  web.container:
    container:
      image: ${o.webImage ?? 'localhost/busybox:latest'}
      exec: ${o.webExec ?? '[busybox, httpd, -f, -p, "8080", -h, /www]'}
      publishPort: ["127.0.0.1:${o.port}:8080"]
      volume: ["data:/data"]${env}
    service: { SuccessExitStatus: "143" }
  db.container:
    container:
      image: localhost/busybox:latest
      exec: [sleep, infinity]${env}
    service: { SuccessExitStatus: "143" }
volumes:
  data: {}
probes:
  - { name: web, type: http, port: ${o.port}, path: /, expectStatus: 200, timeoutMs: 2000 }
`;
}

/** The files a spec renders to (home-relative path → text), as the CLI with `--data-dir dataDir` renders them. */
export function renderedFiles(specText: string, dataDir: string): Map<string, string> {
  return render(parseSpecText(specText, 'test spec'), { volumesRoot: `${dataDir}/volumes` }).files;
}

/** Every file in the compartment's managed folders, dot files (temporary files) included. */
export async function filesOnDisk(home: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    const entries = await fsp.readdir(path.join(home, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.set(p, await fsp.readFile(path.join(home, p), 'utf8'));
    }
  };
  for (const d of MANAGED_DIRS) await walk(d);
  return out;
}

export const sameFiles = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** GET a page, retrying until it answers 200 or the time is up. */
export async function fetchPage(url: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return await r.text();
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e instanceof Error ? `${e.message} ${String((e as { cause?: unknown }).cause ?? '')}` : String(e);
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms: ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const pathExists = (p: string) =>
  fsp.lstat(p).then(
    () => true,
    () => false,
  );

/** The application over an emptied `data` folder, with a short settle; `id` is deleted first if left over, then
 * created unless `create: false`. */
export async function openHostTestApp(
  data: string,
  id: CompartmentId,
  options: Pick<AppOptions, 'upgrades'> & { create?: boolean } = {},
): Promise<AppContext> {
  await fsp.rm(data, { recursive: true, force: true });
  const app = createApp({
    dataDir: data,
    volumesRoot: `${data}/volumes`,
    locksDir: `${data}/locks`,
    engine: { settleMs: 500, verifyTimeoutMs: 15_000 },
    ...(options.upgrades ? { upgrades: options.upgrades } : {}),
  });
  // the store made the folder 0700; compartment users must pass through it to their volumes (as through
  // /var/lib/quadletman on an installed host, where the database has a folder of its own)
  await fsp.chmod(data, 0o711);
  await app.host.users.delete(id).catch(() => undefined);
  if (options.create !== false) await app.compartments.create({ id });
  return app;
}

/** Deletes the compartment and its user, closes the application and removes its data folder. */
export async function closeHostTestApp(app: AppContext | undefined, id: CompartmentId, data: string): Promise<void> {
  await app?.compartments.delete(id).catch(() => undefined);
  await app?.host.users.delete(id).catch(() => undefined);
  app?.close();
  await fsp.rm(data, { recursive: true, force: true });
}
