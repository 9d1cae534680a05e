/**
 * The edge (quadletman's Caddy): `edge status|caddyfile|ca|set|sync`. Routes themselves are declared in each
 * compartment's spec (`routes:`) and applied with it.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { EdgeTls } from '../../core/edge/types.js';
import { audited, type Format, formatOption, print, table, withApp } from '../context.js';
import { out } from '../output';
import { UsageError } from '../usage.js';

const port = (name: string) => (v: string) => {
  if (!/^[0-9]{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new UsageError(`${name}: a port 1..65535`);
  return Number(v);
};

export function registerEdge(program: Command): void {
  const e = program.command('edge').description("quadletman's Caddy: the routes it serves, its ports and TLS.");

  e.command('status')
    .description('Whether Caddy runs the configuration the store gives, and what each route answers through it.')
    .option('--compartment <id>', "only this compartment's routes")
    .addOption(formatOption())
    .action(async (opts: { compartment?: string; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const s = await app.edge.status(opts.compartment ? { compartment: opts.compartment } : {});
        const { caddyfile: _, ...json } = s;
        print(opts.format, json, () =>
          [
            `Caddy (${s.settings.adminSocket}): ${s.reachable ? (s.inSync ? 'runs the configuration' : 'runs ANOTHER configuration (edge sync loads it)') : `not reachable: ${s.error}`}`,
            `Ports: HTTP ${s.settings.httpPort}, HTTPS ${s.settings.httpsPort}; TLS: ${s.settings.tls.mode === 'internal' ? "Caddy's internal CA (edge ca prints its root)" : `ACME${s.settings.tls.staging ? ' (staging)' : ''}, ${s.settings.tls.email}`}`,
            s.routes.length === 0
              ? 'No routes.'
              : table([
                  ['URL', 'COMPARTMENT', 'TO', 'PORT', 'ANSWER', 'CERTIFICATE'],
                  ...s.routes.map((r) => [
                    r.url,
                    r.compartment,
                    r.to,
                    String(r.port ?? '-'),
                    r.answer,
                    r.certificate ? `${r.certificate.issuer}, until ${r.certificate.validTo}` : '-',
                  ]),
                ]),
          ].join('\n'),
        );
      }),
    );

  e.command('caddyfile')
    .description("The edge's configuration as a Caddyfile (to read: quadletman loads the same as JSON).")
    .action(async (_o: unknown, cmd: Command) =>
      withApp(cmd, async (app) => {
        out(app.edge.caddyfile());
      }),
    );

  e.command('ca')
    .description("The internal CA's root certificate (PEM): trust it in browsers to reach routes without warnings.")
    .action(async (_o: unknown, cmd: Command) =>
      withApp(cmd, async (app) => {
        const pem = await app.edge.rootCertificate();
        if (!pem) throw new UsageError('the edge has no internal CA yet (Caddy is not running, or uses ACME)');
        out(pem);
      }),
    );

  e.command('set')
    .description("Change the edge's ports or TLS, and load its configuration again.")
    .option('--http-port <port>', 'plain HTTP (redirects to HTTPS; the ACME HTTP challenge)', port('--http-port'))
    .option('--https-port <port>', 'HTTPS', port('--https-port'))
    .option('--tls <mode>', "internal (Caddy's own CA) or acme (public names)")
    .option('--email <address>', 'with --tls acme: the address given to the ACME CA')
    .option('--staging', "with --tls acme: the CA's staging directory")
    .addOption(formatOption())
    .action(
      async (
        opts: {
          httpPort?: number;
          httpsPort?: number;
          tls?: string;
          email?: string;
          staging?: boolean;
          format: Format;
        },
        cmd: Command,
      ) =>
        withApp(cmd, async (app) => {
          let tls: EdgeTls | undefined;
          if (opts.tls === 'internal') tls = { mode: 'internal' };
          else if (opts.tls === 'acme') {
            if (!opts.email) throw new UsageError('--tls acme needs --email');
            tls = { mode: 'acme', email: opts.email, staging: !!opts.staging };
          } else if (opts.tls !== undefined) throw new UsageError('--tls: internal or acme');
          const change = {
            ...(opts.httpPort ? { httpPort: opts.httpPort } : {}),
            ...(opts.httpsPort ? { httpsPort: opts.httpsPort } : {}),
            ...(tls ? { tls } : {}),
          };
          const next = await audited(app, { action: 'edge.settings', target: 'edge:settings', details: change }, () =>
            app.edge.configure(change),
          );
          const synced = await app.edge.sync().catch((err: Error) => `not loaded: ${err.message}`);
          print(opts.format, { settings: next, sync: synced }, () => `Saved; the edge: ${synced}.`);
        }),
    );

  const c = e
    .command('cert')
    .description('Certificates you upload for route hosts (instead of ones Caddy gets from its CA or ACME).');
  c.command('list', { isDefault: true })
    .description('The uploaded certificates: fingerprint, the hosts they name and serve, validity (never the key).')
    .addOption(formatOption())
    .action(async (opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const all = app.edge.certificates();
        print(opts.format, all, () =>
          all.length === 0
            ? 'No uploaded certificates: Caddy gets every route host its own.'
            : table([
                ['FINGERPRINT', 'HOSTS', 'SERVES', 'VALID UNTIL', 'ISSUER'],
                ...all.map((x) => [x.fingerprint, x.hosts.join(' '), x.serves.join(' ') || '-', x.validTo, x.issuer]),
              ]),
        );
      }),
    );
  c.command('add')
    .description('Upload a certificate (PEM, leaf first, then its chain) and its unencrypted key, and load the edge.')
    .requiredOption('--cert <file>', 'the PEM certificate chain')
    .requiredOption('--key <file>', 'the PEM private key')
    .addOption(formatOption())
    .action(async (opts: { cert: string; key: string; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const read = async (f: string, what: string) => {
          try {
            return await readFile(f, 'utf8');
          } catch (e) {
            throw new UsageError(`${what}: cannot read ${f}: ${(e as Error).message}`);
          }
        };
        const certificate = await read(opts.cert, '--cert');
        const key = await read(opts.key, '--key');
        const info = await audited(
          app,
          { action: 'edge.certificate.add', target: 'certificate' },
          async () => app.edge.addCertificate({ certificate, key }),
          (i) => ({
            result: 'ok',
            target: `certificate:${i.fingerprint}`,
            details: { fingerprint: i.fingerprint, hosts: i.hosts },
          }),
        );
        const outcome = await app.edge.sync().catch(() => 'unreachable' as const);
        print(opts.format, { ...info, outcome }, () =>
          [
            `Uploaded ${info.fingerprint} for ${info.hosts.join(', ')} (valid until ${info.validTo}).`,
            `The edge: ${outcome}.`,
          ].join('\n'),
        );
      }),
    );
  c.command('remove')
    .description('Remove an uploaded certificate: its hosts get certificates from Caddy again.')
    .argument('<fingerprint>')
    .action(async (fingerprint: string, _o: unknown, cmd: Command) =>
      withApp(cmd, async (app) => {
        const fp = fingerprint.toUpperCase();
        const hosts = app.edge.certificates().find((x) => x.fingerprint === fp)?.hosts ?? [];
        await audited(
          app,
          { action: 'edge.certificate.remove', target: `certificate:${fp}`, details: { fingerprint, hosts } },
          async () => app.edge.removeCertificate(fingerprint),
        );
        const outcome = await app.edge.sync().catch(() => 'unreachable' as const);
        out(`Removed ${fingerprint}. The edge: ${outcome}.`);
      }),
    );

  e.command('sync')
    .description('Load the configuration into Caddy now when it runs another one (the server does every few seconds).')
    .addOption(formatOption())
    .action(async (opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const outcome = await app.edge.sync();
        print(opts.format, { outcome }, () => `The edge: ${outcome}.`);
      }),
    );
}

/** `proxy self`: quadletman's own web UI through the edge, on a host name of its own. */
export function registerProxy(program: Command): void {
  const p = program.command('proxy').description("Serve quadletman's own web UI through the edge.");
  p.command('self')
    .description(
      'Route a host name of its own to the web UI (which keeps its session cookie away from the apps); ' +
        '--off removes it. Serve with --trust-proxy so the UI sees the clients behind Caddy.',
    )
    .option('--host <name>', 'the UI host name, e.g. qm.example.org')
    .option('--port <port>', 'the loopback port the UI listens on', port('--port'), 8080)
    .option('--off', "remove the UI's route")
    .addOption(formatOption())
    .action(async (opts: { host?: string; port: number; off?: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        if (!opts.off && !opts.host) throw new UsageError('give --host NAME, or --off');
        const self = opts.off ? null : { host: opts.host!, port: opts.port };
        const next = await audited(app, { action: 'edge.settings', target: 'edge:settings', details: { self } }, () =>
          app.edge.configure({ self }),
        );
        const synced = await app.edge.sync().catch((err: Error) => `not loaded: ${err.message}`);
        const where = next.self
          ? `https://${next.self.host}${next.httpsPort === 443 ? '' : `:${next.httpsPort}`}/ serves the web UI (127.0.0.1:${next.self.port})`
          : 'the web UI has no route';
        print(opts.format, { settings: next, sync: synced }, () => `${where}; the edge: ${synced}.`);
      }),
    );
}
