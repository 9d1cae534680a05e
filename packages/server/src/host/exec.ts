// Runs programs. Changes on the machine: whatever the argv it is given does — this module itself only
// spawns processes (never through a shell), kills their process group on timeout or stop, and reads
// their output. Every other host/ module runs commands through the `Exec` port defined here, so tests
// can pass a fake.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../core/errors.js';

export interface ExecOptions {
  /** Kill the command after this many ms (SIGTERM, then SIGKILL after `killGraceMs`). Default 30 s. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL. Default 2 s. */
  killGraceMs?: number;
  /** Exit codes that are not failures. Default [0]. Any other code raises CommandError. */
  expectCodes?: readonly number[];
  /** Written to stdin, then stdin is closed. Without it stdin is /dev/null. Use it for secrets. */
  input?: string | Uint8Array;
  /**
   * Give `input` through a real pipe (a FIFO) rather than Node's socketpair: some programs insist that
   * stdin is a pipe (`podman secret create NAME -`). Input is limited to 60 KiB (one pipe buffer).
   */
  inputAsPipe?: boolean;
  /** A file opened (by us, as root) and given to the command as stdin, e.g. an image tarball. */
  inputFile?: string;
  /** Extra environment, merged over the base environment. */
  env?: Readonly<Record<string, string>>;
  /** Start from an empty environment (plus PATH and the C.UTF-8 locale) instead of this process's. */
  cleanEnv?: boolean;
  cwd?: string;
  /** Cap on captured stdout/stderr each (bytes). Default 64 MiB; beyond it the command is killed. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StreamOptions {
  env?: Readonly<Record<string, string>>;
  /** Also yield stderr lines (e.g. `podman pull` progress), interleaved as they arrive. */
  includeStderr?: boolean;
  cleanEnv?: boolean;
  cwd?: string;
  input?: string | Uint8Array;
  /** Stop the stream after this many ms; default: none (streams are stopped by their consumer). */
  timeoutMs?: number;
  killGraceMs?: number;
}

export interface StreamEnd {
  code: number | null;
  signal: string | null;
  /** The last 64 KiB of stderr. */
  stderr: string;
  /** True when the stream ended because stop() was called or the timeout fired. */
  stopped: boolean;
}

/** A running command whose stdout is consumed line by line. */
export interface LineStream {
  /** Lines of stdout without their newline. Ends when the process exits or stop() is called. */
  readonly lines: AsyncIterable<string>;
  /** SIGTERM (then SIGKILL) the process group; resolves when the process has exited. Idempotent. */
  stop(): Promise<StreamEnd>;
  /** Resolves when the process exits, however it ends. */
  readonly done: Promise<StreamEnd>;
}

