/**
 * The `routes:` of a spec: which host names (and path prefixes) the edge sends to which container port of the
 * compartment. Each route's container publishes its port on a loopback port of its own (`port`, given by
 * quadletman when the spec leaves it out), and only the edge connects to it there. Pure.
 */
import { getLast, parseUnitFile } from '@quadletman/quadlet';
import { z } from 'zod';

export interface RouteSpec {
  /** A DNS name, lower case, no trailing dot. */
  host: string;
  /** A path prefix: `/`, or `/app` (no trailing slash). */
  path: string;
  /** `<unit>:<port>`: a `.container` (not in a pod) or `.pod` unit of the compartment (typed or text), and the
   * port inside it. */
  to: string;
  /** The loopback port (127.0.0.1) the unit publishes the route's port on; undefined until quadletman gives one. */
  port?: number;
  /** Headers the edge sets: on the request it passes to the app, and on the response the client gets. */
  headers?: RouteHeaders;
  /** Who may pass (HTTP basic authentication): user names and bcrypt hashes, never passwords. */
  basicAuth?: BasicAuthUser[];
  /** Other host names that answer with a permanent redirect (308) to `https://<host><path and query>`. */
  redirectFrom?: string[];
}

export interface RouteHeaders {
  /** Set on the request the edge passes to the app (`Name: value`). */
  request?: Record<string, string>;
  /** Set on the response the client gets, over what the app sent. */
  response?: Record<string, string>;
}

export interface BasicAuthUser {
  user: string;
  /** A bcrypt hash (`$2b$12$…`, 60 characters). */
  hash: string;
}

/** A route's options, as the store keeps them (its `options` column), or undefined when it has none. */
export type RouteOptions = Pick<RouteSpec, 'headers' | 'basicAuth' | 'redirectFrom'>;

/** Where quadletman gives routes their loopback ports, unless a spec names one. */
export const ROUTE_PORTS = { first: 20000, last: 29999 } as const;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const PATH = /^\/(?:[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*)?$/;
const TO = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([0-9]{1,5})$/;

const digits = (what: string) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^[0-9]{1,5}$/, `${what} must be a port 1..65535`)
        .transform(Number),
    ])
    .pipe(z.number().int().min(1, `${what} must be a port 1..65535`).max(65535, `${what} must be a port 1..65535`));

const hostSchema = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .max(253, `${what} must be at most 253 characters`)
    .transform((h) => h.toLowerCase())
    .refine((h) => HOST.test(h), `${what} must be a DNS name: labels of letters, digits and - joined by dots`);

/** An HTTP header name: a token (RFC 7230 tchar) that starts with a letter or digit (Caddy reads a leading
 * + - ? > as an operation). */
const HEADER_NAME = /^[A-Za-z0-9][!#$%&'*+.^_`|~0-9A-Za-z-]*$/;
/** A header value the edge sets: visible ASCII and inner spaces; no braces or backslash (Caddy placeholders). */
const HEADER_VALUE = /^[\x21-\x5b\x5d-\x7a|~]+(?: +[\x21-\x5b\x5d-\x7a|~]+)*$/;
/** Headers that frame the message or are hop-by-hop: never set by a route, on either side. */
const HOP_BY_HOP = [
  'connection',
  'content-length',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'keep-alive',
  'proxy-connection',
];
/** Request headers the edge owns or that frame the message: setting them would break or confuse proxying. */
const REQUEST_REFUSED = new Set([
  ...HOP_BY_HOP,
  'host',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);
/** Response headers that frame the message or are hop-by-hop. */
const RESPONSE_REFUSED = new Set(HOP_BY_HOP);
const MAX_HEADERS = 32;

/** Why `v` is no header value the edge sets (HEADER_VALUE refused it). */
function headerValueProblem(v: string): string {
  if (v === '') return 'header value must not be empty';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this names.
  if (/[\u0000-\u001f\u007f]/.test(v)) return 'header value must not contain line breaks, NUL or control characters';
  if (/[{}\\]/.test(v)) return 'header value must not contain { } or \\ (Caddy reads them as placeholders)';
  if (/[^\x20-\x7e]/.test(v)) return 'header value must be printable ASCII';
  return 'header value must not start or end with a space';
}

const headerMap = (where: 'request' | 'response', refused: ReadonlySet<string>) =>
  z
    .record(z.string(), z.unknown(), { error: `headers.${where} must be a map of header names to values` })
    .superRefine((m, ctx) => {
      const names = Object.keys(m);
      if (names.length > MAX_HEADERS) {
        ctx.addIssue({ code: 'custom', message: `headers.${where} may set at most ${MAX_HEADERS} headers` });
      }
      const seen = new Map<string, string>();
      for (const name of names) {
        const v = m[name];
        const lower = name.toLowerCase();
        if (name.length > 128 || !HEADER_NAME.test(name)) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message:
              "header name must be an HTTP token of at most 128 characters: a letter or digit, then letters, digits and !#$%&'*+.^_`|~-",
          });
        } else if (refused.has(lower)) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `${name} cannot be set on the ${where}: the edge and the HTTP connection own it`,
          });
        } else if (seen.has(lower)) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `${name} is set twice (as ${seen.get(lower)}; header names ignore case)`,
          });
        }
        seen.set(lower, name);
        if (typeof v !== 'string') {
          ctx.addIssue({ code: 'custom', path: [name], message: 'header value must be a string' });
        } else if (v.length > 1024) {
          ctx.addIssue({ code: 'custom', path: [name], message: 'header value must be at most 1024 characters' });
        } else if (!HEADER_VALUE.test(v)) {
          ctx.addIssue({ code: 'custom', path: [name], message: headerValueProblem(v) });
        }
      }
    })
    .transform((m) => m as Record<string, string>);

