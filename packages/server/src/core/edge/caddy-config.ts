// The edge's Caddy configuration, made from its routes and settings: the JSON document quadletman loads whole
// through Caddy's admin API (`POST /load`, Caddy 2.6), a Caddyfile rendering of the same configuration for people
// to read, and the comparison of a desired configuration with the one Caddy reports it runs. Pure: no side effects.

import { covers } from './certificates.js';
import type { EdgeCertificate, EdgeRoute, EdgeSettings, EdgeTls } from './types.js';

/** Let's Encrypt's staging directory (the production directory is Caddy's ACME default and is not spelled out). */
export const ACME_STAGING_CA = 'https://acme-staging-v02.api.letsencrypt.org/directory';

/** The name of the one HTTP server of the edge in `apps.http.servers`. */
export const SERVER_NAME = 'quadletman';

/** A route's matcher set: the host, and for a path prefix other than `/` the prefix itself and everything below. */
export interface CaddyMatcher {
  host: string[];
  path?: string[];
}

/** Caddy's `headers` handler: `set` replaces a field's values; response headers are deferred (set when the
 * response is written, over what the app sent). */
export type CaddyHeadersHandler =
  | { handler: 'headers'; response: { set: Record<string, string[]>; deferred: true } }
  | { handler: 'headers'; request: { set: Record<string, string[]> } }
  | { handler: 'headers'; request: { delete: ['Authorization'] } };

/** Caddy's `authentication` handler with its `http_basic` provider; each password is the bcrypt hash, base64
 * encoded (the form Caddy 2.6 documents; it also takes a hash starting with `$` as it is). */
export interface CaddyAuthHandler {
  handler: 'authentication';
  providers: {
    http_basic: {
      accounts: { username: string; password: string }[];
      hash: { algorithm: 'bcrypt' };
      hash_cache: Record<string, never>;
    };
  };
}

export interface CaddyProxyHandler {
  handler: 'reverse_proxy';
  upstreams: { dial: string }[];
}

export type CaddyHandler =
  | CaddyHeadersHandler
  | CaddyAuthHandler
  | CaddyProxyHandler
  | { handler: 'static_response'; headers: { Location: string[] }; status_code: 308 };

export interface CaddyRoute {
  /** `qm-route-<compartment>-<n>`: n counts the compartment's routes in the order of the configuration;
   * `qm-redirect-<compartment>-<n>` for the redirects of its routes' `redirectFrom` names, after all routes. */
  '@id': string;
  match: CaddyMatcher[];
  handle: CaddyHandler[];
  terminal: true;
}

export type CaddyIssuer = { module: 'internal' } | { module: 'acme'; email: string; ca?: string };

/**
 * The subset of Caddy 2.6's JSON configuration the edge uses. Members are always built in the order declared here,
 * so the same routes and settings give the same JSON text.
 */
export interface CaddyConfig {
  admin: { listen: string; config: { persist: false } };
  apps: {
    http?: {
      http_port: number;
      https_port: number;
      servers: Record<string, { listen: string[]; routes: CaddyRoute[] }>;
    };
    /** Present when there are routes: one automation policy for the hosts no uploaded certificate covers, and the
     * uploaded certificates (PEM, loaded as they are). */
    tls?: {
      automation?: { policies: { subjects: string[]; issuers: CaddyIssuer[] }[] };
      certificates?: { load_pem: { certificate: string; key: string; tags: string[] }[] };
    };
    /** Present in internal mode: the local CA must not try to install its root in the system's trust store. */
    pki?: { certificate_authorities: { local: { install_trust: false } } };
  };
}

/** The routes of the configuration in precedence order, each with its route id. */
interface PlacedRoute {
  route: EdgeRoute;
  id: string;
}

/** A host name of a route's `redirectFrom`, at the route's path prefix, with its id. */
interface PlacedRedirect {
  host: string;
  path: string;
  route: EdgeRoute;
  id: string;
}

interface Placed {
  routes: PlacedRoute[];
  redirects: PlacedRedirect[];
}