/** The exec port: every host adapter takes one of these. */
export interface Exec {
  run(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  stream(argv: readonly string[], options?: StreamOptions): LineStream;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_GRACE_MS = 2_000;
const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;
const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment a command gets: locale pinned to C.UTF-8 so output parses the same everywhere. */
export function buildEnv(extra?: Readonly<Record<string, string>>, clean = false): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = clean ? { PATH: process.env.PATH ?? BASE_PATH } : { ...process.env };
  return { ...base, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', ...extra };
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function checkArgv(argv: readonly string[]): asserts argv is readonly [string, ...string[]] {
  if (argv.length === 0 || !argv[0]) throw new TypeError('exec: empty argv');
  for (const a of argv) {
    if (typeof a !== 'string' || a.includes('\0')) throw new TypeError(`exec: bad argument ${JSON.stringify(a)}`);
  }
}

const PIPE_INPUT_MAX = 60 * 1024;

/**
 * A read descriptor of a FIFO that already holds `data` and has no writer left (so the reader sees EOF
 * after it). The FIFO lives a moment in a fresh root-only directory and is unlinked before we return.
 */
function fifoWith(data: string | Uint8Array, argv: readonly string[]): number {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  if (buf.length > PIPE_INPUT_MAX) {
    throw new TypeError(`exec: piped input for ${argv[0]} is larger than ${PIPE_INPUT_MAX} bytes`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'qm-pipe-'));
  const fifo = join(dir, 'in');
  try {
    // node has no mkfifo(3); mkfifo(1) is coreutils, synchronous and argv-only
    const r = spawnSync('mkfifo', ['-m', '0600', fifo]);
    if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr?.toString() ?? r.error?.message}`);
    const rd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const wr = openSync(fifo, constants.O_WRONLY);
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(wr, buf, off);
    } finally {
      closeSync(wr);
    }
    return rd;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run argv to completion. Raises CommandError on timeout, spawn failure or an unexpected exit code. */
export function run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  checkArgv(argv);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const grace = options.killGraceMs ?? DEFAULT_GRACE_MS;
  const expect = options.expectCodes ?? [0];
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;

  const pipeInput = options.inputAsPipe === true && options.input !== undefined;
  if (options.input !== undefined && options.inputFile !== undefined) {
    throw new TypeError('exec: input and inputFile are exclusive');
  }
  const inFd =
    options.inputFile !== undefined
      ? openSync(options.inputFile, 'r')
      : options.inputAsPipe && options.input !== undefined
        ? fifoWith(options.input, argv)
        : undefined;
  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      env: buildEnv(options.env, options.cleanEnv),
      cwd: options.cwd,
      stdio: [inFd ?? (options.input === undefined ? 'ignore' : 'pipe'), 'pipe', 'pipe'],
      detached: true, // own process group: a timeout kills runuser/systemd-run *and* what they started
    });
    if (inFd !== undefined) closeSync(inFd); // the child has its own copy
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let timedOut = false;
    let overflow = false;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = () => {
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), grace);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, timeoutMs);

    child.stdout!.on('data', (b: Buffer) => {
      outLen += b.length;
      if (outLen > max) {
        if (!overflow) terminate();
        overflow = true;
        return;
      }
      out.push(b);
    });
    child.stderr!.on('data', (b: Buffer) => {
      errLen += b.length;
      if (errLen > max) return;
      err.push(b);
    });
    if (child.stdin && !pipeInput) {
      child.stdin.on('error', () => {}); // EPIPE when the command exits without reading its input
      child.stdin.end(options.input);
    }

    let spawnError: Error | undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8') + (spawnError ? `${spawnError.message}\n` : '');
      const failure = { argv: [...argv], exitCode: spawnError ? null : code, signal, stdout, stderr, timedOut };
      if (spawnError || timedOut || code === null) {
        reject(new CommandError(failure, { cause: spawnError }));
        return;
      }
      if (overflow) {
        reject(new CommandError(failure, { message: `${argv.join(' ')} wrote more than ${max} bytes to stdout` }));
        return;
      }
      if (!expect.includes(code)) {
        reject(new CommandError(failure));
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

const QUEUE_HIGH = 10_000;
const QUEUE_LOW = 1_000;

/** Spawn argv and consume its stdout as lines (for `podman events`, `journalctl -f`, `podman pull`). */
export function stream(argv: readonly string[], options: StreamOptions = {}): LineStream {
  checkArgv(argv);
  const grace = options.killGraceMs ?? DEFAULT_GRACE_MS;
  const child = spawn(argv[0], argv.slice(1), {
    env: buildEnv(options.env, options.cleanEnv),
    cwd: options.cwd,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.stdin) {
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
  }

  const queue: string[] = [];
  let partial = '';
  let ended = false;
  let stopped = false;
  let wake: (() => void) | undefined;
  let stderrTail = '';
  // backpressure: a consumer that falls behind pauses the pipes (the command then blocks on write)
  let paused = false;
  const notify = () => {
    if (!paused && queue.length > QUEUE_HIGH) {
      paused = true;
      child.stdout?.pause();
      child.stderr?.pause();
    }
    const w = wake;
    wake = undefined;
    w?.();
  };
  const drained = () => {
    if (paused && queue.length < QUEUE_LOW) {
      paused = false;
      child.stdout?.resume();
      child.stderr?.resume();
    }
  };

  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) queue.push(p.endsWith('\r') ? p.slice(0, -1) : p);
    notify();
  });
  let errPartial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-65536);
    if (!options.includeStderr) return;
    const parts = (errPartial + chunk).split(/\r?\n|\r/);
    errPartial = parts.pop() ?? '';
    for (const p of parts) if (p !== '') queue.push(p);
    notify();
  });

  let killTimer: NodeJS.Timeout | undefined;
  let timeout: NodeJS.Timeout | undefined;
  const done = new Promise<StreamEnd>((resolve) => {
    let spawnError: Error | undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      if (timeout) clearTimeout(timeout);
      if (partial) queue.push(partial);
      if (errPartial && options.includeStderr) queue.push(errPartial);
      partial = '';
      errPartial = '';
      ended = true;
      notify();
      resolve({ code, signal, stderr: stderrTail + (spawnError ? `${spawnError.message}\n` : ''), stopped });
    });
  });

  const stop = (): Promise<StreamEnd> => {
    if (!ended && !stopped) {
      stopped = true;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), grace);
      killTimer.unref();
    }
    return done;
  };
  if (options.timeoutMs !== undefined) timeout = setTimeout(() => void stop(), options.timeoutMs);

  const lines: AsyncIterable<string> = {
    [Symbol.asyncIterator]() {
      return {
        async next(): Promise<IteratorResult<string>> {
          for (;;) {
            const line = queue.shift();
            if (line !== undefined) {
              drained();
              return { value: line, done: false };
            }
            if (ended) return { value: undefined, done: true };
            await new Promise<void>((r) => {
              wake = r;
            });
          }
        },
        async return(): Promise<IteratorResult<string>> {
          await stop();
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { lines, stop, done };
}

/** The real exec adapter. */
export const hostExec: Exec = { run, stream };
