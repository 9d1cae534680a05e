/**
 * The HTTP server's assembly: security headers, body limits, the one error shape, cookies, who is asking
 * (session or API token) and the CSRF check, the small body limit of anonymous requests, rate limits, the
 * audit log, /healthz, /metrics, the OpenAPI document and its browsable reference, the route modules, and the
 * web UI's files.
 *
 * Adding a route module: write a RoutePlugin (http/types.ts) and add it to ROUTES below (one line).
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../app.js';
import { HelperPam } from '../host/helper/client.js';
import type { Store } from '../store/index.js';
import { installAnonymousBodyLimit } from './anonymous-body.js';
import { createAudit, installAuditSafetyNet } from './audit.js';
import { auditRoutes } from './audit-routes.js';
import { createGuard, installAuthHooks, sessionCookieName } from './auth/hooks.js';
import { DEFAULT_PAM_GROUPS, HostPam, type PamAuthenticator } from './auth/pam.js';
import { authRoutes } from './auth/routes.js';
import { type AuthOptions, AuthService } from './auth/service.js';
import { errorHandler } from './errors.js';
import { installMetrics, Metrics } from './metrics.js';
import { adminRoutes } from './routes/admin.js';
import { applyRoutes } from './routes/apply.js';
import { backupRoutes } from './routes/backups.js';
import { catalogRoutes } from './routes/catalog.js';
import { compartmentRoutes } from './routes/compartments.js';
import { bundleRoutes } from './routes/compartments-bundles.js';
import { connectionRoutes } from './routes/connections.js';
import { convertRoutes } from './routes/convert.js';
import { edgeRoutes } from './routes/edge.js';
import { explainRoutes } from './routes/explain.js';
import { imageRoutes } from './routes/images.js';
import { liveRoutes } from './routes/live.js';
import { notificationRoutes } from './routes/notifications.js';
import { resourceRoutes } from './routes/resources.js';
import { systemRoutes } from './routes/system.js';
import { templateRoutes } from './routes/templates.js';
import { unitRoutes } from './routes/units.js';
import { updateRoutes } from './routes/updates.js';
import type { RouteDeps, RoutePlugin } from './types.js';

const SWAGGER_UI_STATIC = join(
  dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json')),
  'static',
);
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="32"><text x="0" y="24" font-family="sans-serif" font-size="22" fill="#fff">quadletman</text></svg>';

/** Route modules registered on every server (each one line). */
export const ROUTES: RoutePlugin[] = [
  compartmentRoutes,
  applyRoutes,
  unitRoutes,
  resourceRoutes,
  imageRoutes,
  updateRoutes,
  notificationRoutes,
  systemRoutes,
  bundleRoutes,
  templateRoutes,
  catalogRoutes,
  backupRoutes,
  edgeRoutes,
  connectionRoutes,
  liveRoutes,
  explainRoutes,
  convertRoutes,
];

export interface ServerOptions {
  /** Route modules (default ROUTES); the auth, admin and audit routes are always there. */
  routes?: readonly RoutePlugin[];
  /** HTTPS: PEM certificate and key. The session cookie is then Secure and named `__Host-qm_session`, and HSTS
   * is sent. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  logger?: FastifyServerOptions['logger'];
  /** Largest request body, bytes (default 1 MiB; a route may set its own). */
  bodyLimit?: number;
  /** Trust X-Forwarded-* from a reverse proxy (default false). */
  trustProxy?: boolean;
  /** The web UI's built files (packages/web/dist); none: no UI is served. */
  webRoot?: string;
  auth?: Omit<AuthOptions, 'pam'>;
  /** PAM login: the allowed groups (default sudo, wheel); false (the default here): local accounts only. */
  pam?: { groups?: readonly string[]; authenticator?: PamAuthenticator } | false;
  /** Requests per minute per address for anonymous requests (default 300); false: no limit. */
  rateLimit?: { max: number; timeWindowMs?: number } | false;
  /** Login and setup attempts per minute per address (default 10). */
  loginRateLimit?: { max: number; timeWindowMs?: number };
  /** Receives the first-run setup token when no administrator exists. */
  onSetupToken?: (token: string) => void;
}

export interface ServerHandles {
  auth: AuthService;
  store: Store;
  metrics: Metrics;
  /** The one-time setup token, while no administrator exists (printed by `quadletman serve`). */
  setupToken: string | undefined;
  /** The session cookie's name (`__Host-qm_session` under TLS, else `qm_session`). */
  sessionCookie: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    quadletman: ServerHandles;
  }
}

/** A Content-Security-Policy a bundled React app lives with: everything from this origin, inline styles
 * (editors and terminals inject <style>), images and fonts as data: URLs, no framing, no plugins. */
