/**
 * The edge: quadletman's Caddy, configured only from the store. The configuration (every compartment's routes,
 * the edge's ports and TLS) is derived whole and loaded whole (Caddy's /load); an apply loads it with the
 * compartment's new routes (EdgePort for the apply engine), and `sync` loads it again whenever the running one
 * differs (a Caddy restart, an edit by hand, a compartment deleted) while no apply is changing routes.
 */
import { rootCertificates } from 'node:tls';
import type { EdgePort, ProbeResult } from '../apply/ports.js';
import { caddyConfig, caddyfile, sameConfig } from '../edge/caddy-config.js';
import {
  type CertificateInfo,
  certificateInfo,
  checkCertificate,
  covers,
  type UploadedCertificate,
} from '../edge/certificates.js';
import type { HeldRoute } from '../edge/ports.js';
import type { EdgeRoute, EdgeSettings, EdgeTls } from '../edge/types.js';
import { InvalidError, NotFoundError } from '../errors.js';
import type { RouteSpec } from '../spec-routes.js';
import { everyInterval } from './rounds.js';

export const EDGE_SETTING = 'edge';
/** Where the uploaded certificates are kept (the setting's value: UploadedCertificate[]). */
export const CERTIFICATES_SETTING = 'edge-certificates';
/** Who holds the UI's own route, in messages and the configuration's ids. */
export const SELF = '(quadletman)';
export const DEFAULT_EDGE_SETTINGS: EdgeSettings = {
  adminSocket: '/run/quadletman-edge/admin.sock',
  httpPort: 80,
  httpsPort: 443,
  tls: { mode: 'internal' },
};

export interface EdgeStorePort {
  allRoutes(): HeldRoute[];
  setting(name: string): unknown;
  setSetting(name: string, value: unknown): void;
}

export interface EdgeAdminPort {
  load(config: unknown): Promise<void>;
  config(): Promise<unknown>;
  rootCertificate(): Promise<string | undefined>;
}

export type EdgeRequest = (
  route: { host: string; path: string },
  httpsPort: number,
  ca: string | undefined,
) => Promise<ProbeResult & { status?: number; certificate?: { issuer: string; validTo: string } }>;

export interface EdgeServiceDeps {
  store: EdgeStorePort;
  /** The admin API of the Caddy at these settings' socket. */
  admin: (socket: string) => EdgeAdminPort;
  request: EdgeRequest;
  /** Whether an apply (which may be changing routes) runs now: `sync` leaves the edge alone meanwhile. */
  busy?: () => Promise<boolean>;
}

export interface EdgeRouteStatus {
  compartment: string;
  host: string;
  path: string;
  to: string;
  port: number | null;
  url: string;
  /** What a request through the edge gave: `HTTP 200`, or why none came. */
  answer: string;
  ok: boolean;
  certificate: { issuer: string; validTo: string } | null;
  /** The route's options, left out when it has none: user names only, never their hashes. */
  options?: {
    redirectFrom: string[];
    basicAuthUsers: string[];
    requestHeaders: Record<string, string>;
    responseHeaders: Record<string, string>;
  } | null;
}

export interface EdgeStatus {
  settings: EdgeSettings;
  /** Whether Caddy's admin socket answered. */
  reachable: boolean;
  /** Whether Caddy runs exactly the configuration the store gives. */
  inSync: boolean;
  error: string | null;
  caddyfile: string;
  /** Whether the internal CA's root certificate can be downloaded. */
  hasRootCertificate: boolean;
  routes: EdgeRouteStatus[];
  /** The uploaded certificates (never their keys), with the route hosts each covers. */
  certificates: (CertificateInfo & { serves: string[] })[];
}

export type SyncOutcome = 'loaded' | 'in-sync' | 'busy' | 'unreachable';

export class EdgeService implements EdgePort {
  constructor(private readonly deps: EdgeServiceDeps) {}

  settings(): EdgeSettings {
    const saved = (this.deps.store.setting(EDGE_SETTING) ?? {}) as Partial<EdgeSettings>;
    return { ...DEFAULT_EDGE_SETTINGS, ...saved };
  }

