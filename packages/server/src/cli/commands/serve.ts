/**
 * `quadletman serve [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE]`: the HTTP API and the web UI.
 * Prints the URL and, while no administrator exists, the one-time setup token. Warns when a compartment
 * publishes a port on the UI's host name (those apps would receive its session cookie). Stops on SIGINT/SIGTERM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { inCompartment } from '../../core/audit-target.js';
import { publishedPortsIn } from '../../core/published-ports.js';
import { describeSharedHost, portsSharingHost } from '../../core/ui-host.js';
import type { Store } from '../../store/index.js';
import { defaultHelperSocket, withApp } from '../context.js';
import { UsageError } from '../usage.js';

export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (every address). */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port < 1 || port > 65535)
    throw new UsageError(`--listen wants HOST:PORT (e.g. ${DEFAULT_LISTEN}), not '${s}'`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** The web UI's built files: packages/web/dist above this file (sources) or above the bundle (dist/cli/…). */
export function findWebRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (let i = 0; i < 7; i++) {
    const candidate = join(dir, 'packages/web/dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The warning `serve` prints when compartments publish ports on the UI's host name; undefined when none do. */
export function sharedHostWarning(listen: { host: string; port: number }, store: Pick<Store, 'compartments'>) {
  const shared = portsSharingHost(listen.host, publishedPortsIn(store.compartments));
  if (shared.length === 0) return undefined;
  const { message, fix } = describeSharedHost(listen, shared);
  return `warning: ${message}\n  fix: ${fix}\n`;
}

interface ServeOptions {
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  pam: boolean;
  pamGroup?: string[];
  webRoot?: string;
  trustProxy?: boolean;
  pamRole: string;
  sessionIdle: string;
  sessionMax: string;
  helper?: string;
  updateInterval: string;
  backupSchedule: boolean;
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} wants a positive number, not '${v}'`);
  return n;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API and the web UI')
    .option('--listen <host:port>', 'address to listen on', DEFAULT_LISTEN)
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--no-pam', 'local accounts only (no login with host accounts)')
    .option('--pam-group <group...>', 'host groups whose members may log in with PAM (default: sudo wheel)')
    .option('--web-root <dir>', 'the web UI files (default: packages/web/dist when built)')
    .option('--trust-proxy', 'trust X-Forwarded-For/-Proto from a reverse proxy')
    .option('--pam-role <role>', 'global role of PAM users without grants: viewer, operator, admin or none', 'admin')
    .option('--session-idle <minutes>', 'a session unused this long ends', '30')
    .option('--session-max <hours>', 'a session ends this long after login', '12')
    .option('--update-interval <hours>', "check the compartments' images for updates this often (0: never)", '6')
    .option(
      '--no-backup-schedule',
      'run no scheduled backups (their policies stay; also QUADLETMAN_BACKUP_SCHEDULE=off); backups on demand still work',
    )
    .option(
      '--helper <socket>',
      "the privileged helper's socket: needed (and the default) when serve does not run as root",
    )
    .action(async (o: ServeOptions, cmd: Command) => {
      const { host, port } = parseListen(o.listen);
      if (!['viewer', 'operator', 'admin', 'none'].includes(o.pamRole)) {
        throw new UsageError(`--pam-role wants viewer, operator, admin or none, not '${o.pamRole}'`);
      }
      const auth = {
        idleTimeoutMs: positive('--session-idle', o.sessionIdle) * 60_000,
        absoluteTimeoutMs: positive('--session-max', o.sessionMax) * 3_600_000,
        pamRole: o.pamRole as 'admin',
      };
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together');
      const updateHours = Number(o.updateInterval);
      if (!Number.isFinite(updateHours) || updateHours < 0) {
        throw new UsageError(`--update-interval wants a number of hours (0: never), not '${o.updateInterval}'`);
      }
      const read = (f: string) => {
        try {
          return readFileSync(f);
        } catch (e) {
          throw new UsageError(`${f}: ${(e as Error).message}`);
        }
      };
      const tls = o.tlsCert && o.tlsKey ? { cert: read(o.tlsCert), key: read(o.tlsKey) } : undefined;
      const { buildServer } = await import('../../http/server.js');
      const { ensurePamService } = await import('../../http/auth/pam.js');
      // not root: everything that needs root goes through the helper (host/helper/), as an installed server does
      const helperSocket = o.helper ?? defaultHelperSocket();
      await withApp(
        cmd,
        async (app) => {
          if (o.pam) {
            try {
              if (await ensurePamService()) process.stderr.write('wrote /etc/pam.d/quadletman\n');
            } catch (e) {
              process.stderr.write(`warning: could not write /etc/pam.d/quadletman (${(e as Error).message})\n`);
            }
          }
          const webRoot = o.webRoot ?? findWebRoot();
          const server = await buildServer(app, {
            logger: { level: process.env.QUADLETMAN_LOG_LEVEL ?? 'info' },
            ...(tls ? { tls } : {}),
            ...(webRoot ? { webRoot } : {}),
            ...(o.trustProxy ? { trustProxy: true } : {}),
            pam: o.pam ? (o.pamGroup ? { groups: o.pamGroup } : {}) : false,
            auth,
          });
          await server.listen({ host, port });
          const { UpdateScheduler } = await import('../../core/service/update-scheduler.js');
          const scheduler =
            updateHours > 0
              ? new UpdateScheduler(() => app.compartments.list().map((c) => c.id), app.updates, {
                  intervalMs: updateHours * 3_600_000,
                  log: (m) => server.log.warn(m),
                  afterCheck: async (id, rows) => {
                    for (const done of await app.unattended.run(id, rows)) {
                      const outcome = done.result?.outcome ?? 'failed';
                      app.store.audit.append({
                        actor: 'scheduler',
                        actorKind: 'system',
                        address: '',
                        action: 'compartment.upgrade',
                        target: inCompartment(id, 'unit', done.unit),
                        compartment: id,
                        result: outcome === 'applied' || outcome === 'noop' ? 'ok' : 'failed',
                        details: {
                          unattended: true,
                          unit: done.unit,
                          image: done.image,
                          digest: done.digest,
                          outcome,
                          ...(done.result?.revision ? { revision: done.result.revision } : {}),
                          message: done.error ?? done.result?.message ?? '',
                        },
                      });
                    }
                  },
                })
              : undefined;
          scheduler?.start();
          // scheduled backups (each compartment's backup policy), one compartment at a time
          const { BackupScheduler } = await import('../../core/service/backup-scheduler.js');
          const backupScheduler =
            o.backupSchedule && process.env.QUADLETMAN_BACKUP_SCHEDULE !== 'off'
              ? new BackupScheduler(() => app.compartments.list().map((c) => c.id), app.backups, {
                  log: (m) => server.log.warn(m),
                  notify: (e) => void app.notifications.emit(e),
                  afterRun: (id, run) =>
                    app.store.audit.append({
                      actor: 'scheduler',
                      actorKind: 'system',
                      address: '',
                      action: 'backup.run',
                      target: run.snapshot
                        ? inCompartment(id, 'snapshot', run.snapshot)
                        : inCompartment(id, 'backups', 'repository'),
                      compartment: id,
                      result: run.result === 'ok' ? 'ok' : 'failed',
                      details: {
                        scheduled: true,
                        ...(run.snapshot ? { snapshot: run.snapshot } : {}),
                        ...(run.removed !== undefined ? { removed: run.removed, kept: run.kept } : {}),
                        ...(run.stage ? { stage: run.stage } : {}),
                        ...(run.error ? { message: run.error } : {}),
                      },
                    }),
                })
              : undefined;
          backupScheduler?.start();
          // the edge runs what the store gives, again after a Caddy restart
          const stopEdge = app.edge.keep(Number(process.env.QUADLETMAN_EDGE_SYNC_MS ?? 5000), (m) =>
            server.log.warn(m),
          );
          // the loopback guard follows the store too, and comes back after a reboot or a flushed ruleset
          const stopGuard = app.links.keep(Number(process.env.QUADLETMAN_EDGE_SYNC_MS ?? 5000), (m) =>
            server.log.warn(m),
          );
          // deliveries a stop left pending (their retries) go on
          app.notifications.start();
          const shown = host.includes(':') ? `[${host}]` : host;
          process.stdout.write(`quadletman listening on ${tls ? 'https' : 'http'}://${shown}:${port}/\n`);
          if (!webRoot)
            process.stdout.write('(no web UI build found: the API only; build packages/web to serve the UI)\n');
          const warning = sharedHostWarning({ host, port }, app.store);
          if (warning) process.stderr.write(warning);
          const token = server.quadletman.setupToken;
          if (token) {
            process.stdout.write(
              `\nNo administrator exists yet. Create one in the web UI, or:\n` +
                `  curl -X POST ${tls ? 'https' : 'http'}://${shown}:${port}/api/auth/setup -H 'content-type: application/json' \\\n` +
                `       -d '{"token":"${token}","username":"admin","password":"…"}'\n` +
                `Setup token (one use): ${token}\n\n`,
            );
          }
          await new Promise<void>((resolve) => {
            const stop = () => resolve();
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
          process.stderr.write('stopping\n');
          await scheduler?.stop();
          await backupScheduler?.stop();
          await stopEdge();
          await stopGuard();
          await server.close();
          app.notifications.stop();
          await app.notifications.idle();
        },
        helperSocket ? { helperSocket } : {},
      );
    });
}