// A host: a lower-case DNS name (labels of a-z, 0-9 and inner '-', joined by '.').
const HOST_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
// A path prefix: `/`, or `/`-separated segments of [A-Za-z0-9._~-] with no trailing `/`.
const PATH_RE = /^(?:\/|(?:\/[A-Za-z0-9._~-]+)+)$/;
// What a Caddyfile token or a comment cannot hold safely: whitespace, quotes, braces, `#`, control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CADDYFILE_UNSAFE_RE = /[\s"'`{}#\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// A header name: an HTTP token that starts with a letter or digit (a Caddyfile reads a leading + - ? > as an
// operation).
const HEADER_NAME_RE = /^[A-Za-z0-9][!#$%&'*+.^_`|~0-9A-Za-z-]*$/;
// A header value: visible ASCII and inner spaces, without { } (Caddy placeholders) or \ (their escape).
const HEADER_VALUE_RE = /^[\x21-\x5b\x5d-\x7a|~]+(?: +[\x21-\x5b\x5d-\x7a|~]+)*$/;
const BASIC_USER_RE = /^[A-Za-z0-9._@+-]{1,64}$/;
const BCRYPT_RE = /^\$2[aby]\$1[0-4]\$[./A-Za-z0-9]{53}$/;

function routeName(r: EdgeRoute): string {
  return `${r.compartment} ${JSON.stringify(r.host + r.path)} → ${r.to} (127.0.0.1:${r.upstreamPort})`;
}

function checkPort(what: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`edge: ${what} must be a port number (1-65535), not ${String(port)}`);
  }
}

/** Refuses a route whose host, path or port the spec would not have let through (a programming error here). */
function checkRoute(r: EdgeRoute): void {
  if (CADDYFILE_UNSAFE_RE.test(r.host) || !HOST_RE.test(r.host)) {
    throw new Error(`edge: route ${routeName(r)}: host ${JSON.stringify(r.host)} is not a lower-case DNS name`);
  }
  if (CADDYFILE_UNSAFE_RE.test(r.path) || !PATH_RE.test(r.path)) {
    throw new Error(
      `edge: route ${routeName(r)}: path ${JSON.stringify(r.path)} is not a path prefix (/ or /a/b of [A-Za-z0-9._~-])`,
    );
  }
  if (r.compartment === '' || CONTROL_RE.test(r.compartment) || CONTROL_RE.test(r.to)) {
    throw new Error(`edge: route ${routeName(r)}: compartment and target must be non-empty text on one line`);
  }
  checkPort(`route ${routeName(r)}: upstream port`, r.upstreamPort);
  for (const [where, m] of [
    ['request', r.headers?.request],
    ['response', r.headers?.response],
  ] as const) {
    for (const [name, value] of Object.entries(m ?? {})) {
      if (!HEADER_NAME_RE.test(name) || typeof value !== 'string' || !HEADER_VALUE_RE.test(value)) {
        throw new Error(
          `edge: route ${routeName(r)}: ${where} header ${JSON.stringify(name)}: ${JSON.stringify(value)} is not a header name and value the edge can set`,
        );
      }
    }
  }
  const users = new Set<string>();
  for (const a of r.basicAuth ?? []) {
    if (!BASIC_USER_RE.test(a.user) || !BCRYPT_RE.test(a.hash) || users.has(a.user)) {
      throw new Error(
        `edge: route ${routeName(r)}: basic auth user ${JSON.stringify(a.user)} needs a user name of its own and a bcrypt hash`,
      );
    }
    users.add(a.user);
  }
  for (const h of r.redirectFrom ?? []) {
    if (CADDYFILE_UNSAFE_RE.test(h) || !HOST_RE.test(h) || h === r.host) {
      throw new Error(`edge: route ${routeName(r)}: redirectFrom ${JSON.stringify(h)} is not another DNS name`);
    }
  }
}