const headersSchema = z
  .strictObject(
    {
      request: headerMap('request', REQUEST_REFUSED).optional(),
      response: headerMap('response', RESPONSE_REFUSED).optional(),
    },
    { error: 'headers must be { request, response }: maps of header names to values' },
  )
  .transform((h): RouteHeaders | undefined => {
    const out: RouteHeaders = {};
    if (h.request && Object.keys(h.request).length > 0) out.request = h.request;
    if (h.response && Object.keys(h.response).length > 0) out.response = h.response;
    return out.request || out.response ? out : undefined;
  });

/** A user name basic authentication can carry: no `:` (it ends the user in the header), no braces (Caddy). */
const BASIC_USER = /^[A-Za-z0-9._@+-]{1,64}$/;
/** A bcrypt hash in modular crypt format: `$2a$`, `$2b$` or `$2y$`, cost 10 to 14, 22 characters of salt and 31
 * of hash in bcrypt's base64 alphabet: 60 characters. */
export const BCRYPT_HASH = /^\$2[aby]\$1[0-4]\$[./A-Za-z0-9]{53}$/;

/** A bcrypt hash given base64 encoded (as Caddy's documentation of 2.6 writes them), decoded; any other text as
 * it is. */
function fromBase64Hash(text: string): string {
  if (text.startsWith('$') || !/^[A-Za-z0-9+/]{80}$/.test(text)) return text;
  const decoded = atob(text);
  return BCRYPT_HASH.test(decoded) ? decoded : text;
}

const basicAuthUserSchema = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
    error: 'a basic auth entry must be { user, hash }',
  })
  .superRefine((e, ctx) => {
    // (a password, or anything else, is named before what is missing: `{ user, password }` says why)
    for (const k of Object.keys(e)) {
      if (k === 'user' || k === 'hash') continue;
      ctx.addIssue({
        code: 'custom',
        path: [k],
        message: /pass|secret|token/i.test(k)
          ? 'passwords are never part of a spec: give a bcrypt hash of it as hash'
          : 'unknown key (a basic auth entry has user and hash)',
      });
    }
  })
  .pipe(
    z.object({
      user: z
        .string({ error: 'user must be a string' })
        .regex(BASIC_USER, 'user must be 1 to 64 letters, digits and . _ @ + - (no : or spaces)'),
      hash: z
        .string({ error: 'hash must be a string' })
        .transform(fromBase64Hash)
        .refine(
          (h) => BCRYPT_HASH.test(h),
          'hash must be a bcrypt hash ($2a$, $2b$ or $2y$, cost 10 to 14, 60 characters) as `caddy hash-password` prints it (or its base64); passwords are never part of a spec',
        ),
    }),
  )
  .transform((e): BasicAuthUser => ({ user: e.user, hash: e.hash }));

const basicAuthSchema = z
  .array(basicAuthUserSchema, { error: 'basicAuth must be a list of { user, hash }' })
  .superRefine((users, ctx) => {
    if (users.length === 0)
      ctx.addIssue({ code: 'custom', message: 'basicAuth must name at least one user (leave it out for none)' });
    if (users.length > 64) ctx.addIssue({ code: 'custom', message: 'basicAuth may name at most 64 users' });
    const seen = new Map<string, number>();
    users.forEach((u, i) => {
      const other = seen.get(u.user);
      if (other !== undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'user'], message: `${u.user} is named twice (basicAuth[${other}])` });
      } else seen.set(u.user, i);
    });
  });

