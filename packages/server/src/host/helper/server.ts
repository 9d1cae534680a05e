// The privileged helper's side of one connection. Changes on the machine: whatever the verbs it dispatches do
// (verbs.ts); this module reads requests, checks each against its verb's schema, runs it and writes the answer.
// Requests run side by side; a stream's lines are written as they come. When the connection closes, every
// stream it started is stopped.
import type { Duplex } from 'node:stream';
import { InvalidError } from '../../core/errors.js';
import type { LineStream } from '../exec.js';
import type { PtyProcess } from '../watch-terminal.js';
import { type Answer, LineSplitter, toWireError, VERBS, type Verb } from './protocol.js';
import type { HelperVerbs } from './verbs.js';

export interface ServeOptions {
  /** Told of each request (verb and compartment, never arguments or input): for the journal. */
  log?: (line: string) => void;
}

export function serveConnection(conn: Duplex, verbs: HelperVerbs, options: ServeOptions = {}): Promise<void> {
  const streams = new Map<number, LineStream>();
  const ptys = new Map<number, PtyProcess>();
  // a pty being started: input and resizes sent meanwhile wait for it rather than being lost
  const starting = new Map<number, Promise<PtyProcess>>();
  const ptyOf = async (stream: number) => ptys.get(stream) ?? (await starting.get(stream)?.catch(() => undefined));
  const send = (a: Answer) => {
    if (!conn.destroyed) conn.write(`${JSON.stringify(a)}\n`);
  };
  const splitter = new LineSplitter();

  const handle = async (id: number, verb: Verb, args: unknown): Promise<unknown> => {
    const schema = VERBS[verb];
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      throw new InvalidError(
        `${verb}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')}`,
      );
    }
    const a = parsed.data as never;
    const c = (parsed.data as { compartment?: string; id?: string }).compartment ?? (parsed.data as { id?: string }).id;
    options.log?.(`${verb}${c ? ` ${c}` : ''}`);
    switch (verb) {
      case 'ping':
        return verbs.ping();
      case 'run-as':
        return verbs.runAs(a);
      case 'stream-as': {
        const s = await verbs.streamAs(a);
        streams.set(id, s);
        try {
          for await (const line of s.lines) send({ id, line });
          return await s.done;
        } finally {
          streams.delete(id);
        }
      }
      case 'stop': {
        const target = (parsed.data as { stream: number }).stream;
        await streams.get(target)?.stop();
        (await ptyOf(target))?.kill('SIGHUP');
        return {};
      }
      case 'pty-as': {
        const start = verbs.ptyAs(a);
        starting.set(id, start);
        const p = await start.finally(() => starting.delete(id));
        ptys.set(id, p);
        return new Promise((resolve) => {
          p.onData((d) => send({ id, line: Buffer.from(d, 'utf8').toString('base64') }));
          p.onExit((e) => {
            ptys.delete(id);
            resolve({ exitCode: e.exitCode, ...(e.signal ? { signal: e.signal } : {}) });
          });
        });
      }
      case 'pty-write': {
        const w = parsed.data as { stream: number; data: string };
        (await ptyOf(w.stream))?.write(w.data);
        return {};
      }
      case 'pty-resize': {
        const r = parsed.data as { stream: number; cols: number; rows: number };
        (await ptyOf(r.stream))?.resize(r.cols, r.rows);
        return {};
      }
      case 'compartment-create':
        return verbs.compartmentCreate(a);
      case 'compartment-delete':
        return verbs.compartmentDelete(a);
      case 'volumes-ensure':
        return verbs.volumesEnsure(a);
      case 'volume-remove':
        return verbs.volumeRemove(a);
      case 'helper-users-sync':
        return verbs.helperUsersSync(a);
      case 'volumes-remove-all':
        return verbs.volumesRemoveAll(a);
      case 'loopback-guard':
        return verbs.loopbackGuard(a);
      case 'pam-authenticate':
        return verbs.pamAuthenticate(a);
      case 'self-backup-status':
        return verbs.selfBackupStatus();
      case 'self-backup-start':
        return verbs.selfBackupStart();
    }
  };

  return new Promise<void>((resolve) => {
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => {
      let lines: string[];
      try {
        lines = splitter.push(chunk);
      } catch (e) {
        send({ id: -1, ok: false, error: toWireError(e) });
        conn.destroy();
        return;
      }
      for (const text of lines) {
        if (!text.trim()) continue;
        let req: { id?: unknown; verb?: unknown; args?: unknown };
        try {
          req = JSON.parse(text) as typeof req;
        } catch {
          send({ id: -1, ok: false, error: { code: 'invalid', message: 'a request that is not JSON' } });
          continue;
        }
        const id = typeof req.id === 'number' && Number.isInteger(req.id) ? req.id : -1;
        if (typeof req.verb !== 'string' || !Object.hasOwn(VERBS, req.verb)) {
          send({ id, ok: false, error: { code: 'invalid', message: `no verb ${JSON.stringify(req.verb)}` } });
          continue;
        }
        handle(id, req.verb as Verb, req.args ?? {}).then(
          (result) => send({ id, ok: true, result: result ?? {} }),
          (e: unknown) => send({ id, ok: false, error: toWireError(e) }),
        );
      }
    });
    const end = () => {
      for (const s of streams.values()) void s.stop();
      for (const p of ptys.values()) p.kill('SIGKILL');
      resolve();
    };
    conn.on('close', end);
    conn.on('error', () => conn.destroy());
  });
}

/** The uid of a peer from the instance name systemd gives a connection of an `Accept=yes` socket: the peer's
 * credentials (SO_PEERCRED, read by systemd), the uid last: `N-PID-UID`, `N-COOKIE-PID-UID` or
 * `N-COOKIE-PID_PIDFDID-UID` by systemd's version. Undefined when it holds none. */
export function peerUid(instance: string): number | undefined {
  const m = /^\d+-(?:\d+-)?\d+(?:_\d+)?-(\d+)$/.exec(instance);
  return m ? Number(m[1]) : undefined;
}