function checkSettings(settings: EdgeSettings): void {
  const socket = settings.adminSocket;
  if (!socket.startsWith('/') || CADDYFILE_UNSAFE_RE.test(socket)) {
    throw new Error(
      `edge: the admin socket must be an absolute path without spaces or quotes: ${JSON.stringify(socket)}`,
    );
  }
  checkPort('the HTTP port', settings.httpPort);
  checkPort('the HTTPS port', settings.httpsPort);
  if (settings.httpPort === settings.httpsPort) {
    throw new Error(`edge: the HTTP and HTTPS ports must differ (both are ${settings.httpPort})`);
  }
  if (settings.tls.mode === 'acme' && (settings.tls.email === '' || CADDYFILE_UNSAFE_RE.test(settings.tls.email))) {
    throw new Error(
      `edge: the ACME e-mail must be an address without spaces or quotes: ${JSON.stringify(settings.tls.email)}`,
    );
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Precedence: by host, then the longer (more specific) path prefix first, then by path text. `/` comes last. */
function compareRoutes(a: { host: string; path: string }, b: { host: string; path: string }): number {
  return compareText(a.host, b.host) || b.path.length - a.path.length || compareText(a.path, b.path);
}

/**
 * Checks the routes and settings and puts the routes in precedence order with their ids, and the redirects of
 * their `redirectFrom` names in the same order with theirs. Two routes for the same host and path, routes of two
 * targets on one upstream port, a redirected name that a route serves, or one name redirected to two hosts, are
 * refused: the spec layer does not let them through. Routes to the same target (compartment and `to`) share its
 * port.
 */
function place(routes: readonly EdgeRoute[], settings: EdgeSettings): Placed {
  checkSettings(settings);
  for (const r of routes) checkRoute(r);
  const sorted = [...routes].sort(compareRoutes);
  const byPlace = new Map<string, EdgeRoute>();
  const byPort = new Map<number, EdgeRoute>();
  for (const r of sorted) {
    const where = `${r.host}${r.path}`;
    const samePlace = byPlace.get(where);
    if (samePlace) {
      throw new Error(`edge: routes ${routeName(samePlace)} and ${routeName(r)} both serve ${where}`);
    }
    byPlace.set(where, r);
    const samePort = byPort.get(r.upstreamPort);
    // routes to one target (a compartment's unit and port) share its loopback port; other targets may not
    if (samePort && (samePort.compartment !== r.compartment || samePort.to !== r.to)) {
      throw new Error(
        `edge: routes ${routeName(samePort)} and ${routeName(r)} both go to upstream port ${r.upstreamPort}`,
      );
    }
    byPort.set(r.upstreamPort, r);
  }
  const counts = new Map<string, number>();
  const placed = sorted.map((route) => {
    const n = counts.get(route.compartment) ?? 0;
    counts.set(route.compartment, n + 1);
    return { route, id: `qm-route-${route.compartment}-${n}` };
  });
  const served = new Set(sorted.map((r) => r.host));
  const redirectsTo = new Map<string, EdgeRoute>();
  const wanted: Omit<PlacedRedirect, 'id'>[] = [];
  for (const route of sorted) {
    for (const host of route.redirectFrom ?? []) {
      if (served.has(host)) throw new Error(`edge: route ${routeName(route)} redirects ${host}, which a route serves`);
      const other = redirectsTo.get(host);
      if (other && other.host !== route.host) {
        throw new Error(`edge: routes ${routeName(other)} and ${routeName(route)} both redirect ${host}`);
      }
      redirectsTo.set(host, route);
      wanted.push({ host, path: route.path, route });
    }
  }
  const redirectCounts = new Map<string, number>();
  const redirects = wanted.sort(compareRoutes).map((r) => {
    const n = redirectCounts.get(r.route.compartment) ?? 0;
    redirectCounts.set(r.route.compartment, n + 1);
    return { ...r, id: `qm-redirect-${r.route.compartment}-${n}` };
  });
  return { routes: placed, redirects };
}

function pathMatch(path: string): string[] | undefined {
  return path === '/' ? undefined : [path, `${path}/*`];
}

function issuerOf(tls: EdgeTls): CaddyIssuer {
  if (tls.mode === 'internal') return { module: 'internal' };
  return tls.staging ? { module: 'acme', email: tls.email, ca: ACME_STAGING_CA } : { module: 'acme', email: tls.email };
}

/** The uploaded certificate that covers `host` (the first one that names it exactly, else one whose wildcard does). */
function certificateFor(host: string, certificates: readonly EdgeCertificate[]): EdgeCertificate | undefined {
  return (
    certificates.find((c) => c.hosts.includes(host)) ?? certificates.find((c) => c.hosts.some((n) => covers(n, host)))
  );
}

/** The hosts of the routes and of their redirects, sorted, each once. */
function hostsOf(placed: Placed): string[] {
  return [...new Set([...placed.routes.map((p) => p.route.host), ...placed.redirects.map((r) => r.host)])].sort(
    compareText,
  );
}

/** A header map as Caddy's `http.Header`: names sorted, each with its one value. */
function headerSet(m: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(
    Object.keys(m)
      .sort(compareText)
      .map((name) => [name, [m[name]!]]),
  );
}

const hasHeaders = (m: Record<string, string> | undefined): m is Record<string, string> =>
  m !== undefined && Object.keys(m).length > 0;

/** The handlers of a route, in the order Caddy's Caddyfile adapter would put the directives of its `handle`
 * block: response headers (`header`), `basicauth`, request headers (`request_header`), `reverse_proxy`. */
function handlersOf(route: EdgeRoute): CaddyHandler[] {
  const out: CaddyHandler[] = [];
  const { request, response } = route.headers ?? {};
  if (hasHeaders(response)) out.push({ handler: 'headers', response: { set: headerSet(response), deferred: true } });
  if (route.basicAuth && route.basicAuth.length > 0) {
    out.push({
      handler: 'authentication',
      providers: {
        http_basic: {
          accounts: route.basicAuth.map((a) => ({
            username: a.user,
            password: Buffer.from(a.hash, 'utf8').toString('base64'),
          })),
          hash: { algorithm: 'bcrypt' },
          hash_cache: {},
        },
      },
    });
  }
  // the app never sees the edge's credentials (the password is in the Authorization header)
  const auth = route.basicAuth !== undefined && route.basicAuth.length > 0;
  if (hasHeaders(request)) out.push({ handler: 'headers', request: { set: headerSet(request) } });
  if (auth) out.push({ handler: 'headers', request: { delete: ['Authorization'] } });
  out.push({ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${route.upstreamPort}` }] });
  return out;
}

/** Where a redirect sends a request: the route's host on the HTTPS port, with the request's path and query. */
function redirectTarget(route: EdgeRoute, settings: EdgeSettings, uri: string): string {
  return `https://${route.host}${settings.httpsPort === 443 ? '' : `:${settings.httpsPort}`}${uri}`;
}

/**
 * Caddy 2.6's JSON configuration for the edge, to load whole with `POST /load`.
 *
 * - `admin` keeps the admin API on `settings.adminSocket` (`unix//abs/path`) after the load, and `persist: false`
 *   keeps Caddy from writing the loaded configuration to its autosave file.
 * - One HTTP server, `quadletman`, listens on `:httpsPort`; Caddy's automatic HTTPS gets certificates for the route
 *   hosts and redirects plain HTTP on `httpPort` to HTTPS.
 * - One route per edge route, ordered by host and, within a host, longer path prefixes first; each matches its host
 *   and path prefix and proxies to `127.0.0.1:<upstreamPort>`. A route's options come before the proxy, in the
 *   order Caddy's Caddyfile adapter gives their directives: a `headers` handler setting its response headers
 *   (deferred, so they replace the app's), an `authentication` handler (`http_basic`, bcrypt, the hashes base64
 *   encoded, with Caddy's cache of checked passwords), a `headers` handler setting its request headers, and with
 *   basic auth one deleting `Authorization` from the request (the app never sees the password).
 * - After the routes, for each `redirectFrom` name of a route, a route matching that name and the route's path
 *   prefix that answers `308` with `Location: https://<host>[:httpsPort]{http.request.uri}` (path and query kept).
 * - One TLS automation policy for all route and redirect hosts, with Caddy's internal CA or ACME; in internal mode the local CA
 *   is told not to install its root certificate in the system trust store.
 *
 * The result does not depend on the order of `routes`, and its members are always in the same order.
 *
 * @throws Error for a route the spec layer would have refused: a malformed host or path, two routes for the same
 * host and path, or two routes to the same upstream port (the message names both routes).
 */
export function caddyConfig(
  routes: readonly EdgeRoute[],
  settings: EdgeSettings,
  certificates: readonly EdgeCertificate[] = [],
): CaddyConfig {
  const placed = place(routes, settings);
  const caddyRoutes: CaddyRoute[] = placed.routes.map(({ route, id }) => {
    const path = pathMatch(route.path);
    return {
      '@id': id,
      match: [path ? { host: [route.host], path } : { host: [route.host] }],
      handle: handlersOf(route),
      terminal: true,
    };
  });
  for (const { host, path: prefix, route, id } of placed.redirects) {
    const path = pathMatch(prefix);
    caddyRoutes.push({
      '@id': id,
      match: [path ? { host: [host], path } : { host: [host] }],
      handle: [
        {
          handler: 'static_response',
          headers: { Location: [redirectTarget(route, settings, '{http.request.uri}')] },
          status_code: 308,
        },
      ],
      terminal: true,
    });
  }
  const config: CaddyConfig = {
    admin: { listen: `unix/${settings.adminSocket}`, config: { persist: false } },
    apps: {},
  };
  // no routes: no server, so Caddy listens on nothing but its admin socket
  if (placed.routes.length > 0) {
    config.apps.http = {
      http_port: settings.httpPort,
      https_port: settings.httpsPort,
      servers: { [SERVER_NAME]: { listen: [`:${settings.httpsPort}`], routes: caddyRoutes } },
    };
    const hosts = hostsOf(placed);
    // a host an uploaded certificate covers is served with it: Caddy manages no certificate for it
    const managed = hosts.filter((h) => !certificateFor(h, certificates));
    const used = certificates.filter((c) => hosts.some((h) => c.hosts.some((n) => covers(n, h))));
    config.apps.tls = {
      ...(managed.length > 0
        ? { automation: { policies: [{ subjects: managed, issuers: [issuerOf(settings.tls)] }] } }
        : {}),
      ...(used.length > 0
        ? {
            certificates: {
              load_pem: used.map((c) => ({
                certificate: c.certificate,
                key: c.key,
                tags: [`quadletman:${c.fingerprint}`],
              })),
            },
          }
        : {}),
    };
  }
  if (settings.tls.mode === 'internal') {
    config.apps.pki = { certificate_authorities: { local: { install_trust: false } } };
  }
  return config;
}

/**
 * The edge's configuration as a Caddyfile, for people to read (quadletman loads the JSON of `caddyConfig`): a global
 * options block, then one site block per host, `host:httpsPort`, holding the host's routes in precedence order. A
 * path prefix other than `/` is a named matcher (`@r0 path /app /app/*`) with `handle @r0 { … }`; the `/` route is
 * the bare `handle { … }`, last. A comment names each route's compartment and target. A route's options are
 * `header { … defer }`, `basicauth bcrypt { user base64-hash }` and `request_header` lines before its
 * `reverse_proxy`; a redirected name is a site block of its own whose handle blocks `redir https://host{uri} 308`.
 *
 * In ACME production mode the Caddyfile says only `email`; Caddy's own default issuers then apply, where the JSON
 * names the ACME issuer alone.
 *
 * @throws Error as `caddyConfig` does, and for a host, path or setting a Caddyfile token could not hold (whitespace,
 * quotes, braces, `#`, control characters).
 */
export function caddyfile(
  routes: readonly EdgeRoute[],
  settings: EdgeSettings,
  certificates: readonly EdgeCertificate[] = [],
): string {
  const placed = place(routes, settings);
  const lines: string[] = ['{', `\tadmin unix/${settings.adminSocket}`, '\tpersist_config off'];
  lines.push(`\thttp_port ${settings.httpPort}`, `\thttps_port ${settings.httpsPort}`);
  if (settings.tls.mode === 'internal') {
    lines.push('\tlocal_certs', '\tskip_install_trust');
  } else {
    lines.push(`\temail ${settings.tls.email}`);
    if (settings.tls.staging) lines.push(`\tacme_ca ${ACME_STAGING_CA}`);
  }
  lines.push('}');
  // routes and redirects in one precedence order (their hosts differ), each with the lines of its handle block
  const sites: { host: string; path: string; comment: string; body: string[] }[] = [
    ...placed.routes.map(({ route }) => ({
      host: route.host,
      path: route.path,
      comment: `${route.compartment}: ${route.to}`,
      body: directivesOf(route),
    })),
    ...placed.redirects.map(({ host, path, route }) => ({
      host,
      path,
      comment: `${route.compartment}: redirect to ${route.host}`,
      body: [`redir ${redirectTarget(route, settings, '{uri}')} 308`],
    })),
  ].sort(compareRoutes);
  let host: string | undefined;
  let matcher = 0;
  for (const site of sites) {
    if (site.host !== host) {
      if (host !== undefined) lines.push('}');
      host = site.host;
      matcher = 0;
      lines.push('', `${site.host}:${settings.httpsPort} {`);
      const cert = certificateFor(site.host, certificates);
      // (the JSON loads the PEM itself; a Caddyfile would name files)
      if (cert) lines.push(`\t# TLS: the uploaded certificate ${cert.fingerprint}`);
    }
    lines.push(`\t# ${site.comment}`);
    const path = pathMatch(site.path);
    if (path) {
      const name = `@r${matcher++}`;
      lines.push(`\t${name} path ${path.join(' ')}`, `\thandle ${name} {`);
    } else {
      lines.push('\thandle {');
    }
    lines.push(...site.body.map((l) => `\t\t${l}`), '\t}');
  }
  if (host !== undefined) lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A header value as a quoted Caddyfile token (values hold no backslash, so only `"` needs escaping). */
const quoted = (value: string): string => `"${value.replaceAll('"', '\\"')}"`;

/** The directives of a route's handle block, one line each (a block's lines indented by a tab); Caddy would sort
 * them into the order `handlersOf` gives. */
function directivesOf(route: EdgeRoute): string[] {
  const out: string[] = [];
  const { request, response } = route.headers ?? {};
  if (hasHeaders(response)) {
    out.push('header {');
    for (const name of Object.keys(response).sort(compareText)) out.push(`\t${name} ${quoted(response[name]!)}`);
    out.push('\tdefer', '}');
  }
  if (route.basicAuth && route.basicAuth.length > 0) {
    out.push('basicauth bcrypt {');
    for (const a of route.basicAuth) out.push(`\t${a.user} ${Buffer.from(a.hash, 'utf8').toString('base64')}`);
    out.push('}');
  }
  if (hasHeaders(request)) {
    for (const name of Object.keys(request).sort(compareText))
      out.push(`request_header ${name} ${quoted(request[name]!)}`);
  }
  if (route.basicAuth && route.basicAuth.length > 0) out.push('request_header -Authorization');
  out.push(`reverse_proxy 127.0.0.1:${route.upstreamPort}`);
  return out;
}

/** A JSON value with the members that carry nothing removed; `undefined` when nothing is left. */
function prune(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    return value.length === 0 ? undefined : value.map((v) => prune(v) ?? null);
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareText)) {
      const v = prune((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

function equalPruned(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => equalPruned(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) return false;
  return ka.every((k) => Object.hasOwn(rb, k) && equalPruned(ra[k], rb[k]));
}

/**
 * Whether two JSON values are the same configuration: deep equality of JSON values (as `JSON.parse` gives them)
 * that ignores the order of object members, and takes an absent member, a `null` one, an empty array and an empty
 * object (also one that is empty once its own empty members are left out) as the same. Caddy's `GET /config/`
 * answers with its own member order and may leave out empty members, so a configuration loaded and read back
 * compares equal to the one loaded. Array elements are compared in order (route order matters).
 */
export function sameConfig(a: unknown, b: unknown): boolean {
  return equalPruned(prune(a), prune(b));
}
