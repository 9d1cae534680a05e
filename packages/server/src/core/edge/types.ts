/**
 * The edge's vocabulary: the routes quadletman serves through its Caddy and the settings of that Caddy. Pure
 * types; caddy-config.ts turns them into Caddy's JSON configuration and a Caddyfile to read.
 */

/** One route as the edge serves it: requests for `host` whose path is `path` or below it go to the loopback port
 * quadletman published for the route's container. */
export interface EdgeRoute {
  compartment: string;
  /** A DNS name, lower case, no trailing dot (`photos.example.org`). */
  host: string;
  /** A path prefix: `/` (everything), or `/app` (no trailing slash): `/app` and everything below `/app/`. */
  path: string;
  /** The container and its port the route reaches (`web:8080`), for people reading the configuration. */
  to: string;
  /** The port on 127.0.0.1 that the container publishes for the route. */
  upstreamPort: number;
  /** Headers the edge sets on the request to the app and on the response to the client (`Name: value`). */
  headers?: { request?: Record<string, string>; response?: Record<string, string> };
  /** HTTP basic authentication: user names and their bcrypt hashes (`$2b$12$…`). */
  basicAuth?: { user: string; hash: string }[];
  /** Host names answering with a permanent redirect (308) to this route's host, path and query kept. */
  redirectFrom?: string[];
}

/** How the edge gets its certificates. */
export type EdgeTls =
  /** Caddy's own certificate authority (its root certificate is downloaded from quadletman and trusted by hand). */
  | { mode: 'internal' }
  /** ACME (public names): the e-mail given to the CA; `staging` uses the CA's staging directory. */
  | { mode: 'acme'; email: string; staging: boolean };

export interface EdgeSettings {
  /** Caddy's admin API: a Unix socket only quadletman may use. */
  adminSocket: string;
  /** Where plain HTTP is served (redirects to HTTPS, and ACME's HTTP challenge). */
  httpPort: number;
  httpsPort: number;
  tls: EdgeTls;
  /** quadletman's own web UI behind the edge, on a host name of its own (`proxy self`): the UI's loopback port. */
  self?: { host: string; port: number };
}

/** A certificate uploaded for the edge: served for the route hosts it covers instead of one Caddy gets. */
export interface EdgeCertificate {
  fingerprint: string;
  /** The DNS names it covers (`*.example.org` for a wildcard). */
  hosts: string[];
  /** PEM: the chain, leaf first; and its key. */
  certificate: string;
  key: string;
}
