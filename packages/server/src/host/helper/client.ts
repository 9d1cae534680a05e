// The unprivileged server's side of the privileged helper. Changes nothing on the machine by itself: it connects
// to the helper's socket (systemd starts a helper for each connection, checking who connects) and sends verbs.
// One connection carries every request, side by side; when it closes, calls in flight fail and the next call
// connects again.
import * as net from 'node:net';
import { CommandError, InvalidError } from '../../core/errors.js';
import type { CompartmentId } from '../../core/ids.js';
import type { HelperUsers } from '../compartment-host.js';
import type { ExecResult, LineStream, StreamEnd } from '../exec.js';
import { type CompartmentSession, parseAsUser } from '../session.js';
import { listVolumeDirs, type VolumeFolders } from '../volume-dirs.js';
import type { PtyProcess } from '../watch-terminal.js';
import { compartmentOfUser } from './helper-exec.js';
import { type Answer, fromWireError, LineSplitter, type Verb, type VerbArgs } from './protocol.js';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onLine?: (line: string) => void;
}

export class HelperClient {
  private conn: net.Socket | undefined;
  private connecting: Promise<net.Socket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(readonly socketPath: string) {}

  private connect(): Promise<net.Socket> {
    if (this.conn && !this.conn.destroyed) return Promise.resolve(this.conn);
    this.connecting ??= new Promise<net.Socket>((resolve, reject) => {
      const c = net.createConnection(this.socketPath);
      const splitter = new LineSplitter();
      c.setEncoding('utf8');
      c.once('connect', () => {
        this.conn = c;
        this.connecting = undefined;
        resolve(c);
      });
      c.on('data', (chunk: string) => {
        for (const text of splitter.push(chunk)) {
          if (!text) continue;
          const a = JSON.parse(text) as Answer;
          const p = this.pending.get(a.id);
          if (!p) continue;
          if ('line' in a) p.onLine?.(a.line);
          else {
            this.pending.delete(a.id);
            if (a.ok) p.resolve(a.result);
            else p.reject(fromWireError(a.error));
          }
        }
      });
      c.on('error', (e) => {
        if (this.connecting) {
          this.connecting = undefined;
          reject(
            new CommandError(
              {
                argv: ['connect', this.socketPath],
                exitCode: null,
                signal: null,
                stdout: '',
                stderr: e.message,
                timedOut: false,
              },
              { message: `cannot reach quadletman's privileged helper at ${this.socketPath}: ${e.message}` },
            ),
          );
        }
      });
      c.on('close', () => {
        if (this.conn === c) this.conn = undefined;
        const lost = [...this.pending.values()];
        this.pending.clear();
        for (const p of lost) p.reject(new Error(`the connection to quadletman's helper closed`));
      });
    });
    return this.connecting;
  }

