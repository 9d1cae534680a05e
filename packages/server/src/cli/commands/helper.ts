/**
 * `quadletman helper --peer INSTANCE`: the privileged helper for one connection. systemd starts it as root for
 * each connection to its socket (`Accept=yes`, the connection on standard input and output) and names the
 * peer's credentials in the instance (`%i`); only root and the server's own user may talk to it. It serves the
 * connection's requests (host/helper/server.ts) until the peer closes it. Not for people to run.
 */
import * as net from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DB_FILE, DEFAULT_DATA_DIR } from '../../core/layout.js';
import { hostExec } from '../../host/exec.js';
import { peerUid, serveConnection } from '../../host/helper/server.js';
import { HelperVerbs } from '../../host/helper/verbs.js';
import { createHostAdapters } from '../../host/index.js';
import { SelfBackups } from '../../host/self-backup.js';
import { VolumeDirs } from '../../host/volume-dirs.js';
import { globalOptions, layoutOf } from '../context.js';
import { UsageError } from '../usage.js';

export const SERVER_USER = 'quadletman';

export function registerHelper(program: Command): void {
  program
    .command('helper', { hidden: true })
    .description("quadletman's privileged helper for one connection (started by systemd)")
    .requiredOption('--peer <instance>', "the connection's instance name from systemd (%i)")
    .option('--allow-user <name>', 'the one user besides root that may talk to the helper', SERVER_USER)
    .action(async (o: { peer: string; allowUser: string }, cmd: Command) => {
      const uid = peerUid(o.peer);
      const conn = new net.Socket({ fd: 0, readable: true, writable: true });
      const refuse = (why: string) => {
        process.stderr.write(`helper: refused connection ${o.peer}: ${why}\n`);
        conn.end(`${JSON.stringify({ id: -1, ok: false, error: { code: 'forbidden', message: why } })}\n`);
      };
      if (uid === undefined) return refuse('systemd named no peer credentials');
      const layout = layoutOf(globalOptions(cmd));
      const dataDir = globalOptions(cmd).dataDir ?? DEFAULT_DATA_DIR;
      const host = createHostAdapters({ homeBase: layout.homeBase });
      const allowed = uid === 0 || (await host.users.lookup(o.allowUser))?.uid === uid;
      if (!allowed) return refuse(`uid ${uid} may not use quadletman's helper (only root and ${o.allowUser})`);
      if (process.getuid?.() !== 0) throw new UsageError('the helper must run as root');
      const verbs = new HelperVerbs({
        exec: hostExec,
        users: host.users,
        volumes: new VolumeDirs(hostExec, layout.volumesRoot),
        selfBackups: new SelfBackups({ exec: hostExec, dbPath: join(dataDir, DB_FILE) }),
      });
      await serveConnection(conn, verbs, { log: (l) => process.stderr.write(`helper: uid ${uid}: ${l}\n`) });
    });
}
