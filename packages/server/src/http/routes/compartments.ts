/**
 * Compartment routes: the list with unit counts by state (the dashboard), one compartment in detail, create
 * and delete. Roles: viewer reads (the list needs a login and shows the compartments the principal may view,
 * asked of the guard), admin creates (globally) and deletes.
 */
import {
  ApiErrorSchema,
  CompartmentDetailSchema,
  CompartmentListSchema,
  CompartmentParams,
  CompartmentSchema,
  CreateCompartmentBody,
  DeleteCompartmentQuery,
  DeletedSchema,
} from '../../api/contract.js';
import type { CompartmentId } from '../../core/ids.js';
import { removedAccessDetails } from '../../core/service/compartments.js';
import { errorBody } from '../errors.js';
import type { RoutePlugin } from '../types.js';
import { audited, zodInstance } from './compartments-common.js';
import { overviewOf } from './compartments-overview.js';
import { viewable } from './live-access.js';

const tags = ['compartments'];

export const compartmentRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  const overview = overviewOf(app);
  // /metrics reports containers by state from the same cache (on the real server; route tests have no metrics).
  if (instance.hasDecorator('quadletman'))
    instance.quadletman.metrics.setContainerStates(() => overview.containerStates());

  r.get(
    '/api/compartments',
    {
      schema: {
        tags,
        summary: 'List compartments with how many of their units are in each state',
        description:
          'Unit states are read from systemd at most every 2 s per compartment (statusAt says when); ' +
          'live changes come through the event stream.',
        response: { 200: CompartmentListSchema, 401: ApiErrorSchema },
      },
      preHandler: async (req, reply) => {
        if (!req.principal) await reply.status(401).send(errorBody('unauthorized', 'Log in first.'));
      },
    },
    async (req, reply) => {
      const { summaries, json } = await overview.summaries();
      const may = await viewable(
        instance,
        guard,
        req,
        summaries.map((c) => c.id as CompartmentId),
      );
      // (the answer is cached as JSON text, built from the contract's shapes; a string is sent as it is)
      const body =
        may === 'all'
          ? json
          : JSON.stringify({ compartments: summaries.filter((c) => may.has(c.id as CompartmentId)) });
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );

  r.post(
    '/api/compartments',
    {
      schema: {
        tags,
        summary: 'Create a compartment (its Linux user, subuid/subgid range, linger and Podman storage)',
        body: CreateCompartmentBody,
        response: { 201: CompartmentSchema },
      },
      preHandler: guard('admin', { compartmentParam: false }),
    },
    async (req, reply) => {
      const { id, description, podmanVersion } = req.body;
      const c = await audited(audit, req, { action: 'compartment.create', target: `compartment:${id}` }, () =>
        app.compartments.create({ id, description: description ?? '', podmanVersion: podmanVersion ?? null }),
      );
      overview.invalidate(id);
      return reply.status(201).send(c);
    },
  );

  r.get(
    '/api/compartments/:id',
    {
      schema: {
        tags,
        summary: 'One compartment: its units with their state, and its latest revisions',
        params: CompartmentParams,
        response: { 200: CompartmentDetailSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req, reply) => {
      const json = await overview.detailJson(req.params.id);
      return reply.type('application/json; charset=utf-8').send(json as never);
    },
  );

  r.delete(
    '/api/compartments/:id',
    {
      schema: {
        tags,
        summary: 'Delete a compartment: stop and remove its units, its user, subids and storage',
        description: 'Its managed host volumes are kept unless `volumes=true`.',
        params: CompartmentParams,
        querystring: DeleteCompartmentQuery,
        response: { 200: DeletedSchema },
      },
      preHandler: guard('admin'),
    },
    async (req) => {
      const { id } = req.params;
      const volumes = req.query.volumes ?? false;
      await audited(
        audit,
        req,
        { action: 'compartment.delete', target: `compartment:${id}`, details: { volumes } },
        () => app.compartments.delete(id, { volumes }),
        (removed) => ({ result: 'ok', details: removedAccessDetails(removed) }),
      );
      overview.invalidate(id);
      // Its API tokens are gone: no remembered resolution may outlive them (a compartment made again at once).
      if (instance.hasDecorator('quadletman')) instance.quadletman.auth.forgetTokens();
      return { deleted: id, volumes };
    },
  );
};