  async call<V extends Verb>(verb: V, args: VerbArgs<V>, onLine?: (line: string) => void): Promise<unknown> {
    const id = this.nextId++; // taken before any await: streamAs relies on it
    const conn = await this.connect();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onLine ? { onLine } : {}) });
      conn.write(`${JSON.stringify({ id, verb, args })}\n`);
    });
  }

  /** A `stream-as` as a LineStream: lines as the helper relays them, stop() asks the helper to end it. */
  streamAs(args: VerbArgs<'stream-as'>): LineStream {
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    let id = -1;
    const started = this.nextId; // the id call() takes next
    const done: Promise<StreamEnd> = this.call('stream-as', args, (line) => {
      queue.push(line);
      wake?.();
    }).then(
      (r) => r as StreamEnd,
      (e: unknown) => ({
        code: null,
        signal: null,
        stderr: e instanceof Error ? e.message : String(e),
        stopped: false,
      }),
    );
    id = started;
    void done.then(() => {
      ended = true;
      wake?.();
    });
    let stopping: Promise<StreamEnd> | undefined;
    const stop = (): Promise<StreamEnd> => {
      stopping ??= (async () => {
        if (!ended) await this.call('stop', { stream: id }).catch(() => undefined);
        const end = await done;
        return { ...end, stopped: true };
      })();
      return stopping;
    };
    const lines: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        async next(): Promise<IteratorResult<string>> {
          for (;;) {
            const line = queue.shift();
            if (line !== undefined) return { value: line, done: false };
            if (ended) return { value: undefined, done: true };
            await new Promise<void>((r) => {
              wake = r;
            });
            wake = undefined;
          }
        },
        async return(): Promise<IteratorResult<string>> {
          await stop();
          return { value: undefined, done: true };
        },
      }),
    };
    return { lines, stop, done };
  }

  /** A pty in the helper (a server without root has no right to make one as a compartment user). */
  ptyAs(argv: readonly string[], cols: number, rows: number): PtyProcess {
    const p = parseAsUser(argv);
    if (!p) throw new InvalidError('a terminal runs as a compartment user');
    const id = this.nextId; // the id call() takes next
    const data: ((d: string) => void)[] = [];
    const exits: ((e: { exitCode: number; signal?: number }) => void)[] = [];
    void this.call(
      'pty-as',
      { compartment: compartmentOfUser(p.user), argv: p.command, env: p.env, cols, rows },
      (line) => {
        const text = Buffer.from(line, 'base64').toString('utf8');
        for (const l of data) l(text);
      },
    ).then(
      (r) => {
        for (const l of exits) l(r as { exitCode: number; signal?: number });
      },
      () => {
        for (const l of exits) l({ exitCode: -1 });
      },
    );
    const quiet = (verb: 'pty-write' | 'pty-resize' | 'stop', args: object) =>
      void this.call(verb, { stream: id, ...args } as never).catch(() => undefined);
    return {
      pid: -1,
      onData: (l) => void data.push(l),
      onExit: (l) => void exits.push(l),
      write: (d) => quiet('pty-write', { data: d }),
      resize: (c, r) => quiet('pty-resize', { cols: c, rows: r }),
      kill: () => quiet('stop', {}),
    };
  }

  async runAs(args: VerbArgs<'run-as'>): Promise<ExecResult> {
    return (await this.call('run-as', args)) as ExecResult;
  }

  close(): void {
    this.conn?.destroy();
  }
}

/** PAM logins checked by the helper (as root): the server without root cannot check another user's password. */
export class HelperPam {
  constructor(
    private readonly client: HelperClient,
    private readonly groups: readonly string[],
  ) {}

  async authenticate(username: string, password: string, remoteHost: string): Promise<boolean> {
    const r = (await this.client
      .call('pam-authenticate', {
        username,
        password,
        remoteHost: remoteHost.slice(0, 255),
        groups: [...this.groups],
      })
      .catch(() => ({ ok: false }))) as { ok: boolean };
    return r.ok === true;
  }
}

/** Helper users made and removed by the helper. */
export class HelperUserAccounts implements HelperUsers {
  constructor(private readonly client: HelperClient) {}

  async sync(compartment: CompartmentId, ids: readonly number[]): Promise<void> {
    await this.client.call('helper-users-sync', { compartment, ids: [...ids] });
  }
}

/** Volume folders made and removed by the helper. */
export class HelperVolumes implements VolumeFolders {
  constructor(
    private readonly client: HelperClient,
    readonly root: string,
  ) {}

  async ensure(compartment: string, volumes: readonly string[]): Promise<void> {
    await this.client.call('volumes-ensure', { compartment: compartment as never, volumes: [...volumes] });
  }

  async remove(_session: CompartmentSession, compartment: string, volume: string): Promise<void> {
    await this.client.call('volume-remove', { compartment: compartment as never, volume });
  }

  async removeAll(compartment: string): Promise<void> {
    await this.client.call('volumes-remove-all', { compartment: compartment as never });
  }

  list(compartment: string): Promise<string[]> {
    return listVolumeDirs(`${this.root}/${compartment}`);
  }
}
