/**
 * Connections between compartments: GET /api/connections (every provided service with who uses it, and whether the
 * loopback guard is enforced). Anyone logged in sees the services of the compartments they may see, and those
 * their compartments use; changing connections is an apply of the specs (`provides:`, `uses:`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrorSchema, ConnectionsSchema } from '../../api/contract.js';
import type { CompartmentId } from '../../core/ids.js';
import { LINK_ADDRESS } from '../../core/spec-links.js';
import { errorBody } from '../errors.js';
import type { RoutePlugin } from '../types.js';
import { zodInstance } from './compartments-common.js';
import { viewable } from './live-access.js';

export const connectionRoutes: RoutePlugin = async (instance, { app, guard }) => {
  const r = zodInstance(instance);
  const loggedIn = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.principal) await reply.status(401).send(errorBody('unauthorized', 'Log in first.'));
  };
  r.get(
    '/api/connections',
    {
      preHandler: loggedIn,
      schema: {
        tags: ['edge'],
        summary: 'Connections between compartments: provided services, who uses them, and whether they are guarded',
        response: { 200: ConnectionsSchema, 401: ApiErrorSchema },
      },
    },
    async (req) => {
      const ids = app.compartments.list().map((c) => c.id);
      const visible = await viewable(instance, guard, req, ids);
      const sees = (id: string) => visible === 'all' || visible.has(id as CompartmentId);
      const connections = app.links.connections(sees).map((c) => ({
        ...c,
        // a consumer the user may not see is counted, not named
        consumers: c.consumers.map((u) =>
          sees(u.compartment) ? u : { compartment: '(another compartment)', as: u.as },
        ),
      }));
      return { enforced: app.links.enforced, address: LINK_ADDRESS, connections };
    },
  );
};