const redirectFromSchema = z
  .array(hostSchema('redirectFrom host'), { error: 'redirectFrom must be a list of host names' })
  .superRefine((hosts, ctx) => {
    if (hosts.length === 0)
      ctx.addIssue({ code: 'custom', message: 'redirectFrom must name at least one host (leave it out for none)' });
    if (hosts.length > 16) ctx.addIssue({ code: 'custom', message: 'redirectFrom may name at most 16 hosts' });
    const seen = new Map<string, number>();
    hosts.forEach((h, i) => {
      const other = seen.get(h);
      if (other !== undefined) {
        ctx.addIssue({ code: 'custom', path: [i], message: `${h} is named twice (redirectFrom[${other}])` });
      } else seen.set(h, i);
    });
  });

export const routeSchema = z
  .strictObject(
    {
      host: hostSchema('host'),
      path: z
        .string({ error: 'path must be a string' })
        .max(1024, 'path must be at most 1024 characters')
        .refine(
          (p) => PATH.test(p) && !p.split('/').some((s) => s === '.' || s === '..'),
          'path must be / or a prefix like /app: segments of letters, digits and . _ ~ - (no trailing /, no . or ..)',
        )
        .default('/'),
      to: z
        .string({ error: 'to must be a string' })
        .regex(TO, 'to must be UNIT:PORT, e.g. web:8080 (a .container or .pod unit of the compartment)')
        .refine((t) => {
          const n = Number(t.slice(t.lastIndexOf(':') + 1));
          return n >= 1 && n <= 65535;
        }, 'to must name a port 1..65535'),
      port: digits('port')
        .refine((p) => p >= 1024, 'port must be 1024 or above (the edge connects to it on 127.0.0.1)')
        .optional(),
      headers: headersSchema.optional(),
      basicAuth: basicAuthSchema.optional(),
      redirectFrom: redirectFromSchema.optional(),
    },
    { error: 'must be { host, path, to, port, headers, basicAuth, redirectFrom }' },
  )
  .superRefine((r, ctx) => {
    const authorization = Object.keys(r.headers?.request ?? {}).find((n) => n.toLowerCase() === 'authorization');
    if (r.basicAuth && authorization) {
      ctx.addIssue({
        code: 'custom',
        path: ['headers', 'request', authorization],
        message: `${authorization} cannot be set on the request of a route with basicAuth: the edge removes it`,
      });
    }
    const i = r.redirectFrom?.indexOf(r.host) ?? -1;
    if (i >= 0) {
      ctx.addIssue({ code: 'custom', path: ['redirectFrom', i], message: `${r.host} is the route's own host` });
    }
  })
  .transform(
    (r): RouteSpec => ({
      host: r.host,
      path: r.path,
      to: r.to,
      ...(r.port ? { port: r.port } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.basicAuth ? { basicAuth: r.basicAuth } : {}),
      ...(r.redirectFrom ? { redirectFrom: [...r.redirectFrom].sort() } : {}),
    }),
  );

/** The route's options as the store keeps them, or undefined when it has none. */
export function routeOptions(r: RouteSpec): RouteOptions | undefined {
  const o: RouteOptions = {
    ...(r.headers ? { headers: r.headers } : {}),
    ...(r.basicAuth ? { basicAuth: r.basicAuth } : {}),
    ...(r.redirectFrom ? { redirectFrom: r.redirectFrom } : {}),
  };
  return Object.keys(o).length > 0 ? o : undefined;
}

/** A route's target: the unit's file-name stem and the port inside it. */
export function routeTarget(route: Pick<RouteSpec, 'to'>): { unit: string; port: number } {
  const m = TO.exec(route.to);
  if (!m) throw new Error(`not a route target: ${route.to}`);
  return { unit: m[1]!, port: Number(m[2]) };
}

/** `host/path` as people read a route (`photos.example.org/`, `example.org/app`). */
export const routeKey = (r: Pick<RouteSpec, 'host' | 'path'>): string => `${r.host}${r.path}`;

/** What is wrong with the routes given the compartment's units (by file name), one message per problem with
 * where it is; empty when they are fine. */