  /** Changes the edge's ports, TLS or the UI's own route (validated; `self: null` removes it). */
  async configure(change: {
    httpPort?: number;
    httpsPort?: number;
    tls?: EdgeTls;
    adminSocket?: string;
    self?: { host: string; port: number } | null;
  }) {
    const { self, ...rest } = change;
    const next: EdgeSettings = { ...this.settings(), ...rest };
    if (self === null) delete next.self;
    else if (self !== undefined) {
      const host = self.host.toLowerCase();
      const holder = this.deps.store.allRoutes().find((r) => r.host === host || r.redirectFrom?.includes(host));
      if (holder)
        throw new InvalidError(
          `${host} is ${holder.host === host ? 'routed' : 'redirected'} by compartment '${holder.compartment}': the UI needs a host name of its own`,
        );
      if (!Number.isInteger(self.port) || self.port < 1 || self.port > 65535) {
        throw new InvalidError(`the UI's port must be a port 1..65535, not ${self.port}`);
      }
      next.self = { host, port: self.port };
    }
    for (const k of ['httpPort', 'httpsPort'] as const) {
      const p = next[k];
      if (!Number.isInteger(p) || p < 1 || p > 65535) throw new InvalidError(`${k} must be a port 1..65535, not ${p}`);
    }
    if (next.httpPort === next.httpsPort) throw new InvalidError('httpPort and httpsPort must differ');
    if (!next.adminSocket.startsWith('/')) throw new InvalidError('adminSocket must be an absolute path');
    if (next.tls.mode === 'acme' && !/^[^\s@"'{}#]+@[^\s@"'{}#]+$/.test(next.tls.email)) {
      throw new InvalidError('tls.email must be an e-mail address for the ACME CA');
    }
    try {
      caddyConfig(this.routes(undefined, next), next); // refuses what Caddy could not be given
    } catch (e) {
      throw new InvalidError((e as Error).message.replace(/^edge: /, ''));
    }
    this.deps.store.setSetting(EDGE_SETTING, next);
    return next;
  }

  /** The routes the edge serves: every compartment's as stored, but `compartment`'s replaced by `override`. */
  routes(
    override?: { compartment: string; routes: readonly RouteSpec[] },
    settings: EdgeSettings = this.settings(),
  ): EdgeRoute[] {
    const held = this.deps.store.allRoutes().filter((r) => r.compartment !== override?.compartment);
    const all: HeldRoute[] = [
      ...held,
      ...(override?.routes ?? []).map((r) => ({ ...r, compartment: override!.compartment })),
    ];
    const self = settings.self;
    return [
      ...all
        .filter((r) => r.port !== undefined)
        .map(
          (r): EdgeRoute => ({
            compartment: r.compartment,
            host: r.host,
            path: r.path,
            to: r.to,
            upstreamPort: r.port!,
            ...(r.headers ? { headers: r.headers } : {}),
            ...(r.basicAuth ? { basicAuth: r.basicAuth } : {}),
            ...(r.redirectFrom ? { redirectFrom: r.redirectFrom } : {}),
          }),
        ),
      ...(self ? [{ compartment: SELF, host: self.host, path: '/', to: 'the web UI', upstreamPort: self.port }] : []),
    ];
  }

  /** The routes every compartment holds, and the UI's own (for the port registry: no compartment may take them). */
  held(): HeldRoute[] {
    const self = this.settings().self;
    return [
      ...this.deps.store.allRoutes(),
      ...(self ? [{ compartment: SELF, host: self.host, path: '/', to: 'ui:0', port: self.port }] : []),
    ];
  }

  /** The configuration the edge should run (Caddy's JSON). */
  desired(override?: { compartment: string; routes: readonly RouteSpec[] }): unknown {
    return caddyConfig(this.routes(override), this.settings(), this.uploaded());
  }

  /** The same configuration as a Caddyfile, to read. */
  caddyfile(): string {
    return caddyfile(this.routes(), this.settings(), this.uploaded());
  }

  /** What a request through the edge trusts for `host`: the chain of an uploaded certificate that covers it and
   * the system's roots (a chain from the admin's own CA includes its root), else the internal CA's root. */
  private trustFor(host: string, internalRoot: string | undefined): string | undefined {
    const cert = this.uploaded().find((c) => c.hosts.some((n) => covers(n, host)));
    return cert ? [...rootCertificates, cert.certificate].join('\n') : internalRoot;
  }

  private uploaded(): UploadedCertificate[] {
    const v = this.deps.store.setting(CERTIFICATES_SETTING);
    return Array.isArray(v) ? (v as UploadedCertificate[]) : [];
  }

  /** The uploaded certificates (never their keys), with the route hosts each serves. */
  certificates(): (CertificateInfo & { serves: string[] })[] {
    const hosts = [...new Set(this.routes().map((r) => r.host))];
    return this.uploaded().map((c) => ({
      ...certificateInfo(c),
      serves: hosts.filter((h) => c.hosts.some((n) => covers(n, h))).sort(),
    }));
  }

  /** Keeps an uploaded certificate and its key (checked first: checkCertificate) for the hosts it names; one with
   * the same fingerprint is replaced. The edge serves it from its next load. */
  addCertificate(input: { certificate: string; key: string }, now = new Date()): CertificateInfo {
    const cert = checkCertificate(input, now);
    const rest = this.uploaded().filter((c) => c.fingerprint !== cert.fingerprint);
    this.deps.store.setSetting(CERTIFICATES_SETTING, [...rest, cert]);
    return certificateInfo(cert);
  }

  removeCertificate(fingerprint: string): void {
    const all = this.uploaded();
    const fp = fingerprint.toUpperCase();
    if (!all.some((c) => c.fingerprint === fp))
      throw new NotFoundError(`No uploaded certificate has fingerprint ${fp}.`);
    this.deps.store.setSetting(
      CERTIFICATES_SETTING,
      all.filter((c) => c.fingerprint !== fp),
    );
  }

  private admin(): EdgeAdminPort {
    return this.deps.admin(this.settings().adminSocket);
  }

  async publish(compartment: string, routes: readonly RouteSpec[]): Promise<void> {
    await this.admin().load(this.desired({ compartment, routes }));
  }

  async check(_compartment: string, route: RouteSpec): Promise<ProbeResult> {
    const s = this.settings();
    const ca = s.tls.mode === 'internal' ? await this.admin().rootCertificate() : undefined;
    return this.deps.request(route, s.httpsPort, this.trustFor(route.host, ca));
  }

  /** Loads the desired configuration when Caddy runs another one (and no apply runs). */
  async sync(): Promise<SyncOutcome> {
    const want = this.desired();
    let running: unknown;
    try {
      running = await this.admin().config();
    } catch {
      return 'unreachable';
    }
    if (sameConfig(running, want)) return 'in-sync';
    if (await this.deps.busy?.()) return 'busy';
    await this.admin().load(want);
    return 'loaded';
  }

  /** Runs `sync` every `intervalMs` (the server does, so a restarted Caddy gets its configuration back); says what
   * changed through `log`. Resolves the returned stop when the round in flight ended. */
  keep(intervalMs: number, log: (message: string) => void): () => Promise<void> {
    let last: SyncOutcome | 'failed' | undefined;
    const round = async () => {
      let now: SyncOutcome | 'failed';
      try {
        now = await this.sync();
      } catch (e) {
        now = 'failed';
        if (last !== 'failed') log(`edge: loading the configuration into Caddy failed: ${(e as Error).message}`);
      }
      if (now === 'loaded') log('edge: Caddy ran another configuration; loaded the one the store gives');
      if (now === 'unreachable' && last !== 'unreachable' && this.routes().length > 0) {
        log(`edge: Caddy is not reachable on ${this.settings().adminSocket}; the routes are not served`);
      }
      last = now;
    };
    return everyInterval(intervalMs, round);
  }

  async rootCertificate(): Promise<string | undefined> {
    return this.admin().rootCertificate();
  }

  /** The edge as it is: reachable, in sync, and every route requested through it once. */
  async status(options: { compartment?: string } = {}): Promise<EdgeStatus> {
    const settings = this.settings();
    let reachable = true;
    let inSync = false;
    let error: string | null = null;
    let ca: string | undefined;
    try {
      inSync = sameConfig(await this.admin().config(), this.desired());
      ca = await this.admin().rootCertificate();
    } catch (e) {
      reachable = false;
      error = e instanceof Error ? e.message : String(e);
    }
    const held = this.deps.store
      .allRoutes()
      .filter((r) => options.compartment === undefined || r.compartment === options.compartment);
    const routes = await Promise.all(
      held.map(async (r): Promise<EdgeRouteStatus> => {
        const url = `https://${r.host}${settings.httpsPort === 443 ? '' : `:${settings.httpsPort}`}${r.path}`;
        const got = reachable ? await this.deps.request(r, settings.httpsPort, this.trustFor(r.host, ca)) : undefined;
        return {
          compartment: r.compartment,
          host: r.host,
          path: r.path,
          to: r.to,
          port: r.port ?? null,
          url,
          answer: got?.detail ?? 'the edge is not reachable',
          ok: got?.ok ?? false,
          certificate: got?.certificate ?? null,
          // (left out when the route has none)
          ...(r.headers || r.basicAuth || r.redirectFrom
            ? {
                options: {
                  redirectFrom: r.redirectFrom ?? [],
                  basicAuthUsers: (r.basicAuth ?? []).map((a) => a.user),
                  requestHeaders: r.headers?.request ?? {},
                  responseHeaders: r.headers?.response ?? {},
                },
              }
            : {}),
        };
      }),
    );
    return {
      settings,
      reachable,
      inSync,
      error,
      caddyfile: this.caddyfile(),
      hasRootCertificate: ca !== undefined,
      routes,
      certificates: this.certificates(),
    };
  }
}
