/**
 * The edge: GET /api/edge (Caddy's state, the Caddyfile, every visible route requested once through it),
 * GET /api/edge/ca.crt (the internal CA's root certificate, to trust), PUT /api/edge/settings (ports, TLS) and
 * POST /api/edge/sync (load the configuration again now).
 *
 * Roles: anyone logged in sees the routes of the compartments they may see (global viewers also the Caddyfile) and
 * the root certificate; changing the edge is for admins.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ApiErrorSchema,
  EdgeCertificateBodySchema,
  EdgeCertificateSchema,
  EdgeSettingsBodySchema,
  EdgeSettingsSchema,
  EdgeStatusSchema,
} from '../../api/contract.js';
import { NotFoundError } from '../../core/errors.js';
import type { CompartmentId } from '../../core/ids.js';
import { errorBody } from '../errors.js';
import type { RoutePlugin } from '../types.js';
import { audited, zodInstance } from './compartments-common.js';
import { viewable } from './live-access.js';

const tags = ['edge'];

export const edgeRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  const loggedIn = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.principal) await reply.status(401).send(errorBody('unauthorized', 'Log in first.'));
  };
  const admin = guard('admin', { compartmentParam: false });

  r.get(
    '/api/edge',
    {
      preHandler: loggedIn,
      schema: {
        tags,
        summary: "The edge (Caddy): whether it runs the store's configuration, and each route's answer",
        querystring: z.object({ compartment: z.string().max(64).optional() }),
        response: { 200: EdgeStatusSchema, 401: ApiErrorSchema },
      },
    },
    async (req) => {
      const ids = app.compartments.list().map((c) => c.id);
      const visible = await viewable(instance, guard, req, ids);
      const only = req.query.compartment;
      if (visible !== 'all' && (!only || !visible.has(only as CompartmentId))) {
        // a viewer of some compartments sees their routes only, and not the whole configuration
        const status = await app.edge.status();
        return {
          ...status,
          caddyfile: '',
          routes: status.routes.filter((x) => visible.has(x.compartment as CompartmentId)),
        };
      }
      const status = await app.edge.status(only ? { compartment: only } : {});
      // (a viewer of the one compartment asked for: its routes, without the whole configuration)
      return visible === 'all' ? status : { ...status, caddyfile: '' };
    },
  );

  r.get(
    '/api/edge/ca.crt',
    {
      // (a root certificate is public: anyone logged in may fetch it to trust the routes)
      preHandler: loggedIn,
      schema: { tags, summary: "The internal CA's root certificate (PEM), to add to browsers' trust" },
    },
    async (_req, reply) => {
      const pem = await app.edge.rootCertificate().catch(() => undefined);
      if (!pem) throw new NotFoundError('The edge has no internal CA yet (Caddy is not running, or uses ACME).');
      return reply
        .header('content-type', 'application/x-pem-file')
        .header('content-disposition', 'attachment; filename="quadletman-edge-root.crt"')
        .send(pem);
    },
  );

  r.put(
    '/api/edge/settings',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Change the edge's ports or TLS, and load its configuration again",
        body: EdgeSettingsBodySchema,
        response: { 200: EdgeSettingsSchema },
      },
    },
    async (req) =>
      audited(audit, req, { action: 'edge.settings', target: 'edge:settings', details: { ...req.body } }, async () => {
        const next = await app.edge.configure(req.body);
        await app.edge.sync().catch(() => undefined);
        return next;
      }),
  );

  r.post(
    '/api/edge/sync',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Load the configuration into Caddy now when it runs another one',
        response: { 200: z.object({ outcome: z.enum(['loaded', 'in-sync', 'busy', 'unreachable']) }) },
      },
    },
    async (req) =>
      audited(
        audit,
        req,
        { action: 'edge.sync', target: 'edge:caddy' },
        async () => ({ outcome: await app.edge.sync() }),
        (r) => ({ result: r.outcome === 'loaded' || r.outcome === 'in-sync' ? 'ok' : 'failed', details: r }),
      ),
  );

  r.post(
    '/api/edge/certificates',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Upload a certificate and its key, served for the route hosts it names instead of one Caddy gets',
        body: EdgeCertificateBodySchema,
        response: { 201: EdgeCertificateSchema, 400: ApiErrorSchema },
      },
    },
    async (req, reply) =>
      audited(
        audit,
        req,
        { action: 'edge.certificate.add', target: 'certificate' },
        async () => {
          const info = app.edge.addCertificate(req.body);
          await app.edge.sync().catch(() => undefined);
          return info;
        },
        (info) => ({
          result: 'ok',
          target: `certificate:${info.fingerprint}`,
          details: { fingerprint: info.fingerprint, hosts: info.hosts },
        }),
      ).then((info) => reply.status(201).send(info)),
  );

  r.delete(
    '/api/edge/certificates/:fingerprint',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Remove an uploaded certificate (its hosts get certificates from Caddy again)',
        params: z.object({ fingerprint: z.string().regex(/^[0-9A-Fa-f:]{64,95}$/) }),
        response: { 204: z.null(), 404: ApiErrorSchema },
      },
    },
    async (req, reply) =>
      audited(
        audit,
        req,
        {
          action: 'edge.certificate.remove',
          target: `certificate:${req.params.fingerprint.toUpperCase()}`,
          details: {
            fingerprint: req.params.fingerprint,
            hosts:
              app.edge.certificates().find((c) => c.fingerprint === req.params.fingerprint.toUpperCase())?.hosts ?? [],
          },
        },
        async () => {
          app.edge.removeCertificate(req.params.fingerprint);
          await app.edge.sync().catch(() => undefined);
          return reply.status(204).send(null);
        },
      ),
  );
};
