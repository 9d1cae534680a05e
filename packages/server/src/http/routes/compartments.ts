/**
 * Compartment routes: the list with unit counts by state (the dashboard), one compartment in detail, create
 * and delete. Roles: viewer reads (the list needs a global grant), admin creates (globally) and deletes.
 */
import {
  CompartmentDetailSchema,
  CompartmentListSchema,
  CompartmentParams,
  CompartmentSchema,
  CreateCompartmentBody,
  DeleteCompartmentQuery,
  DeletedSchema,
  type RevisionSummaryDto,
} from '../../api/contract.js';
import type { RoutePlugin } from '../types.js';
import { audited, unitDtos, zodInstance } from './compartments-common.js';
import { overviewOf } from './compartments-overview.js';

const tags = ['compartments'];

export const compartmentRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  const overview = overviewOf(app);

  r.get(
    '/api/compartments',
    {
      schema: {
        tags,
        summary: 'List compartments with how many of their units are in each state',
        description:
          'Unit states are read from systemd at most every 2 s per compartment (statusAt says when); ' +
          'live changes come through the event stream.',
        response: { 200: CompartmentListSchema },
      },
      preHandler: guard('viewer', { compartmentParam: false }),
    },
    async () => ({ compartments: await overview.summaries() }),
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
    async (req) => {
      const c = app.compartments.get(req.params.id);
      const units = await overview.unitsWithStatus(c);
      const history = app.compartments.history(c.id, { limit: 5 }) as RevisionSummaryDto[];
      return { ...c, units: unitDtos(units), history };
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
      );
      overview.invalidate(id);
      return { deleted: id, volumes };
    },
  );
};