export function routeProblems(
  routes: readonly RouteSpec[],
  units: Readonly<Record<string, { format: string; model?: unknown; text?: string }>>,
): { index: number; field: string | (string | number)[]; message: string }[] {
  const out: { index: number; field: string | (string | number)[]; message: string }[] = [];
  const keys = new Map<string, number>();
  const ports = new Map<number, number>();
  routes.forEach((r, index) => {
    const key = routeKey(r);
    const other = keys.get(key);
    if (other !== undefined) out.push({ index, field: 'host', message: `${key} is routed twice (routes[${other}])` });
    else keys.set(key, index);
    if (r.port !== undefined) {
      const p = ports.get(r.port);
      if (p !== undefined && routes[p]!.to !== r.to) {
        out.push({ index, field: 'port', message: `port ${r.port} is given to routes[${p}] for another target` });
      } else ports.set(r.port, index);
    }
    const problem = targetProblem(routeTarget(r).unit, units);
    if (problem) out.push({ index, field: 'to', message: problem });
  });
  // a redirected host answers for one route host only, and no route of the compartment serves it
  const served = new Map<string, number>();
  routes.forEach((r, index) => {
    if (!served.has(r.host)) served.set(r.host, index);
  });
  const redirected = new Map<string, number>();
  routes.forEach((r, index) => {
    for (const [i, h] of (r.redirectFrom ?? []).entries()) {
      const field = ['redirectFrom', i];
      const route = served.get(h);
      const other = redirected.get(h);
      if (route !== undefined) {
        out.push({ index, field, message: `${h} is the host of routes[${route}]: it cannot also redirect` });
      } else if (other !== undefined && routes[other]!.host !== r.host) {
        out.push({
          index,
          field,
          message: `${h} already redirects to ${routes[other]!.host} (routes[${other}].redirectFrom)`,
        });
      } else if (other === undefined) redirected.set(h, index);
    }
  });
  return out;
}

/** Why `unit` cannot be the target of a route or a provided service (a `.container` not in a pod, or a `.pod`,
 * typed or text), or undefined when it can. */
export function targetProblem(
  unit: string,
  units: Readonly<Record<string, { format: string; model?: unknown; text?: string }>>,
): string | undefined {
  const container = units[`${unit}.container`];
  const pod = units[`${unit}.pod`];
  if (container && (container.format === 'model' || container.format === 'text')) {
    const inPod =
      container.format === 'model'
        ? (container.model as { container?: { pod?: unknown } }).container?.pod !== undefined
        : getLast(parseUnitFile(container.text ?? ''), 'Container', 'Pod') !== undefined;
    return inPod ? `${unit}.container runs in a pod: name the pod (its ports are published by the pod)` : undefined;
  }
  if (pod && (pod.format === 'model' || pod.format === 'text')) return undefined;
  return `the compartment has no ${unit}.container or ${unit}.pod unit`;
}

/** FNV-1a (32 bits) of `text` as 8 hex digits: a short fingerprint, not a secret. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** A route's options in a few words, with a fingerprint of all of them (hashes and header values too), so that
 * any change of them changes the text: `auth 2 users, headers 3, redirect www.example.org #1a2b3c4d`; empty when
 * it has none. */
export function describeOptions(r: RouteSpec): string {
  const o = routeOptions(r);
  if (!o) return '';
  const parts: string[] = [];
  if (o.basicAuth) parts.push(`auth ${o.basicAuth.length} user${o.basicAuth.length === 1 ? '' : 's'}`);
  const headers = Object.keys(o.headers?.request ?? {}).length + Object.keys(o.headers?.response ?? {}).length;
  if (headers > 0) parts.push(`headers ${headers}`);
  if (o.redirectFrom) parts.push(`redirect ${o.redirectFrom.join(' ')}`);
  // (header names sorted: the order a spec lists them in changes nothing the edge does)
  const sorted = (m: Record<string, string> | undefined) =>
    m && Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const canonical = {
    request: sorted(o.headers?.request),
    response: sorted(o.headers?.response),
    basicAuth: o.basicAuth,
    redirectFrom: o.redirectFrom,
  };
  return `${parts.join(', ')} #${fingerprint(JSON.stringify(canonical))}`;
}

/** A route as a plan shows it: `photos.example.org/ → web:8080 (127.0.0.1:20000)`, and its options in brackets:
 * `… [auth 1 user, redirect www.example.org #1a2b3c4d]`. */
export function describeRoute(r: RouteSpec): string {
  const options = describeOptions(r);
  return `${routeKey(r)} → ${r.to}${r.port ? ` (127.0.0.1:${r.port})` : ''}${options ? ` [${options}]` : ''}`;
}

/** The routes `desired` adds and `applied` had that it no longer has, as plans show them. */
export function routeChanges(
  desired: readonly RouteSpec[],
  applied: readonly RouteSpec[],
): { add: string[]; remove: string[] } {
  const d = new Set(desired.map(describeRoute));
  const a = new Set(applied.map(describeRoute));
  return { add: [...d].filter((x) => !a.has(x)), remove: [...a].filter((x) => !d.has(x)) };
}