export function contentSecurityPolicy(): Record<string, string[]> {
  return {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
  };
}

export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const tls = options.tls;
  const server = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    // One line per request is noise at this volume; errors are still logged by errorHandler.
    logController: new LogController({ disableRequestLogging: true }),
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
  } as FastifyServerOptions) as unknown as FastifyInstance;

  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  server.setErrorHandler(errorHandler);

  const pam =
    options.pam === undefined || options.pam === false
      ? false
      : (options.pam.authenticator ??
        (ctx.helper
          ? new HelperPam(ctx.helper, options.pam.groups ?? DEFAULT_PAM_GROUPS)
          : new HostPam(ctx.host.exec, options.pam.groups)));
  const auth = new AuthService(ctx.store, { ...options.auth, pam });
  const metrics = new Metrics();
  const writer = createAudit(ctx.store);
  const guard = createGuard();
  const cookies = { secure: tls !== undefined };
  const setupToken = auth.issueSetupToken();
  if (setupToken) options.onSetupToken?.(setupToken);
  const sessionCookie = sessionCookieName(cookies);
  server.decorate('quadletman', { auth, store: ctx.store, metrics, setupToken, sessionCookie } satisfies ServerHandles);

  await server.register(fastifyHelmet, {
    // upgrade-insecure-requests only under TLS: over plain HTTP (a LAN address) it would break every asset.
    contentSecurityPolicy: { directives: { ...contentSecurityPolicy(), upgradeInsecureRequests: tls ? [] : null } },
    strictTransportSecurity: tls ? { maxAge: 31_536_000 } : false,
    crossOriginEmbedderPolicy: false,
  });
  await server.register(fastifyCookie);
  installAuthHooks(server, auth, cookies);
  installAnonymousBodyLimit(server);
  installMetrics(server, metrics, ctx.store, guard);
  installAuditSafetyNet(server, writer);

  const rl = options.rateLimit ?? { max: 300 };
  await server.register(fastifyRateLimit, {
    global: rl !== false,
    max: rl === false ? 1_000_000 : rl.max,
    timeWindow: rl === false ? 60_000 : (rl.timeWindowMs ?? 60_000),
    // Authenticated requests are not limited globally (an apply's progress, logs and events would trip it);
    // anonymous ones (login, setup, probes) are, per address.
    allowList: (req) => req.principal !== undefined,
    errorResponseBuilder: (_req, c) => ({
      statusCode: 429,
      message: `Too many requests; try again in ${Math.ceil(c.ttl / 1000)} s.`,
    }),
  });

  await server.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'quadletman API',
        version: '0.1.0',
        description:
          'Errors are `{ "error": { "code", "message", "details"? } }`. Authenticate with the session cookie ' +
          '(browser; state-changing requests also need `X-CSRF-Token`) or `Authorization: Bearer qmt_…`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookie },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await server.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Explicit files and logo: in the bundled CLI the plugin cannot find its own folder (no __dirname).
    baseDir: SWAGGER_UI_STATIC,
    logo: { type: 'image/svg+xml', content: LOGO_SVG },
  });

  server.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  server.get('/api/openapi.json', { schema: { hide: true } }, async () => server.swagger());

  // At the root, before the route modules, so any of them can declare `websocket: true` routes (1 MiB frames).
  await server.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });

  const deps: RouteDeps = { app: ctx, guard, audit: writer.audit };
  const loginRateLimit = {
    max: options.loginRateLimit?.max ?? 10,
    timeWindow: options.loginRateLimit?.timeWindowMs ?? 60_000,
  };
  const plugins: RoutePlugin[] = [
    authRoutes({ auth, writer, cookies, loginRateLimit }),
    adminRoutes(auth),
    auditRoutes,
    ...(options.routes ?? ROUTES),
  ];
  for (const plugin of plugins) await server.register(async (instance) => plugin(instance, deps));

  if (options.webRoot) {
    await server.register(fastifyStatic, { root: options.webRoot, wildcard: false, index: 'index.html' });
    // The UI routes on the client: any other GET for a page gets index.html.
    server.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html')) {
        return reply.sendFile('index.html');
      }
      return reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url}.` } });
    });
  } else {
    server.setNotFoundHandler((req, reply) =>
      reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url}.` } }),
    );
  }

  const prune = setInterval(() => {
    try {
      auth.pruneSessions();
    } catch (err) {
      server.log.warn({ err }, 'could not prune sessions');
    }
  }, 10 * 60_000);
  prune.unref();
  server.addHook('onClose', async () => clearInterval(prune));
  return server;
}
